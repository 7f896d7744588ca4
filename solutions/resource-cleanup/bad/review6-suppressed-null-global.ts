// Mistake: breaks "A `SuppressedError` property that is there but holds `undefined` or `null` ... counts
// as not set: the `Error` is built by hand": the feature test is `!== undefined`, so a global left as
// `null` is taken for the native constructor and `new null(...)` throws a TypeError ("is not a
// constructor") instead of returning the SuppressedError (undefined, absent and real globals all work). (adversarial review, round 6)
export * from "../resource-cleanup";

import { acquireLock, type Lock } from "../resource-cleanup";

const SUPPRESSED_MESSAGE = "An error was suppressed during disposal";

type SuppressedErrorConstructor = new (
  error: unknown,
  suppressed: unknown,
  message?: string,
) => Error;

export function suppressedError(error: unknown, suppressed: unknown): Error {
  const Native = (globalThis as { SuppressedError?: SuppressedErrorConstructor | null })
    .SuppressedError;
  if (Native !== undefined) {
    return new (Native as SuppressedErrorConstructor)(error, suppressed, SUPPRESSED_MESSAGE);
  }
  return Object.assign(new Error(SUPPRESSED_MESSAGE), {
    name: "SuppressedError",
    error,
    suppressed,
  });
}

// withLock uses this module's suppressedError (the reference's would not see the change).
export async function withLock<T>(path: string, fn: (lock: Lock) => T | Promise<T>): Promise<T> {
  const lock = acquireLock(path);
  let result: T;
  try {
    result = await fn(lock);
  } catch (error) {
    try {
      lock.release();
    } catch (releaseError) {
      throw suppressedError(releaseError, error);
    }
    throw error;
  }
  lock.release();
  return result;
}
