/** The reference solution and how it differs from the learner's file. */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { createTwoFilesPatch } from "diff";
import pc from "picocolors";
import { kataPaths, ROOT } from "./paths.ts";

export function referenceWithDiff(slug: string): { reference: string; diff: string } {
  const paths = kataPaths(slug);
  const reference = readFileSync(paths.reference, "utf8");
  const learner = readFileSync(paths.stub, "utf8");
  const patch = createTwoFilesPatch(
    `${relative(ROOT, paths.stub)} (yours)`,
    `${relative(ROOT, paths.reference)} (reference)`,
    learner,
    reference,
    undefined,
    undefined,
    { context: 2 },
  );
  const diff = patch
    .split("\n")
    .slice(1) // the "====" line
    .map(colorDiffLine)
    .join("\n");
  return { reference, diff };
}

/** One line of a unified diff in the terminal's colours: headers bold, additions green, removals red. */
export function colorDiffLine(line: string): string {
  if (line.startsWith("+++") || line.startsWith("---")) return pc.bold(line);
  if (line.startsWith("+")) return pc.green(line);
  if (line.startsWith("-")) return pc.red(line);
  if (line.startsWith("@@")) return pc.cyan(line);
  return line;
}
