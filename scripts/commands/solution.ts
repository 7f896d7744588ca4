import pc from "picocolors";
import { findKata, loadCatalogue } from "../lib/catalogue.ts";
import { UserError } from "../lib/errors.ts";
import { readProgress, statusOf } from "../lib/progress.ts";
import { referenceWithDiff } from "../lib/solution.ts";

/** `solution <slug> [--force]`: the reference and its diff against your file, once you are green. */
export async function solutionCommand(
  slug: string | undefined,
  force: boolean | undefined,
): Promise<number> {
  const kata = findKata(loadCatalogue(), slug);
  const progress = readProgress();
  if (!force && statusOf(kata.slug, progress) !== "solved") {
    const entry = progress.katas[kata.slug];
    const where =
      entry && entry.total > 0 ? ` (last run: ${entry.passed}/${entry.total} passing)` : "";
    throw new UserError(
      `${kata.slug} is not solved yet${where}. Go green first (npm run kata -- run ${kata.slug}), ` +
        "or add --force to look anyway.",
      1,
    );
  }
  const { reference, diff } = referenceWithDiff(kata.slug);
  console.log(pc.bold(`Reference solution — ${kata.title}\n`));
  console.log(reference);
  console.log(pc.bold("\nYour file → the reference:\n"));
  console.log(diff || pc.dim("(identical)"));
  console.log(pc.dim(`\nWhy it is written this way: solutions/${kata.slug}/NOTES.md`));
  return 0;
}
