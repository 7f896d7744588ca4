import fs, {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  statSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import { describe, expect, it, vi } from "vitest";
import { useTempDir } from "../../fixtures/helpers/temp-dir";
import {
  acquireLock,
  CleanupStack,
  LockedError,
  suppressedError,
  withLock,
  withLocks,
} from "./resource-cleanup";

// ---------------------------------------------------------------------------------------------
// Helpers. Every file lives in a fresh temp dir; nothing sleeps.
// ---------------------------------------------------------------------------------------------

const dir = useTempDir("resource-cleanup-");

/** What `using` and SuppressedError give: an Error with the new error and the one it hides. */
interface Suppressed extends Error {
  error: unknown;
  suppressed: unknown;
}

/** The shape of a SuppressedError, recursively, with errors shown by their message. */
function shape(value: unknown): unknown {
  if (value instanceof Error && value.name === "SuppressedError") {
    const { error, suppressed } = value as Suppressed;
    return { error: shape(error), suppressed: shape(suppressed) };
  }
  if (value instanceof Error) {
    const path = (value as NodeJS.ErrnoException).path;
    return path === undefined ? value.message : `cannot remove ${path}`;
  }
  return value;
}

/**
 * Makes the next release of the lock at `path` fail: the lock file is replaced by a directory,
 * which unlink refuses (EISDIR on Linux, EPERM on macOS), even for root.
 */
function breakRelease(path: string): void {
  unlinkSync(path);
  mkdirSync(path);
}

function expectReleaseError(error: unknown, path: string): void {
  expect(error, "the error of the failed release itself").toBeInstanceOf(Error);
  const { code, path: errorPath } = error as NodeJS.ErrnoException;
  expect(["EISDIR", "EPERM"], `unlink's error code, got ${code}`).toContain(code);
  expect(errorPath).toBe(path);
}

/** Runs `fn` and returns what it threw (failing the test if it did not throw). */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw, but the function returned");
}

/** Awaits `promise` and returns its rejection reason (failing the test if it resolved). */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection, but the promise resolved");
}

/** A promise the test settles by hand. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets pending promise callbacks run. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Makes `unlinkSync` fail for `path` alone (with `failure`) until disposed. For the one case no
 * file on disk can arrange: a release that fails between two `acquireLock` calls. It spies on
 * node:fs and re-syncs the named exports, so that `import { unlinkSync } from "node:fs"` in the
 * code under test sees the spy; disposing restores both.
 */
function failUnlinkOf(path: string): Disposable & { failure: Error } {
  const failure = Object.assign(new Error(`EBUSY: resource busy or locked, unlink '${path}'`), {
    code: "EBUSY",
    path,
  });
  const real = fs.unlinkSync;
  const spy = vi.spyOn(fs, "unlinkSync").mockImplementation((target) => {
    if (target === path) throw failure;
    real(target);
  });
  syncBuiltinESMExports();
  return {
    failure,
    [Symbol.dispose]() {
      spy.mockRestore();
      syncBuiltinESMExports();
    },
  };
}

/**
 * Makes `writeSync` fail (with an ENOSPC `failure`) until disposed: the disk filling up between
 * the exclusive create and the write of the pid, which no temp dir can arrange. Same technique as
 * `failUnlinkOf`.
 */
function failWrites(): Disposable & { failure: Error } {
  const failure = Object.assign(new Error("ENOSPC: no space left on device, write"), {
    code: "ENOSPC",
    syscall: "write",
  });
  const spy = vi.spyOn(fs, "writeSync").mockImplementation(() => {
    throw failure;
  });
  syncBuiltinESMExports();
  return {
    failure,
    [Symbol.dispose]() {
      spy.mockRestore();
      syncBuiltinESMExports();
    },
  };
}

/** A fake resource that records its disposal in `journal`. */
function resource(journal: string[], name: string, fail?: Error): Disposable & { name: string } {
  return {
    name,
    [Symbol.dispose]() {
      journal.push(`dispose ${name}`);
      if (fail) throw fail;
    },
  };
}

// ---------------------------------------------------------------------------------------------

