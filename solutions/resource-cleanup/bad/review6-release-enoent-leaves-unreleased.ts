// Mistake: breaks "If the file is already gone (`ENOENT`), that is fine: no error, and `released` is
// `true`": the catch returns early on ENOENT (`if (code === "ENOENT") return;`), skipping the line that
// sets the flag, so `released` stays `false` and a later `release()` unlinks again, deleting a new lock
// file another process has created at `path` since ("Once released, it does nothing, ever"). (adversarial review, round 6)
export * from "../resource-cleanup";

import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { type Lock, LockedError } from "../resource-cleanup";

export function acquireLock(path: string): Lock {
  let fd: number;
  try {
    fd = openSync(path, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") {
      throw new LockedError(path, readHolder(path));
    }
    throw error;
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
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return; // already gone: nothing to do
      throw error;
    }
    this.#released = true;
  }

  [Symbol.dispose](): void {
    this.release();
  }
}
