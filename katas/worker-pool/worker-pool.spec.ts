import implementationPath from "kata:implementation-path";
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { availableParallelism, type CpuInfo } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import { threadId as callerThreadId, MessageChannel, Worker } from "node:worker_threads";
import { execa } from "execa";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { useTempDir } from "../../fixtures/helpers/temp-dir";
import {
  type FileDigest,
  type HashPool,
  hashFiles,
  type RunOptions,
  WorkerExitError,
  WorkerPool,
} from "./worker-pool";

// Every import of node:fs/promises (yours too) gets spies that call the real functions: the spec
// counts your readFile calls. In node:os, availableParallelism() says 3 and cpus() lists 5 CPUs,
// from the start (a default computed when your module loads sees them too), so the default pool
// size is checked against a number this machine does not happen to have.
const { MOCKED_PARALLELISM } = vi.hoisted(() => ({ MOCKED_PARALLELISM: 3 }));
vi.mock("node:fs/promises", { spy: true });
vi.mock("node:os", async (importOriginal) => {
  const os = await importOriginal<typeof import("node:os")>();
  const fakes = {
    availableParallelism: () => MOCKED_PARALLELISM,
    cpus: () => Array.from({ length: 5 }, () => os.cpus()[0] as CpuInfo),
  };
  return { ...os, ...fakes, default: { ...os, ...fakes } };
});

// ---------------------------------------------------------------------------------------------
// Test helpers. The tasks themselves are in fixtures/katas/worker-pool/tasks.mjs: plain
// JavaScript, loaded by the worker threads your pool starts.
// ---------------------------------------------------------------------------------------------

const fixture = (name: string) =>
  fileURLToPath(new URL(`../../fixtures/katas/worker-pool/${name}`, import.meta.url));
const TASKS = fixture("tasks.mjs");

/** A task for tasks.mjs: `op` says what the worker does (see the comment at its top). */
type Task = { op: string; [field: string]: unknown };
/** What a gated task resolves with. */
type GateResult = { order: number; threadId: number; value: unknown };

/** Pools and boards made by the current test, cleaned up after it whatever happened. */
const pools: WorkerPool<Task, unknown>[] = [];
const boards: Board[] = [];

function makePool(size = 2, filename: string | URL = TASKS) {
  const pool = new WorkerPool<Task, unknown>({ filename, size });
  pools.push(pool);
  return pool;
}

beforeEach(() => {
  vi.mocked(readFile).mockClear();
});

afterEach(async () => {
  for (const board of boards.splice(0)) board.openAll();
  // Bounded: a pool that never finishes closing must not hang the rest of the spec.
  await Promise.all(
    pools.splice(0).map((pool) => within(pool.close(), "closing the pool after the test", 5_000)),
  );
});

/**
 * Gated tasks, for checking concurrency without ever sleeping. A gated task blocks its worker
 * thread (Atomics.wait) until the test opens its gate; the board, a SharedArrayBuffer, counts
 * how many gated tasks have started and how many ran at once. Layout: keep in sync with
 * tasks.mjs.
 */
interface Board {
  /** A task that waits at gate `gate`, then resolves with { order, threadId, value }. */
  task(gate: number, value?: unknown): Task;
  open(gate: number): void;
  openAll(): void;
  started(): number;
  maxRunning(): number;
  /** Waits (without sleeping: the board wakes it) until `count` gated tasks have started. */
  waitForStarted(count: number, why: string, ms?: number): Promise<void>;
}

/** Atomics.waitAsync (Node 16+; not in the ES2023 lib the workbook compiles against). */
type WaitAsync = (
  cells: Int32Array,
  index: number,
  value: number,
  timeoutMs: number,
) => { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

function makeBoard(gates = 16): Board {
  const cells = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * (3 + gates)));
  const board: Board = {
    task: (gate, value = gate) => ({
      op: "gate",
      board: cells.buffer,
      gate,
      value,
    }),
    open(gate) {
      Atomics.store(cells, 3 + gate, 1);
      Atomics.notify(cells, 3 + gate);
    },
    openAll() {
      for (let gate = 0; gate < gates; gate++) board.open(gate);
    },
    started: () => Atomics.load(cells, 0),
    maxRunning: () => Atomics.load(cells, 2),
    async waitForStarted(count, why, ms = 4_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const seen = Atomics.load(cells, 0);
        if (seen >= count) return;
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new Error(`expected ${count} gated tasks to have started (${why}), saw ${seen}`);
        }
        const wait = waitAsync(cells, 0, seen, left);
        if (wait.async) await wait.value;
      }
    },
  };
  boards.push(board);
  return board;
}

