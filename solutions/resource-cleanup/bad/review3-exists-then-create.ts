// Mistake: breaks "Creates the file at `path` **exclusively** (the `\"wx\"` flag: the create itself
// fails if anything is at `path`, even a symlink that points nowhere)": it checks `existsSync` and
// then writes with the default "w" flag; `existsSync` is false for a dangling symlink, so the lock
// is "taken" by writing through the symlink to its target (and two processes can race in the gap).
import { existsSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { LockedError, type Lock } from "../resource-cleanup";
export * from "../resource-cleanup";

export function acquireLock(path: string): Lock {
  if (existsSync(path)) throw new LockedError(path, readHolder(path));
  writeFileSync(path, `${process.pid}\n`); // opens, writes and closes
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

function readHolder(path: string): string {
  try {
    return readFileSync(path, "utf8").trim() || "unknown";
  } catch {
    return "unknown";
  }
}
