import { loadTracks } from "../lib/catalogue.ts";
import pc from "../lib/colors.ts";
import { writeReadmeTables } from "../lib/generated-docs.ts";

/** `docs`: rewrites the README's kata table from the catalogue and the katas' metadata. */
export async function docsCommand(): Promise<number> {
  const changed = writeReadmeTables(loadTracks({ strict: true }));
  console.log(
    changed
      ? "README.md: kata table rewritten."
      : pc.dim("README.md: kata table already up to date."),
  );
  return 0;
}