describe("step 1 — taking the lock", () => {
  it("creates the lock file, with this process's pid and a newline in it", () => {
    const path = dir.join("deploy.lock");
    const lock = acquireLock(path);
    expect(existsSync(path), "the lock file exists while the lock is held").toBe(true);
    expect(readFileSync(path, "utf8")).toBe(`${process.pid}\n`);
    expect(lock.path).toBe(path);
    expect(lock.released).toBe(false);
  });

  it("keeps the path exactly as it was given, not normalised", () => {
    const path = `${dir.path}/./deploy.lock`;
    const lock = acquireLock(path);
    expect(lock.path, "the string it was given").toBe(path);
    expect(existsSync(dir.join("deploy.lock"))).toBe(true);
    lock.release();
  });

  it.skipIf(!existsSync("/dev/fd"))(
    "closes the lock file once written: no file descriptor left open",
    () => {
      const openDescriptors = () => readdirSync("/dev/fd").length;
      const before = openDescriptors();
      const lock = acquireLock(dir.join("deploy.lock"));
      expect(openDescriptors(), "acquireLock must close the file it opened").toBe(before);
      lock.release();
    },
  );

  it("refuses a lock that is held: LockedError with the path and the holder from the file", () => {
    const path = dir.join("deploy.lock");
    writeFileSync(path, "4242\n");
    const error = thrownBy(() => acquireLock(path));
    expect(error).toBeInstanceOf(LockedError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: "LockedError", path, holder: "4242" });
    expect((error as Error).message).toBe(`${path} is locked (holder: 4242)`);
    expect(readFileSync(path, "utf8"), "the holder's file is left as it was").toBe("4242\n");
  });

  it("has a LockedError that says where and who", () => {
    const error = new LockedError("/var/run/deploy.lock", "1234");
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: "LockedError",
      path: "/var/run/deploy.lock",
      holder: "1234",
      message: "/var/run/deploy.lock is locked (holder: 1234)",
    });
  });

  it("refuses a second lock taken by this same process", () => {
    const path = dir.join("deploy.lock");
    acquireLock(path);
    const error = thrownBy(() => acquireLock(path));
    expect(error).toBeInstanceOf(LockedError);
    expect(error).toMatchObject({ holder: String(process.pid) });
  });

  it("reads whatever the holder wrote, trimmed of spaces and newlines", () => {
    const path = dir.join("deploy.lock");
    writeFileSync(path, "  ci-runner-7 (pid 311)\n\n");
    expect(thrownBy(() => acquireLock(path))).toMatchObject({
      holder: "ci-runner-7 (pid 311)",
      message: `${path} is locked (holder: ci-runner-7 (pid 311))`,
    });
  });

  it("keeps every line the holder wrote: only the whitespace around the whole contents goes", () => {
    const path = dir.join("deploy.lock");
    writeFileSync(path, "4242\nci-runner-7\n");
    expect(
      thrownBy(() => acquireLock(path)),
      "the holder is the whole file, trimmed at both ends: not just its first line",
    ).toMatchObject({ holder: "4242\nci-runner-7" });
    writeFileSync(path, "\n4242\n");
    expect(
      thrownBy(() => acquireLock(path)),
      "a blank first line is trimmed away with the rest of the surrounding whitespace",
    ).toMatchObject({ holder: "4242", message: `${path} is locked (holder: 4242)` });
  });

  it('names the holder "unknown" when the lock file is empty', () => {
    const path = dir.join("deploy.lock");
    writeFileSync(path, "\n");
    expect(thrownBy(() => acquireLock(path))).toMatchObject({
      name: "LockedError",
      holder: "unknown",
      message: `${path} is locked (holder: unknown)`,
    });
  });

  it("leaves an empty lock file as it was: it is still a lock, not a stale one to take over", () => {
    const path = dir.join("deploy.lock");
    writeFileSync(path, ""); // a holder that has created the file but not yet written its pid
    expect(
      thrownBy(() => acquireLock(path)),
      "an empty lock file is held too",
    ).toMatchObject({
      name: "LockedError",
      holder: "unknown",
    });
    expect(readFileSync(path, "utf8"), "the empty file is left as it was, not replaced").toBe("");
  });

  it("creates the file exclusively: a dangling symlink at the path counts as a lock", () => {
    // existsSync follows the link and says false; an exclusive create ("wx") refuses it. A check
    // followed by a write would also write through the link into a file elsewhere.
    const path = dir.join("deploy.lock");
    const target = dir.join("somewhere-else");
    symlinkSync(target, path);
    const error = thrownBy(() => acquireLock(path));
    expect(error).toBeInstanceOf(LockedError);
    expect(error, "nothing to read behind a dangling link").toMatchObject({ holder: "unknown" });
    expect(existsSync(target), "nothing may be written through the link").toBe(false);
  });

  it("treats a directory at the path as held, with an unknown holder", () => {
    const path = dir.join("deploy.lock");
    mkdirSync(path);
    expect(thrownBy(() => acquireLock(path))).toMatchObject({
      name: "LockedError",
      holder: "unknown",
    });
  });

  it("lets other errors through as they are: a missing directory is ENOENT, not LockedError", () => {
    const path = dir.join("no-such-dir", "deploy.lock");
    const error = thrownBy(() => acquireLock(path));
    expect(error).not.toBeInstanceOf(LockedError);
    expect(error).toMatchObject({ code: "ENOENT" });
  });

  it("throws other errors as they are, the very error open gives: code, errno, syscall, path and message", () => {
    const missing = dir.join("no-such-dir", "deploy.lock");
    writeFileSync(dir.join("a-file"), "");
    const underAFile = dir.join("a-file", "deploy.lock");
    for (const path of [missing, underAFile]) {
      const direct = thrownBy(() => fs.openSync(path, "wx")) as NodeJS.ErrnoException;
      const error = thrownBy(() => acquireLock(path)) as NodeJS.ErrnoException;
      expect(error, "not wrapped in an Error of its own").toBeInstanceOf(Error);
      expect(
        {
          message: error.message,
          code: error.code,
          errno: error.errno,
          syscall: error.syscall,
          path: error.path,
        },
        `the error openSync(path, "wx") throws, unchanged (${direct.code})`,
      ).toEqual({
        message: direct.message,
        code: direct.code,
        errno: direct.errno,
        syscall: direct.syscall,
        path: direct.path,
      });
    }
  });

  it("removes the lock file it created when writing the pid fails, and throws the write's error", () => {
    const path = dir.join("deploy.lock");
    {
      using full = failWrites();
      expect(
        thrownBy(() => acquireLock(path)),
        "the write's error, as it is",
      ).toBe(full.failure);
    }
    expect(
      existsSync(path),
      "an empty lock file left behind would be held all the same and block every later deploy",
    ).toBe(false);
    const lock = acquireLock(path);
    expect(readFileSync(path, "utf8")).toBe(`${process.pid}\n`);
    lock.release();
  });

  it("keeps blank lines and indentation inside the holder: only the ends of the whole contents are trimmed", () => {
    const path = dir.join("deploy.lock");
    writeFileSync(path, "4242\n\n  ci-runner-7\n");
    expect(
      thrownBy(() => acquireLock(path)),
      "the contents trimmed once, as a whole: the blank line and the indentation in between stay",
    ).toMatchObject({ holder: "4242\n\n  ci-runner-7" });
  });

  it.skipIf(!existsSync("/dev/fd"))(
    "closes the file it created when writing the pid fails: no file descriptor left open",
    () => {
      const openDescriptors = () => readdirSync("/dev/fd").length;
      const path = dir.join("deploy.lock");
      const before = openDescriptors();
      {
        using full = failWrites();
        expect(
          thrownBy(() => acquireLock(path)),
          "the write's error, as it is",
        ).toBe(full.failure);
      }
      expect(
        openDescriptors(),
        "acquireLock must close the file it opened before removing it, on the failure path too",
      ).toBe(before);
    },
  );

  it("throws the write's error even when removing the file fails too: the removal's error is not reported over it", () => {
    const path = dir.join("deploy.lock");
    {
      using full = failWrites();
      using unlinkFails = failUnlinkOf(path);
      const error = thrownBy(() => acquireLock(path));
      expect(error, "the write's error, not the removal's").toBe(full.failure);
      expect(error).not.toBe(unlinkFails.failure);
    }
    unlinkSync(path);
  });

  it("throws the write's error and still removes the file when closing it fails too", () => {
    const path = dir.join("deploy.lock");
    const closeFailure = Object.assign(new Error("EIO: i/o error, close"), {
      code: "EIO",
      syscall: "close",
    });
    const realClose = fs.closeSync;
    {
      using full = failWrites();
      const spy = vi.spyOn(fs, "closeSync").mockImplementation((fd) => {
        realClose(fd);
        throw closeFailure;
      });
      syncBuiltinESMExports();
      try {
        expect(
          thrownBy(() => acquireLock(path)),
          "the write's error, not the close's",
        ).toBe(full.failure);
      } finally {
        spy.mockRestore();
        syncBuiltinESMExports();
      }
    }
    expect(existsSync(path), "the file is removed even though closing it failed").toBe(false);
  });

  it("removes the file and throws the close's error when the pid is written but closing the file fails", () => {
    const path = dir.join("deploy.lock");
    const closeFailure = Object.assign(new Error("EIO: i/o error, close"), {
      code: "EIO",
      syscall: "close",
    });
    const realClose = fs.closeSync;
    const spy = vi.spyOn(fs, "closeSync").mockImplementation((fd) => {
      realClose(fd);
      throw closeFailure;
    });
    syncBuiltinESMExports();
    let error: unknown;
    try {
      error = thrownBy(() => acquireLock(path));
    } finally {
      spy.mockRestore();
      syncBuiltinESMExports();
    }
    expect(error, "the close's error, as it is").toBe(closeFailure);
    expect(
      existsSync(path),
      "no Lock was returned, so a lock file left behind (with our pid) could never be released",
    ).toBe(false);
  });

  it("makes one attempt: a lock file that vanished before it could be read gives LockedError (unknown), not a retry", () => {
    const path = dir.join("deploy.lock");
    writeFileSync(path, "4242\n");
    const realRead = fs.readFileSync;
    // The holder releases between our exclusive create (EEXIST) and our read of its pid.
    const spy = vi.spyOn(fs, "readFileSync").mockImplementation(((
      target: fs.PathOrFileDescriptor,
      options?: unknown,
    ) => {
      if (target === path) unlinkSync(path);
      return realRead(target, options as BufferEncoding);
    }) as typeof fs.readFileSync);
    syncBuiltinESMExports();
    let error: unknown;
    try {
      error = thrownBy(() => acquireLock(path));
    } finally {
      spy.mockRestore();
      syncBuiltinESMExports();
    }
    expect(error, "a LockedError naming no holder: the file could not be read").toMatchObject({
      name: "LockedError",
      path,
      holder: "unknown",
    });
    expect(
      existsSync(path),
      "acquireLock does not retry the create: whether to try again is the caller's decision",
    ).toBe(false);
  });

  it("trims the holder as String.prototype.trim does: a BOM, no-break spaces and line separators too", () => {
    const path = dir.join("deploy.lock");
    writeFileSync(path, "\uFEFF\u00A04242\u2028\u00A0\r\n");
    expect(thrownBy(() => acquireLock(path))).toMatchObject({ holder: "4242" });
  });
});

