// Mistake: breaks "If `fn` failed and the release fails too, it rejects with
// `suppressedError(releaseError, fnError)`: neither error is lost": it is the Python `with` as
// `try { return await fn(lock) } finally { lock.release() }`, so a failing release replaces fn's error.
import { acquireLock, type Lock } from "../resource-cleanup";
export * from "../resource-cleanup";

export async function withLock<T>(path: string, fn: (lock: Lock) => T | Promise<T>): Promise<T> {
  const lock = acquireLock(path);
  try {
    return await fn(lock);
  } finally {
    lock.release();
  }
}
