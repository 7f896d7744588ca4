// Mistake: writes the target in place (truncate, write, fsync). It looks careful and passes a
// quick manual test, but a process killed mid-write leaves the config truncated or half-written,
// and readers can see it half-written even without a crash.
import { open, stat } from "node:fs/promises";
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
  const existing = await stat(path).catch(() => undefined);
  const mode = options.mode ?? (existing ? existing.mode & 0o7777 : 0o644);
  const handle = await open(path, "w", mode);
  try {
    await handle.writeFile(data);
    await handle.chmod(mode);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => {});
    throw error;
  }
  await handle.close();
}
