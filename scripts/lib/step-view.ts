/**
 * The step view: what the learner sees after every run. Solved steps collapse to one line, the
 * first failing step shows its tests with their assertion messages, later steps stay locked, so
 * the spec teaches one step at a time.
 */
import { relative } from "node:path";
import { stripVTControlCharacters } from "node:util";
import pc from "picocolors";
import type { Kata } from "./catalogue.ts";
import { kataPaths, ROOT } from "./paths.ts";
import {
  type FailureInfo,
  firstFailingStep,
  isGreen,
  type KataResult,
  type StepInfo,
} from "./results.ts";
import type { CompileError } from "./typecheck.ts";

export interface StepViewInput {
  kata: Kata;
  result: KataResult;
  typeErrors: CompileError[];
  solvedCount: number;
  kataCount: number;
  /** Failures shown per failing step; the rest are counted. */
  maxFailures?: number;
  /** Lines of an expected-vs-received diff shown per failure. */
  maxDiffLines?: number;
}

export function progressBar(done: number, total: number, width = 24): string {
  const filled = total === 0 ? 0 : Math.round((done / total) * width);
  return `${pc.green("█".repeat(filled))}${pc.dim("░".repeat(width - filled))} ${done}/${total} katas solved`;
}

export function renderStepView(input: StepViewInput): string {
  const { kata, result, typeErrors } = input;
  const lines: string[] = [];
  lines.push(
    `${pc.bold(kata.title)} ${pc.dim(`(${kata.slug})`)}   ${progressBar(input.solvedCount, input.kataCount)}`,
  );
  lines.push("");

  if (result.loadErrors.length > 0) {
    lines.push(pc.red(pc.bold("The spec could not run: your file does not load.")));
    if (typeErrors.length > 0) {
      // The compiler's file:line messages read better than the bundler's framed excerpt.
      lines.push(...renderTypeErrors(typeErrors));
    } else {
      for (const error of result.loadErrors) {
        lines.push(
          ...renderFailure({ ...error, message: stripVTControlCharacters(error.message) }, "  "),
        );
      }
    }
    return lines.join("\n");
  }

  const failing = firstFailingStep(result);
  for (const step of result.steps) {
    const passed = step.tests.filter((t) => t.state === "passed").length;
    const label = stepLabel(step);
    if (step === failing) {
      lines.push(`${pc.red("✗")} ${pc.bold(label)} ${pc.dim(`(${passed}/${step.tests.length})`)}`);
      lines.push(...renderFailingStep(step, input.maxFailures ?? 3, input.maxDiffLines ?? 16));
      break;
    }
    lines.push(`${pc.green("✓")} ${label} ${pc.dim(`(${passed}/${step.tests.length})`)}`);
  }
  if (failing) {
    const later = result.steps.slice(result.steps.indexOf(failing) + 1);
    if (later.length > 0) {
      const tests = later.reduce((sum, step) => sum + step.tests.length, 0);
      lines.push(
        pc.dim(`🔒 ${plural(later.length, "more step")} locked (${plural(tests, "test")})`),
      );
    }
  }
  lines.push("");
  lines.push(...renderTypeErrors(typeErrors));
  const summary = `${result.passed}/${result.total} tests passing`;
  if (isGreen(result) && typeErrors.length === 0) {
    lines.push(pc.green(pc.bold(`✔ ${summary} — kata solved!`)));
  } else if (isGreen(result)) {
    lines.push(
      pc.yellow(`${summary}, but your file has type errors: fix them to finish the kata.`),
    );
  } else {
    lines.push(`${summary} · edit ${pc.cyan(relative(ROOT, kataPaths(kata.slug).stub))}`);
  }
  return lines.join("\n");
}

/**
 * The step view cut to fit a terminal of `rows` lines: fewer failures and shorter diffs first, so
 * the header and the summary stay on screen (a full-screen view that scrolls loses its top).
 */
export function renderStepViewToFit(input: StepViewInput, rows: number): string {
  const attempts: [number, number][] = [
    [3, 16],
    [2, 10],
    [1, 10],
    [1, 4],
  ];
  let screen = "";
  for (const [maxFailures, maxDiffLines] of attempts) {
    screen = renderStepView({ ...input, maxFailures, maxDiffLines });
    if (screen.split("\n").length <= rows) return screen;
  }
  return screen;
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

const stepLabel = (step: StepInfo) =>
  step.number > 0 ? `step ${step.number} — ${step.title}` : step.title;

function renderFailingStep(step: StepInfo, maxFailures: number, maxDiffLines: number): string[] {
  const lines: string[] = [];
  let shown = 0;
  for (const test of step.tests) {
    if (test.state === "passed") {
      lines.push(`    ${pc.green("✓")} ${test.name}`);
      continue;
    }
    lines.push(`    ${pc.red("✗")} ${test.name}`);
    if (shown < maxFailures) {
      for (const failure of test.failures.slice(0, 1)) {
        lines.push(...renderFailure(failure, "        ", maxDiffLines));
      }
      shown += 1;
    }
  }
  const hidden = step.tests.filter((t) => t.state !== "passed").length - shown;
  if (hidden > 0)
    lines.push(
      pc.dim(
        `    (${hidden} more failing test${hidden === 1 ? "" : "s"} in this step; fix the first ones first)`,
      ),
    );
  return lines;
}

function renderFailure(failure: FailureInfo, indent: string, maxDiffLines = 16): string[] {
  const lines = failure.message
    .split("\n")
    .slice(0, 8)
    .map((line) => `${indent}${pc.red(line)}`);
  if (failure.diff) {
    const diff = failure.diff.split("\n");
    for (const line of diff.slice(0, maxDiffLines)) lines.push(`${indent}${line}`);
    if (diff.length > maxDiffLines)
      lines.push(`${indent}${pc.dim(`… ${diff.length - maxDiffLines} more diff lines`)}`);
  }
  if (failure.location) lines.push(`${indent}${pc.dim(`at ${failure.location}`)}`);
  return lines;
}

function renderTypeErrors(errors: CompileError[]): string[] {
  if (errors.length === 0) return [];
  const lines = [pc.yellow(`TypeScript errors (${errors.length}):`)];
  for (const error of errors.slice(0, 5))
    lines.push(`  ${pc.dim(error.location)} ${error.message.split("\n")[0]}`);
  if (errors.length > 5)
    lines.push(pc.dim(`  … and ${errors.length - 5} more (npm run typecheck)`));
  lines.push("");
  return lines;
}
