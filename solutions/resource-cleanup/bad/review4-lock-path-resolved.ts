// Mistake: breaks "Returns a `Lock` ... whose `path` is the string it was given, as it was (not
// resolved or normalised: "/run/./deploy.lock" stays "/run/./deploy.lock")": the path is made absolute
// with `path.resolve` first ("so a later chdir cannot release the wrong file"), and that resolved path
// is what `lock.path` and `LockedError.path` (and its message) report.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { resolve } from "node:path";
import { LockedError, type Lock } from "../resource-cleanup";
export * from "../resource-cleanup";

export function acquireLock(path: string): Lock {
  const absolute = resolve(path);
  let fd: number;
  try {
    fd = openSync(absolute, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") {
      throw new LockedError(absolute, readHolder(absolute));
    }
    throw error;
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return new FileLock(absolute);
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