describe("step 2 — releasing the lock", () => {
  it("removes the lock file and marks the lock released", () => {
    const path = dir.join("deploy.lock");
    const lock = acquireLock(path);
    lock.release();
    expect(existsSync(path), "the lock file must be gone").toBe(false);
    expect(lock.released).toBe(true);
  });

  it("lets the lock be taken again once released", () => {
    const path = dir.join("deploy.lock");
    acquireLock(path).release();
    const again = acquireLock(path);
    expect(again.released).toBe(false);
    expect(readFileSync(path, "utf8")).toBe(`${process.pid}\n`);
  });

  it("does nothing the second time: it never removes a lock file someone else has made since", () => {
    const path = dir.join("deploy.lock");
    const lock = acquireLock(path);
    lock.release();
    writeFileSync(path, "9999\n"); // another process takes the lock
    lock.release();
    expect(readFileSync(path, "utf8"), "the new holder's lock must survive").toBe("9999\n");
    expect(lock.released).toBe(true);
  });

  it("removes whatever file is at the path on the first release, without reading who holds it", () => {
    const path = dir.join("deploy.lock");
    const lock = acquireLock(path);
    unlinkSync(path); // an operator removed it as stale...
    writeFileSync(path, "9999\n"); // ...and another process took the lock
    lock.release();
    expect(existsSync(path), "the first release removes the file, whatever pid it holds").toBe(
      false,
    );
    expect(lock.released).toBe(true);
  });

  it("removes a symlink at the path itself on the first release, even one that points nowhere", () => {
    const path = dir.join("deploy.lock");
    const lock = acquireLock(path);
    unlinkSync(path);
    symlinkSync(dir.join("nowhere"), path); // the lock file replaced by a dangling link
    lock.release();
    expect(
      readdirSync(dir.path),
      "unlink removes the link itself (existsSync follows it, finds nothing and says false)",
    ).not.toContain("deploy.lock");
    expect(lock.released).toBe(true);
    const target = dir.join("target");
    writeFileSync(target, "kept\n");
    const second = acquireLock(path);
    unlinkSync(path);
    symlinkSync(target, path); // replaced by a link to a real file this time
    second.release();
    expect(readdirSync(dir.path), "the link is removed").not.toContain("deploy.lock");
    expect(readFileSync(target, "utf8"), "what it pointed to is not touched").toBe("kept\n");
  });

  it("does not fail when the lock file is already gone", () => {
    const path = dir.join("deploy.lock");
    const lock = acquireLock(path);
    unlinkSync(path); // an operator cleaned up by hand
    expect(() => lock.release()).not.toThrow();
    expect(lock.released).toBe(true);
  });

  it("throws any other error as it is, and stays unreleased so a later release can retry", () => {
    const path = dir.join("deploy.lock");
    const lock = acquireLock(path);
    breakRelease(path);
    expectReleaseError(
      thrownBy(() => lock.release()),
      path,
    );
    expect(lock.released, "the release failed: the lock is not released").toBe(false);
    rmdirSync(path);
    lock.release();
    expect(lock.released).toBe(true);
  });

  it("releases through [Symbol.dispose] too", () => {
    const path = dir.join("deploy.lock");
    const lock = acquireLock(path);
    expect(typeof lock[Symbol.dispose]).toBe("function");
    lock[Symbol.dispose]();
    expect(existsSync(path)).toBe(false);
    expect(lock.released).toBe(true);
    writeFileSync(path, "9999\n");
    lock[Symbol.dispose]();
    expect(readFileSync(path, "utf8"), "disposing twice does nothing either").toBe("9999\n");
  });
});

