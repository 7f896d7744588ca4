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
 *
 * The timer globals get the same care (`setTimeout`, `Date`, `performance.now`, …): fake timers
 * that a run left installed made the next spec's `setTimeout` never fire.
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

/** What fake timers replace (see @sinonjs/fake-timers' `toFake`), by the object holding it. */
const TIMER_GLOBALS = [
  "setTimeout",
  "clearTimeout",
  "setInterval",
  "clearInterval",
  "setImmediate",
  "clearImmediate",
  "queueMicrotask",
  "requestAnimationFrame",
  "cancelAnimationFrame",
  "requestIdleCallback",
  "cancelIdleCallback",
  "Date",
  "performance",
];
const TIMER_PARTS = () => [
  [globalThis, TIMER_GLOBALS],
  [globalThis.performance, ["now", "timeOrigin", "mark", "measure"]],
  [process, ["nextTick", "hrtime"]],
];

/**
 * Per object: its properties as they were, and whether the snapshot is of all of them (a module:
 * properties added since are removed) or of the few named (globals: the rest are not ours).
 * @type {Map<object, { before: Map<PropertyKey, PropertyDescriptor>, whole: boolean }> | undefined}
 */
let snapshot;

/** Records every built-in module's own properties, and the timer globals. Call once, first. */
export function snapshotBuiltins() {
  snapshot = new Map();
  for (const name of builtinModules) {
    if (name.startsWith("_") || SKIPPED.has(name)) continue;
    const exports = require(name);
    if (typeof exports !== "object" && typeof exports !== "function") continue;
    if (exports === null || snapshot.has(exports)) continue;
    snapshot.set(exports, { before: descriptorsOf(exports), whole: true });
  }
  for (const [holder, names] of /** @type {[object, string[]][]} */ (TIMER_PARTS())) {
    const before = new Map();
    for (const name of names) {
      const descriptor = Object.getOwnPropertyDescriptor(holder, name);
      if (descriptor) before.set(name, descriptor);
    }
    snapshot.set(holder, { before, whole: false });
  }
}

/**
 * Puts back every property a run changed (and, in a module, removes every one it added), and
 * syncs the ESM exports to match. Returns the names of the properties put back (for tests).
 * @returns {string[]}
 */
export function restoreBuiltins() {
  if (!snapshot) return [];
  /** @type {string[]} */
  const restored = [];
  for (const [exports, { before, whole }] of snapshot) {
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
    if (!whole) continue;
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
