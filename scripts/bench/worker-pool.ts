/**
 * Benchmark (not a test) for the worker-pool kata: what does a pool of worker threads buy for
 * CPU-bound work, and what does it cost the event loop not to have one?
 *
 *   npx tsx scripts/bench/worker-pool.ts [files] [MiB per file] [--impl <file.ts>]
 *
 * (default: 32 files of 2 MiB of log-like text). It writes the files into a temp dir, then runs
 * two workloads several ways and prints, for each way, the wall time, the throughput, the
 * speed-up over the first way, and the longest stall of the event loop while it ran:
 *
 * - **SHA-256**, the kata's own task (`hashFiles`): on the main thread one file after the other,
 *   on the main thread 8 at a time with promises (the reads overlap, the hashing cannot), with
 *   `hashFiles` on a WorkerPool of 1, 2 and availableParallelism() threads, and on the piscina
 *   variant. Node's SHA-256 is native and fast (about 1 GB/s a core with SHA extensions): next to
 *   reading the file and handing it over, the hash is cheap, and a pool may well lose.
 * - **gzip -9** of the same files (`zlib.gzipSync`, level 9: tens of MB/s a core), the kind of
 *   work that does not keep up with the disk: on the main thread, then `pool.run` on pools of 1,
 *   2 and availableParallelism() threads. Here the pool scales with the cores.
 *
 * The pools are the reference's (solutions/worker-pool/worker-pool.ts), or the file given with
 * --impl (e.g. your katas/worker-pool/worker-pool.ts). Every way of a workload must produce the
 * same results (checked); no figure is asserted on. The temp dir is always removed. Figures
 * depend on the machine and on what else runs on it: run it twice, on a quiet machine.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { availableParallelism, cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SHA256_TASK = join(ROOT, "fixtures/katas/worker-pool/sha256.mjs");
const REFERENCE = join(ROOT, "solutions/worker-pool/worker-pool.ts");
const LIBRARY = join(ROOT, "solutions/worker-pool/worker-pool.lib.ts");

interface PoolModule {
  WorkerPool: new (options: {
    filename: string;
    size?: number;
  }) => {
    run(bytes: Uint8Array, options?: { transferList?: ArrayBuffer[] }): Promise<unknown>;
    close(): Promise<void>;
  };
  hashFiles(
    paths: readonly string[],
    options: { pool: unknown; concurrency?: number },
  ): Promise<({ path: string; sha256: string } | { path: string; error: unknown })[]>;
}

interface Figure {
  way: string;
  ms: number;
  /** The longest the event loop went without running a callback, in ms. */
  stallMs: number;
  digests: string[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { impl: { type: "string" } },
});
const fileCount = Number(positionals[0] ?? 32);
const mebibytes = Number(positionals[1] ?? 2);
if (!Number.isInteger(fileCount) || fileCount < 1 || !(mebibytes > 0)) {
  console.error(
    "usage: npx tsx scripts/bench/worker-pool.ts [files] [MiB per file] [--impl <file.ts>]",
  );
  process.exit(2);
}
const implementation = values.impl === undefined ? REFERENCE : resolve(values.impl);

/** Runs `work`, measuring its wall time and the event loop's longest stall meanwhile. */
async function measure(way: string, work: () => Promise<string[]>): Promise<Figure> {
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const started = performance.now();
  const digests = await work();
  const ms = performance.now() - started;
  loop.disable();
  return { way, ms, stallMs: loop.max / 1e6, digests };
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const gzipSize = (bytes: Uint8Array) => String(gzipSync(bytes, { level: 9 }).byteLength);

/** The gzip task module, written next to the files: a pool loads a task module by its path. */
const GZIP_TASK = `import { gzipSync } from "node:zlib";
export default (bytes) => String(gzipSync(bytes, { level: 9 }).byteLength);
`;

/** Log-like text (compressible, like real artefacts), different in every file. */
function logText(bytes: number, seed: number): Buffer {
  const levels = ["INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"];
  const lines: string[] = [];
  let size = 0;
  let state = seed;
  const next = () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state;
  };
  while (size < bytes) {
    const line = `2026-11-30T06:${String(next() % 60).padStart(2, "0")}:${String(next() % 60).padStart(2, "0")}Z ${levels[next() % levels.length]} checkout request_id=${next().toString(16)} latency_ms=${next() % 900} status=${next() % 7 === 0 ? 503 : 200}\n`;
    lines.push(line);
    size += line.length;
  }
  return Buffer.from(lines.join("").slice(0, bytes));
}

async function gzipOnMainThread(paths: string[]): Promise<string[]> {
  const sizes: string[] = [];
  for (const path of paths) sizes.push(gzipSize(await readFile(path)));
  return sizes;
}

async function gzipOnPool(module: PoolModule, taskFile: string, size: number, paths: string[]) {
  const pool = new module.WorkerPool({ filename: taskFile, size });
  try {
    return (await Promise.all(
      paths.map(async (path) => {
        const bytes = await readFile(path);
        return pool.run(bytes, { transferList: [bytes.buffer as ArrayBuffer] });
      }),
    )) as string[];
  } finally {
    await pool.close();
  }
}

