// Mistake: releases the locks in the order they were taken, with a loop in a finally. It backs
// out on failure and runs every release, but the first lock taken is released first, so the
// guarded state is briefly protected by the inner locks alone, and errors nest the wrong way.
import { acquireLock, type Lock, suppressedError } from "../resource-cleanup";

export * from "../resource-cleanup";

export async function withLocks<T>(
  paths: readonly string[],
  fn: (locks: readonly Lock[]) => T | Promise<T>,
): Promise<T> {
  const duplicate = paths.find((path, i) => paths.indexOf(path) !== i);
  if (duplicate !== undefined) throw new TypeError(`withLocks: ${duplicate} is listed twice`);
  const locks: Lock[] = [];
  let failed = false;
  let failure: unknown;
  let result: T | undefined;
  try {
    for (const path of paths) locks.push(acquireLock(path));
    result = await fn(locks);
  } catch (error) {
    failed = true;
    failure = error;
  }
  let cleanupFailed = false;
  let cleanupError: unknown;
  for (const lock of locks) {
    try {
      lock.release();
    } catch (error) {
      cleanupError = cleanupFailed ? suppressedError(error, cleanupError) : error;
      cleanupFailed = true;
    }
  }
  if (cleanupFailed) throw failed ? suppressedError(cleanupError, failure) : cleanupError;
  if (failed) throw failure;
  return result as T;
}
