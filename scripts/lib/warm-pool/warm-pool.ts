/**
 * A vitest pool that does not pay for the same imports twice.
 *
 * vitest's forks pool starts a new Node process for every spec run, and a kata spec's first
 * second goes on importing its dependencies (the EC2 client alone is 2 MB of JavaScript, msw
 * another few hundred ms). The spec itself runs in a tenth of that. This pool keeps the cost off
 * the path between a save and its result, in one of two modes:
 *
 * - `fresh` (watch mode and the dojo — the learner's code runs): every run still gets a process of
 *   its own, as with vitest's forks pool, so nothing a half-written solution leaves behind (a
 *   timer, a patched global) can reach the next run. But the next process is started as soon as
 *   a run ends, and imports the dependencies the last run used while the learner is typing.
 * - `reuse` (the contract check — only the workbook's own code runs): a process serves one spec
 *   run after another, across targets, forgetting the spec and implementation modules between
 *   runs but keeping the dependencies loaded, and putting Node's built-in modules back as they
 *   were (see ./pristine-builtins.mjs). A process retires after RETIRE_AFTER_RUNS runs, or
 *   sooner once its heap has grown past RETIRE_AFTER_HEAP_BYTES: each run leaves a little behind
 *   (its modules in vitest's graph, whatever a spec kept alive), and a process near Node's heap
 *   limit spends its time in the garbage collector, then dies of it.
 *
 * The child side is ./worker.mjs. Both speak vitest's worker protocol unchanged.
 */
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { PoolOptions, PoolRunnerInitializer, PoolWorker } from "vitest/node";
import { WARM_POOL_CHANNEL } from "./announce.ts";

export type WarmPoolMode = "fresh" | "reuse";

const WORKER_ENTRY = fileURLToPath(new URL("./worker.mjs", import.meta.url));
const PRIVATE = WARM_POOL_CHANNEL;
const RETIRE_AFTER_RUNS = 50;
const RETIRE_AFTER_HEAP_BYTES = 1024 * 1024 * 1024;
const SIGKILL_AFTER_MS = 2_000;

interface WarmChild {
  process: ChildProcess;
  mode: WarmPoolMode;
  key: string;
  runs: number;
  /** The heap in use when its last run ended, as the process reported it. */
  heapUsed: number;
  /** vitest has told it to stop; it is parked (reuse) or ended once it has. */
  stopping: boolean;
}

/** Processes not serving a run: parked (reuse) or spare (fresh), by the env they were made for. */
const idle = new Map<string, WarmChild[]>();
/** The dependencies the last run loaded, by the same key: what a spare preloads. */
const dependencies = new Map<string, string[]>();
const everyChild = new Set<ChildProcess>();
let spawned = 0;
/**
 * Reuse mode: processes told to stop but not yet parked, by key. vitest asks for the next
 * worker before the last one has finished stopping; waiting a few ms for it beats starting one.
 */
const stopping = new Map<string, number>();
const waitingForPark = new Map<string, ((child: WarmChild | undefined) => void)[]>();
const STOPPING_WAIT_MS = 2_000;

process.once("exit", () => {
  for (const child of everyChild) child.kill("SIGKILL");
});

export function warmPool(mode: WarmPoolMode): PoolRunnerInitializer {
  return {
    name: `kata-warm-${mode}`,
    createPoolWorker: (options) => new WarmWorker(mode, options),
  };
}

/** How many processes the pool has started, and how many wait idle (for tests and benchmarks). */
export function warmPoolStats(): { spawned: number; idle: number } {
  return { spawned, idle: [...idle.values()].flat().length };
}

/** Processes serving a run right now. */
const busy = new Set<ChildProcess>();
/** When each process last said it was alive (worker.mjs sends a heartbeat every 250 ms). */
const lastAlive = new WeakMap<ChildProcess, number>();
/** The test each process last said it had started (learner-run.ts announces them). */
const lastTest = new WeakMap<ChildProcess, string>();
/** The project and spec files each busy process was asked to run. */
const servingOf = new WeakMap<ChildProcess, { project: string; files: string[] }>();

/** The test the quietest busy process last announced, if any (what a hung run was doing). */
export function busyWorkerTest(): string | undefined {
  let quietest: ChildProcess | undefined;
  for (const child of busy)
    if (!quietest || (lastAlive.get(child) ?? 0) < (lastAlive.get(quietest) ?? 0)) quietest = child;
  return quietest ? lastTest.get(quietest) : undefined;
}

/**
 * How long the quietest process serving a run has gone without a heartbeat, in ms, and whether
 * it had started a test by then (undefined when none is busy). A process whose event loop is
 * stuck in synchronous code (an infinite loop of the learner's) sends none; one waiting on a
 * promise still does. A process still loading modules sends none either, for a while.
 */
export function busyWorkerSilence(): { ms: number; inTest: boolean } | undefined {
  const now = performance.now();
  let quietest: { ms: number; inTest: boolean } | undefined;
  for (const child of busy) {
    const ms = now - (lastAlive.get(child) ?? now);
    if (!quietest || ms > quietest.ms) quietest = { ms, inTest: lastTest.has(child) };
  }
  return quietest;
}