async function mainThreadOneByOne(paths: string[]): Promise<string[]> {
  const digests: string[] = [];
  for (const path of paths) digests.push(sha256(await readFile(path)));
  return digests;
}

/** "Concurrent" on one thread: the reads overlap, but each hash blocks everything else. */
async function mainThreadWithPromises(paths: string[], concurrency = 8): Promise<string[]> {
  const digests: string[] = [];
  let next = 0;
  const lane = async () => {
    while (next < paths.length) {
      const index = next++;
      digests[index] = sha256(await readFile(paths[index] as string));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return digests;
}

async function onPool(module: PoolModule, size: number, paths: string[]): Promise<string[]> {
  const pool = new module.WorkerPool({ filename: SHA256_TASK, size });
  try {
    // The pool's start-up (threads, module loading) is part of what it costs: it is timed too.
    const results = await module.hashFiles(paths, { pool, concurrency: size * 2 });
    return results.map((result) =>
      "sha256" in result ? result.sha256 : `error: ${String(result.error)}`,
    );
  } finally {
    await pool.close();
  }
}

function print(figures: Figure[], totalBytes: number): void {
  const baseline = figures[0]?.ms ?? Number.NaN;
  const rows = figures.map((figure) => [
    figure.way,
    `${figure.ms.toFixed(0)} ms`,
    `${(totalBytes / 2 ** 20 / (figure.ms / 1000)).toFixed(0)} MiB/s`,
    `×${(baseline / figure.ms).toFixed(2)}`,
    `${figure.stallMs.toFixed(0)} ms`,
  ]);
  const header = ["way", "wall time", "throughput", "speed-up", "longest event-loop stall"];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] as string).length)),
  );
  const line = (cells: string[]) =>
    cells.map((cell, i) => cell.padEnd(widths[i] as number)).join("  ");
  console.log(line(header));
  console.log(line(widths.map((width) => "-".repeat(width))));
  for (const row of rows) console.log(line(row));
}

function check(workload: string, figures: Figure[]): boolean {
  const expected = JSON.stringify(figures[0]?.digests);
  const wrong = figures.filter((figure) => JSON.stringify(figure.digests) !== expected);
  if (wrong.length > 0) {
    console.error(
      `${workload}: these ways got other results: ${wrong.map((f) => f.way).join(", ")}`,
    );
  }
  return wrong.length === 0;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "bench-worker-pool-"));
  try {
    const size = Math.round(mebibytes * 2 ** 20);
    const paths = Array.from({ length: fileCount }, (_, i) => {
      const path = join(dir, `artefact-${String(i).padStart(3, "0")}.log`);
      writeFileSync(path, logText(size, i + 1));
      return path;
    });
    const gzipTask = join(dir, "gzip-task.mjs");
    writeFileSync(gzipTask, GZIP_TASK);
    const totalBytes = size * fileCount;
    const threads = availableParallelism();
    console.log(
      `worker-pool bench: ${fileCount} files × ${mebibytes} MiB = ${(totalBytes / 2 ** 20).toFixed(0)} MiB, ` +
        `${threads} threads available (${cpus()[0]?.model ?? "unknown CPU"}), Node ${process.version}`,
    );
    console.log(`implementation: ${implementation}`);

    const mine = (await import(pathToFileURL(implementation).href)) as PoolModule;
    const piscina = (await import(pathToFileURL(LIBRARY).href)) as PoolModule;
    // Warm the page cache, so that the first way does not pay for the disk alone.
    await mainThreadOneByOne(paths);
    const sizes = [...new Set([1, 2, threads])];

    const hashing: Figure[] = [
      await measure("main thread, one by one", () => mainThreadOneByOne(paths)),
      await measure("main thread, 8 promises at a time", () => mainThreadWithPromises(paths)),
    ];
    for (const poolSize of sizes) {
      hashing.push(
        await measure(`hashFiles, WorkerPool of ${poolSize}`, () => onPool(mine, poolSize, paths)),
      );
    }
    hashing.push(
      await measure(`hashFiles, piscina of ${threads}`, () => onPool(piscina, threads, paths)),
    );
    console.log("\nSHA-256 (the kata's task: fast, native)\n");
    print(hashing, totalBytes);

    const compressing: Figure[] = [
      await measure("main thread, one by one", () => gzipOnMainThread(paths)),
    ];
    for (const poolSize of sizes) {
      compressing.push(
        await measure(`WorkerPool of ${poolSize}`, () =>
          gzipOnPool(mine, gzipTask, poolSize, paths),
        ),
      );
    }
    console.log("\ngzip -9 (slow: CPU-bound for real)\n");
    print(compressing, totalBytes);

    if (!check("SHA-256", hashing) || !check("gzip", compressing)) {
      process.exitCode = 1;
      return;
    }
    console.log(
      "\nEvery way agrees on every result. The event-loop stall is how long a timer, a health" +
        "\ncheck or an incoming request would have waited: one whole file's work on the main" +
        "\nthread, next to nothing with a pool. A pool pays for starting threads and moving bytes;" +
        "\nit wins when the work per byte is large (gzip), not when it is cheaper than the copy" +
        "\n(SHA-256), and more threads than cores add nothing.",
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