/** `promise`, or a clear failure if it is still pending after `ms` (a lost task, a hang). */
async function within<T>(promise: Promise<T>, what: string, ms = 4_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: still pending after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The error a promise rejects with (fails the test if it resolves, or is pending after `ms`). */
async function rejectionOf(
  promise: Promise<unknown>,
  what = "the task",
  ms = 4_000,
): Promise<unknown> {
  return within(promise, what, ms).then(
    (value) => expect.fail(`expected ${what} to reject, but it resolved with ${String(value)}`),
    (error: unknown) => error,
  );
}

const whereIs = (pool: WorkerPool<Task, unknown>) => pool.run({ op: "where" }) as Promise<number>;

// ---------------------------------------------------------------------------------------------

describe("step 1 — running a task on a worker thread", () => {
  it("resolves with what the task module's default export returns", async () => {
    const pool = makePool();
    await expect(pool.run({ op: "echo", value: "hello from a worker" })).resolves.toBe(
      "hello from a worker",
    );
  });

  it("waits for a task that returns a promise", async () => {
    const pool = makePool();
    await expect(pool.run({ op: "later", value: 42 })).resolves.toBe(42);
  });

  it("runs the task on another thread than the caller's", async () => {
    const pool = makePool();
    const where = await whereIs(pool);
    expect(where, "the task must run on a worker thread").toEqual(expect.any(Number));
    expect(where, "the task ran on the caller's own thread").not.toBe(callerThreadId);
  });

  it("copies the task and its result with structured clone: Maps, Dates and nesting survive", async () => {
    const pool = makePool();
    const value = {
      deployedAt: new Date("2026-11-30T09:15:00Z"),
      owners: new Map([["payments", ["ana", "li"]]]),
      replicas: { wanted: 3, ready: [1, 2] },
    };
    const result = (await pool.run({ op: "echo", value })) as typeof value;
    expect(result).toEqual(value);
    expect(result, "the result is a copy made by another thread").not.toBe(value);
    expect(result.deployedAt).toBeInstanceOf(Date);
    expect(result.owners).toBeInstanceOf(Map);
  });

  it("accepts the module as a file: URL, an object or a string, as well as an absolute path", async () => {
    const asUrl = makePool(1, pathToFileURL(TASKS));
    const asUrlString = makePool(1, pathToFileURL(TASKS).href);
    await expect(asUrl.run({ op: "echo", value: "url" })).resolves.toBe("url");
    await expect(asUrlString.run({ op: "echo", value: "url string" })).resolves.toBe("url string");
  });

  it("accepts a file: URL string whose scheme is in capitals: URL schemes ignore case", async () => {
    const href = pathToFileURL(TASKS).href.replace(/^file:/, "FILE:");
    const pool = makePool(1, href);
    await expect(
      pool.run({ op: "echo", value: "capitals" }),
      `"${href}" is a file: URL: the scheme of a URL is case-insensitive`,
    ).resolves.toBe("capitals");
  });
  it("reads a file: URL string as new URL does: file:/abs/path (one slash) is that absolute file", async () => {
    const href = `file:${TASKS}`;
    const pool = makePool(1, href);
    await expect(
      pool.run({ op: "echo", value: "one slash" }),
      `"${href}" is a file: URL string: new URL reads it as file://${TASKS}`,
    ).resolves.toBe("one slash");
  });
});

describe("step 2 — rejecting bad options", () => {
  const FILENAME_ERROR = "filename must be an absolute path or a file: URL";

  it.each([
    ["a relative path", "./tasks.mjs"],
    ["a bare file name", "tasks.mjs"],
    ["an empty string", ""],
    ["an https: URL", new URL("https://example.com/tasks.mjs")],
    ["an https: URL string", "https://example.com/tasks.mjs"],
    ["a number", 42],
    ["nothing", undefined],
  ])("throws a TypeError for %s as filename", (_, filename) => {
    expect(() => new WorkerPool({ filename: filename as string, size: 1 })).toThrow(
      new TypeError(FILENAME_ERROR),
    );
    expect(() => new WorkerPool({ filename: filename as string, size: 1 })).toThrow(TypeError);
  });

  it("throws the same TypeError when there are no options at all", () => {
    expect(() => new WorkerPool(undefined as unknown as { filename: string })).toThrow(
      new TypeError(FILENAME_ERROR),
    );
  });

  it.each([[0], [-0], [-1], [2.5], [Number.NaN], [Number.POSITIVE_INFINITY], ["2"], [null]])(
    "throws a RangeError for size %s",
    (size) => {
      const create = () => new WorkerPool({ filename: TASKS, size: size as number });
      expect(create).toThrow(RangeError);
      expect(create).toThrow(`size must be an integer >= 1, got ${size}`);
    },
  );

  it("checks filename first: with both options wrong, it throws the filename's TypeError", () => {
    expect(() => new WorkerPool({ filename: "tasks.mjs", size: 0 })).toThrow(
      new TypeError(FILENAME_ERROR),
    );
  });

  it("does not load the module in the constructor: a missing file shows when a task runs", () => {
    expect(() => makePool(1, "/no/such/dir/tasks.mjs")).not.toThrow();
  });

  it.each([
    ["left out", {}],
    ["undefined", { size: undefined }],
  ])("uses availableParallelism() threads when size is %s", async (_, size) => {
    expect(availableParallelism(), "the spec's mock of node:os").toBe(MOCKED_PARALLELISM);
    const pool = new WorkerPool<Task, unknown>({ filename: TASKS, ...size });
    pools.push(pool);
    const board = makeBoard();
    const runs = [0, 1, 2, 3, 4].map((gate) => pool.run(board.task(gate)));
    await board.waitForStarted(3, "availableParallelism() is mocked to 3");
    board.openAll();
    const results = (await within(Promise.all(runs), "the gated tasks")) as GateResult[];
    expect(
      new Set(results.map((result) => result.threadId)).size,
      "distinct worker threads for 5 tasks, with availableParallelism() = 3",
    ).toBe(3);
  });
});

describe("step 3 — a fixed pool of threads", () => {
  it("runs `size` tasks at the same time, each on its own thread", async () => {
    const pool = makePool(3);
    const board = makeBoard();
    const runs = [0, 1, 2].map((gate) => pool.run(board.task(gate)));
    await board.waitForStarted(3, "3 tasks on a pool of 3, all gates still closed");
    expect(board.maxRunning()).toBe(3);
    board.openAll();
    const results = (await within(Promise.all(runs), "the gated tasks")) as GateResult[];
    expect(new Set(results.map((result) => result.threadId)).size).toBe(3);
  });

  it("never uses more than `size` threads, and reuses them for later tasks", async () => {
    const pool = makePool(2);
    const burst = await within(
      Promise.all(Array.from({ length: 8 }, () => whereIs(pool))),
      "8 tasks on a pool of 2",
    );
    const later = [await whereIs(pool), await whereIs(pool), await whereIs(pool)];
    const threads = new Set([...burst, ...later]);
    expect(threads.size, "threads used for 11 tasks on a pool of 2").toBeLessThanOrEqual(2);
  });

  it("starts waiting tasks in the order they were submitted", async () => {
    const pool = makePool(1);
    const board = makeBoard();
    const runs = [0, 1, 2, 3, 4].map((gate) => pool.run(board.task(gate)));
    await board.waitForStarted(1, "the first task");
    board.openAll();
    const results = (await within(Promise.all(runs), "the gated tasks")) as GateResult[];
    expect(
      results.map((result) => result.order),
      "the order each task started in, by submission order",
    ).toEqual([0, 1, 2, 3, 4]);
  });

  it("gives the next waiting task to the first worker that frees up, while others stay busy", async () => {
    const pool = makePool(2);
    const board = makeBoard();
    const slow = pool.run(board.task(0, "slow"));
    const quick = pool.run(board.task(1, "quick"));
    await board.waitForStarted(2, "2 tasks on a pool of 2");
    board.open(2); // the third task's gate is open: it finishes as soon as it starts
    const third = pool.run(board.task(2, "third"));
    board.open(1);
    const quickDone = (await within(quick, "the quick task")) as GateResult;
    const thirdDone = (await within(
      third,
      "the third task: a worker was free, yet it did not start (was it queued behind a busy worker?)",
    )) as GateResult;
    expect(thirdDone.threadId, "it should run on the worker that became free").toBe(
      quickDone.threadId,
    );
    expect(board.started(), "the slow task is still running").toBe(3);
    board.open(0);
    await expect(within(slow, "the slow task")).resolves.toMatchObject({ value: "slow" });
  });

  it("settles each call with its own task's result, whatever order the tasks finish in", async () => {
    const pool = makePool(3);
    const board = makeBoard();
    const finished: string[] = [];
    const runs = ["first", "second", "third"].map((value, gate) =>
      pool.run(board.task(gate, value)).then((result) => {
        finished.push(value);
        return (result as GateResult).value;
      }),
    );
    await board.waitForStarted(3, "3 tasks on a pool of 3");
    for (const gate of [2, 1, 0]) {
      board.open(gate);
      await within(runs[gate] as Promise<unknown>, `the task at gate ${gate}`);
    }
    expect(finished, "the tasks finished last to first").toEqual(["third", "second", "first"]);
    await expect(Promise.all(runs)).resolves.toEqual(["first", "second", "third"]);
  });
});

describe("step 4 — an error fails only its own task", () => {
  it("rejects with the task's error, its message kept", async () => {
    const pool = makePool();
    const error = await rejectionOf(
      pool.run({ op: "throw", type: "Error", message: "disk quota exceeded" }),
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe("disk quota exceeded");
  });

  it.each([["TypeError"], ["RangeError"]])(
    "keeps the built-in class of the error: %s",
    async (type) => {
      const pool = makePool();
      const error = await rejectionOf(pool.run({ op: "throw", type, message: "bad manifest" }));
      expect(error).toBeInstanceOf(globalThis[type as "TypeError" | "RangeError"]);
      expect((error as Error).message).toBe("bad manifest");
    },
  );

  it("rejects when the task's promise rejects", async () => {
    const pool = makePool();
    await expect(pool.run({ op: "reject", message: "upstream said 503" })).rejects.toThrow(
      "upstream said 503",
    );
  });

  it("rejects with a thrown value that is not an Error, as it was thrown", async () => {
    const pool = makePool();
    await expect(pool.run({ op: "throw-value", value: "checksum mismatch" })).rejects.toBe(
      "checksum mismatch",
    );
    await expect(pool.run({ op: "throw-value", value: { code: 42 } })).rejects.toEqual({
      code: 42,
    });
  });

  it("leaves the other tasks alone: those before and after it still resolve", async () => {
    const pool = makePool(2);
    const outcomes = await within(
      Promise.allSettled([
        pool.run({ op: "echo", value: "before" }),
        pool.run({ op: "throw", message: "only me" }),
        pool.run({ op: "echo", value: "after" }),
      ]),
      "the three tasks",
    );
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      "fulfilled",
      "rejected",
      "fulfilled",
    ]);
    expect(outcomes[0]).toEqual({ status: "fulfilled", value: "before" });
    expect(outcomes[2]).toEqual({ status: "fulfilled", value: "after" });
  });

  it("keeps the worker: the next task runs on the same thread", async () => {
    const pool = makePool(1);
    const before = await whereIs(pool);
    await rejectionOf(pool.run({ op: "throw", message: "recoverable" }));
    await expect(
      within(whereIs(pool), "the task after the error"),
      "a task's error must not cost the worker its life",
    ).resolves.toBe(before);
  });

  it("rejects a result that cannot be cloned, and the pool goes on", async () => {
    const pool = makePool(1);
    const error = await rejectionOf(pool.run({ op: "unclonable" }));
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/could not be cloned/);
    await expect(within(pool.run({ op: "echo", value: "next" }), "the next task")).resolves.toBe(
      "next",
    );
  });

  it("rejects a task that cannot be cloned without throwing, and keeps the pool's capacity", async () => {
    const pool = makePool(1);
    let run: Promise<unknown> | undefined;
    expect(() => {
      run = pool.run({ op: "echo", value: () => "a function" });
    }, "run() must return a rejected promise, not throw").not.toThrow();
    const error = await rejectionOf(run as Promise<unknown>);
    expect(error, "the rejection must be an Error (a DataCloneError is one)").toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/could not be cloned/);
    await expect(
      within(pool.run({ op: "echo", value: "next" }), "the next task on the pool's only worker"),
    ).resolves.toBe("next");
  });
});

