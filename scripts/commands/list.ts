import pc from "picocolors";
import { loadCatalogue } from "../lib/catalogue.ts";
import { type KataStatus, readProgress, statusOf } from "../lib/progress.ts";

const STATUS_LABEL: Record<KataStatus, string> = {
  new: pc.dim("not started"),
  started: pc.yellow("in progress"),
  edited: pc.yellow("edited, not run"),
  solved: pc.green("✔ solved"),
};

export async function listCommand(): Promise<number> {
  const catalogue = loadCatalogue();
  const progress = readProgress();
  const rows = catalogue.map((kata) => {
    const entry = progress.katas[kata.slug];
    const status = statusOf(kata.slug, progress);
    const tests =
      entry && entry.total > 0 && status !== "solved"
        ? pc.dim(` ${entry.passed}/${entry.total}`)
        : "";
    return [
      String(kata.order).padStart(3),
      kata.slug.padEnd(24),
      kata.track.padEnd(15),
      `${"★".repeat(kata.difficulty)}${"☆".repeat(5 - kata.difficulty)}`,
      `${String(kata.minutes).padStart(3)} min`,
      STATUS_LABEL[status] + tests,
    ].join("  ");
  });
  console.log(
    pc.bold(
      ["  #", "kata".padEnd(24), "track".padEnd(15), "level", "   time", "status"].join("  "),
    ),
  );
  for (const row of rows) console.log(row);
  return 0;
}
