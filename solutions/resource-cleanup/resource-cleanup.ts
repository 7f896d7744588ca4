/**
 * Resource cleanup: the reference solution.
 *
 * A lock file that is always released, four ways: by hand (`release()`), with `try/finally`
 * (`withLock`), with `using` (a Lock is Disposable), and for any number of resources with a
 * cleanup stack (`CleanupStack`, Python's `contextlib.ExitStack`) under `await using`
 * (`withLocks`).
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";

/** The lock file at `path` exists already: someone else holds the lock. */
export class LockedError extends Error {
  override readonly name = "LockedError";

  constructor(
    readonly path: string,
    readonly holder: string,
  ) {
    super(`${path} is locked (holder: ${holder})`);
  }
}

export interface Lock extends Disposable {
  readonly path: string;
  readonly released: boolean;
  release(): void;
}

type Cleanup = () => void | Promise<void>;
/** What the stack keeps: a call that may return a promise to await. */
type Registered = () => unknown;

// ---------------------------------------------------------------------------------------------
// Steps 1, 2 and 4: the lock file
// ---------------------------------------------------------------------------------------------

/** Takes the lock: creates `path`, which must not exist, and writes this process's pid in it. */
export function acquireLock(path: string): Lock {
  let fd: number;
  try {
    // "wx" is O_CREAT | O_EXCL: the kernel creates the file only if nothing is there (not even a
    // dangling symlink), in one step, so two processes can never both get the lock. Checking
    // existsSync first and writing after would leave a gap between the two.
    fd = openSync(path, "wx");
  } catch (error) {
    if (errorCode(error) === "EEXIST") {
      throw new LockedError(path, readHolder(path));
    }
    throw error; // a missing directory, no permission…: not "locked", say what it is
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } catch (error) {
    // The disk is full, an I/O error: the file we just created would stay behind empty, and an
    // empty lock file is held all the same, so every later deploy would be locked out by it.
    closeQuietly(fd);
    removeQuietly(path);
    throw error;
  }
  try {
    closeSync(fd);
  } catch (error) {
    // The pid is written, but the close failed (EIO on NFS): we return no Lock, so nothing could
    // ever release this file. Remove it, and report the close's error.
    removeQuietly(path);
    throw error;
  }
  return new FileLock(path);
}

/** Best effort: the write's error is the one to report, not a failure to clean up after it. */
function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // The file is removed all the same; the write's error says what went wrong.
  }
}

/** Best effort, as `closeQuietly`. */
function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Nothing more to do: the write's error says what went wrong.
  }
}

/** Who holds the lock, from its file: the contents, or "unknown" if there is nothing to read. */
function readHolder(path: string): string {
  try {
    return readFileSync(path, "utf8").trim() || "unknown";
  } catch {
    // Gone since the open failed, a directory, a dangling symlink: nobody we can name.
    return "unknown";
  }
}

class FileLock implements Lock {
  #released = false;

  constructor(readonly path: string) {}

  get released(): boolean {
    return this.#released;
  }

