// Mistake: breaks "the lock is held until `fn` returns or, when it returns a promise (or any thenable,
// as `await` sees it), until that promise settles": only a real `Promise` (`instanceof Promise`) is
// awaited before the release, so for a thenable (a Bluebird or query-builder result) the lock is
// released at once, while the job still runs (withLock still resolves with the thenable's value).
import { acquireLock, suppressedError, type Lock } from "../resource-cleanup";
export * from "../resource-cleanup";

export async function withLock<T>(path: string, fn: (lock: Lock) => T | Promise<T>): Promise<T> {
  const lock = acquireLock(path);
  let result: T | Promise<T>;
  try {
    result = fn(lock);
    if (result instanceof Promise) result = await result;
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