describe("step 3 — try/finally: withLock", () => {
  it("runs fn with the lock held and resolves with its value; the lock is released after", async () => {
    const path = dir.join("deploy.lock");
    let heldDuring = false;
    const result = await withLock(path, (lock) => {
      heldDuring = existsSync(path) && lock.path === path && !lock.released;
      return "deployed";
    });
    expect(result).toBe("deployed");
    expect(heldDuring, "fn runs while the lock file exists").toBe(true);
    expect(existsSync(path), "released once fn has returned").toBe(false);
  });

  it("keeps the lock until fn's promise settles, not just until fn returns it", async () => {
    const path = dir.join("deploy.lock");
    const job = deferred<string>();
    const done = withLock(path, () => job.promise);
    await flush();
    expect(existsSync(path), "the job is still running: the lock must still be held").toBe(true);
    job.resolve("migrated");
    await expect(done).resolves.toBe("migrated");
    expect(existsSync(path)).toBe(false);
  });

  it("releases the lock when fn throws, and rejects with that same error", async () => {
    const path = dir.join("deploy.lock");
    const failure = new Error("health check failed");
    const error = await rejectionOf(
      withLock(path, () => {
        throw failure;
      }),
    );
    expect(error).toBe(failure);
    expect(existsSync(path)).toBe(false);
  });

  it("releases the lock when fn's promise rejects, with any reason (a string)", async () => {
    const path = dir.join("deploy.lock");
    const error = await rejectionOf(withLock(path, async () => Promise.reject("rollback needed")));
    expect(error).toBe("rollback needed");
    expect(existsSync(path)).toBe(false);
  });

  it("rejects with undefined when fn throws or rejects with undefined: still a failure", async () => {
    const path = dir.join("deploy.lock");
    const thrown = withLock(path, () => {
      throw undefined;
    });
    expect(
      await rejectionOf(thrown),
      "a throw of undefined rejects with undefined",
    ).toBeUndefined();
    expect(existsSync(path)).toBe(false);
    const rejected = withLock(path, () => Promise.reject(undefined));
    expect(await rejectionOf(rejected), "a rejection with undefined too").toBeUndefined();
    expect(existsSync(path)).toBe(false);
    const error = await rejectionOf(
      withLock(path, () => {
        breakRelease(path);
        throw undefined;
      }),
    );
    expect(error, "the release failed after fn failed: both kept").toMatchObject({
      name: "SuppressedError",
    });
    expect(error as Suppressed).toHaveProperty("suppressed", undefined);
    expectReleaseError((error as Suppressed).error, path);
  });

  it("waits for a thenable that is not a Promise, as await does", async () => {
    const path = dir.join("deploy.lock");
    const job = deferred<string>();
    // biome-ignore lint/suspicious/noThenProperty: a thenable is the point of this test
    const thenable = { then: (ok: (value: string) => void) => void job.promise.then(ok) };
    const done = withLock(path, () => thenable as unknown as Promise<string>);
    await flush();
    expect(existsSync(path), "the thenable has not settled: still held").toBe(true);
    job.resolve("migrated");
    await expect(done).resolves.toBe("migrated");
    expect(existsSync(path)).toBe(false);
  });

  it("rejects with LockedError, without calling fn, when the lock is held", async () => {
    const path = dir.join("deploy.lock");
    writeFileSync(path, "4242\n");
    const fn = vi.fn();
    const error = await rejectionOf(withLock(path, fn));
    expect(error).toBeInstanceOf(LockedError);
    expect(fn).not.toHaveBeenCalled();
    expect(readFileSync(path, "utf8"), "someone else's lock is not released").toBe("4242\n");
  });

  it("never throws synchronously: even a lock it cannot take is a rejected promise", async () => {
    const path = dir.join("missing", "deploy.lock");
    let promise: Promise<unknown> | undefined;
    expect(() => {
      promise = withLock(path, () => "never");
    }).not.toThrow();
    expect(await rejectionOf(promise as Promise<unknown>)).toMatchObject({ code: "ENOENT" });
  });

  it("rejects with the release error when fn succeeded but the release failed", async () => {
    const path = dir.join("deploy.lock");
    const error = await rejectionOf(
      withLock(path, () => {
        breakRelease(path);
        return "done";
      }),
    );
    expectReleaseError(error, path);
  });

  it("keeps both errors when fn failed and the release failed too: a SuppressedError", async () => {
    const path = dir.join("deploy.lock");
    const failure = new Error("migration failed");
    const error = await rejectionOf(
      withLock(path, () => {
        breakRelease(path);
        throw failure;
      }),
    );
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: "SuppressedError", suppressed: failure });
    expectReleaseError((error as Suppressed).error, path);
  });

  it("suppressedError(error, suppressed) builds one, on Node versions without the global", () => {
    vi.stubGlobal("SuppressedError", undefined); // as on Node 20 and 22
    const releaseFailed = new Error("unlink failed");
    const jobFailed = new Error("job failed");
    const error = suppressedError(releaseFailed, jobFailed);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("SuppressedError");
    expect(error.message).toBe("An error was suppressed during disposal");
    expect(error).toMatchObject({ error: releaseFailed, suppressed: jobFailed });
    expect((error as Suppressed).error).toBe(releaseFailed);
    expect((error as Suppressed).suppressed).toBe(jobFailed);
  });

  it("suppressedError uses the global SuppressedError where there is one (Node 24+)", () => {
    class FakeSuppressedError extends Error {
      override name = "SuppressedError";
      constructor(
        readonly error: unknown,
        readonly suppressed: unknown,
        message?: string,
      ) {
        super(message);
      }
    }
    vi.stubGlobal("SuppressedError", FakeSuppressedError);
    const error = suppressedError("new", "old");
    expect(error, "looked up when called, so this test's stub is seen").toBeInstanceOf(
      FakeSuppressedError,
    );
    expect(error).toMatchObject({
      error: "new",
      suppressed: "old",
      message: "An error was suppressed during disposal",
    });
  });

  it.each([undefined, null])(
    "suppressedError treats a SuppressedError global that is there but holds %s as absent",
    (value) => {
      vi.stubGlobal("SuppressedError", value); // what restoring the global leaves behind on Node 20
      expect(Object.hasOwn(globalThis, "SuppressedError"), "the property is there").toBe(true);
      const error = suppressedError("new", "old");
      expect(error, "built by hand, not with new on the value").toBeInstanceOf(Error);
      expect(error).toMatchObject({
        name: "SuppressedError",
        error: "new",
        suppressed: "old",
        message: "An error was suppressed during disposal",
      });
    },
  );
});

