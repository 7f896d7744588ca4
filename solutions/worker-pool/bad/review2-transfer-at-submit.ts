// Mistake: (adversarial review, round 2) the transferList is applied when run() is called (structuredClone with `transfer`), not
// when the task starts on a worker (README: "a task still waiting in the queue keeps its buffers
// until then"): a queued task's ArrayBuffer is emptied at once.
/**
 * Worker pool — the reference solution. See katas/worker-pool/README.md for the contract.
 *
 * CPU-bound work goes to a fixed set of worker threads, each running one task at a time; I/O
 * stays on the event loop, where it is already concurrent. `hashFiles` puts the two together:
 * it reads files on the main thread and hands their bytes to the pool to hash.
 */
import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import { type TransferListItem, Worker } from "node:worker_threads";

/**
 * What every worker thread runs: load the task module, then answer one task message at a time.
 *
 * It is plain JavaScript in a string because a worker is a fresh V8 isolate with its own module
 * loader: it cannot see this module's variables, and on Node 20 it cannot load a `.ts` file (the
 * test runner's TypeScript transform does not reach into it). In a compiled project the same code
 * would live in its own `worker.js`, started with `new Worker(new URL("./worker.js", import.meta.url))`.
 *
 * - A module that cannot be loaded, or has no default function, is left to throw: the worker
 *   dies with that error and the main thread rejects the task with it.
 * - The task's own error is caught and sent back, so the worker lives on.
 * - A reply that cannot be cloned (the task returned a function) becomes an ordinary Error:
 *   Node would otherwise send the DataCloneError across as an empty object.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");

import(workerData.moduleUrl).then((module) => {
  const task = module.default;
  if (typeof task !== "function") {
    throw new TypeError(workerData.moduleUrl + " has no default export function");
  }
  parentPort.on("message", async (input) => {
    let reply;
    try {
      reply = { ok: true, value: await task(input) };
    } catch (error) {
      reply = { ok: false, error };
    }
    try {
      parentPort.postMessage(reply);
    } catch (cloneError) {
      parentPort.postMessage({ ok: false, error: new Error(cloneError.message) });
    }
  });
});
`;

export interface WorkerPoolOptions {
  /** The task module: an absolute path or a `file:` URL. Its default export runs each task. */
  filename: string | URL;
  /** Worker threads at most: an integer >= 1 (default: `availableParallelism()`). */
  size?: number;
}

export interface RunOptions {
  /** Objects to move to the worker rather than copy (ArrayBuffers, MessagePorts). */
  transferList?: readonly TransferListItem[];
}

/** The rejection of a task whose worker thread exited while running it. */
export class WorkerExitError extends Error {
  override readonly name = "WorkerExitError";
  constructor(readonly exitCode: number) {
    super(`the worker exited with code ${exitCode} while running this task`);
  }
}

interface Job {
  task: unknown;
  transferList: readonly TransferListItem[];
  resolve(value: unknown): void;
  reject(reason: unknown): void;
}

type Reply = { ok: true; value: unknown } | { ok: false; error: unknown };

/** One worker thread and the task it is running, if any. */
interface Slot {
  worker: Worker;
  job: Job | undefined;
}

export class WorkerPool<T = unknown, R = unknown> {
  readonly #moduleUrl: string;
  readonly #size: number;
  /** The live workers. A worker leaves this set the moment it errors or exits. */
  readonly #slots = new Set<Slot>();
  /** Tasks waiting for a worker, oldest first. */
  readonly #queue: Job[] = [];
  /** Every task accepted and not yet settled: what close() waits for. */
  readonly #unsettled = new Set<Promise<unknown>>();
  #closed: Promise<void> | undefined;

