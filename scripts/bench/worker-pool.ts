/**
 * Benchmark (not a test) for the worker-pool kata: what does a pool of worker threads buy for
 * CPU-bound work, and what does it cost the event loop not to have one?
 *
 *   npx tsx scripts/bench/worker-pool.ts [files] [MiB per file] [--impl <file.ts>]
 *
 * (default: 48 files of 4 MiB). It writes files of random bytes into a temp dir, then computes
 * their SHA-256 six ways and prints, for each, the wall time, the throughput, the speed-up over
 * the first way, and the longest stall of the event loop while it ran:
 *
 * - on the main thread, one file after the other (`readFile`, then `createHash`);
 * - on the main thread, 8 at a time with promises — the reads overlap, the hashing cannot;
 * - `hashFiles` on a WorkerPool of 1, 2 and availableParallelism() threads (the reference, or the
 *   file given with --impl, e.g. your katas/worker-pool/worker-pool.ts);
 * - `hashFiles` on the piscina variant (solutions/worker-pool/worker-pool.lib.ts).
 *
 * Every way must produce the same digests (checked); no figure is asserted on. The temp dir is
 * always removed. Figures depend on the machine and on what else runs on it: run it twice.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { availableParallelism, cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SHA256_TASK = join(ROOT, "fixtures/katas/worker-pool/sha256.mjs");
const REFERENCE = join(ROOT, "solutions/worker-pool/worker-pool.ts");
const LIBRARY = join(ROOT, "solutions/worker-pool/worker-pool.lib.ts");

interface PoolModule {
  WorkerPool: new (options: {
    filename: string;
    size?: number;
  }) => {
    run(bytes: Uint8Array, options?: { transferList?: ArrayBuffer[] }): Promise<string>;
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
const fileCount = Number(positionals[0] ?? 48);
const mebibytes = Number(positionals[1] ?? 4);
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

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "bench-worker-pool-"));
  try {
    const size = Math.round(mebibytes * 2 ** 20);
    const paths = Array.from({ length: fileCount }, (_, i) => {
      const path = join(dir, `artefact-${String(i).padStart(3, "0")}.bin`);
      writeFileSync(path, randomBytes(size));
      return path;
    });
    const totalBytes = size * fileCount;
    const threads = availableParallelism();
    console.log(
      `worker-pool bench: ${fileCount} files × ${mebibytes} MiB = ${(totalBytes / 2 ** 20).toFixed(0)} MiB, ` +
        `${threads} threads available (${cpus()[0]?.model ?? "unknown CPU"}), Node ${process.version}`,
    );
    console.log(`implementation: ${implementation}\n`);

    const mine = (await import(pathToFileURL(implementation).href)) as PoolModule;
    const piscina = (await import(pathToFileURL(LIBRARY).href)) as PoolModule;
    // Warm the page cache, so that the first way does not pay for the disk alone.
    await mainThreadOneByOne(paths);

    const sizes = [...new Set([1, 2, threads])];
    const figures: Figure[] = [
      await measure("main thread, one by one", () => mainThreadOneByOne(paths)),
      await measure("main thread, 8 promises at a time", () => mainThreadWithPromises(paths)),
    ];
    for (const poolSize of sizes) {
      figures.push(
        await measure(`WorkerPool, size ${poolSize}`, () => onPool(mine, poolSize, paths)),
      );
    }
    figures.push(await measure(`piscina, size ${threads}`, () => onPool(piscina, threads, paths)));

    const expected = JSON.stringify(figures[0]?.digests);
    const wrong = figures.filter((figure) => JSON.stringify(figure.digests) !== expected);
    print(figures, totalBytes);
    if (wrong.length > 0) {
      console.error(
        `\nthese ways computed other digests: ${wrong.map((figure) => figure.way).join(", ")}`,
      );
      process.exitCode = 1;
      return;
    }
    console.log(
      "\nAll ways agree on every digest. The event-loop stall is how long a timer, a health check or" +
        "\nan incoming request would have waited: one whole hash on the main thread, next to nothing" +
        "\nwith a pool. More threads than cores adds nothing but start-up time.",
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