describe("step 5 — a crashed worker is replaced", () => {
  it("rejects the task of a worker that exits with a WorkerExitError", async () => {
    const pool = makePool(1);
    const error = await rejectionOf(pool.run({ op: "exit", code: 3 }));
    expect(error).toBeInstanceOf(WorkerExitError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: "WorkerExitError",
      exitCode: 3,
      message: "the worker exited with code 3 while running this task",
    });
  });

  it("treats exit code 0 in the middle of a task as a crash too", async () => {
    const pool = makePool(1);
    const error = await rejectionOf(pool.run({ op: "exit", code: 0 }));
    expect(error).toBeInstanceOf(WorkerExitError);
    expect((error as WorkerExitError).exitCode).toBe(0);
  });

  it("rejects with the uncaught exception that killed the worker", async () => {
    const pool = makePool(1);
    const error = await rejectionOf(
      pool.run({ op: "uncaught", type: "RangeError", message: "offset out of range" }),
    );
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toBe("offset out of range");
  });

  it("leaves the tasks running on other workers alone", async () => {
    const pool = makePool(2);
    const board = makeBoard();
    const survivor = pool.run(board.task(0, "survivor"));
    await board.waitForStarted(1, "the survivor");
    await rejectionOf(pool.run({ op: "exit", code: 1 }));
    board.open(0);
    await expect(within(survivor, "the task on the other worker")).resolves.toMatchObject({
      value: "survivor",
    });
  });

  it.each([
    ["exits", { op: "exit", code: 1 }],
    ["throws an uncaught exception", { op: "uncaught", message: "boom" }],
  ])("runs the waiting tasks on a new worker when one %s", async (_, crash) => {
    const pool = makePool(1);
    const first = await whereIs(pool);
    const crashed = pool.run(crash);
    const queued = [pool.run({ op: "echo", value: "queued" }), whereIs(pool)];
    await rejectionOf(crashed);
    const [echoed, where] = await within(Promise.all(queued), "the tasks queued behind the crash");
    expect(echoed).toBe("queued");
    expect(where, "the queued tasks run on a new worker").not.toBe(first);
  });

  it("does not retry the task whose worker died: it started once", async () => {
    const pool = makePool(1);
    const counter = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
    const starts = () => Atomics.load(new Int32Array(counter), 0);
    const error = await rejectionOf(pool.run({ op: "exit", code: 2, counter }));
    expect(error).toBeInstanceOf(WorkerExitError);
    // A retry would have been queued before this task, on the pool's only worker.
    await within(pool.run({ op: "echo", value: "after" }), "the next task");
    expect(starts(), "times the crashing task started").toBe(1);
  });

  it("drops a worker that dies while idle, rejecting nothing, and runs later tasks on a new one", async () => {
    const pool = makePool(1);
    const { port1, port2 } = new MessageChannel();
    const threadGone = new Promise<void>((resolve) => port2.once("close", () => resolve()));
    port2.on("message", () => {});
    try {
      const dying = await within(
        pool.run({ op: "hold-port-then-exit", port: port1, code: 1 }, { transferList: [port1] }),
        "a task whose worker exits after sending its result: the task itself succeeded",
      );
      await within(threadGone, "the worker thread to end, a moment after its task");
      // The main thread may hear of the death a moment after the port does: a task handed to
      // the worker in that instant is rejected with its death, as the README says.
      await within(
        pool.run({ op: "where" }).catch((error: unknown) => {
          expect(error, "the only way this task may fail").toBeInstanceOf(WorkerExitError);
        }),
        "the first task after the idle worker died",
      );
      const where = await within(whereIs(pool), "a task after the idle worker died");
      expect(where, "it runs on a new worker").toEqual(expect.any(Number));
      expect(where, "it runs on a new worker").not.toBe(dying);
    } finally {
      port2.close();
    }
  });

  it("runs `size` tasks at once again after a crash", async () => {
    const pool = makePool(2);
    await rejectionOf(pool.run({ op: "exit", code: 1 }));
    await rejectionOf(pool.run({ op: "uncaught", message: "boom" }));
    const board = makeBoard();
    const runs = [0, 1].map((gate) => pool.run(board.task(gate)));
    await board.waitForStarted(2, "2 tasks on a pool of 2 whose two workers crashed");
    board.openAll();
    await within(Promise.all(runs), "the gated tasks");
  });

  describe("a task module that does not load", () => {
    const temp = useTempDir("kata-worker-pool-");

    it("rejects every task, naming the file, when the module does not exist", async () => {
      const missing = temp.join("missing-task.mjs");
      const pool = makePool(1, missing);
      for (const attempt of ["first", "second"]) {
        const error = await rejectionOf(pool.run({ op: "echo" }), `the ${attempt} task`);
        expect(error).toBeInstanceOf(Error);
        expect((error as Error).message).toContain("missing-task.mjs");
      }
    });

    it("rejects every task with the module's own error when it throws while loading", async () => {
      const pool = makePool(1, fixture("throws-on-load.mjs"));
      for (const attempt of ["first", "second"]) {
        const error = await rejectionOf(pool.run({ op: "echo" }), `the ${attempt} task`);
        expect((error as Error).message).toContain("DATABASE_URL is not set");
      }
    });

    it("rejects every task, naming the file, when it has no default export function", async () => {
      const pool = makePool(1, fixture("no-default.mjs"));
      for (const attempt of ["first", "second"]) {
        const error = await rejectionOf(pool.run({ op: "echo" }), `the ${attempt} task`);
        expect(error).toBeInstanceOf(Error);
        expect((error as Error).message).toContain("no-default.mjs");
      }
    });

    it("rejects a directory given as the module", async () => {
      const dir = temp.join("tasks.mjs");
      mkdirSync(dir);
      const pool = makePool(1, dir);
      const error = await rejectionOf(pool.run({ op: "echo" }));
      expect(error).toBeInstanceOf(Error);
    });
  });
});

