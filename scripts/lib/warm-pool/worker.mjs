// @ts-check
/**
 * The child process of the warm pool (see ./warm-pool.ts). It is vitest's own forks worker, built
 * from the public `vitest/worker` API, with two differences:
 *
 * - it can serve one test file after another: vitest's "stop" tears the run down but leaves the
 *   request handler in place, so the next "start" finds the process ready (the reuse mode);
 * - told which dependencies the last run loaded, it imports them before any test asks (the
 *   fresh mode's spare process), so a run finds them in Node's module cache.
 *
 * Plain JavaScript on purpose: it is started with `node`, and loading tsx would cost every child.
 */
import { init, runBaseTests, setupEnvironment } from "vitest/worker";
import { restoreBuiltins, snapshotBuiltins } from "./pristine-builtins.mjs";

/** Private messages between this process and warm-pool.ts; vitest's own never carry this key. */
const PRIVATE = "__kataWarmPool__";

const realExit = process.exit.bind(process);
const send = process.send?.bind(process);
if (!send) throw new Error("warm-pool worker: expected to be started with an IPC channel");

// The parent is gone (or closed the channel): nothing can reach this process any more.
process.on("disconnect", () => realExit(0));
process.on("error", (error) => {
  if (["ERR_IPC_CHANNEL_CLOSED", "EPIPE"].includes(/** @type {any} */ (error)?.code)) realExit(1);
});

// A heartbeat, so the runner can tell a run that is waiting (a promise, a timer) from one whose
// event loop is stuck in the learner's synchronous code: the latter sends none (warm-pool.ts).
setInterval(() => process.connected && send({ [PRIVATE]: "alive" }), 250).unref();

/** @type {((message: unknown) => void)[]} */
const listeners = [];

/**
 * The module graph vitest keeps for the life of the process. Known after the first run.
 * @type {{ idToModuleMap: Map<string, any>, invalidateModule(node: any): void } | undefined}
 */
let graph;
let runsStarted = 0;
let snapshotTaken = false;

/** The built-ins as they are before any run (about 30 ms): once, while nothing is waiting if possible. */
function snapshotBuiltinsOnce() {
  if (snapshotTaken) return;
  snapshotTaken = true;
  snapshotBuiltins();
}

// vitest's own modules must keep their identity across runs (resetModules skips the same ones).
const VITEST_INTERNAL = [/\/vitest\/dist\//, /vitest-virtual-\w+\/dist/, /@vitest\/dist/];

/**
 * Before a run in a reused process: forget every module that is not a dependency, so the spec,
 * the fixtures and the implementation are fetched again and the current target is the one loaded.
 * Dependencies (externalized to Node's own loader) stay warm: that is the point of reuse.
 */
function forgetSourceModules() {
  if (!graph) return;
  for (const [id, node] of graph.idToModuleMap) {
    if (VITEST_INTERNAL.some((pattern) => pattern.test(id))) continue;
    if (node.meta && "externalize" in node.meta) continue;
    graph.invalidateModule(node);
  }
}

/** The dependencies Node loaded for the last run, for the next spare process to preload. */
function loadedDependencies() {
  if (!graph) return [];
  const urls = new Set();
  for (const node of graph.idToModuleMap.values()) {
    const meta = node.meta;
    if (meta && "externalize" in meta && meta.type !== "builtin") urls.add(meta.externalize);
  }
  return [...urls];
}

/**
 * @param {"run" | "collect"} method
 * @param {any} state
 * @param {any} traces
 */
async function execute(method, state, traces) {
  forgetSourceModules();
  // A reused process: undo what earlier runs did to Node's built-in modules (pristine-builtins.mjs).
  // A spare took its snapshot while it waited (onPrivateMessage), off the save-to-result path.
  if (runsStarted === 0) snapshotBuiltinsOnce();
  else restoreBuiltins();
  runsStarted += 1;
  try {
    await runBaseTests(method, state, traces);
  } finally {
    graph = state.evaluatedModules;
    // vitest replaces process.exit while tests run (a test must not end the worker).
    process.exit = realExit;
    // The heap, so the pool can retire a process that has grown (see warm-pool.ts).
    const { heapUsed } = process.memoryUsage();
    send({ [PRIVATE]: "dependencies", urls: loadedDependencies(), heapUsed });
  }
}

init({
  post: (message) => send(message),
  on: (listener) => {
    listeners.push(listener);
    process.on("message", listener);
  },
  off: (listener) => {
    const index = listeners.indexOf(listener);
    if (index !== -1) listeners.splice(index, 1);
    process.off("message", listener);
  },
  // Called after "stop". vitest's forks worker removes every message listener here; this one keeps
  // the first (init's request handler) so the process can be started again.
  teardown: () => {
    for (const listener of listeners.splice(1)) process.off("message", listener);
  },
  runTests: (state, traces) => execute("run", state, traces),
  collectTests: (state, traces) => execute("collect", state, traces),
  setup: setupEnvironment,
});

/** @param {unknown} message */
async function onPrivateMessage(message) {
  if (typeof message !== "object" || message === null || !(PRIVATE in message)) return;
  const request = /** @type {{ [PRIVATE]: string, urls?: string[] }} */ (message);
  if (request[PRIVATE] !== "preload") return;
  if (runsStarted === 0) snapshotBuiltinsOnce();
  // One at a time: a spare is made while the learner types, and must not fight the run for CPU.
  for (const url of request.urls ?? []) {
    try {
      await import(url);
    } catch {
      // A dependency that fails here fails again, visibly, when the spec imports it.
    }
  }
}
process.on("message", onPrivateMessage);