describe("step 4 — using: a disposable lock", () => {
  it("releases the lock at the end of the block", () => {
    const path = dir.join("deploy.lock");
    {
      using lock = acquireLock(path);
      expect(lock.released).toBe(false);
      expect(existsSync(path)).toBe(true);
    }
    expect(existsSync(path), "released when the block ends").toBe(false);
  });

  it("releases the lock when the block throws, and the error goes on", () => {
    const path = dir.join("deploy.lock");
    const failure = new Error("apply failed");
    const error = thrownBy(() => {
      using _lock = acquireLock(path);
      throw failure;
    });
    expect(error).toBe(failure);
    expect(existsSync(path)).toBe(false);
  });

  it("releases the lock on an early return", () => {
    const path = dir.join("deploy.lock");
    function deployUnlessFrozen(frozen: boolean): string {
      using _lock = acquireLock(path);
      if (frozen) return "skipped: change freeze";
      return "deployed";
    }
    expect(deployUnlessFrozen(true)).toBe("skipped: change freeze");
    expect(existsSync(path)).toBe(false);
    expect(deployUnlessFrozen(false)).toBe("deployed");
    expect(existsSync(path)).toBe(false);
  });

  it("works with await using in an async function", async () => {
    const path = dir.join("deploy.lock");
    async function job(): Promise<boolean> {
      await using _lock = acquireLock(path);
      await flush();
      return existsSync(path);
    }
    expect(await job(), "held across the await").toBe(true);
    expect(existsSync(path)).toBe(false);
  });

  it("does not release a lock twice when release() was already called in the block", () => {
    const path = dir.join("deploy.lock");
    {
      using lock = acquireLock(path);
      lock.release();
      writeFileSync(path, "9999\n"); // someone else takes it
    }
    expect(readFileSync(path, "utf8")).toBe("9999\n");
  });

  it("throws the release error from the block when only the release failed", () => {
    const path = dir.join("deploy.lock");
    const error = thrownBy(() => {
      using _lock = acquireLock(path);
      breakRelease(path);
    });
    expectReleaseError(error, path);
  });

  it("throws a SuppressedError when the block failed and the release failed too", () => {
    const path = dir.join("deploy.lock");
    const failure = new Error("apply failed");
    const error = thrownBy(() => {
      using _lock = acquireLock(path);
      breakRelease(path);
      throw failure;
    });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: "SuppressedError", suppressed: failure });
    expectReleaseError((error as Suppressed).error, path);
  });
});

