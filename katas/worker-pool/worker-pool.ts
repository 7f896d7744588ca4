/**
 * Worker pool — see README.md for the full contract.
 *
 * A fixed set of worker threads for CPU-bound work (each runs one task at a time), and
 * `hashFiles`, which reads files on the event loop and hashes them in the pool.
 */
import type { TransferListItem } from "node:worker_threads";

/*
 * Each worker thread runs plain JavaScript that you give it as a string (README, "Why a string
 * of JavaScript?"): `new Worker(source, { eval: true, workerData })`. A skeleton to start from:
 *
 *   const { parentPort, workerData } = require("node:worker_threads");
 *   import(workerData.moduleUrl).then((module) => {
 *     // TODO: check module.default, then answer each task message posted to parentPort.
 *   });
 */

export interface WorkerPoolOptions {
  /** The task module: an absolute path or a `file:` URL. Its default export runs each task. */
  filename: string | URL;
  /** Worker threads at most: an integer >= 1 (default: `availableParallelism()` from node:os). */
  size?: number;
}

export interface RunOptions {
  /** Objects to move to the worker rather than copy (ArrayBuffers, MessagePorts). */
  transferList?: readonly TransferListItem[];
}

/**
 * The rejection of a task whose worker thread exited while running it.
 * `message`: `the worker exited with code ${exitCode} while running this task`.
 */
export class WorkerExitError extends Error {
  override readonly name = "WorkerExitError";
  readonly exitCode: number;

  constructor(_exitCode: number) {
    super();
    throw new Error("TODO: implement WorkerExitError()");
  }
}

export class WorkerPool<T = unknown, R = unknown> {
  /**
   * Throws a TypeError ("filename must be an absolute path or a file: URL") or a RangeError
   * ("size must be an integer >= 1, got 0"). Does not load the module.
   */
  constructor(_options: WorkerPoolOptions) {
    // TODO: start here — validate the options; keep the workers, the queue, the open tasks.
    throw new Error("TODO: implement WorkerPool()");
  }

  /**
   * Runs the task module's default export with a copy of `task` on a worker thread and settles
   * as it does. Never throws: every failure is a rejected promise.
   */
  run(_task: T, _options: RunOptions = {}): Promise<R> {
    throw new Error("TODO: implement run()");
  }

  /** Accepts no more tasks, lets every accepted task finish, then stops the workers. */
  close(): Promise<void> {
    throw new Error("TODO: implement close()");
  }
}

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
 * One digest per path, in the order of `paths`: reads with readFile (node:fs/promises) on this
 * thread, hashes with `pool.run(bytes, { transferList })`. A file that cannot be read or hashed
 * gets `{ path, error }`.
 */
export async function hashFiles(
  _paths: readonly string[],
  _options: HashFilesOptions,
): Promise<FileDigest[]> {
  throw new Error("TODO: implement hashFiles()");
}
