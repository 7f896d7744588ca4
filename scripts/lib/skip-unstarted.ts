/**
 * Skipping what a spec file has not started yet, for the setup files that end a run early
 * (first-failure-only.ts, after-a-timeout.ts). It marks the tasks not yet started as skipped, which
 * vitest's runner reads as it reaches each one: a skipped describe block runs no hooks at all,
 * where `ctx.skip()` in a `beforeEach` would still have run the block's `beforeAll`.
 */
import type { RunnerTask } from "vitest";

export function skipWhatHasNotStarted(task: RunnerTask): void {
  if (task.result === undefined) task.mode = "skip";
  if (task.type === "suite") for (const child of task.tasks) skipWhatHasNotStarted(child);
}
