/**
 * Atomic config writes — see README.md for the full contract.
 *
 * Do every file operation through `node:fs/promises` (any import style): the spec watches it to
 * check the order of your calls and to make some of them fail on purpose.
 */

/** Text (written as UTF-8) or raw bytes. */
export type FileContent = string | Uint8Array;

export interface WriteOptions {
  /**
   * Permission bits (with setuid, setgid and sticky: `mode & 0o7777`) the file ends up with, e.g. 0o600. Default: an existing file keeps its own
   * mode, a new file gets 0o644. Applied exactly: the process umask must not narrow it.
   */
  mode?: number;
}

export interface UpdateJsonOptions<T> extends WriteOptions {
  /** What `update` receives (a copy of) when the file does not exist. Default (and for null): `{}`. */
  defaultValue?: T;
}

/**
 * The file exists but does not hold valid JSON.
 * name: "InvalidConfigError"; message: `${path} is not valid JSON: ${cause.message}`;
 * `path`: the path as given; `cause`: the SyntaxError from JSON.parse.
 */
export class InvalidConfigError extends Error {
  readonly path: string;

  constructor(path: string, _cause: SyntaxError) {
    super("TODO: implement InvalidConfigError");
    this.path = path;
    throw new Error("TODO: implement InvalidConfigError");
  }
}

/**
 * Replaces the file at `path` with `data` so that a reader (or a crash) never sees a partial
 * file: temp file in the same directory → write → fsync → rename over the target → fsync the
 * directory. Follows symlinks. On failure the target is untouched and the temp file is gone.
 *
 * Throws TypeError("path must be a non-empty string") and
 * TypeError("data must be a string or a Uint8Array") before touching the disk.
 */
export async function writeFileAtomic(
  _path: string,
  _data: FileContent,
  _options: WriteOptions = {},
): Promise<void> {
  // TODO: start here (step 1), then work through the steps in README.md.
  throw new Error("TODO: implement writeFileAtomic()");
}

/**
 * Reads the JSON file at `path` (or a copy of `options.defaultValue`, default `{}`, when it does
 * not exist), passes it to `update`, writes the result atomically as
 * `JSON.stringify(next, null, 2) + "\n"`, and resolves with it.
 *
 * Throws InvalidConfigError for a file that is not valid JSON (nothing is written), and
 * TypeError when `update` is not a function or returns undefined.
 */
export async function updateJsonConfig<T = Record<string, unknown>>(
  _path: string,
  _update: (current: T) => T | Promise<T>,
  _options: UpdateJsonOptions<T> = {},
): Promise<T> {
  // TODO: step 6.
  throw new Error("TODO: implement updateJsonConfig()");
}
