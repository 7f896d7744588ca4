// Mistake: (adversarial review, round 7) breaks "Any other value is written ..., except a value JSON has no text for: a function or a symbol (for which
// JSON.stringify gives undefined) is refused": the refusal tests `typeof next` for "undefined", "function" and "symbol"
// instead of looking at what JSON.stringify gave, so an object whose toJSON() returns undefined (TypeScript types
// JSON.stringify as returning string) writes the text "undefined\n" over the config.
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

const NO_JSON_TEXT = new Set(["undefined", "function", "symbol"]);

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
  if (NO_JSON_TEXT.has(typeof next)) {
    throw new TypeError(`update for ${path} returned ${typeof next}: return the new config`);
  }
  await writeFileAtomic(path, `${JSON.stringify(next, null, 2)}\n`, { mode: options.mode });
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
    return JSON.parse(text) as T;
  } catch (error) {
    throw new InvalidConfigError(path, error as SyntaxError);
  }
}
