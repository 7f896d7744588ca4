/**
 * Resource cleanup — your file. Read README.md first: it states every behaviour the spec checks.
 * Run the spec with `npm run kata -- run resource-cleanup` (or `npm start` to re-run on save).
 */

/** The lock file exists already: someone else holds the lock. */
export class LockedError extends Error {
  /** The lock file's path. */
  readonly path: string;
  /** Who holds it: the lock file's contents, trimmed, or "unknown". */
  readonly holder: string;

  constructor(_path: string, _holder: string) {
    super();
    // TODO: set name ("LockedError"), message (`${path} is locked (holder: ${holder})`), path, holder.
    throw new Error("TODO: implement LockedError()");
  }
}

/** A lock you hold. `using lock = acquireLock(path)` releases it at the end of the block. */
export interface Lock extends Disposable {
  readonly path: string;
  /** True once the lock file is gone (after a release that worked). */
  readonly released: boolean;
  /** Removes the lock file; does nothing the second time. */
  release(): void;
}

// TODO: start here. Suggested order: acquireLock (and the Lock it returns), suppressedError,
// withLock, CleanupStack, withLocks.

/**
 * Takes the lock at `path`: creates the file (it must not exist, checked by the create itself)
 * and writes this process's pid and a newline in it. LockedError when something is already
 * there; any other error (a missing directory…) as it is.
 */
export function acquireLock(_path: string): Lock {
  throw new Error("TODO: implement acquireLock()");
}

/**
 * The error `using` throws when a cleanup fails after an earlier error: an Error named
 * "SuppressedError" with `error` (the new one) and `suppressed` (the earlier one). Uses the
 * global SuppressedError where there is one (Node 24+).
 */
export function suppressedError(_error: unknown, _suppressed: unknown): Error {
  throw new Error("TODO: implement suppressedError()");
}

/** Runs `fn` while holding the lock at `path` and releases it however `fn` ends (try/finally). */
export async function withLock<T>(_path: string, _fn: (lock: Lock) => T | Promise<T>): Promise<T> {
  throw new Error("TODO: implement withLock()");
}

/**
 * Python's contextlib.ExitStack (DisposableStack is Node 24+): register resources and cleanup
 * functions, then dispose them all, newest first, one at a time.
 */
export class CleanupStack implements AsyncDisposable {
  /** True from the moment disposal starts. */
  get disposed(): boolean {
    throw new Error("TODO: implement CleanupStack.disposed");
  }

  /** Registers the resource's [Symbol.asyncDispose] (or else [Symbol.dispose]); returns it. */
  use<T extends Disposable | AsyncDisposable | null | undefined>(_resource: T): T {
    throw new Error("TODO: implement CleanupStack.use()");
  }

  /** Registers a cleanup function, called with no arguments (and awaited) at disposal. */
  defer(_cleanup: () => void | Promise<void>): void {
    throw new Error("TODO: implement CleanupStack.defer()");
  }

  /** Runs every cleanup, newest first, each awaited before the next; see README for errors. */
  async disposeAsync(): Promise<void> {
    throw new Error("TODO: implement CleanupStack.disposeAsync()");
  }

  /** What `await using stack = new CleanupStack()` calls at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    throw new Error("TODO: implement CleanupStack[Symbol.asyncDispose]()");
  }
}

/**
 * Takes every lock in `paths`, in order, runs `fn` with them, then releases them in reverse
 * order, whatever happens. A path listed twice is a TypeError, before any lock is taken.
 */
export async function withLocks<T>(
  _paths: readonly string[],
  _fn: (locks: readonly Lock[]) => T | Promise<T>,
): Promise<T> {
  throw new Error("TODO: implement withLocks()");
}
