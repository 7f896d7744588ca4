// Mistake: treats any file it cannot read or parse as "no config yet" and starts from the
// default. A truncated or hand-broken config is then silently overwritten with defaults, and the
// evidence of what went wrong is gone.
import { readFile } from "node:fs/promises";
import { type UpdateJsonOptions, writeFileAtomic } from "../atomic-config-write";

export * from "../atomic-config-write";

export async function updateJsonConfig<T = Record<string, unknown>>(
  path: string,
  update: (current: T) => T | Promise<T>,
  options: UpdateJsonOptions<T> = {},
): Promise<T> {
  if (typeof path !== "string" || path === "") {
    throw new TypeError("path must be a non-empty string");
  }
  if (typeof update !== "function") throw new TypeError("update must be a function");
  let current: T;
  try {
    current = JSON.parse(await readFile(path, "utf8")) as T;
  } catch {
    current = structuredClone(options.defaultValue ?? {}) as T;
  }
  const next = await update(current);
  if (next === undefined) {
    throw new TypeError(`update for ${path} returned undefined: return the new config`);
  }
  await writeFileAtomic(path, `${JSON.stringify(next, null, 2)}\n`, { mode: options.mode });
  return next;
}