describe("step 5 — a cleanup stack", () => {
  it("disposes what it was given in reverse order, use() and defer() alike", async () => {
    const journal: string[] = [];
    const stack = new CleanupStack();
    const db = stack.use(resource(journal, "db connection"));
    stack.defer(() => {
      journal.push("deferred: remove temp dir");
    });
    stack.use(resource(journal, "log file"));
    expect(db.name, "use() returns the resource").toBe("db connection");
    expect(journal, "nothing is disposed before disposeAsync").toEqual([]);
    await stack.disposeAsync();
    expect(journal).toEqual([
      "dispose log file",
      "deferred: remove temp dir",
      "dispose db connection",
    ]);
    expect(stack.disposed).toBe(true);
  });

  it("is what await using calls: [Symbol.asyncDispose]", async () => {
    const journal: string[] = [];
    {
      await using stack = new CleanupStack();
      stack.use(resource(journal, "a"));
      stack.use(resource(journal, "b"));
      journal.push("body");
    }
    expect(journal).toEqual(["body", "dispose b", "dispose a"]);
  });

  it("awaits an async cleanup before starting the next one", async () => {
    const events: string[] = [];
    const slow = deferred();
    const stack = new CleanupStack();
    stack.defer(() => {
      events.push("second cleanup starts");
    });
    stack.use({
      async [Symbol.asyncDispose]() {
        events.push("first cleanup starts");
        await slow.promise;
        events.push("first cleanup ends");
      },
    });
    const done = stack.disposeAsync();
    await flush();
    expect(events, "one cleanup at a time").toEqual(["first cleanup starts"]);
    slow.resolve();
    await done;
    expect(events).toEqual(["first cleanup starts", "first cleanup ends", "second cleanup starts"]);
  });

  it("prefers [Symbol.asyncDispose] when a resource has both, and calls it on the resource", async () => {
    const journal: string[] = [];
    class Connection implements Disposable, AsyncDisposable {
      constructor(readonly id: string) {}
      [Symbol.dispose]() {
        journal.push(`sync close ${this.id}`);
      }
      async [Symbol.asyncDispose]() {
        journal.push(`async close ${this.id}`);
      }
    }
    const stack = new CleanupStack();
    stack.use(new Connection("conn-1"));
    await stack.disposeAsync();
    expect(journal, "this is the resource: its dispose method reads this.id").toEqual([
      "async close conn-1",
    ]);
  });

  it("refuses a [Symbol.asyncDispose] that is not a function, even with a [Symbol.dispose]", async () => {
    const dispose = vi.fn();
    const stack = new CleanupStack();
    const broken = { [Symbol.asyncDispose]: "close", [Symbol.dispose]: dispose };
    expect(() => stack.use(broken as unknown as Disposable), "not passed over").toThrow(
      "CleanupStack.use: the value has no [Symbol.asyncDispose] or [Symbol.dispose]",
    );
    const unset = { [Symbol.asyncDispose]: undefined, [Symbol.dispose]: dispose };
    expect(stack.use(unset as unknown as Disposable), "undefined: [Symbol.dispose] it is").toBe(
      unset,
    );
    await stack.disposeAsync();
    expect(dispose).toHaveBeenCalledTimes(1);
  });

  it.each([
    ["false", false],
    ["0", 0],
    ['""', ""],
  ])(
    "refuses a [Symbol.asyncDispose] of %s too: only undefined and null are absent",
    (_, value) => {
      const dispose = vi.fn();
      const stack = new CleanupStack();
      const broken = { [Symbol.asyncDispose]: value, [Symbol.dispose]: dispose };
      expect(
        () => stack.use(broken as unknown as Disposable),
        "a falsy value that is not a function is still there: not passed over for [Symbol.dispose]",
      ).toThrow("CleanupStack.use: the value has no [Symbol.asyncDispose] or [Symbol.dispose]");
    },
  );

  it("treats a [Symbol.asyncDispose] that is null as absent, as await using does: [Symbol.dispose] it is", async () => {
    const dispose = vi.fn();
    const stack = new CleanupStack();
    const nulled = { [Symbol.asyncDispose]: null, [Symbol.dispose]: dispose };
    expect(
      stack.use(nulled as unknown as Disposable),
      "null, like undefined, is not there: no TypeError, and use() returns the resource",
    ).toBe(nulled);
    await stack.disposeAsync();
    expect(dispose, "[Symbol.dispose] is the one registered").toHaveBeenCalledTimes(1);
  });

  it("awaits a promise that a [Symbol.dispose] returns, and counts its rejection", async () => {
    const events: string[] = [];
    const slow = deferred();
    const stack = new CleanupStack();
    stack.defer(() => {
      events.push("second cleanup starts");
    });
    stack.use({
      [Symbol.dispose]: () => {
        events.push("first cleanup starts");
        return slow.promise as unknown as undefined;
      },
    });
    const done = rejectionOf(stack.disposeAsync());
    await flush();
    expect(events, "the promise it returned has not settled").toEqual(["first cleanup starts"]);
    const failure = new Error("close failed");
    slow.reject(failure);
    expect(await done).toBe(failure);
    expect(events).toEqual(["first cleanup starts", "second cleanup starts"]);
  });

  it("looks the dispose method up once, when use() is called: a method swapped in later is not called", async () => {
    const journal: string[] = [];
    const resource: { [Symbol.asyncDispose]: () => Promise<void> } = {
      async [Symbol.asyncDispose]() {
        journal.push("the method use() saw");
      },
    };
    const stack = new CleanupStack();
    stack.use(resource);
    resource[Symbol.asyncDispose] = async () => {
      journal.push("a method swapped in after use()");
    };
    await stack.disposeAsync();
    expect(journal, "the method found at use() time, as await using does").toEqual([
      "the method use() saw",
    ]);
  });

  it("calls a sync-only dispose method on its resource", async () => {
    const journal: string[] = [];
    class TempFile implements Disposable {
      constructor(readonly path: string) {}
      [Symbol.dispose]() {
        journal.push(`remove ${this.path}`);
      }
    }
    const stack = new CleanupStack();
    stack.use(new TempFile("/tmp/plan.out"));
    await stack.disposeAsync();
    expect(journal).toEqual(["remove /tmp/plan.out"]);
  });

  it("accepts null and undefined (nothing to clean up) and returns them", async () => {
    const stack = new CleanupStack();
    expect(stack.use(null)).toBeNull();
    expect(stack.use(undefined)).toBeUndefined();
    await expect(stack.disposeAsync()).resolves.toBeUndefined();
    expect(stack.disposed).toBe(true);
  });

  it("refuses, at once, a value that has no dispose method, and a defer() of a non-function", () => {
    const stack = new CleanupStack();
    const notDisposable =
      "CleanupStack.use: the value has no [Symbol.asyncDispose] or [Symbol.dispose]";
    for (const value of [{}, { [Symbol.dispose]: "no" }, { [Symbol.asyncDispose]: 42 }]) {
      expect(() => stack.use(value as unknown as Disposable)).toThrow(TypeError);
      expect(() => stack.use(value as unknown as Disposable)).toThrow(notDisposable);
    }
    expect(() => stack.defer("rm -rf /tmp/x" as unknown as () => void)).toThrow(TypeError);
    expect(() => stack.defer(undefined as unknown as () => void)).toThrow(
      "CleanupStack.defer needs a function",
    );
  });

  it("calls defer()'s function with no arguments", async () => {
    const cleanup = vi.fn();
    const stack = new CleanupStack();
    stack.defer(cleanup);
    await stack.disposeAsync();
    expect(cleanup).toHaveBeenCalledTimes(1);
    expect(cleanup.mock.calls[0]).toEqual([]);
  });

  it("calls defer()'s function as a plain function: this is undefined", async () => {
    const seen: unknown[] = [];
    const stack = new CleanupStack();
    stack.defer(function (this: unknown) {
      seen.push(this);
    });
    await stack.disposeAsync();
    expect(seen, "called once, with no this").toEqual([undefined]);
  });

  // The three ways to register a cleanup; each one's function returns the same thenable.
  const registerReturning = {
    "a defer() function": (stack: CleanupStack, result: () => unknown) =>
      stack.defer(result as () => Promise<void>),
    "a [Symbol.asyncDispose] method": (stack: CleanupStack, result: () => unknown) =>
      stack.use({ [Symbol.asyncDispose]: result } as unknown as AsyncDisposable),
    "a [Symbol.dispose] method": (stack: CleanupStack, result: () => unknown) =>
      stack.use({ [Symbol.dispose]: result } as unknown as Disposable),
  };

  it.each(Object.entries(registerReturning))(
    "awaits a thenable that %s returns, as await does",
    async (_how, register) => {
      const journal: string[] = [];
      const gate = deferred();
      const stack = new CleanupStack();
      stack.defer(() => {
        journal.push("first");
      });
      const thenable = {
        // biome-ignore lint/suspicious/noThenProperty: a thenable that is not a Promise is the point
        then(resolve: () => void) {
          journal.push("thenable started");
          void gate.promise.then(() => {
            journal.push("thenable done");
            resolve();
          });
        },
      };
      register(stack, () => thenable);
      const done = stack.disposeAsync();
      await flush();
      expect(journal, "the next cleanup waits for the thenable").toEqual(["thenable started"]);
      gate.resolve();
      await done;
      expect(journal).toEqual(["thenable started", "thenable done", "first"]);
    },
  );

  it("reports the rejection of a thenable a cleanup returns as that cleanup's failure", async () => {
    const failure = new Error("cannot flush log");
    const thenable = {
      // biome-ignore lint/suspicious/noThenProperty: a thenable that is not a Promise is the point
      then(_resolve: () => void, reject: (reason: unknown) => void) {
        reject(failure);
      },
    };
    const stack = new CleanupStack();
    stack.use({ [Symbol.dispose]: () => thenable } as unknown as Disposable);
    expect(await rejectionOf(stack.disposeAsync()), "the thenable's rejection, as it is").toBe(
      failure,
    );
  });

  it("runs every cleanup even when one fails, and rejects with that error", async () => {
    const journal: string[] = [];
    const failure = new Error("cannot close log file");
    const stack = new CleanupStack();
    stack.use(resource(journal, "db"));
    stack.use(resource(journal, "log", failure));
    stack.use(resource(journal, "socket"));
    const error = await rejectionOf(stack.disposeAsync());
    expect(error).toBe(failure);
    expect(journal).toEqual(["dispose socket", "dispose log", "dispose db"]);
  });

  it("rejects with an async cleanup's rejection too", async () => {
    const stack = new CleanupStack();
    stack.defer(async () => Promise.reject("network gone"));
    expect(await rejectionOf(stack.disposeAsync())).toBe("network gone");
  });

  it("wraps each later failure around the earlier ones: SuppressedError(newest, older)", async () => {
    const journal: string[] = [];
    const stack = new CleanupStack();
    stack.use(resource(journal, "first registered", new Error("A failed")));
    stack.use(resource(journal, "ok"));
    stack.use(resource(journal, "second registered", new Error("B failed")));
    stack.defer(() => {
      throw new Error("C failed");
    });
    const error = await rejectionOf(stack.disposeAsync());
    expect(journal).toEqual([
      "dispose second registered",
      "dispose ok",
      "dispose first registered",
    ]);
    expect(shape(error), "C ran first, then B, then A: A is on top").toEqual({
      error: "A failed",
      suppressed: { error: "B failed", suppressed: "C failed" },
    });
  });

  it("reports a failure whose value is undefined as a failure", async () => {
    const stack = new CleanupStack();
    stack.defer(() => {
      throw new Error("later");
    });
    stack.defer(() => Promise.reject(undefined));
    const error = await rejectionOf(stack.disposeAsync());
    expect(shape(error), "undefined failed first, then 'later' wraps it").toEqual({
      error: "later",
      suppressed: undefined,
    });
    expect(error).toHaveProperty("suppressed", undefined);
    const lone = new CleanupStack();
    lone.defer(() => Promise.reject(undefined));
    await expect(
      lone.disposeAsync(),
      "a lone undefined rejection still rejects",
    ).rejects.toBeUndefined();
  });

  it("disposes only once: a second disposeAsync, even a concurrent one, does nothing", async () => {
    const journal: string[] = [];
    const slow = deferred();
    const stack = new CleanupStack();
    stack.use(resource(journal, "a"));
    stack.defer(() => slow.promise);
    const first = stack.disposeAsync();
    expect(stack.disposed, "disposed from the moment disposal starts").toBe(true);
    const second = stack.disposeAsync();
    await expect(second).resolves.toBeUndefined();
    slow.resolve();
    await first;
    await stack.disposeAsync();
    expect(journal).toEqual(["dispose a"]);
  });

  it("refuses use() and defer() once disposed, with a ReferenceError", async () => {
    const stack = new CleanupStack();
    expect(stack.disposed).toBe(false);
    await stack.disposeAsync();
    const journal: string[] = [];
    expect(() => stack.use(resource(journal, "late"))).toThrow(ReferenceError);
    expect(() => stack.use(resource(journal, "late"))).toThrow("CleanupStack is already disposed");
    expect(() => stack.defer(() => undefined)).toThrow(ReferenceError);
    expect(() => stack.defer(() => undefined)).toThrow("CleanupStack is already disposed");
  });

  it("checks for disposal first: use(null) and defer(42) throw the ReferenceError too", async () => {
    const stack = new CleanupStack();
    await stack.disposeAsync();
    for (const value of [null, undefined, {}]) {
      expect(() => stack.use(value as Disposable | null), String(value)).toThrow(ReferenceError);
    }
    expect(() => stack.defer(42 as unknown as () => void)).toThrow(
      "CleanupStack is already disposed",
    );
  });

  it("a failing cleanup inside await using, after a failing body: SuppressedError(cleanup, body)", async () => {
    const bodyFailure = new Error("deploy failed");
    const error = await rejectionOf(
      (async () => {
        await using stack = new CleanupStack();
        stack.defer(() => {
          throw new Error("cleanup failed");
        });
        throw bodyFailure;
      })(),
    );
    expect(shape(error)).toEqual({ error: "cleanup failed", suppressed: "deploy failed" });
  });
});

