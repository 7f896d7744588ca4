// Mistake: (adversarial review, round 7) breaks "starts from a copy (structuredClone) of options.defaultValue, or {} when there is none" and "Each call
// stands alone": only a given default is cloned; without one every call for a missing file gets the same module-level
// `{}`, so an update that mutates its argument (`c.replicas = 5; return c`) leaks into every later call's starting config.
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

/** What a config that does not exist yet starts from. */
const EMPTY_CONFIG: Record<string, unknown> = {};

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
  let current: T;
  if (text !== undefined) current = parseConfig<T>(path, text);
  else if (options.defaultValue === undefined || options.defaultValue === null) {
    current = EMPTY_CONFIG as T;
  } else current = structuredClone(options.defaultValue);
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
    return JSON.parse(text) as T;
  } catch (error) {
    throw new InvalidConfigError(path, error as SyntaxError);
  }
}
