// Mistake: breaks "Any other error (the directory does not exist: `ENOENT`; no permission: `EACCES`) is
// thrown as it is, not as a `LockedError`": it is rethrown as a new Error "with context" (which lock),
// keeping the `code` so callers can still switch on it and the original as `cause`, but it is not the
// same error: `errno`, `syscall` and `path` are gone and the message is different. (adversarial review, round 6)
export * from "../resource-cleanup";

import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { type Lock, LockedError } from "../resource-cleanup";

export function acquireLock(path: string): Lock {
  let fd: number;
  try {
    fd = openSync(path, "wx");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") {
      throw new LockedError(path, readHolder(path));
    }
    throw Object.assign(
      new Error(`cannot take the lock ${path}: ${(error as Error).message}`, { cause: error }),
      { code },
    );
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return new FileLock(path);
}

function readHolder(path: string): string {
  try {
    return readFileSync(path, "utf8").trim() || "unknown";
  } catch {
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
    if (this.#released) return;
    try {
      unlinkSync(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    this.#released = true;
  }

  [Symbol.dispose](): void {
    this.release();
  }
}