/**
 * Kills every process serving a run, at once (SIGKILL: a process stuck in a loop of the learner's
 * code never reads a message). vitest then sees its workers exit and ends the run. Returns how
 * many were killed.
 */
export function killBusyWorkers(): number {
  const killed = [...busy].filter((child) => child.exitCode === null && child.signalCode === null);
  for (const child of killed) {
    busy.delete(child);
    child.kill("SIGKILL");
  }
  return killed.length;
}

/** A run whose process was killed for sending no heartbeat (see killStuckWorkers). */
export interface StuckRun {
  project: string;
  files: string[];
  /** The test it had announced last, if any. */
  test: string | undefined;
  silentMs: number;
}

/**
 * Kills each process serving a run that has sent no heartbeat for longer than its limit (one limit
 * once a test has been announced, a longer one while modules load), and says what each was
 * running. Unlike killBusyWorkers, the others run on: for a pool running many spec files at once.
 */
export function killStuckWorkers(limits: { inTestMs: number; loadingMs: number }): StuckRun[] {
  const now = performance.now();
  const stuck: StuckRun[] = [];
  for (const child of busy) {
    const silentMs = now - (lastAlive.get(child) ?? now);
    const test = lastTest.get(child);
    if (silentMs < (test === undefined ? limits.loadingMs : limits.inTestMs)) continue;
    const serving = servingOf.get(child) ?? { project: "", files: [] };
    stuck.push({ ...serving, test, silentMs });
    busy.delete(child);
    child.kill("SIGKILL");
  }
  return stuck;
}

/** Stops every idle process (the runner calls it when it closes its vitest instance). */
export async function closeWarmPool(): Promise<void> {
  const children = [...idle.values()].flat();
  idle.clear();
  await Promise.all(children.map((child) => terminate(child.process)));
}

class WarmWorker implements PoolWorker {
  readonly name: string;
  readonly cacheFs = true;
  private child: WarmChild | undefined;
  /** Listeners vitest added through `on`, so none outlives this worker on a reused process. */
  private readonly listeners: { event: string; original: Listener; attached: Listener }[] = [];
  private readonly key: string;

  constructor(
    private readonly mode: WarmPoolMode,
    private readonly options: PoolOptions,
  ) {
    this.name = `kata-warm-${mode}`;
    this.key = JSON.stringify([mode, options.execArgv, options.env]);
  }

  async start(): Promise<void> {
    if (this.child) return;
    this.child =
      takeIdle(this.key) ??
      (await nextParked(this.key)) ??
      spawnChild(this.mode, this.key, this.options);
    this.child.runs += 1;
    busy.add(this.child.process);
    lastAlive.set(this.child.process, performance.now());
    lastTest.delete(this.child.process);
    this.child.process.ref();
    this.child.process.channel?.ref();
    this.child.process.on("message", this.rememberDependencies);
    const logger = this.options.project.vitest.logger;
    this.child.process.stdout?.pipe(logger.outputStream, { end: false });
    this.child.process.stderr?.pipe(logger.errorStream, { end: false });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    busy.delete(child.process);
    for (const { event, attached } of this.listeners.splice(0)) child.process.off(event, attached);
    child.process.off("message", this.rememberDependencies);
    const logger = this.options.project.vitest.logger;
    child.process.stdout?.unpipe(logger.outputStream);
    child.process.stderr?.unpipe(logger.errorStream);

    const healthy = child.process.exitCode === null && child.process.connected;
    const wasStopping = child.stopping;
    child.stopping = false;
    if (wasStopping) stopping.set(this.key, (stopping.get(this.key) ?? 1) - 1);
    const fresh = child.runs < RETIRE_AFTER_RUNS && child.heapUsed < RETIRE_AFTER_HEAP_BYTES;
    if (this.mode === "reuse" && healthy && fresh) {
      park(child);
      return;
    }
    if (wasStopping) handOver(this.key, undefined);
    await terminate(child.process);
    if (this.mode === "fresh") {
      // One spare is enough: a spare made for other settings (env, flags) will not be asked for.
      await Promise.all(takeAllIdle("fresh").map((spare) => terminate(spare.process)));
      park(spawnChild("fresh", this.key, this.options));
    }
  }

  on(event: string, callback: Listener): void {
    // The pool's private messages are not vitest's: keep them away from its RPC channel.
    const attached: Listener =
      event === "message" ? (message) => isPrivate(message) || callback(message) : callback;
    this.listeners.push({ event, original: callback, attached });
    this.current.on(event, attached);
  }

  off(event: string, callback: Listener): void {
    const index = this.listeners.findIndex((l) => l.event === event && l.original === callback);
    if (index === -1) return;
    const [entry] = this.listeners.splice(index, 1);
    if (entry) this.current.off(event, entry.attached);
  }

