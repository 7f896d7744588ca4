// Mistake: breaks "Always returns a promise (it never throws synchronously)" and "If `fn` throws ...
// the lock is released": written as a `.then` chain, `Promise.resolve(fn(lock))` runs `fn` outside any
// handler, so an `fn` that throws synchronously escapes `withLock` as a sync throw and the lock file
// stays behind (a rejected promise from an async `fn` is handled correctly). (adversarial review, round 4)
import { acquireLock, type Lock, suppressedError } from "../resource-cleanup";

export * from "../resource-cleanup";

export function withLock<T>(path: string, fn: (lock: Lock) => T | Promise<T>): Promise<T> {
  let lock: Lock;
  try {
    lock = acquireLock(path);
  } catch (error) {
    return Promise.reject(error);
  }
  return Promise.resolve(fn(lock)).then(
    (value) => {
      lock.release();
      return value;
    },
    (error: unknown) => {
      try {
        lock.release();
      } catch (releaseError) {
        throw suppressedError(releaseError, error);
      }
      throw error;
    },
  );
}