  release(): void {
    // Once released, never touch the path again: by now it may be another process's lock.
    if (this.#released) return;
    try {
      unlinkSync(this.path);
    } catch (error) {
      // Already gone is what we wanted. Anything else: still held, so say so (and let a later
      // release try again).
      if (errorCode(error) !== "ENOENT") throw error;
    }
    this.#released = true;
  }

  [Symbol.dispose](): void {
    this.release();
  }
}

/** The `code` of a file-system error ("EEXIST", "ENOENT"…); fs always throws Errors. */
function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

// ---------------------------------------------------------------------------------------------
// Step 3: try/finally, and the error for "the cleanup failed too"
// ---------------------------------------------------------------------------------------------

const SUPPRESSED_MESSAGE = "An error was suppressed during disposal";

type SuppressedErrorConstructor = new (
  error: unknown,
  suppressed: unknown,
  message?: string,
) => Error;

/**
 * The error `using` throws when a cleanup fails after an earlier error: the new `error` on top,
 * the earlier one kept in `suppressed`. Node 24 has a global SuppressedError; Node 20 and 22 do
 * not, so build an Error with the same shape there.
 */
export function suppressedError(error: unknown, suppressed: unknown): Error {
  const Native = (globalThis as { SuppressedError?: SuppressedErrorConstructor }).SuppressedError;
  if (Native) return new Native(error, suppressed, SUPPRESSED_MESSAGE);
  return Object.assign(new Error(SUPPRESSED_MESSAGE), {
    name: "SuppressedError",
    error,
    suppressed,
  });
}

/** Runs `fn` while holding the lock at `path`; the lock is released however `fn` ends. */
export async function withLock<T>(path: string, fn: (lock: Lock) => T | Promise<T>): Promise<T> {
  const lock = acquireLock(path); // inside an async function: a LockedError becomes a rejection
  let result: T;
  try {
    // `return await`, not `return`: the lock must be held until fn's promise has settled.
    result = await fn(lock);
  } catch (error) {
    releaseAfterFailure(lock, error);
    throw error;
  }
  lock.release(); // fn succeeded: a failing release is the error to report
  return result;
}

/** Releases after `fn` failed: if the release fails too, neither error may be lost. */
function releaseAfterFailure(lock: Lock, fnError: unknown): void {
  try {
    lock.release();
  } catch (releaseError) {
    throw suppressedError(releaseError, fnError);
  }
}

// ---------------------------------------------------------------------------------------------
// Step 5: a cleanup stack (contextlib.ExitStack; DisposableStack is Node 24+)
// ---------------------------------------------------------------------------------------------

/** Cleanups registered one by one, run in reverse order, one at a time, when disposed. */
export class CleanupStack implements AsyncDisposable {
  #cleanups: Registered[] = [];
  #disposed = false;

  get disposed(): boolean {
    return this.#disposed;
  }

  /** Registers the resource's dispose method; returns the resource. null/undefined: nothing. */
  use<T extends Disposable | AsyncDisposable | null | undefined>(resource: T): T {
    this.#checkOpen();
    if (resource === null || resource === undefined) return resource;
    const dispose = disposeMethodOf(resource);
    this.#cleanups.push(() => dispose.call(resource));
    return resource;
  }

  /** Registers a cleanup function, called with no arguments (and awaited) when disposed. */
  defer(cleanup: Cleanup): void {
    this.#checkOpen();
    if (typeof cleanup !== "function") throw new TypeError("CleanupStack.defer needs a function");
    this.#cleanups.push(() => cleanup());
  }

  /** Runs every cleanup, newest first; each failure wraps the ones before it. */
  async disposeAsync(): Promise<void> {
    if (this.#disposed) return; // only the first call disposes, even while it is still running
    this.#disposed = true;
    const cleanups = [...this.#cleanups].reverse();
    let failed = false;
    let failure: unknown;
    for (const cleanup of cleanups) {
      try {
        await cleanup(); // one at a time: a later cleanup may depend on this one being done
      } catch (error) {
        failure = failed ? suppressedError(error, failure) : error;
        failed = true;
      }
    }
    if (failed) throw failure;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.disposeAsync();
  }

  #checkOpen(): void {
    if (this.#disposed) throw new ReferenceError("CleanupStack is already disposed");
  }
}

/** Symbol.asyncDispose first (as `await using` does), then Symbol.dispose; else a TypeError. */
function disposeMethodOf(resource: object): () => unknown {
  const candidate = resource as Partial<Disposable & AsyncDisposable>;
  const method = candidate[Symbol.asyncDispose] ?? candidate[Symbol.dispose];
  if (typeof method !== "function") {
    throw new TypeError(
      "CleanupStack.use: the value has no [Symbol.asyncDispose] or [Symbol.dispose]",
    );
  }
  return method;
}

// ---------------------------------------------------------------------------------------------
// Step 6: several locks
// ---------------------------------------------------------------------------------------------

/** Takes every lock in order, runs `fn`, then releases them in reverse order, whatever happens. */
export async function withLocks<T>(
  paths: readonly string[],
  fn: (locks: readonly Lock[]) => T | Promise<T>,
): Promise<T> {
  const duplicate = paths.find((path, i) => paths.indexOf(path) !== i);
  if (duplicate !== undefined) {
    // Taking the same lock twice would always fail on the second: a bug in the caller.
    throw new TypeError(`withLocks: ${duplicate} is listed twice`);
  }
  await using stack = new CleanupStack();
  // If the third lock is taken, the first two are released (newest first) on the way out.
  const locks = paths.map((path) => stack.use(acquireLock(path)));
  return await fn(locks);
}
