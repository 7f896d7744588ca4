// Mistake: breaks step 2, "Create the temp file in the target's own directory": ported from Python's tempfile.mkdtemp, the
// temp file is `<dir>/.app.json-XXXXXX/app.json` (a fresh private subdirectory of the target's directory, same file system, removed afterwards). (adversarial review, round 19)
/**
 * Atomic file writes: whoever reads the file sees the old content or the new content, whole,
 * never a half-written file, and never no file at all.
 *
 * The recipe: write the new content to a temp file in the target's own directory, fsync it,
 * rename it over the target (a rename within one file system is atomic), fsync the directory.
 */
import { randomUUID } from "node:crypto";
import {
  type FileHandle,
  mkdtemp,
  open,
  readFile,
  realpath,
  rename,
  rm,
  stat,
} from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** Text (written as UTF-8) or raw bytes. */
export type FileContent = string | Uint8Array;

export interface WriteOptions {
  /**
   * Permission bits (with setuid, setgid and sticky: `mode & 0o7777`) the file ends up with. Default: an existing file keeps its own mode, a new
   * file gets 0o644. Applied exactly: the process umask does not narrow it.
   */
  mode?: number;
}

export interface UpdateJsonOptions<T> extends WriteOptions {
  /** What `update` receives (a copy of) when the file does not exist. Default (and for null): `{}`. */
  defaultValue?: T;
}

/** The file exists but does not hold valid JSON; `cause` is the parser's SyntaxError. */
export class InvalidConfigError extends Error {
  override readonly name = "InvalidConfigError";
  readonly path: string;

  constructor(path: string, cause: SyntaxError) {
    super(`${path} is not valid JSON: ${cause.message}`, { cause });
    this.path = path;
  }
}

const DEFAULT_MODE = 0o644;
/** st_mode also carries the file type; chmod wants the permission bits only. */
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
  const tempDir = await mkdtemp(join(dirname(target.path), `.${basename(target.path)}-`));
  const tempPath = join(tempDir, basename(target.path));
  // "wx" refuses an existing file (or a planted symlink) at this name; `mode` keeps the temp file
  // as private as the final file while the data is in it. If this open fails (EEXIST included),
  // whatever is at that name is not ours: there is nothing of this call's to remove.
  let handle: FileHandle;
  try {
    handle = await open(tempPath, "wx", mode);
  } catch (error) {
    await rm(tempDir, { recursive: true, force: true }).catch(() => {});
    throw error;
  }
  try {
    await writeDurably(handle, data, mode);
    await rename(tempPath, target.path);
  } catch (error) {
    // The target was never touched: the temp file this call created is the only thing to undo.
    // A failed removal (EBUSY, EACCES) must not replace the error that explains the failure.
    await rm(tempDir, { recursive: true, force: true }).catch(() => {});
    throw error;
  }
  await rm(tempDir, { recursive: true, force: true });
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
  // A copy, so an update that mutates its argument cannot change the caller's default.
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

interface Target {
  /** The file to replace: symlinks resolved, so the link survives and its destination changes. */
  path: string;
  /** Its permission bits, or undefined when it does not exist yet. */
  mode?: number;
}

async function inspectTarget(path: string): Promise<Target> {
  try {
    const resolved = await realpath(path);
    const { mode } = await stat(resolved);
    return { path: resolved, mode: mode & PERMISSION_BITS };
  } catch (error) {
    // Only "does not exist yet" is fine; a symlink loop or a permission error is not.
    if (isNotFound(error)) return { path };
    throw error;
  }
}

/**
 * Same directory as the target, so the rename never crosses file systems (EXDEV) and stays
 * atomic. Hidden and unique: globs like `*.json` skip it, and concurrent writers never share one.
 */
function _tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${randomUUID()}.tmp`);
}
void _tempPathFor;

async function writeDurably(handle: FileHandle, data: FileContent, mode: number): Promise<void> {
  try {
    await handle.writeFile(data);
    await handle.chmod(mode); // open() applied the umask, chmod does not
    await handle.sync(); // the data must be on disk before the rename publishes it
  } catch (error) {
    // The write's (or sync's) error explains the failure: a close that fails too must not
    // replace it, as a close in a `finally` would.
    await handle.close().catch(() => {});
    throw error;
  }
  await handle.close();
}

/** The rename changed the directory, not the file: sync the directory to make it durable. */
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
