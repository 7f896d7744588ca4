/**
 * Setup file for the contract check's runs of known-bad solutions. A bad solution is rejected by
 * its first failing test, so once a test in a spec file has failed, the file's remaining tests
 * are skipped rather than run: most of a bad run's time went into failing tests nobody reads.
 * Skipped tests still count in the total, so "all passed" still means the mistake got through.
 */
import { beforeEach } from "vitest";

/**
 * Spec files (by vitest's file id) in which a test has failed. vitest evaluates setup files again
 * for each spec file, but a reused process serves file after file: keyed, no failure can ever
 * be counted against the wrong file.
 */
const filesWithAFailure = new Set<string>();

beforeEach(({ task, skip, onTestFailed }) => {
  const file = task.file.id;
  if (filesWithAFailure.has(file)) skip("an earlier test failed: this bad solution is rejected");
  onTestFailed(() => {
    filesWithAFailure.add(file);
  });
});
