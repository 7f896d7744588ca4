/**
 * The test side of the warm pool's private channel: tells the runner which test has just started
 * (see learner-run.ts). A no-op outside a warm-pool process.
 */
export const WARM_POOL_CHANNEL = "__kataWarmPool__";

export function announceTest(name: string): void {
  if (process.connected) process.send?.({ [WARM_POOL_CHANNEL]: "test", name });
}
