/**
 * The test side of the warm pool's private channel: tells the runner which test has just started
 * (see learner-run.ts and announce-tests.ts). A no-op outside a warm-pool process.
 */
import type { RunnerTask } from "vitest";

export const WARM_POOL_CHANNEL = "__kataWarmPool__";

export function announceTest(task: RunnerTask): void {
  if (process.connected) process.send?.({ [WARM_POOL_CHANNEL]: "test", name: fullName(task) });
}

/** "step 2 — … › the test", as the step view names tests. */
function fullName(task: RunnerTask): string {
  const names: string[] = [];
  // Up to the file, whose name is not shown (a top-level block's parent is the file, or none).
  for (let t: RunnerTask | undefined = task; t && t !== task.file; t = t.suite)
    names.unshift(t.name);
  return names.join(" › ");
}