describe("step 6 — moving data instead of copying it", () => {
  it("moves an ArrayBuffer named in transferList: the worker has the bytes, the caller's is emptied", async () => {
    const pool = makePool(1);
    const bytes = new Uint8Array([1, 2, 3, 250]);
    await expect(
      pool.run({ op: "bytes", bytes: bytes.buffer }, { transferList: [bytes.buffer] }),
    ).resolves.toEqual({ byteLength: 4, sum: 256 });
    expect(bytes.buffer.byteLength, "a moved ArrayBuffer is detached on the caller's side").toBe(0);
  });

  it("moves a waiting task's buffer when the task starts on a worker, not before", async () => {
    const pool = makePool(1);
    const board = makeBoard();
    const blocker = pool.run(board.task(0));
    await board.waitForStarted(1, "the task that keeps the only worker busy");
    const bytes = new Uint8Array([4, 5, 6]);
    const queued = pool.run({ op: "bytes", bytes: bytes.buffer }, { transferList: [bytes.buffer] });
    expect(bytes.buffer.byteLength, "the task is still waiting: its buffer is not moved yet").toBe(
      3,
    );
    board.open(0);
    await expect(within(queued, "the queued task")).resolves.toEqual({ byteLength: 3, sum: 15 });
    expect(bytes.buffer.byteLength, "once the task has started, its buffer is moved").toBe(0);
    await within(blocker, "the first task");
  });

  it("copies what is not in transferList: the caller keeps its bytes", async () => {
    const pool = makePool(1);
    const bytes = new Uint8Array([9, 9, 9]);
    await expect(pool.run({ op: "bytes", bytes })).resolves.toEqual({ byteLength: 3, sum: 27 });
    expect(bytes.byteLength).toBe(3);
  });

  it("can hand the worker a MessagePort to talk back on", async () => {
    const pool = makePool(1);
    const { port1, port2 } = new MessageChannel();
    const heard = new Promise<unknown>((resolve) => port2.once("message", resolve));
    try {
      const where = await pool.run({ op: "hold-port", port: port1 }, { transferList: [port1] });
      await expect(within(heard, "the message on the port")).resolves.toBe(`hello from ${where}`);
    } finally {
      port2.close();
    }
  });
});

