// Mistake: renames over the path it was given without resolving symlinks. When the config is a
// link (current.conf → releases/v2.conf), the link is replaced by a regular file: the release
// it pointed to never sees the change, and the next deploy's relink silently discards it.
import { randomUUID } from "node:crypto";
import { open, rename, rm, stat } from "node:fs/promises";
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
  const existing = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  const mode = options.mode ?? (existing ? existing.mode & 0o7777 : 0o644);
  const tempPath = join(dirname(path), `.${basename(path)}.${randomUUID()}.tmp`);
  try {
    const handle = await open(tempPath, "wx", mode);
    try {
      await handle.writeFile(data);
      await handle.chmod(mode);
      await handle.sync();
    } catch (error) {
      await handle.close().catch(() => {});
      throw error;
    }
    await handle.close();
    await rename(tempPath, path);
  } catch (error) {
    await rm(tempPath, { force: true }).catch(() => {});
    throw error;
  }
  const directory = await open(dirname(path), "r");
  try {
    await directory.sync();
  } catch (error) {
    await directory.close().catch(() => {});
    throw error;
  }
  await directory.close();
}
