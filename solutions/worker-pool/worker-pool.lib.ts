/**
 * Worker pool on piscina 5.3.2 — the same contract as the reference (README.md), on the
 * production library. What piscina needs to meet it (NOTES.md has the details):
 *
 * - `minThreads` = `maxThreads` = `size`: a fixed pool (piscina's default grows and shrinks
 *   between half and one and a half times the cores, and drops idle workers);
 * - `stricterFIFO: true`: by default piscina puts a task it could not hand out at once back at
 *   the *end* of its queue, so waiting tasks start out of order;
 * - `piscina-task.mjs` as piscina's `filename`, an adapter that loads the caller's module and
 *   checks that results can be cloned (a module that fails to load would otherwise leave tasks
 *   waiting for ever, and an unclonable result would arrive as `{}`);
 * - its own "the pool is closed" check, and piscina's `worker exited with code: N` turned into a
 *   WorkerExitError.
 *
 * hashFiles needs nothing of the pool but `run`, so it is the reference's.
 */
import { availableParallelism } from "node:os";
import { isAbsolute } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { TransferListItem } from "node:worker_threads";
import { Piscina } from "piscina";

export { type FileDigest, type HashFilesOptions, type HashPool, hashFiles } from "./worker-pool";

const ADAPTER = fileURLToPath(new URL("./piscina-task.mjs", import.meta.url));

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

/** piscina's own rejection for a worker that exited with tasks unfinished. */
const PISCINA_EXIT = /^worker exited with code: (-?\d+)$/;

export class WorkerPool<T = unknown, R = unknown> {
  readonly #piscina: Piscina;
  /** Every task accepted and not yet settled: close() waits for them itself (see close()). */
  readonly #unsettled = new Set<Promise<unknown>>();
  #closed: Promise<void> | undefined;

  constructor(options: WorkerPoolOptions) {
    const moduleUrl = moduleUrlOf(options?.filename);
    const size = options.size === undefined ? availableParallelism() : options.size;
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`size must be an integer >= 1, got ${size}`);
    }
    this.#piscina = new Piscina({
      filename: ADAPTER,
      workerData: { moduleUrl },
      minThreads: size,
      maxThreads: size,
      stricterFIFO: true,
      // Idle workers wait on their event loop, not in Atomics.wait: a task module's timer can
      // still fire in an idle worker (and, say, kill it), as it would in the reference.
      atomics: "disabled",
    });
  }

  run(task: T, options: RunOptions = {}): Promise<R> {
    if (this.#closed) return Promise.reject(new Error("the pool is closed"));
    let result: Promise<R>;
    try {
      const transferList = [...(options.transferList ?? [])];
      result = this.#piscina.run(task, { transferList }).catch((error: unknown) => {
        const exited = error instanceof Error ? PISCINA_EXIT.exec(error.message) : null;
        throw exited ? new WorkerExitError(Number(exited[1])) : error;
      });
    } catch (error) {
      // A task that cannot be cloned throws from piscina's postMessage, synchronously.
      return Promise.reject(error);
    }
    this.#unsettled.add(result);
    const forget = () => this.#unsettled.delete(result);
    result.then(forget, forget);
    return result;
  }

  /**
   * Waits for every accepted task, then lets piscina destroy the workers. piscina's own close()
   * is meant to wait too, but 5.3.2 counts "a task finished" events instead of idle workers: with
   * two workers, one task finishing during close() can end the wait while the other still runs,
   * and that task is then rejected ("Terminating worker thread").
   */
  close(): Promise<void> {
    this.#closed ??= Promise.allSettled(this.#unsettled).then(() => this.#piscina.close());
    return this.#closed;
  }
}

/** The task module as a `file:` URL string. */
function moduleUrlOf(filename: unknown): string {
  if (filename instanceof URL && filename.protocol === "file:") return filename.href;
  // A URL's scheme is case-insensitive: "FILE:///srv/t.mjs" is a file: URL too.
  if (typeof filename === "string" && /^file:/i.test(filename)) return new URL(filename).href;
  if (typeof filename === "string" && isAbsolute(filename)) return pathToFileURL(filename).href;
  throw new TypeError("filename must be an absolute path or a file: URL");
}
