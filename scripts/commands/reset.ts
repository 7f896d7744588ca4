import { findKata, loadCatalogue } from "../lib/catalogue.ts";
import pc from "../lib/colors.ts";
import { confirm } from "../lib/prompt.ts";
import { resetKata } from "../lib/reset.ts";

/** `reset <slug> [--yes]`: back up the learner's file, restore the stub. */
export async function resetCommand(
  slug: string | undefined,
  yes: boolean | undefined,
): Promise<number> {
  const kata = findKata(loadCatalogue(), slug);
  if (
    !(await confirm(`Reset ${kata.slug} to its original stub? Your file is backed up first.`, yes))
  ) {
    console.log("Nothing changed.");
    return 0;
  }
  const { backup } = await resetKata(kata.slug);
  console.log(
    backup
      ? `${kata.slug} is back to its stub. Your previous file is saved as ${pc.cyan(backup)}.`
      : `${kata.slug} was already the untouched stub; nothing to back up.`,
  );
  return 0;
}
