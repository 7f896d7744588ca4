/**
 * The step view: what the learner sees after every run. Solved steps collapse to one line, the
 * first failing step shows its tests with their assertion messages (and what the failing test
 * printed), later steps the learner has started show one line each, untouched ones stay locked,
 * so the spec teaches one step at a time. A run that misbehaved says how: stopped (an infinite
 * loop), timed out (a promise that never settles), errors no test caught.
 *
 * `renderStepViewToFit` cuts it to a terminal: the header, the failing test's name and its
 * message always stay; what goes first is the tail of the diff and of the output, each cut said.
 */
import { relative } from "node:path";
import { stripVTControlCharacters } from "node:util";
import type { Kata } from "./catalogue.ts";
import pc from "./colors.ts";
import { kataPaths, ROOT } from "./paths.ts";
import {
  type FailureInfo,
  firstFailingStep,
  isGreen,
  type KataResult,
  type StepInfo,
  type TestInfo,
} from "./results.ts";
import type { CompileError } from "./typecheck.ts";

export interface StepViewInput {
  kata: Kata;
  result: KataResult;
  typeErrors: CompileError[];
  solvedCount: number;
  kataCount: number;
  /** Failures shown with their messages per failing step; the others by name only. */
  maxFailures?: number;
  /** Lines of an expected-vs-received diff shown per failure. */
  maxDiffLines?: number;
  /** Lines of a failing test's console output shown under it. */
  maxOutputLines?: number;
  /** The width to lay the header out for (a terminal's columns). */
  columns?: number;
  /** Show the failing tests' passing neighbours by name (dropped first when space is short). */
  showPassingTests?: boolean;
  /** What to say where output was cut: how to see all of it (watch mode has a key). */
  outputHint?: string;
  /** One line for the solved steps, one for the later ones, one for stray errors (small screens). */
  compact?: boolean;
}

const DEFAULTS = {
  maxFailures: 3,
  maxDiffLines: 16,
  maxOutputLines: 10,
  columns: 100,
  showPassingTests: true,
  outputHint: "",
  compact: false,
};

/** Colour stays only where the terminal shows it (NO_COLOR, a pipe: plain text). */
const plain = (text: string) => (pc.isColorSupported ? text : stripVTControlCharacters(text));
const visible = (text: string) => stripVTControlCharacters(text);
const plural = (n: number, noun: string, many = `${noun}s`) => `${n} ${n === 1 ? noun : many}`;
const seconds = (ms: number) => `${Math.max(1, Math.round(ms / 1000))} s`;

export function progressBar(done: number, total: number, width = 24): string {
  const filled = total === 0 ? 0 : Math.round((done / total) * width);
  return `${pc.green("█".repeat(filled))}${pc.dim("░".repeat(width - filled))} ${done}/${total} katas solved`;
}

/** The title line, laid out for `columns`: the bar shrinks, then the slug goes, then the title. */
export function headerLine(
  input: Pick<StepViewInput, "kata" | "solvedCount" | "kataCount">,
  columns: number,
): string {
  const { kata } = input;
  const count = `${input.solvedCount}/${input.kataCount} katas solved`;
  for (const barWidth of [24, 16, 10, 6]) {
    const line = `${pc.bold(kata.title)} ${pc.dim(`(${kata.slug})`)}   ${progressBar(input.solvedCount, input.kataCount, barWidth)}`;
    if (visible(line).length <= columns) return line;
  }
  const room = columns - count.length - 3;
  const title =
    kata.title.length <= room ? kata.title : `${kata.title.slice(0, Math.max(0, room - 1))}…`;
  return `${pc.bold(title)}   ${pc.dim(count)}`;
}

export function renderStepView(options: StepViewInput): string {
  const input = { ...DEFAULTS, ...options };
  return wrapLines(renderLines(input), input.columns).map(plain).join("\n");
}

/**
 * Lines wider than `columns` wrapped at word boundaries, the continuation indented like the line
 * (a terminal would break them mid-word, back at column 0). A line in one colour keeps it.
 */
