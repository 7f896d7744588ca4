/**
 * Setup file for the learner's runs (watch mode, `kata run`, the dojo), whose code misbehaves
 * while it is being written:
 *
 * - Each test announces itself to the runner as it starts (a message on the warm pool's channel,
 *   written at once), so that a run stuck in an infinite loop can be reported with the test it
 *   was in: vitest's own progress reports are batched, and a stuck process never sends them.
 * - A test that times out has waited the spec's whole per-test timeout (10 s) for a promise of the
 *   learner's that never settles; the tests after it almost always wait for the same promise. So
 *   once a test or hook of a spec file has timed out, whatever the file has not started yet is
 *   skipped: the learner hears about the first timeout after 10 s, not about forty of them after
 *   seven minutes. The step view says how many tests did not run, and why.
 */
import { beforeEach } from "vitest";
import { skipWhatHasNotStarted } from "./skip-unstarted.ts";
import { announceTest } from "./warm-pool/announce.ts";

/** vitest's own words for a test or hook that ran out of time. */
export const TIMEOUT_MESSAGE = /^(Test|Hook) timed out in \d+ms/;

beforeEach(({ task, onTestFailed }) => {
  announceTest(task);
  onTestFailed(() => {
    const timedOut = task.result?.errors?.some((error) =>
      TIMEOUT_MESSAGE.test(error.message ?? ""),
    );
    if (timedOut) for (const child of task.file.tasks) skipWhatHasNotStarted(child);
  });
});