describe("step 7 — closing the pool", () => {
  it("waits for the running task, which still resolves, before close() resolves", async () => {
    const pool = makePool(1);
    const board = makeBoard();
    const settled: string[] = [];
    const running = pool.run(board.task(0, "running")).then((result) => {
      settled.push("task");
      return result;
    });
    await board.waitForStarted(1, "the running task");
    const closing = pool.close().then(() => settled.push("close()"));
    board.open(0);
    await within(Promise.all([running, closing]), "the task and close()");
    await expect(running).resolves.toMatchObject({ value: "running" });
    expect(settled).toEqual(["task", "close()"]);
  });

  it("lets the queued tasks run too before close() resolves", async () => {
    const pool = makePool(1);
    const board = makeBoard();
    const settled: string[] = [];
    const track = (name: string, promise: Promise<unknown>) =>
      promise.then(
        (value) => settled.push(`${name} resolved ${String(value)}`),
        (error: unknown) => settled.push(`${name} rejected: ${String(error)}`),
      );
    const tasks = [
      track(
        "running",
        pool.run(board.task(0, "r")).then((result) => (result as GateResult).value),
      ),
      track("queued", pool.run({ op: "echo", value: "q" })),
    ];
    await board.waitForStarted(1, "the running task");
    const closing = track("close()", pool.close());
    board.open(0);
    await within(Promise.all([...tasks, closing]), "the tasks and close()");
    expect(settled).toEqual([
      "running resolved r",
      "queued resolved q",
      "close() resolved undefined",
    ]);
  });

  it("resolves, and never rejects, when some of the tasks it waits for reject", async () => {
    const pool = makePool(2);
    const board = makeBoard();
    const settled: string[] = [];
    const track = (name: string, promise: Promise<unknown>) =>
      promise.then(
        () => settled.push(`${name} resolved`),
        () => settled.push(`${name} rejected`),
      );
    const running = track("gated", pool.run(board.task(0)));
    await board.waitForStarted(1, "the gated task");
    const failing = track("failing", pool.run({ op: "throw", message: "bad input" }));
    const closing = track("close()", pool.close());
    await within(failing, "the failing task");
    board.open(0);
    await within(Promise.all([running, closing]), "the gated task and close()");
    expect(settled).toEqual(["failing rejected", "gated resolved", "close() resolved"]);
  });

  it("stops the worker threads", async () => {
    const pool = makePool(2);
    const { port1, port2 } = new MessageChannel();
    const threadGone = new Promise<void>((resolve) => port2.once("close", () => resolve()));
    port2.on("message", () => {});
    await pool.run({ op: "hold-port", port: port1 }, { transferList: [port1] });
    await within(pool.close(), "close()");
    await within(threadGone, "the worker thread holding the port to end after close()");
    port2.close();
  });

  it("has stopped every worker thread by the time close() resolves, not a moment later", async () => {
    // Every worker the pool sends something to (its tasks, or a set-up message) is collected;
    // a Worker's threadId reads -1 once its thread is no longer running.
    const workers = new Set<Worker>();
    const postMessage = Worker.prototype.postMessage;
    vi.spyOn(Worker.prototype, "postMessage").mockImplementation(function (
      this: Worker,
      ...args: Parameters<Worker["postMessage"]>
    ) {
      workers.add(this);
      return postMessage.apply(this, args);
    });
    const pool = makePool(2);
    const board = makeBoard();
    const running = [pool.run(board.task(0)), pool.run(board.task(1))];
    await board.waitForStarted(2, "two tasks, one per thread");
    board.openAll();
    await within(Promise.all(running), "the two tasks");
    await within(pool.close(), "close()");
    const stillRunning = [...workers].filter((worker) => worker.threadId !== -1).length;
    expect(
      stillRunning,
      "close() resolved while worker threads were still running: it must wait until they have stopped",
    ).toBe(0);
    expect(workers.size, "the pool ran its tasks on two workers").toBeGreaterThanOrEqual(2);
  });

  it("rejects a task submitted after close() with 'the pool is closed'", async () => {
    const pool = makePool(1);
    await pool.run({ op: "echo", value: "warm" });
    await within(pool.close(), "close()");
    const error = await rejectionOf(pool.run({ op: "echo", value: "too late" }));
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe("the pool is closed");
  });

  it("rejects a task submitted while close() is still waiting", async () => {
    const pool = makePool(1);
    const board = makeBoard();
    const running = pool.run(board.task(0));
    await board.waitForStarted(1, "the running task");
    const closing = pool.close();
    let late: Promise<unknown> | undefined;
    expect(() => {
      late = pool.run({ op: "echo", value: "too late" });
    }, "run() must return a rejected promise, not throw").not.toThrow();
    await expect(late).rejects.toThrow("the pool is closed");
    board.open(0);
    await within(Promise.all([running, closing]), "the running task and close()");
  });

  it("can be called again: every call resolves", async () => {
    const pool = makePool(2);
    await pool.run({ op: "echo", value: "warm" });
    await within(Promise.all([pool.close(), pool.close()]), "two calls of close()");
    await within(pool.close(), "a third call of close()");
  });

  it("makes a second close(), called while the first is still waiting, wait for the accepted tasks too", async () => {
    const pool = makePool(1);
    const board = makeBoard();
    const settled: string[] = [];
    const running = pool.run(board.task(0)).then(() => settled.push("task"));
    await board.waitForStarted(1, "the running task");
    const first = pool.close().then(() => settled.push("first close()"));
    const second = pool.close().then(() => settled.push("second close()"));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settled, "a second close() must not resolve while an accepted task still runs").toEqual(
      [],
    );
    board.open(0);
    await within(Promise.all([running, first, second]), "the task and both calls of close()");
    expect(settled).toEqual(["task", "first close()", "second close()"]);
  });

  it("closes a pool that never ran a task", async () => {
    const pool = makePool(2);
    await expect(within(pool.close(), "close() of an unused pool")).resolves.toBeUndefined();
  });

  describe("a script that forgets close()", () => {
    const CHILD = fixture("forgetful-script.ts");
    const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
    /** Starting node with tsx takes about a second at most; this only bounds a child that hangs. */
    const CHILD_TIMEOUT_MS = 8_000;

    const runChild = (mode: "result" | "crash" | "twice" | "unused" | "clone-error") =>
      execa(process.execPath, ["--import", "tsx", CHILD, implementationPath, TASKS, mode], {
        cwd: REPO_ROOT,
        reject: false,
        stdin: "ignore",
        timeout: CHILD_TIMEOUT_MS,
      });

    it(
      "waits for a busy worker's result, then exits: idle workers do not keep the process alive",
      async () => {
        const child = await runChild("result");
        const output = `${child.stdout}${child.stderr}`;
        expect(
          child.timedOut,
          `the script never exited: an idle worker kept the process alive\n${output}`,
        ).toBe(false);
        expect(
          child.stdout,
          `the process exited before the task's result arrived: a busy worker must keep it alive\n${output}`,
        ).toContain("result: hashed 3 files");
        expect(child.exitCode, output).toBe(0);
      },
      CHILD_TIMEOUT_MS + 4_000,
    );

    it(
      "keeps the process alive for a second task on a worker that was idle in between (ref() again)",
      async () => {
        const child = await runChild("twice");
        const output = `${child.stdout}${child.stderr}`;
        expect(child.timedOut, `the script never exited\n${output}`).toBe(false);
        expect(
          child.stdout,
          `the process exited before the second task's result arrived: a worker that was unref'd while idle must be ref'd again when it takes a task\n${output}`,
        ).toContain("result: hashed 3 files again");
        expect(child.exitCode, output).toBe(0);
      },
      CHILD_TIMEOUT_MS + 4_000,
    );

    it(
      "exits when the pool never ran a task: workers started with the pool are idle, and unref'd",
      async () => {
        const child = await runChild("unused");
        const output = `${child.stdout}${child.stderr}`;
        expect(
          child.timedOut,
          `the script never exited: a worker that has not run a task yet kept the process alive\n${output}`,
        ).toBe(false);
        expect(child.stdout, output).toContain("made a pool");
        expect(child.exitCode, output).toBe(0);
      },
      CHILD_TIMEOUT_MS + 4_000,
    );

    it(
      "exits after a task that could not be cloned: the worker it was meant for is idle, and unref'd",
      async () => {
        const child = await runChild("clone-error");
        const output = `${child.stdout}${child.stderr}`;
        expect(
          child.timedOut,
          `the script never exited: the worker a task could not be cloned for stayed ref'd although it is idle\n${output}`,
        ).toBe(false);
        expect(child.stdout, output).toContain("rejected: DataCloneError");
        expect(child.exitCode, output).toBe(0);
      },
      CHILD_TIMEOUT_MS + 4_000,
    );

    it(
      "exits after a task that killed its worker: a replacement, if you start one, is idle too",
      async () => {
        const child = await runChild("crash");
        const output = `${child.stdout}${child.stderr}`;
        expect(
          child.timedOut,
          `the script never exited: a worker started after the crash kept the process alive\n${output}`,
        ).toBe(false);
        expect(child.stdout, output).toContain("rejected: WorkerExitError");
        expect(child.exitCode, output).toBe(0);
      },
      CHILD_TIMEOUT_MS + 4_000,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Step 8: hashFiles. Most tests give it a fake pool, on this thread, whose calls the test
// settles by hand; one runs the real thing.
// ---------------------------------------------------------------------------------------------

interface FakeCall {
  bytes: Uint8Array;
  options: RunOptions | undefined;
  /** The file's content as text, as it arrived. */
  text: string;
  resolve(digest: string): void;
  reject(error: unknown): void;
}

/** A pool that hashes nothing: each call waits until the test settles it. */
function fakePool() {
  const calls: FakeCall[] = [];
  const pool: HashPool = {
    run: (bytes, options) =>
      new Promise<string>((resolve, reject) => {
        // Decode now: a moved buffer is empty afterwards.
        const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString();
        calls.push({ bytes, options, text, resolve, reject });
      }),
  };
  const call = (text: string) => {
    const found = calls.find((candidate) => candidate.text === text);
    if (!found) throw new Error(`no pool.run() call for the file holding ${JSON.stringify(text)}`);
    return found;
  };
  /**
   * Waits until `count` calls have reached the pool; fails at once if hashFiles has already
   * settled (no more calls can come), and after 3 s otherwise.
   */
  async function waitForCalls(count: number, digests: Promise<unknown>) {
    let settled: string | undefined;
    digests.then(
      (value) => {
        settled = `resolved with ${JSON.stringify(value)}`;
      },
      (error: unknown) => {
        settled = `rejected with ${String(error)}`;
      },
    );
    const deadline = Date.now() + 3_000;
    while (calls.length < count) {
      await new Promise((resolve) => setImmediate(resolve));
      const seen = `expected ${count} calls of pool.run(), saw ${calls.length}`;
      if (calls.length >= count) return;
      if (settled !== undefined) throw new Error(`${seen}, and hashFiles already ${settled}`);
      if (Date.now() > deadline) throw new Error(`${seen} after 3 s`);
    }
  }
  /** Answers every call so far with "digest:<content>". */
  const answerAll = () => {
    for (const c of calls) c.resolve(`digest:${c.text}`);
  };
  return { pool, calls, call, waitForCalls, answerAll };
}

const readCalls = () => vi.mocked(readFile).mock.calls.length;
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

describe("step 8 — hashing many files: I/O on the event loop, CPU in the pool", () => {
  const temp = useTempDir("kata-worker-pool-");

  /** Writes files named after their content: { "a.txt": "alpha" } → [path of a.txt]. */
  function files(contents: Record<string, string>): string[] {
    return Object.entries(contents).map(([name, content]) => {
      writeFileSync(temp.join(name), content);
      return temp.join(name);
    });
  }

  it("hashes files with a real pool: SHA-256 and size of each, in the order given", async () => {
    const big = "x".repeat(300_000);
    const paths = files({ "b.txt": "abc", "a.txt": big, "empty.txt": "" });
    const pool = new WorkerPool<Uint8Array, string>({ filename: fixture("sha256.mjs"), size: 2 });
    try {
      const digests = await within(hashFiles(paths, { pool }), "hashFiles");
      expect(digests).toEqual([
        {
          path: paths[0],
          sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
          size: 3,
        },
        { path: paths[1], sha256: sha256(big), size: 300_000 },
        {
          path: paths[2],
          sha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
          size: 0,
        },
      ]);
    } finally {
      await within(pool.close(), "closing the hashing pool");
    }
  });

  it("reads each file with readFile and moves its bytes to the pool", async () => {
    const paths = files({ "app.log": "GET /health 200\n", "db.log": "checkpoint complete\n" });
    const fake = fakePool();
    const digests = hashFiles(paths, { pool: fake.pool });
    await fake.waitForCalls(2, digests);
    for (const path of paths) expect(readFile).toHaveBeenCalledWith(path);
    for (const call of fake.calls) {
      expect(
        call.options?.transferList?.includes(call.bytes.buffer as ArrayBuffer),
        "the bytes' ArrayBuffer must be in options.transferList",
      ).toBe(true);
    }
    fake.answerAll();
    await expect(within(digests, "hashFiles")).resolves.toEqual([
      { path: paths[0], sha256: "digest:GET /health 200\n", size: 16 },
      { path: paths[1], sha256: "digest:checkpoint complete\n", size: 20 },
    ]);
  });

  it("copies, rather than moves, bytes that are part of a larger buffer: the other views keep theirs", async () => {
    const paths = files({ "head.txt": "on disk", "middle.txt": "on disk too" });
    // One ArrayBuffer, three views of it: the first two are what readFile "returns".
    const shared = new ArrayBuffer(16);
    const head = Buffer.from(shared, 0, 4).fill("h");
    const middle = Buffer.from(shared, 4, 4).fill("m");
    const neighbour = new Uint8Array(shared, 8, 8).fill(7);
    vi.mocked(readFile).mockResolvedValueOnce(head).mockResolvedValueOnce(middle);
    const pool = new WorkerPool<Uint8Array, string>({ filename: fixture("sha256.mjs"), size: 1 });
    pools.push(pool as unknown as WorkerPool<Task, unknown>);
    // (On Node 20, posting a view whose buffer was moved away sends nothing: that task hangs.)
    const outcome = await within(hashFiles(paths, { pool, concurrency: 1 }), "hashFiles").catch(
      (error: unknown) => error,
    );
    expect(shared.byteLength, "the shared ArrayBuffer was moved to the worker").toBe(16);
    expect([...neighbour], "another view of the same ArrayBuffer lost its bytes").toEqual(
      Array(8).fill(7),
    );
    expect(outcome).toEqual([
      { path: paths[0], sha256: sha256("hhhh"), size: 4 },
      { path: paths[1], sha256: sha256("mmmm"), size: 4 },
    ]);
  });

  it("does not list a pooled Buffer's ArrayBuffer (Node's shared 8 KiB pool) in transferList", async () => {
    const paths = files({ "tiny.txt": "on disk" });
    const pooled = Buffer.from("tiny"); // a small Buffer: a slice of Node's shared 8 KiB pool
    expect(pooled.buffer.byteLength, "this test needs a pooled Buffer").toBeGreaterThan(4);
    vi.mocked(readFile).mockResolvedValueOnce(pooled);
    const fake = fakePool();
    const digests = hashFiles(paths, { pool: fake.pool });
    await fake.waitForCalls(1, digests);
    expect(
      fake.calls[0]?.options?.transferList?.includes(pooled.buffer) ?? false,
      "the bytes are part of a larger ArrayBuffer (Node 20 copies the whole pool, Node 21+ throws a DataCloneError)",
    ).toBe(false);
    fake.answerAll();
    await expect(within(digests, "hashFiles")).resolves.toEqual([
      { path: paths[0], sha256: "digest:tiny", size: 4 },
    ]);
  });

  it("hashes one file at a time with concurrency 1", async () => {
    const paths = files({ "a.txt": "a", "b.txt": "b" });
    const fake = fakePool();
    const digests = hashFiles(paths, { pool: fake.pool, concurrency: 1 });
    await fake.waitForCalls(1, digests);
    expect(readCalls(), "files read while the first is being hashed").toBe(1);
    fake.answerAll();
    await fake.waitForCalls(2, digests);
    fake.answerAll();
    await expect(within(digests, "hashFiles")).resolves.toHaveLength(2);
  });

  it("keeps the order of the paths when the files finish in another order", async () => {
    const paths = files({ "1.txt": "one", "2.txt": "two", "3.txt": "three" });
    const fake = fakePool();
    const digests = hashFiles([...paths, paths[0] as string], { pool: fake.pool, concurrency: 4 });
    await fake.waitForCalls(4, digests);
    fake.call("three").resolve("d3");
    fake.call("two").resolve("d2");
    for (const call of fake.calls.filter((c) => c.text === "one")) call.resolve("d1");
    const result = await within(digests, "hashFiles");
    expect(result.map((digest) => ("sha256" in digest ? digest.sha256 : digest.error))).toEqual([
      "d1",
      "d2",
      "d3",
      "d1",
    ]);
    expect(result.map((digest) => digest.path)).toEqual([...paths, paths[0]]);
    expect(
      vi.mocked(readFile).mock.calls.filter(([path]) => path === paths[0]),
      "a path given twice is read twice",
    ).toHaveLength(2);
  });

  it("gives a file that cannot be read { path, error } and still hashes the others", async () => {
    const [good] = files({ "good.txt": "fine" });
    const missing = temp.join("missing.txt");
    const directory = temp.join("a-directory");
    mkdirSync(directory);
    const fake = fakePool();
    const digests = hashFiles([missing, good as string, directory], { pool: fake.pool });
    await fake.waitForCalls(1, digests);
    fake.answerAll();
    const result = (await within(digests, "hashFiles")) as FileDigest[];
    expect(result[0]).toEqual({
      path: missing,
      error: expect.objectContaining({ code: "ENOENT" }),
    });
    expect(result[1]).toEqual({ path: good, sha256: "digest:fine", size: 4 });
    expect(result[2]).toEqual({
      path: directory,
      error: expect.objectContaining({ code: "EISDIR" }),
    });
    expect(fake.calls, "only the readable file reaches the pool").toHaveLength(1);
  });

  it("gives a file whose hashing fails { path, error } with the pool's rejection", async () => {
    const paths = files({ "ok.txt": "ok", "bad.txt": "bad" });
    const fake = fakePool();
    const digests = hashFiles(paths, { pool: fake.pool });
    await fake.waitForCalls(2, digests);
    const crash = new WorkerExitError(1);
    fake.call("bad").reject(crash);
    fake.call("ok").resolve("d-ok");
    await expect(within(digests, "hashFiles")).resolves.toEqual([
      { path: paths[0], sha256: "d-ok", size: 2 },
      { path: paths[1], error: crash },
    ]);
  });

  it("keeps at most `concurrency` files in progress, from the start of a read to the end of its hash", async () => {
    const paths = files({ "a.txt": "a", "b.txt": "b", "c.txt": "c", "d.txt": "d", "e.txt": "e" });
    const fake = fakePool();
    const digests = hashFiles(paths, { pool: fake.pool, concurrency: 2 });
    await fake.waitForCalls(2, digests);
    expect(readCalls(), "files read while 2 hashes are pending, with concurrency 2").toBe(2);
    fake.call("a").resolve("da");
    await fake.waitForCalls(3, digests);
    expect(readCalls(), "one file done, so one more may start").toBe(3);
    fake.answerAll();
    await fake.waitForCalls(4, digests);
    fake.answerAll();
    await fake.waitForCalls(5, digests);
    fake.answerAll();
    await expect(within(digests, "hashFiles")).resolves.toHaveLength(5);
  });

  it("frees one place, and only one, for a file that could not be read", async () => {
    const missing = temp.join("missing.txt");
    const paths = [missing, ...files({ "a.txt": "a", "b.txt": "b" })];
    const fake = fakePool();
    const digests = hashFiles(paths, { pool: fake.pool, concurrency: 1 });
    await fake.waitForCalls(1, digests);
    expect(readCalls(), "files read: the missing one, then one more (concurrency 1)").toBe(2);
    fake.answerAll();
    await fake.waitForCalls(2, digests);
    fake.answerAll();
    await expect(within(digests, "hashFiles")).resolves.toHaveLength(3);
  });

  it("frees one place, and only one, for a file whose hashing failed", async () => {
    const paths = files({ "bad.txt": "bad", "a.txt": "a", "b.txt": "b" });
    const fake = fakePool();
    const digests = hashFiles(paths, { pool: fake.pool, concurrency: 1 });
    await fake.waitForCalls(1, digests);
    fake.call("bad").reject(new WorkerExitError(1));
    await fake.waitForCalls(2, digests);
    expect(readCalls(), "files read: the failed one, then one more (concurrency 1)").toBe(2);
    fake.answerAll();
    await fake.waitForCalls(3, digests);
    fake.answerAll();
    await expect(within(digests, "hashFiles")).resolves.toHaveLength(3);
  });

  it("starts the next file as soon as any one is done, not when a whole batch is", async () => {
    const paths = files({ "a.txt": "a", "b.txt": "b", "c.txt": "c" });
    const fake = fakePool();
    const digests = hashFiles(paths, { pool: fake.pool, concurrency: 2 });
    await fake.waitForCalls(2, digests);
    fake.call("b").resolve("db");
    await fake.waitForCalls(3, digests); // while "a" is still being hashed
    fake.answerAll();
    await expect(within(digests, "hashFiles")).resolves.toHaveLength(3);
  });

  it.each([
    ["left out", {}],
    ["undefined", { concurrency: undefined }],
  ])("has 8 files in progress at most when concurrency is %s", async (_, concurrency) => {
    const names = Array.from({ length: 10 }, (_, i) => [`${i}.txt`, `file ${i}`]);
    const paths = files(Object.fromEntries(names));
    const fake = fakePool();
    const digests = hashFiles(paths, { pool: fake.pool, ...concurrency });
    await fake.waitForCalls(8, digests);
    expect(readCalls(), "files read while 8 hashes are pending").toBe(8);
    fake.answerAll();
    await fake.waitForCalls(10, digests);
    fake.answerAll();
    await expect(within(digests, "hashFiles")).resolves.toHaveLength(10);
  });

  it.each([[0], [-0], [-2], [1.5], [Number.NaN], [Number.POSITIVE_INFINITY], ["4"], [null]])(
    "rejects concurrency %s with a RangeError, reading nothing",
    async (concurrency) => {
      const paths = files({ "a.txt": "a" });
      const fake = fakePool();
      const outcome = hashFiles(paths, { pool: fake.pool, concurrency: concurrency as number });
      const error = await rejectionOf(outcome, "hashFiles with a bad concurrency", 1_000);
      expect(error).toBeInstanceOf(RangeError);
      expect((error as Error).message).toBe(
        `concurrency must be an integer >= 1, got ${concurrency}`,
      );
      expect(readCalls()).toBe(0);
    },
  );

  it.each([[0], [Number.NaN]])(
    "rejects concurrency %s with the RangeError even with no paths: concurrency is checked first",
    async (concurrency) => {
      const fake = fakePool();
      const outcome = hashFiles([], { pool: fake.pool, concurrency });
      const error = await rejectionOf(outcome, "hashFiles([]) with a bad concurrency", 1_000);
      expect(
        error,
        "hashFiles([]) must reject a bad concurrency, not resolve with []",
      ).toBeInstanceOf(RangeError);
      expect((error as Error).message).toBe(
        `concurrency must be an integer >= 1, got ${concurrency}`,
      );
      expect(fake.calls).toHaveLength(0);
    },
  );

  it("returns [] for no paths, without reading or hashing", async () => {
    const fake = fakePool();
    await expect(within(hashFiles([], { pool: fake.pool }), "hashFiles([])")).resolves.toEqual([]);
    expect(readCalls()).toBe(0);
    expect(fake.calls).toHaveLength(0);
  });
});
