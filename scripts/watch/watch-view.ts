/**
 * Watch mode's screen, a pure function of the state, the workbook snapshot and the terminal's
 * size: the step view (or a panel over it), then a notice, the status line (a run in progress
 * says so, with the test it is in), and the keys that work now. Every line fits the width; the
 * whole fits the height.
 */
import { relative } from "node:path";
import { stripVTControlCharacters } from "node:util";
import pc from "../lib/colors.ts";
import { showHint } from "../lib/hints.ts";
import { kataPaths, ROOT } from "../lib/paths.ts";
import type { KataStatus } from "../lib/progress.ts";
import { renderStepViewToFit, screenRows } from "../lib/step-view.ts";
import { legend } from "./watch-keys.ts";
import type { Panel, WatchState, WorkbookSnapshot } from "./watch-state.ts";

export interface Terminal {
  rows: number;
  columns: number;
  /** performance.now(), for how long the run in progress has taken. */
  now: number;
}

const visible = (text: string) => stripVTControlCharacters(text);
const fitLine = (line: string, columns: number) => {
  const text = visible(line);
  return text.length <= columns ? line : `${text.slice(0, Math.max(0, columns - 1))}…`;
};

export function renderWatchScreen(
  state: WatchState,
  workbook: WorkbookSnapshot,
  terminal: Terminal,
): string {
  const { columns } = terminal;
  const footer = footerLines(state, terminal).map((line) => fitLine(line, columns));
  const bodyRows = Math.max(3, terminal.rows - footer.length - 1);
  const body = renderBody(state, workbook, bodyRows, columns);
  return [body, "", ...footer].join("\n");
}

/** The body's lines for the panel, or the step view; never more than `rows` rows. */
export function renderBody(
  state: WatchState,
  workbook: WorkbookSnapshot,
  rows: number,
  columns: number,
): string {
  if (state.panel) return renderPanel(state, state.panel, workbook, rows, columns);
  if (!state.last)
    return pc.dim(state.running ? `Running ${state.kata.slug}…` : `Starting ${state.kata.slug}…`);
  const solvedCount = workbook.catalogue.filter((k) => workbook.status(k.slug) === "solved").length;
  return renderStepViewToFit(
    {
      kata: state.kata,
      ...state.last,
      solvedCount,
      kataCount: workbook.catalogue.length,
      outputHint: "press o for all output",
    },
    rows,
    columns,
  );
}

function footerLines(state: WatchState, terminal: Terminal): string[] {
  const lines: string[] = [];
  if (state.notice) lines.push(state.notice);
  if (state.running) {
    const seconds = Math.floor((terminal.now - state.running.startedAt) / 1000);
    const done = state.running.done > 0 ? ` ${state.running.done} tests done` : "";
    const where = state.running.test ? ` · ${state.running.test}` : "";
    const took = seconds >= 1 ? ` (${seconds} s)` : "";
    lines.push(pc.cyan(`⟳ running…${done}${where}${took}`));
  } else {
    const last = state.last ? ` (last run ${Math.round(state.lastDurationMs)} ms)` : "";
    lines.push(
      pc.dim(`Watching ${relative(ROOT, kataPaths(state.kata.slug).dir)}/ — save to re-run${last}`),
    );
  }
  lines.push(
    state.question
      ? pc.yellow(`${state.question.text} [y/N]`)
      : pc.dim(legend(state.panel, terminal.columns)),
  );
  return lines;
}

function renderPanel(
  state: WatchState,
  panel: Panel,
  workbook: WorkbookSnapshot,
  rows: number,
  columns: number,
): string {
  switch (panel.kind) {
    case "hint": {
      const text = showHint(state.kata.title, panel.hint, panel.tiers, columns);
      const note = panel.lastWasShown ? `${pc.yellow("That was the last hint.")} ` : "";
      return clip(`${note ? `${note}\n` : ""}${text}`, rows, columns);
    }
    case "list":
      return renderList(state, panel.cursor, workbook, rows, columns);
    case "solution":
      return renderScroll(panel.lines, panel.offset, rows, columns);
    case "output":
      return renderScroll(outputLines(state), panel.offset, rows, columns);
  }
}

