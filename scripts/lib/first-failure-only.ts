/**
 * Setup file for the contract check's runs of known-bad solutions. A bad solution is rejected by
 * its first failing test, so once a test in a spec file has failed, whatever the file has not yet
 * started is skipped: most of a bad run's time went into tests nobody reads, and into the
 * `beforeAll` of later steps (atomic-config-write's crash test starts a child process there).
 *
 * It marks the tasks not yet started as skipped, which vitest's runner reads as it reaches each
 * one: a skipped describe block runs no hooks at all, where `ctx.skip()` in a `beforeEach` would
 * still have run the block's `beforeAll`. scripts/first-failure-only.test.ts holds it to that.
 * The main process sees those tests as never run ("pending"); they still count in the total, so
 * "all passed" still means the mistake got through.
 */
import { beforeEach, type RunnerTask } from "vitest";

function skipWhatHasNotStarted(task: RunnerTask): void {
  if (task.result === undefined) task.mode = "skip";
  if (task.type === "suite") for (const child of task.tasks) skipWhatHasNotStarted(child);
}

beforeEach(({ task, onTestFailed }) => {
  onTestFailed(() => {
    for (const child of task.file.tasks) skipWhatHasNotStarted(child);
  });
});
