// Mistake: breaks "or `\"unknown\"` when ... the file cannot be read (a directory, a symlink to
// nothing, a file that vanished in between)": only `ENOENT` from the read gives "unknown"; any other
// read error is rethrown, so a directory at `path` throws EISDIR instead of a `LockedError`.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { LockedError, type Lock } from "../resource-cleanup";
export * from "../resource-cleanup";

export function acquireLock(path: string): Lock {
  let fd: number;
  try {
    fd = openSync(path, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") throw new LockedError(path, readHolder(path));
    throw error;
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return makeLock(path);
}

function readHolder(path: string): string {
  try {
    return readFileSync(path, "utf8").trim() || "unknown";
  } catch (error) {
    // The holder let go between our open and our read: nobody holds it now.
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "unknown";
    throw error;
  }
}

function makeLock(path: string): Lock {
  let released = false;
  const release = () => {
    if (released) return;
    try {
      unlinkSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    released = true;
  };
  return {
    path,
    get released() {
      return released;
    },
    release,
    [Symbol.dispose]: release,
  };
}
