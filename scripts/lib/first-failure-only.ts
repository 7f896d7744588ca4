/**
 * Setup file for the contract check's runs of known-bad solutions. A bad solution is rejected by
 * its first failing test, so once a test in a spec file has failed, whatever the file has not yet
 * started is skipped: most of a bad run's time went into tests nobody reads, and into the
 * `beforeAll` of later steps (atomic-config-write's crash test starts a child process there).
 *
 * A skipped describe block runs no hooks at all (see skip-unstarted.ts);
 * scripts/first-failure-only.test.ts holds it to that.
 * The main process sees those tests as never run ("pending"); they still count in the total, so
 * "all passed" still means the mistake got through.
 */
import { beforeEach } from "vitest";
import { skipWhatHasNotStarted } from "./skip-unstarted.ts";

beforeEach(({ task, onTestFailed }) => {
  onTestFailed(() => {
    for (const child of task.file.tasks) skipWhatHasNotStarted(child);
  });
});