describe("step 6 — several locks at once", () => {
  it("takes every lock, in order, runs fn with them, then releases them all", async () => {
    const paths = [dir.join("env-prod.lock"), dir.join("tfstate.lock"), dir.join("dns.lock")];
    const result = await withLocks(paths, (locks) => {
      expect(locks.map((l) => l.path)).toEqual(paths);
      expect(
        paths.every((p) => existsSync(p)),
        "every lock is held while fn runs",
      ).toBe(true);
      return "applied";
    });
    expect(result).toBe("applied");
    expect(
      paths.filter((p) => existsSync(p)),
      "every lock is released after",
    ).toEqual([]);
  });

  it("holds the locks until fn's promise settles", async () => {
    const paths = [dir.join("a.lock"), dir.join("b.lock")];
    const job = deferred<number>();
    const done = withLocks(paths, () => job.promise);
    await flush();
    expect(paths.every((p) => existsSync(p))).toBe(true);
    job.resolve(7);
    await expect(done).resolves.toBe(7);
    expect(paths.some((p) => existsSync(p))).toBe(false);
  });

  it("runs fn with no locks for an empty list", async () => {
    await expect(withLocks([], (locks) => locks.length)).resolves.toBe(0);
  });

  it("releases every lock when fn fails, and rejects with the same error", async () => {
    const paths = [dir.join("a.lock"), dir.join("b.lock")];
    const failure = new Error("terraform apply failed");
    const error = await rejectionOf(
      withLocks(paths, async () => {
        throw failure;
      }),
    );
    expect(error).toBe(failure);
    expect(paths.some((p) => existsSync(p))).toBe(false);
  });

  it("when a lock is held: releases the ones it took, takes no more, and rejects with LockedError", async () => {
    const [a, b, c, d] = ["a.lock", "b.lock", "c.lock", "d.lock"].map((name) => dir.join(name));
    writeFileSync(c as string, "4242\n");
    const fn = vi.fn();
    const error = await rejectionOf(withLocks([a, b, c, d] as string[], fn));
    expect(error).toBeInstanceOf(LockedError);
    expect(error).toMatchObject({ path: c, holder: "4242" });
    expect(fn).not.toHaveBeenCalled();
    expect(existsSync(a as string), "a was taken, then released").toBe(false);
    expect(existsSync(b as string), "b was taken, then released").toBe(false);
    expect(readFileSync(c as string, "utf8"), "the holder's lock is untouched").toBe("4242\n");
    expect(existsSync(d as string), "d is never taken").toBe(false);
  });

  it("backs out the same way when taking a lock fails for another reason (ENOENT)", async () => {
    const a = dir.join("a.lock");
    const missing = dir.join("no-such-dir", "b.lock");
    const fn = vi.fn();
    const error = await rejectionOf(withLocks([a, missing], fn));
    expect(error).not.toBeInstanceOf(LockedError);
    expect(error).toMatchObject({ code: "ENOENT" });
    expect(fn).not.toHaveBeenCalled();
    expect(existsSync(a), "a was taken, then released").toBe(false);
  });

  it("refuses a path listed twice, with a TypeError, before taking any lock", async () => {
    const a = dir.join("a.lock");
    const b = dir.join("b.lock");
    const fn = vi.fn();
    const error = await rejectionOf(withLocks([a, b, a], fn));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe(`withLocks: ${a} is listed twice`);
    expect(fn).not.toHaveBeenCalled();
    expect(existsSync(a) || existsSync(b), "no lock may be taken").toBe(false);
  });

  it("names the first path that repeats an earlier one when more than one is listed twice", async () => {
    const a = dir.join("a.lock");
    const b = dir.join("b.lock");
    const cases: [string[], string][] = [
      [[a, b, b, a], b],
      [[a, b, a, b], a],
      [[b, a, a, b, b], a],
    ];
    for (const [paths, named] of cases) {
      const error = await rejectionOf(withLocks(paths, vi.fn()));
      expect(
        (error as Error).message,
        `${paths.map((p) => p.slice(-6)).join(", ")}: scanning from the start, the first path seen again`,
      ).toBe(`withLocks: ${named} is listed twice`);
    }
  });

  it("never attempts a lock after the one that failed: nothing is created at a later path", async () => {
    const a = dir.join("a.lock");
    const held = dir.join("held.lock");
    writeFileSync(held, "4242\n");
    const laterDir = dir.join("later");
    mkdirSync(laterDir);
    const later = dir.join("later", "d.lock");
    utimesSync(laterDir, 0, 0); // any file created (or removed) in it would set a new mtime
    const error = await rejectionOf(withLocks([a, held, later], vi.fn()));
    expect(error).toBeInstanceOf(LockedError);
    expect(
      statSync(laterDir).mtimeMs,
      "the later lock's directory was written: d.lock was taken (and released) after all",
    ).toBe(0);
  });

  it("keeps the lock error under the release error when backing out fails too", async () => {
    const a = dir.join("a.lock");
    const held = dir.join("held.lock");
    writeFileSync(held, "4242\n");
    const fn = vi.fn();
    using broken = failUnlinkOf(a);
    const error = await rejectionOf(withLocks([a, held], fn));
    expect(fn).not.toHaveBeenCalled();
    expect(error, "neither error may be lost: a SuppressedError").toMatchObject({
      name: "SuppressedError",
    });
    expect((error as Suppressed).error, "the release error on top").toBe(broken.failure);
    expect((error as Suppressed).suppressed, "the LockedError in suppressed").toBeInstanceOf(
      LockedError,
    );
    expect((error as Suppressed).suppressed).toMatchObject({ path: held, holder: "4242" });
  });

  it("compares paths as strings, not resolved: two spellings of one file are two locks, and the second is locked", async () => {
    const a = dir.join("a.lock");
    const sameFile = `${dir.path}/./a.lock`; // another string for the very same file
    const fn = vi.fn();
    const error = await rejectionOf(withLocks([a, sameFile], fn));
    expect(
      error,
      "not listed twice (the strings differ): the second lock finds the first one's file",
    ).toBeInstanceOf(LockedError);
    expect(error).toMatchObject({ path: sameFile, holder: String(process.pid) });
    expect(fn).not.toHaveBeenCalled();
    expect(existsSync(a), "the first lock was taken, then released").toBe(false);
  });

  it("checks for a path listed twice before taking any lock, even when a lock could not be taken", async () => {
    const a = dir.join("a.lock");
    const held = dir.join("held.lock");
    writeFileSync(held, "4242\n");
    const missing = dir.join("no-such-dir", "b.lock");
    const fn = vi.fn();
    for (const paths of [
      [a, held, a],
      [a, missing, a],
    ]) {
      const error = await rejectionOf(withLocks(paths, fn));
      expect(
        error,
        `${paths.join(", ")}: the TypeError, not the error of taking a lock`,
      ).toBeInstanceOf(TypeError);
      expect((error as Error).message).toBe(`withLocks: ${a} is listed twice`);
    }
    expect(fn).not.toHaveBeenCalled();
    expect(readFileSync(held, "utf8"), "the holder's lock is untouched").toBe("4242\n");
  });

  it("releases the other locks when one release fails, and rejects with that release's error", async () => {
    const [a, b, c] = ["a.lock", "b.lock", "c.lock"].map((name) => dir.join(name)) as string[];
    const error = await rejectionOf(
      withLocks([a, b, c] as string[], () => {
        breakRelease(b as string);
        return "done";
      }),
    );
    expectReleaseError(error, b as string);
    expect(existsSync(a as string)).toBe(false);
    expect(existsSync(c as string)).toBe(false);
  });

  it("releases in reverse order: with every release failing, the first lock's error is on top", async () => {
    const [a, b] = ["a.lock", "b.lock"].map((name) => dir.join(name)) as [string, string];
    const error = await rejectionOf(
      withLocks([a, b], () => {
        breakRelease(a);
        breakRelease(b);
      }),
    );
    expect(shape(error), "b is released first, a last").toEqual({
      error: `cannot remove ${a}`,
      suppressed: `cannot remove ${b}`,
    });
  });

  it("keeps fn's error under the release errors when both fail", async () => {
    const [a, b] = ["a.lock", "b.lock"].map((name) => dir.join(name)) as [string, string];
    const error = await rejectionOf(
      withLocks([a, b], () => {
        breakRelease(a);
        breakRelease(b);
        throw new Error("apply failed");
      }),
    );
    expect(shape(error)).toEqual({
      error: { error: `cannot remove ${a}`, suppressed: `cannot remove ${b}` },
      suppressed: "apply failed",
    });
  });
});
