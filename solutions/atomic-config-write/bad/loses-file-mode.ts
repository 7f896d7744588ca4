// Mistake: never looks at the existing file's mode, and trusts open() to apply the one it asks
// for. The renamed temp file brings its own mode: a 0o600 secrets file becomes world-readable
// 0o644, an executable script loses its x bit, and the umask quietly narrows options.mode.
import { randomUUID } from "node:crypto";
import { open, realpath, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { FileContent, WriteOptions } from "../atomic-config-write";

export * from "../atomic-config-write";

export async function writeFileAtomic(
  path: string,
  data: FileContent,
  options: WriteOptions = {},
): Promise<void> {
  if (typeof path !== "string" || path === "") {
    throw new TypeError("path must be a non-empty string");
  }
  if (typeof data !== "string" && !(data instanceof Uint8Array)) {
    throw new TypeError("data must be a string or a Uint8Array");
  }
  const target = await realpath(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return path;
    throw error;
  });
  const tempPath = join(dirname(target), `.${basename(target)}.${randomUUID()}.tmp`);
  try {
    const handle = await open(tempPath, "wx", options.mode ?? 0o644);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } catch (error) {
      await handle.close().catch(() => {});
      throw error;
    }
    await handle.close();
    await rename(tempPath, target);
  } catch (error) {
    await rm(tempPath, { force: true }).catch(() => {});
    throw error;
  }
  const directory = await open(dirname(target), "r");
  try {
    await directory.sync();
  } catch (error) {
    await directory.close().catch(() => {});
    throw error;
  }
  await directory.close();
}
