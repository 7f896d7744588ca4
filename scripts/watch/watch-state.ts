/**
 * What watch mode shows, as plain data: the kata, the last run, the run in progress, the panel
 * over the step view (a hint, the kata list, the reference, every test's output), a one-line
 * notice, a question waiting for y/N. The controller (commands/watch.ts) changes it; the view
 * (watch-view.ts) draws it; neither reads the other's secrets.
 */
import type { Kata } from "../lib/catalogue.ts";
import type { Hint } from "../lib/hints.ts";
import type { CheckedRun } from "../lib/kata-checker.ts";
import type { KataStatus } from "../lib/progress.ts";

export type Panel =
  | { kind: "hint"; hint: Hint; tiers: number; lastWasShown: boolean }
  | { kind: "list"; cursor: number }
  | { kind: "solution"; lines: string[]; offset: number }
  | { kind: "output"; offset: number };

export interface RunInProgress {
  startedAt: number;
  test?: string;
  done: number;
}

export interface WatchState {
  kata: Kata;
  last?: CheckedRun;
  lastDurationMs: number;
  running?: RunInProgress;
  panel?: Panel;
  /** One line under the view, until the next run's result replaces it. */
  notice?: string;
  question?: { text: string; action: string };
}

/** What the view needs to know of the rest of the workbook, read by the controller. */
export interface WorkbookSnapshot {
  catalogue: Kata[];
  status: (slug: string) => KataStatus;
  /** passed/total of the last run, for the list's "in progress" katas. */
  tests: (slug: string) => { passed: number; total: number } | undefined;
}

export const initialState = (kata: Kata): WatchState => ({ kata, lastDurationMs: 0 });

/** A panel's lines, scrolled: `offset` moved by `by`, kept inside the content. */
export function scrolled(panel: Panel, by: number, lines: number, rows: number): Panel {
  if (panel.kind !== "solution" && panel.kind !== "output") return panel;
  const max = Math.max(0, lines - rows);
  return { ...panel, offset: Math.min(max, Math.max(0, panel.offset + by)) };
}

/** The list panel's cursor moved by `by`, kept on a kata. */
export function movedCursor(panel: Panel, by: number, katas: number): Panel {
  if (panel.kind !== "list") return panel;
  return { ...panel, cursor: Math.min(katas - 1, Math.max(0, panel.cursor + by)) };
}