  constructor(options: WorkerPoolOptions) {
    // The filename first: with both options wrong, its TypeError is the one thrown.
    this.#moduleUrl = moduleUrlOf(options?.filename);
    // Only a size left out (or undefined) gets the default: null is a wrong size, not "none".
    const size = options.size === undefined ? availableParallelism() : options.size;
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`size must be an integer >= 1, got ${size}`);
    }
    this.#size = size;
  }

  /** Runs `task` on a worker thread; settles as the task module's default export does. */
  run(task: T, options: RunOptions = {}): Promise<R> {
    if (this.#closed) return Promise.reject(new Error("the pool is closed"));
    const result = new Promise<unknown>((resolve, reject) => {
      // Detach the caller's buffers now: they are given away from the moment run() is called.
      const list = [...(options.transferList ?? [])];
      const buffers = list.filter((item) => item instanceof ArrayBuffer);
      let copy: unknown;
      try {
        copy = structuredClone(task, { transfer: buffers } as never);
      } catch (cloneError) {
        reject(cloneError);
        return;
      }
      const rest = list.filter((item) => !(item instanceof ArrayBuffer));
      this.#queue.push({ task: copy, transferList: rest, resolve, reject });
    });
    this.#unsettled.add(result);
    const forget = () => this.#unsettled.delete(result);
    result.then(forget, forget);
    this.#dispatch();
    return result as Promise<R>;
  }

  /**
   * Accepts no more tasks, waits for every task already accepted (running or queued), then
   * stops the workers. The same promise for every call.
   */
  close(): Promise<void> {
    this.#closed ??= Promise.allSettled(this.#unsettled).then(() => this.#terminateAll());
    return this.#closed;
  }

  /** Hands queued tasks to idle workers, starting workers while there are fewer than `size`. */
  #dispatch(): void {
    while (this.#queue.length > 0) {
      const slot = this.#idleSlot() ?? (this.#slots.size < this.#size ? this.#spawn() : undefined);
      if (slot === undefined) return;
      this.#start(slot, this.#queue.shift() as Job);
    }
  }

  #idleSlot(): Slot | undefined {
    for (const slot of this.#slots) if (slot.job === undefined) return slot;
    return undefined;
  }

  #spawn(): Slot {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { moduleUrl: this.#moduleUrl },
    });
    const slot: Slot = { worker, job: undefined };
    worker.on("message", (reply: Reply) => this.#finish(slot, reply));
    // 'error' (an uncaught exception) is followed by 'exit'; whichever comes first wins.
    worker.on("error", (error) => this.#lose(slot, error));
    worker.on("exit", (code) => this.#lose(slot, new WorkerExitError(code)));
    this.#slots.add(slot);
    return slot;
  }

  #start(slot: Slot, job: Job): void {
    slot.job = job;
    // A busy worker keeps the process alive (its result is awaited); an idle one must not.
    slot.worker.ref();
    try {
      slot.worker.postMessage(job.task, job.transferList);
    } catch (cloneError) {
      // The task never left this thread: the worker is still idle.
      this.#release(slot);
      job.reject(cloneError);
    }
  }

  #finish(slot: Slot, reply: Reply): void {
    // A worker only ever answers the task it was given: it has one.
    const job = slot.job as Job;
    this.#release(slot);
    if (reply.ok) job.resolve(reply.value);
    else job.reject(reply.error);
    this.#dispatch();
  }

  #release(slot: Slot): void {
    slot.job = undefined;
    slot.worker.unref();
  }

  /** The worker died: fail its task (if any), forget the worker, let a new one take the queue. */
  #lose(slot: Slot, reason: unknown): void {
    if (!this.#slots.delete(slot)) return;
    slot.job?.reject(reason);
    slot.job = undefined;
    this.#dispatch();
  }

  async #terminateAll(): Promise<void> {
    await Promise.all([...this.#slots].map((slot) => slot.worker.terminate()));
  }
}

/** The task module as a `file:` URL string, which `import()` in the worker accepts. */
function moduleUrlOf(filename: unknown): string {
  if (filename instanceof URL && filename.protocol === "file:") return filename.href;
  // A URL's scheme is case-insensitive: "FILE:///srv/t.mjs" is a file: URL too.
  if (typeof filename === "string" && /^file:/i.test(filename)) return new URL(filename).href;
  if (typeof filename === "string" && isAbsolute(filename)) return pathToFileURL(filename).href;
  throw new TypeError("filename must be an absolute path or a file: URL");
}

// --- hashing many files: I/O on the event loop, CPU in the pool --------------------------------

/** What hashFiles needs of a pool: a WorkerPool running a SHA-256 task module fits. */
export interface HashPool {
  run(bytes: Uint8Array, options?: RunOptions): Promise<string>;
}

export type FileDigest =
  | { path: string; sha256: string; size: number }
  | { path: string; error: unknown };

export interface HashFilesOptions {
  pool: HashPool;
  /** Files in progress (being read or hashed) at most: an integer >= 1 (default 8). */
  concurrency?: number;
}

/**
 * One digest per path, in the order of `paths`. Reads run on the event loop, at most
 * `concurrency` files at a time; hashing runs in the pool. A file that cannot be read or hashed
 * gets `{ path, error }`; the others are still hashed.
 */
export async function hashFiles(
  paths: readonly string[],
  options: HashFilesOptions,
): Promise<FileDigest[]> {
  const concurrency = options.concurrency === undefined ? 8 : options.concurrency;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be an integer >= 1, got ${concurrency}`);
  }
  const digests: FileDigest[] = [];
  let next = 0;
  // A few lanes, each taking the next path when it is done with the last: never more than
  // `concurrency` files in memory, whatever the order they finish in.
  const lane = async () => {
    while (next < paths.length) {
      const index = next++;
      digests[index] = await digestOf(paths[index] as string, options.pool);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, paths.length) }, lane));
  return digests;
}

async function digestOf(path: string, pool: HashPool): Promise<FileDigest> {
  try {
    const bytes = await readFile(path);
    const size = bytes.byteLength;
    const sha256 = await pool.run(bytes, { transferList: movable(bytes) });
    return { path, sha256, size };
  } catch (error) {
    return { path, error };
  }
}

/**
 * The bytes' buffer, to move rather than copy — but only when they are all of it. Moving the
 * ArrayBuffer under a view of part of it would empty every other view of that buffer. (readFile
 * from node:fs/promises gives a Buffer that owns its ArrayBuffer; small Buffers from
 * Buffer.from() or readFileSync() share Node's 8 KiB pool, which Node marks untransferable:
 * Node 20 copies it whole when it is listed, Node 21+ throws a DataCloneError.)
 */
function movable(bytes: Uint8Array): TransferListItem[] {
  return bytes.byteLength === bytes.buffer.byteLength ? [bytes.buffer as ArrayBuffer] : [];
}
