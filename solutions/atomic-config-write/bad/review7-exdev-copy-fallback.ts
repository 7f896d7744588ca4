// Mistake: (adversarial review, round 7) breaks "Rename the temp file over the target, exactly one rename: a failed rename is not retried ...; it
// rejects with its error": on EXDEV it falls back to what `mv` does across file systems (copyFile the temp file over the
// target, then remove the temp file) and resolves; that copy truncates and rewrites the target in place, not atomically.
import { randomUUID } from "node:crypto";
import { copyFile, open, readFile, realpath, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import {
  type FileContent,
  InvalidConfigError,
  type UpdateJsonOptions,
  type WriteOptions,
} from "../atomic-config-write";

export { type FileContent, InvalidConfigError, type UpdateJsonOptions, type WriteOptions };

const DEFAULT_MODE = 0o644;
const PERMISSION_BITS = 0o7777;

export async function writeFileAtomic(
  path: string,
  data: FileContent,
  options: WriteOptions = {},
): Promise<void> {
  assertPath(path);
  if (typeof data !== "string" && !(data instanceof Uint8Array)) {
    throw new TypeError("data must be a string or a Uint8Array");
  }
  const target = await inspectTarget(path);
  const mode = options.mode ?? target.mode ?? DEFAULT_MODE;
  const tempPath = tempPathFor(target.path);
  try {
    await writeDurably(tempPath, data, mode);
    await moveInto(tempPath, target.path);
  } catch (error) {
    await rm(tempPath, { force: true }).catch(() => {});
    throw error;
  }
  await syncDirectory(dirname(target.path));
}

/** rename(), or a copy when the temp file and the target are on different devices (a bind mount). */
async function moveInto(tempPath: string, targetPath: string): Promise<void> {
  try {
    await rename(tempPath, targetPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
    await copyFile(tempPath, targetPath);
    await rm(tempPath, { force: true });
  }
}

export async function updateJsonConfig<T = Record<string, unknown>>(
  path: string,
  update: (current: T) => T | Promise<T>,
  options: UpdateJsonOptions<T> = {},
): Promise<T> {
  assertPath(path);
  if (typeof update !== "function") throw new TypeError("update must be a function");
  const text = await readIfExists(path);
  const current =
    text === undefined
      ? (structuredClone(options.defaultValue ?? {}) as T)
      : parseConfig<T>(path, text);
  const next = await update(current);
  const json = JSON.stringify(next, null, 2);
  if (json === undefined) {
    throw new TypeError(`update for ${path} returned ${typeof next}: return the new config`);
  }
  await writeFileAtomic(path, `${json}\n`, { mode: options.mode });
  return next;
}

function assertPath(path: unknown): asserts path is string {
  if (typeof path !== "string" || path === "") {
    throw new TypeError("path must be a non-empty string");
  }
}

async function inspectTarget(
  path: string,
): Promise<{ path: string; mode?: number; isDirectory?: boolean }> {
  try {
    const resolved = await realpath(path);
    const stats = await stat(resolved);
    return { path: resolved, mode: stats.mode & PERMISSION_BITS, isDirectory: stats.isDirectory() };
  } catch (error) {
    if (isNotFound(error)) return { path };
    throw error;
  }
}

function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${randomUUID()}.tmp`);
}

async function writeDurably(tempPath: string, data: FileContent, mode: number): Promise<void> {
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
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, "r");
  try {
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => {});
    throw error;
  }
  await handle.close();
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

function parseConfig<T>(path: string, text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new InvalidConfigError(path, error as SyntaxError);
  }
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === "ENOENT";
}
