/**
 * The same API on write-file-atomic (npm's own atomic writer). The library does the temp file,
 * the write, the fsync, the mode/owner copy, the rename and the cleanup; this wrapper adds what
 * it leaves out (see NOTES.md):
 *
 * - input checks (the library writes `String(data)` for anything that is not a buffer);
 * - a symlink loop is an error (the library falls back to the link's own path and replaces it);
 * - a new file gets exactly 0o644 (the library would give it 0o666 minus the umask);
 * - the temp file gets its exact mode before the fsync (the library chmods after it);
 * - the directory fsync after the rename (the library has none).
 */
import { chmod, open, readFile, realpath, stat } from "node:fs/promises";
import { dirname } from "node:path";
import writeFileAtomicLibrary from "write-file-atomic";
import {
  type FileContent,
  InvalidConfigError,
  type UpdateJsonOptions,
  type WriteOptions,
} from "./atomic-config-write";

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
  // Passing the mode explicitly makes the library chmod the temp file to exactly this value.
  const mode = options.mode ?? target.mode ?? DEFAULT_MODE;
  await writeFileAtomicLibrary(target.path, asStringOrBuffer(data), {
    mode,
    // The library chmods only after its fsync and close; set the exact mode as soon as the temp
    // file exists too, so that the fsync finds it (the library's own chmod then changes nothing).
    tmpfileCreated: (tmpfile: string) => chmod(tmpfile, mode),
  });
  await syncDirectory(dirname(target.path));
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
  // undefined, a function or a symbol: JSON.stringify gives undefined, and "undefined\n" in the
  // file would be the very torn config this module exists to prevent.
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

/** The library's types say Buffer; any Uint8Array works, wrapped without a copy. */
function asStringOrBuffer(data: FileContent): string | Buffer {
  return typeof data === "string"
    ? data
    : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

async function inspectTarget(path: string): Promise<{ path: string; mode?: number }> {
  try {
    const resolved = await realpath(path);
    const { mode } = await stat(resolved);
    return { path: resolved, mode: mode & PERMISSION_BITS };
  } catch (error) {
    if (isNotFound(error)) return { path };
    throw error;
  }
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, "r");
  try {
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => {}); // the sync's error is the one to report
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
