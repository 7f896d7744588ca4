/**
 * The reference solution and how it differs from the learner's file. A reference may be several
 * modules (solutions/<slug>/*.ts: the main file imports its siblings); the learner's kata is one
 * file, so the main file is shown as a diff against it, and every other module in full, said to
 * be part of the reference.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { createTwoFilesPatch } from "diff";
import pc from "./colors.ts";
import { kataPaths, ROOT } from "./paths.ts";

export interface ReferenceFile {
  /** Relative to the workbook's root. */
  path: string;
  content: string;
  /** The kata's main file, which the learner's file stands for. */
  main: boolean;
}

/** Every file of the reference, the main one first (the library variant and bad ones are not). */
export function referenceFiles(slug: string): ReferenceFile[] {
  const paths = kataPaths(slug);
  const others = existsSync(paths.solutionDir)
    ? readdirSync(paths.solutionDir)
        .filter(
          (name) => name.endsWith(".ts") && !name.endsWith(".lib.ts") && name !== `${slug}.ts`,
        )
        .sort()
    : [];
  return [paths.reference, ...others.map((name) => join(paths.solutionDir, name))].map((file) => ({
    path: relative(ROOT, file),
    content: readFileSync(file, "utf8"),
    main: file === paths.reference,
  }));
}

export function referenceWithDiff(slug: string): { files: ReferenceFile[]; diff: string } {
  const paths = kataPaths(slug);
  const files = referenceFiles(slug);
  const learner = readFileSync(paths.stub, "utf8");
  const patch = createTwoFilesPatch(
    `${relative(ROOT, paths.stub)} (yours)`,
    `${relative(ROOT, paths.reference)} (reference)`,
    learner,
    files[0]?.content ?? "",
    undefined,
    undefined,
    { context: 2 },
  );
  // No hunk: the files are the same, and a bare pair of headers would read as an empty answer.
  const diff = patch.includes("\n@@")
    ? patch
        .split("\n")
        .slice(1) // the "====" line
        .map(colorDiffLine)
        .join("\n")
    : "";
  return { files, diff };
}

/**
 * The whole reference as lines for a scrolling panel: the diff of the main file against the
 * learner's, then each other module of the reference in full.
 */
export function solutionLines(slug: string): string[] {
  const { files, diff } = referenceWithDiff(slug);
  const lines = [
    `${pc.bold("Your file → the reference")} ${pc.dim(`(notes: solutions/${slug}/NOTES.md)`)}`,
    ...(diff.includes("@@")
      ? diff.split("\n")
      : [pc.dim("(your file is the same as the reference's main file)")]),
  ];
  for (const file of files.filter((f) => !f.main)) {
    lines.push(
      "",
      pc.bold(`${file.path} — part of the reference (your kata keeps it all in one file)`),
    );
    lines.push(...file.content.replace(/\n$/, "").split("\n"));
  }
  return lines;
}

/** One line of a unified diff in the terminal's colours: headers bold, additions green, removals red. */
export function colorDiffLine(line: string): string {
  if (line.startsWith("+++") || line.startsWith("---")) return pc.bold(line);
  if (line.startsWith("+")) return pc.green(line);
  if (line.startsWith("-")) return pc.red(line);
  if (line.startsWith("@@")) return pc.cyan(line);
  return line;
}
