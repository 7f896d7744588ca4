// Mistake: breaks "the `holder`: the file's contents with surrounding whitespace removed": the holder is
// the pid file's first line (`split("\n")[0].trim()`, as a pidfile reader does), so a lock file holding
// "4242\nci-runner-7\n" gives the holder "4242" instead of "4242\nci-runner-7" (and "\n4242\n" gives "unknown").
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { LockedError, type Lock } from "../resource-cleanup";
export * from "../resource-cleanup";

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
    const firstLine = readFileSync(path, "utf8").split("\n")[0] ?? "";
    return firstLine.trim() || "unknown";
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