export function wrapLines(lines: string[], columns: number): string[] {
  return lines.flatMap((line) => wrapLine(line, columns));
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: SGR colour codes are what is matched
const LEADING_SGR = /^((?:\x1b\[[\d;]*m)+)/;

function wrapLine(line: string, columns: number): string[] {
  const text = visible(line);
  if (text.length <= columns || columns < 20) return [line];
  const colour = LEADING_SGR.exec(line)?.[1] ?? "";
  const paint = (piece: string) => (colour ? `${colour}${piece}\x1b[0m` : piece);
  const indent = /^\s*/.exec(text)?.[0] ?? "";
  const more = `${indent}  `.slice(0, Math.floor(columns / 2));
  const out: string[] = [];
  let current = "";
  for (const word of text.trimStart().split(/(?<= )/)) {
    const start = out.length === 0 ? indent : more;
    const candidate = current === "" ? start + word : current + word;
    if (visible(candidate).trimEnd().length > columns && current.trim() !== "") {
      out.push(current.trimEnd());
      current = more + word;
    } else current = candidate;
    // A single word longer than the line: cut it.
    while (current.length > columns) {
      out.push(current.slice(0, columns));
      current = more + current.slice(columns);
    }
  }
  if (current.trim() !== "") out.push(current.trimEnd());
  return out.map(paint);
}

function renderLines(input: typeof DEFAULTS & StepViewInput): string[] {
  const { kata, result, typeErrors } = input;
  const lines: string[] = [headerLine(input, input.columns), ""];

  if (result.stopped) {
    lines.push(...renderStopped(result), "");
    lines.push(`run stopped · edit ${pc.cyan(relative(ROOT, kataPaths(kata.slug).stub))} and save`);
    return lines;
  }

  if (result.loadErrors.length > 0) {
    lines.push(pc.red(pc.bold("The spec could not run: your file does not load.")));
    if (typeErrors.length > 0) {
      // The compiler's file:line messages read better than the bundler's framed excerpt.
      lines.push(...renderTypeErrors(typeErrors));
    } else {
      for (const error of result.loadErrors) {
        lines.push(...renderFailure({ ...error, message: visible(error.message) }, "  ", input));
      }
    }
    return lines;
  }

  const failing = firstFailingStep(result);
  const failingIndex = failing ? result.steps.indexOf(failing) : result.steps.length;
  const solved = result.steps.slice(0, failingIndex);
  if (input.compact && failing && solved.length > 1) lines.push(solvedStepsLine(solved));
  else for (const step of solved) lines.push(stepLine(step, "done"));
  if (failing) {
    lines.push(stepLine(failing, "failing"));
    lines.push(...renderFailingStep(failing, input));
    // Later steps: the ones the learner has started show where they are; the others are locked.
    const later = result.steps.slice(failingIndex + 1);
    const started = later.filter((step) => step.tests.some((t) => t.state === "passed"));
    if (input.compact && started.length > 1) lines.push(laterStepsLine(started));
    else for (const step of started) lines.push(stepLine(step, "later"));
    const locked = later.filter((step) => !started.includes(step));
    if (locked.length > 0) {
      const tests = locked.reduce((sum, step) => sum + step.tests.length, 0);
      const steps = plural(locked.length, started.length > 0 ? "step" : "more step");
      lines.push(pc.dim(`🔒 ${steps} locked (${plural(tests, "test")})`));
    }
  }
  lines.push(...renderUnhandled(result, input.compact));
  lines.push("");
  lines.push(...renderTypeErrors(typeErrors));
  const summary = `${result.passed}/${result.total} tests passing`;
  if (isGreen(result) && typeErrors.length === 0) {
    lines.push(pc.green(pc.bold(`✔ ${summary} — kata solved!`)));
  } else if (isGreen(result)) {
    lines.push(
      pc.yellow(`${summary}, but your file has type errors: fix them to finish the kata.`),
    );
  } else if (result.passed === result.total && result.unhandled.length > 0) {
    lines.push(pc.yellow(`${summary}, but errors escaped the tests: fix them to finish the kata.`));
  } else {
    lines.push(`${summary} · edit ${pc.cyan(relative(ROOT, kataPaths(kata.slug).stub))}`);
  }
  return lines;
}

/** How many terminal rows `text` takes at `columns` (long lines wrap). */
export function screenRows(text: string, columns: number): number {
  return text
    .split("\n")
    .reduce(
      (rows, line) => rows + Math.max(1, Math.ceil(visible(line).length / Math.max(1, columns))),
      0,
    );
}

/**
 * The step view cut to fit a terminal of `rows` × `columns`. Cut first: the other failures'
 * messages, the output, the passing neighbours' names, then the diff's tail to exactly what fits;
 * the header, the failing test's name and its message stay (each cut is said where it was made).
 */
export function renderStepViewToFit(input: StepViewInput, rows: number, columns = 100): string {
  const base = { ...input, columns };
  const attempts: Partial<StepViewInput>[] = [
    {},
    { maxFailures: 1 },
    { maxFailures: 1, maxOutputLines: 4 },
    { maxFailures: 1, maxOutputLines: 4, showPassingTests: false },
    { maxFailures: 1, maxOutputLines: 4, showPassingTests: false, compact: true },
  ];
  let screen = "";
  for (const attempt of attempts) {
    screen = renderStepView({ ...base, ...attempt });
    if (screenRows(screen, columns) <= rows) return screen;
  }
  // The diff, then the output, get whatever rows are left.
  const tight = { ...base, maxFailures: 1, showPassingTests: false, compact: true };
  for (const maxOutputLines of [3, 2, 0]) {
    const withoutDiff = screenRows(
      renderStepView({ ...tight, maxOutputLines, maxDiffLines: 0 }),
      columns,
    );
    const maxDiffLines = Math.max(0, rows - withoutDiff - 1);
    screen = renderStepView({ ...tight, maxOutputLines, maxDiffLines });
    if (screenRows(screen, columns) <= rows) return screen;
  }
  return keepTop(screen, rows, columns);
}

/** The first `rows` rows of `screen`: the header and the failing test come first, so they stay. */
function keepTop(screen: string, rows: number, columns: number): string {
  const kept: string[] = [];
  for (const line of screen.split("\n")) {
    if (screenRows([...kept, line].join("\n"), columns) > rows - 1) break;
    kept.push(line);
  }
  return [...kept, pc.dim("… (make the terminal taller to see the rest)")].join("\n");
}

/** "✓ steps 1–3 (18/18)": the solved steps in one line. */
function solvedStepsLine(steps: StepInfo[]): string {
  const tests = steps.reduce((n, step) => n + step.tests.length, 0);
  const range = `${steps[0]?.number}–${steps.at(-1)?.number}`;
  return `${pc.green("✓")} steps ${range} ${pc.dim(`(${tests}/${tests})`)}`;
}

/** "◐ started later: step 5 (2/3), step 6 ✓": the later steps with passing tests, in one line. */
function laterStepsLine(steps: StepInfo[]): string {
  const each = steps.map((step) => {
    const passed = step.tests.filter((t) => t.state === "passed").length;
    return passed === step.tests.length
      ? `${step.number} ✓`
      : `${step.number} (${passed}/${step.tests.length})`;
  });
  return `${pc.yellow("◐")} later steps started: ${each.join(", ")}`;
}

const stepTitle = (step: StepInfo) =>
  step.number > 0 ? `step ${step.number} — ${step.title}` : step.title;

function stepLine(step: StepInfo, where: "done" | "failing" | "later"): string {
  const passed = step.tests.filter((t) => t.state === "passed").length;
  const count = pc.dim(`(${passed}/${step.tests.length})`);
  if (where === "failing") return `${pc.red("✗")} ${pc.bold(stepTitle(step))} ${count}`;
  if (passed === step.tests.length) return `${pc.green("✓")} ${stepTitle(step)} ${count}`;
  return `${pc.yellow("◐")} ${stepTitle(step)} ${count}`;
}

function renderFailingStep(step: StepInfo, input: typeof DEFAULTS & StepViewInput): string[] {
  const lines: string[] = [];
  let detailed = 0;
  let passingHidden = 0;
  const failingCount = step.tests.filter((t) => t.state === "failed").length;
  for (const [index, test] of step.tests.entries()) {
    if (test.state === "passed") {
      if (input.showPassingTests) lines.push(`    ${pc.green("✓")} ${test.name}`);
      else passingHidden += 1;
      continue;
    }
    if (test.state === "skipped") continue; // counted below, with the reason
    lines.push(`    ${pc.red("✗")} ${test.name}`);
    if (detailed < input.maxFailures) {
      detailed += 1;
      const failure = test.failures[0];
      if (failure) lines.push(...renderFailure(failure, "        ", input, test));
      if (test.output) lines.push(...renderOutput(test.output, "        ", input));
      if (test.timedOut) lines.push(...renderSkippedAfterTimeout(step, index));
    }
  }
  if (passingHidden > 0)
    lines.push(pc.dim(`    (${plural(passingHidden, "passing test")} in this step not shown)`));
  if (failingCount > detailed)
    lines.push(
      pc.dim(
        `    (messages shown for the first ${plural(detailed, "failing test")}; fix those first)`,
      ),
    );
  return lines;
}

/** After a timeout the rest of the spec is skipped (learner-run.ts): say so, once. */
function renderSkippedAfterTimeout(step: StepInfo, index: number): string[] {
  const rest = step.tests.slice(index + 1).filter((t) => t.state === "skipped").length;
  if (rest === 0) return [];
  return [
    pc.dim(`        (the tests after it did not run: a timed-out test ends the run, fix it first)`),
  ];
}

function renderFailure(
  failure: FailureInfo,
  indent: string,
  input: typeof DEFAULTS & StepViewInput,
  test?: TestInfo,
): string[] {
  const message = test?.timedOut ? timeoutMessage(failure.message) : failure.message;
  const lines = message
    .split("\n")
    .slice(0, 8)
    .map((line) => `${indent}${pc.red(line)}`);
  if (failure.diff && input.maxDiffLines > 0) {
    const diff = failure.diff.split("\n");
    for (const line of diff.slice(0, input.maxDiffLines)) lines.push(`${indent}${line}`);
    const cut = diff.length - input.maxDiffLines;
    if (cut > 0) lines.push(`${indent}${pc.dim(`… ${plural(cut, "more diff line")}`)}`);
  } else if (failure.diff) {
    lines.push(
      `${indent}${pc.dim(`(${plural(failure.diff.split("\n").length, "diff line")} not shown: make the terminal taller to see them)`)}`,
    );
  }
  if (failure.location) lines.push(`${indent}${pc.dim(`at ${failure.location}`)}`);
  return lines;
}

/** vitest's timeout message, said in the learner's terms. */
function timeoutMessage(message: string): string {
  const ms = Number(/timed out in (\d+)ms/.exec(message)?.[1] ?? Number.NaN);
  const after = Number.isFinite(ms) ? ` after ${seconds(ms)}` : "";
  return `timed out${after}: the test waited for a promise of yours that never settled — a missing resolve or reject, or an await on something that never happens?`;
}

function renderOutput(
  output: string[],
  indent: string,
  input: typeof DEFAULTS & StepViewInput,
): string[] {
  if (input.maxOutputLines <= 0)
    return [
      `${indent}${pc.dim(`(it printed ${plural(output.length, "line")}: make the terminal taller to see them)`)}`,
    ];
  const shown = output.slice(0, input.maxOutputLines);
  const lines = [`${indent}${pc.dim(`console output (${plural(output.length, "line")}):`)}`];
  for (const line of shown) lines.push(`${indent}${pc.dim("│")} ${line}`);
  const cut = output.length - shown.length;
  if (cut > 0)
    lines.push(
      `${indent}${pc.dim(`… ${plural(cut, "more line")}${input.outputHint ? `: ${input.outputHint}` : ""}`)}`,
    );
  return lines;
}

function renderStopped(result: KataResult): string[] {
  const stopped = result.stopped;
  if (!stopped) return [];
  const lines = [
    pc.red(
      pc.bold(
        `⏹ Stopped after ${seconds(stopped.afterMs)}: the code under test did not return — an infinite loop?`,
      ),
    ),
  ];
  if (stopped.test) lines.push(`  It was running: ${pc.bold(stopped.test)}`);
  lines.push(
    pc.dim("  The test process was stopped (its results went with it). Save a fix to run again."),
  );
  return lines;
}

function renderUnhandled(result: KataResult, compact: boolean): string[] {
  if (result.unhandled.length === 0) return [];
  const total = result.unhandled.reduce((n, u) => n + u.count, 0);
  const first = result.unhandled[0];
  if (compact && first)
    return [
      pc.yellow(
        `⚠ ${plural(total, "error")} no test caught, e.g. an ${first.kind.toLowerCase()}: ${first.message}`,
      ),
    ];
  const lines = [
    "",
    pc.yellow(
      `⚠ ${plural(total, "error")} no test caught — a promise nobody awaited or returned (a loose \`p.then(…)\`), or a throw from a timer:`,
    ),
  ];
  for (const error of result.unhandled.slice(0, 3)) {
    const times = error.count > 1 ? ` ×${error.count}` : "";
    const where = error.test ? `, first seen during «${error.test}»` : "";
    lines.push(
      `  ${pc.yellow(`an ${error.kind.toLowerCase()}:`)} ${error.message}${pc.dim(`${times}${where}`)}`,
    );
  }
  if (result.unhandled.length > 3)
    lines.push(pc.dim(`  … and ${plural(result.unhandled.length - 3, "other message")}`));
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
