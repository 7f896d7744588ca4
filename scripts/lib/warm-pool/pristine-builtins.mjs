// @ts-check
/**
 * Node's built-in modules as they were before a reused process's first run, put back before each
 * later run.
 *
 * Built-in modules live as long as the process, and some specs change them in place on purpose:
 * `vi.mock("node:fs/promises", { spy: true })` replaces the functions on the real `fs.promises`
 * object with spies and never puts them back, and a spec that spies on `node:fs` calls
 * `syncBuiltinESMExports()`, which copies whatever the objects hold at that moment into every
 * built-in's ESM exports. In a process that serves one spec after another, the next spec's
 * "real" `fs.promises.open` was then the last spec's spy (a spy that called itself). vitest's
 * `restoreMocks` does not cover this: it restores `vi.spyOn` spies, not automocked modules.
 */
import { builtinModules, createRequire, syncBuiltinESMExports } from "node:module";

const require = createRequire(import.meta.url);

/**
 * Not snapshotted: the internal `_stream_*`-style modules (aliases of public ones), modules that
 * print a deprecation or experimental warning when loaded, and `process`, whose properties are
 * the process's live state (its event listeners, its exit code), not functions to keep as made.
 */
const SKIPPED = new Set([
  "sys",
  "punycode",
  "wasi",
  "inspector/promises",
  "test/reporters",
  "process",
]);

/** @type {Map<object, Map<PropertyKey, PropertyDescriptor>> | undefined} */
let snapshot;

/** Records every built-in module's own properties. Call once, before the first run. */
export function snapshotBuiltins() {
  snapshot = new Map();
  for (const name of builtinModules) {
    if (name.startsWith("_") || SKIPPED.has(name)) continue;
    const exports = require(name);
    if (typeof exports !== "object" && typeof exports !== "function") continue;
    if (exports === null || snapshot.has(exports)) continue;
    snapshot.set(exports, descriptorsOf(exports));
  }
}

/**
 * Puts back every property a run changed, removes every one it added, and syncs the ESM exports
 * to match. Returns the names of the properties put back (for tests).
 * @returns {string[]}
 */
export function restoreBuiltins() {
  if (!snapshot) return [];
  /** @type {string[]} */
  const restored = [];
  for (const [exports, before] of snapshot) {
    for (const [key, descriptor] of before) {
      const now = Object.getOwnPropertyDescriptor(exports, key);
      // Only values a run replaced: a lazy getter Node turned into a value is left alone.
      if (!("value" in descriptor) || (now && !("value" in now))) continue;
      if (now && now.value === descriptor.value) continue;
      try {
        Object.defineProperty(exports, key, descriptor);
        restored.push(String(key));
      } catch {
        // A property Node made unchangeable was not changed either.
      }
    }
    for (const key of Reflect.ownKeys(exports)) {
      if (before.has(key) || (typeof key === "string" && key.startsWith("_"))) continue;
      const added = Object.getOwnPropertyDescriptor(exports, key);
      if (added && "value" in added && added.configurable && Reflect.deleteProperty(exports, key))
        restored.push(String(key));
    }
  }
  if (restored.length > 0) syncBuiltinESMExports();
  return restored;
}

/** @param {object} exports */
function descriptorsOf(exports) {
  /** @type {Map<PropertyKey, PropertyDescriptor>} */
  const descriptors = new Map();
  for (const key of Reflect.ownKeys(exports)) {
    // Underscored properties are an object's internal state (an emitter's `_events`): not ours.
    if (typeof key === "string" && key.startsWith("_")) continue;
    const descriptor = Object.getOwnPropertyDescriptor(exports, key);
    if (descriptor) descriptors.set(key, descriptor);
  }
  return descriptors;
}
