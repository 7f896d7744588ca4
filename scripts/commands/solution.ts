import { findKata, loadCatalogue } from "../lib/catalogue.ts";
import pc from "../lib/colors.ts";
import { UserError } from "../lib/errors.ts";
import { readProgress, statusOf } from "../lib/progress.ts";
import { referenceWithDiff } from "../lib/solution.ts";

/**
 * `solution <slug> [--force]`: once you are green, every file of the reference (the main one
 * first) and the main file's diff against yours.
 */
export async function solutionCommand(slug: string | undefined, force: boolean): Promise<number> {
  const kata = findKata(loadCatalogue(), slug);
  const progress = readProgress();
  const status = statusOf(kata.slug, progress);
  if (!force && status !== "solved") {
    const entry = progress.katas[kata.slug];
    const last = entry && entry.total > 0 ? `last run: ${entry.passed}/${entry.total} passing` : "";
    const why =
      status === "edited" && entry?.green
        ? `${kata.slug} was green, but your file has changed since (${last}): run it again (npm run kata -- run ${kata.slug})`
        : `${kata.slug} is not solved yet${last ? ` (${last})` : ""}. Go green first (npm run kata -- run ${kata.slug})`;
    throw new UserError(`${why}, or add --force to look anyway.`, 1);
  }
  const { files, diff } = referenceWithDiff(kata.slug);
  console.log(pc.bold(`Reference solution — ${kata.title}`));
  for (const file of files) {
    const role = file.main
      ? ""
      : pc.dim(" (part of the reference: your kata keeps it all in one file)");
    console.log(`\n${pc.bold(`── ${file.path}`)}${role}\n`);
    console.log(file.content.replace(/\n$/, ""));
  }
  console.log(pc.bold("\nYour file → the reference's main file:\n"));
  console.log(diff || pc.dim("(identical)"));
  console.log(pc.dim(`\nWhy it is written this way: solutions/${kata.slug}/NOTES.md`));
  return 0;
}
