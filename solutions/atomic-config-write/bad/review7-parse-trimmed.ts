// Mistake: (adversarial review, round 7) breaks "Reads the file as UTF-8, as it is ... A byte-order mark is not stripped: JSON.parse refuses a leading
// \uFEFF, so such a file is an InvalidConfigError": the text is trimmed before parsing (`JSON.parse(text.trim())`, "editors
// add stray whitespace"), and String.prototype.trim also removes \uFEFF (and \u00A0), so a BOM-prefixed config is accepted.
import { readFile } from "node:fs/promises";
import {
  InvalidConfigError,
  type UpdateJsonOptions,
  writeFileAtomic,
} from "../atomic-config-write";

export {
  type FileContent,
  InvalidConfigError,
  type UpdateJsonOptions,
  type WriteOptions,
  writeFileAtomic,
} from "../atomic-config-write";

export async function updateJsonConfig<T = Record<string, unknown>>(
  path: string,
  update: (current: T) => T | Promise<T>,
  options: UpdateJsonOptions<T> = {},
): Promise<T> {
  if (typeof path !== "string" || path === "") {
    throw new TypeError("path must be a non-empty string");
  }
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

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

function parseConfig<T>(path: string, text: string): T {
  try {
    // Tolerate the whitespace an editor leaves around the document.
    return JSON.parse(text.trim()) as T;
  } catch (error) {
    throw new InvalidConfigError(path, error as SyntaxError);
  }
}