/** Cuts text to `rows` rows, saying so. */
function clip(text: string, rows: number, columns: number): string {
  if (screenRows(text, columns) <= rows) return text;
  const lines = text.split("\n");
  const kept: string[] = [];
  for (const line of lines) {
    if (screenRows([...kept, line].join("\n"), columns) > rows - 1) break;
    kept.push(line);
  }
  return [
    ...kept,
    pc.dim(`… ${lines.length - kept.length} more lines: make the terminal taller`),
  ].join("\n");
}

/** A window of `lines`, from `offset`, with where it is in the whole. */
function renderScroll(lines: string[], offset: number, rows: number, columns: number): string {
  const room = Math.max(1, rows - 1);
  const start = Math.min(offset, Math.max(0, lines.length - room));
  const shown = lines.slice(start, start + room).map((line) => fitLine(line, columns));
  const position =
    lines.length <= room
      ? pc.dim(`(${lines.length} lines)`)
      : pc.dim(
          `lines ${start + 1}–${start + shown.length} of ${lines.length} · ↑↓ PgUp PgDn to scroll`,
        );
  return [...shown, position].join("\n");
}

/** Every test's console output, test by test, for the `o` panel. */
export function outputLines(state: WatchState): string[] {
  const lines: string[] = [];
  for (const step of state.last?.result.steps ?? []) {
    for (const test of step.tests) {
      if (!test.output) continue;
      const mark =
        test.state === "passed"
          ? pc.green("✓")
          : test.state === "failed"
            ? pc.red("✗")
            : pc.dim("·");
      lines.push(`${mark} ${pc.bold(`step ${step.number} — ${step.title} › ${test.name}`)}`);
      for (const line of test.output) lines.push(`  ${pc.dim("│")} ${line}`);
    }
  }
  return lines.length > 0 ? lines : [pc.dim("No test printed anything in the last run.")];
}

const STATUS_MARK: Record<KataStatus, string> = {
  solved: pc.green("✔"),
  started: pc.yellow("◐"),
  edited: pc.yellow("✎"),
  new: pc.dim("·"),
};

export const LIST_LEGEND = `${pc.green("✔")} solved  ${pc.yellow("◐")} in progress  ${pc.yellow("✎")} edited, not run  ${pc.dim("·")} not started  ${pc.cyan("▶")} open now`;

function renderList(
  state: WatchState,
  cursor: number,
  workbook: WorkbookSnapshot,
  rows: number,
  columns: number,
): string {
  const lines = workbook.catalogue.map((kata, index) => {
    const status = workbook.status(kata.slug);
    const tests = workbook.tests(kata.slug);
    const progress =
      status !== "solved" && tests && tests.total > 0
        ? pc.dim(` ${tests.passed}/${tests.total}`)
        : "";
    const here = kata.slug === state.kata.slug ? pc.cyan("▶") : " ";
    const pointer = index === cursor ? pc.bold("›") : " ";
    const line = `${pointer}${here}${STATUS_MARK[status]} ${String(kata.position).padStart(2)}  ${kata.slug.padEnd(24)} ${pc.dim(kata.track)}${progress}`;
    return index === cursor ? pc.inverse(visible(line)) : line;
  });
  const room = Math.max(1, rows - 3);
  const start = Math.min(
    Math.max(0, cursor - Math.floor(room / 2)),
    Math.max(0, lines.length - room),
  );
  const window = lines.slice(start, start + room).map((line) => fitLine(line, columns));
  const more =
    lines.length > room ? pc.dim(`(${start + 1}–${start + window.length} of ${lines.length})`) : "";
  return [fitLine(LIST_LEGEND, columns), "", ...window, more]
    .filter((line, i, all) => line !== "" || i < all.length - 1)
    .join("\n");
}