  send(message: unknown): void {
    const files = filesToRun(message);
    if (this.child && files)
      servingOf.set(this.child.process, { project: this.options.project.name, files });
    if (this.mode === "reuse" && this.child && isStopRequest(message)) {
      this.child.stopping = true;
      stopping.set(this.key, (stopping.get(this.key) ?? 0) + 1);
    }
    this.current.send(message as Parameters<ChildProcess["send"]>[0]);
  }

  deserialize(data: unknown): unknown {
    return data;
  }

  private get current(): ChildProcess {
    if (!this.child) throw new Error("warm pool: the worker process is not started");
    return this.child.process;
  }

  private readonly rememberDependencies = (message: unknown) => {
    if (!isPrivate(message)) return;
    const { urls, heapUsed } = message as { urls?: unknown; heapUsed?: unknown };
    if (Array.isArray(urls)) dependencies.set(this.key, urls.map(String));
    if (typeof heapUsed === "number" && this.child) this.child.heapUsed = heapUsed;
  };
}

type Listener = (arg: unknown) => void;

/** The spec files of vitest's "run" or "collect" request; undefined for any other message. */
function filesToRun(message: unknown): string[] | undefined {
  if (typeof message !== "object" || message === null) return undefined;
  const { type, context } = message as { type?: unknown; context?: { files?: unknown } };
  if ((type !== "run" && type !== "collect") || !Array.isArray(context?.files)) return undefined;
  return context.files.map((file: { filepath?: unknown } | string) =>
    String(typeof file === "string" ? file : file.filepath),
  );
}

function isStopRequest(message: unknown): boolean {
  return (
    typeof message === "object" &&
    message !== null &&
    (message as { type?: unknown }).type === "stop"
  );
}

/** A process of this key that is stopping now, once parked; undefined if none is coming. */
function nextParked(key: string): Promise<WarmChild | undefined> | undefined {
  if ((stopping.get(key) ?? 0) <= (waitingForPark.get(key)?.length ?? 0)) return undefined;
  return new Promise((resolve) => {
    const timer = setTimeout(() => settle(undefined), STOPPING_WAIT_MS);
    const settle = (child: WarmChild | undefined) => {
      clearTimeout(timer);
      const list = waitingForPark.get(key) ?? [];
      const index = list.indexOf(settle);
      if (index !== -1) list.splice(index, 1);
      resolve(child);
    };
    waitingForPark.set(key, [...(waitingForPark.get(key) ?? []), settle]);
  });
}

/** Gives a process that just stopped to whoever waits for one; false if nobody does. */
function handOver(key: string, child: WarmChild | undefined): boolean {
  const waiter = waitingForPark.get(key)?.[0];
  if (!waiter) return false;
  waiter(child);
  return true;
}

function isPrivate(message: unknown): boolean {
  return typeof message === "object" && message !== null && PRIVATE in message;
}

function spawnChild(mode: WarmPoolMode, key: string, options: PoolOptions): WarmChild {
  const child = fork(WORKER_ENTRY, [], {
    env: options.env,
    execArgv: options.execArgv,
    stdio: "pipe",
    serialization: "advanced",
  });
  everyChild.add(child);
  spawned += 1;
  child.on("message", (message) => {
    if (!isPrivate(message)) return;
    const { [PRIVATE]: kind, name } = message as Record<string, unknown>;
    if (kind === "alive") lastAlive.set(child, performance.now());
    if (kind === "test" && typeof name === "string") lastTest.set(child, name);
  });
  child.once("exit", () => {
    everyChild.delete(child);
    busy.delete(child);
    forgetIdle(child);
  });
  const urls = dependencies.get(key);
  if (urls && urls.length > 0) child.send({ [PRIVATE]: "preload", urls });
  return { process: child, mode, key, runs: 0, heapUsed: 0, stopping: false };
}

/** An idle process must not keep the runner alive, nor be waited for. */
function park(child: WarmChild): void {
  if (handOver(child.key, child)) return;
  child.process.unref();
  child.process.channel?.unref();
  const list = idle.get(child.key) ?? [];
  list.push(child);
  idle.set(child.key, list);
}

function takeIdle(key: string): WarmChild | undefined {
  const list = idle.get(key);
  while (list && list.length > 0) {
    const child = list.shift();
    if (child && child.process.exitCode === null && child.process.connected) return child;
  }
  return undefined;
}

function takeAllIdle(mode: WarmPoolMode): WarmChild[] {
  const taken: WarmChild[] = [];
  for (const list of idle.values()) {
    for (const child of list.filter((c) => c.mode === mode)) {
      list.splice(list.indexOf(child), 1);
      taken.push(child);
    }
  }
  return taken;
}

function forgetIdle(process: ChildProcess): void {
  for (const list of idle.values()) {
    const index = list.findIndex((child) => child.process === process);
    if (index !== -1) list.splice(index, 1);
  }
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const killer = setTimeout(() => child.kill("SIGKILL"), SIGKILL_AFTER_MS);
  child.kill();
  await exited;
  clearTimeout(killer);
}
