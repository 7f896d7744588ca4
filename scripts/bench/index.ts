/**
 * `npm run bench [-- --quick] [-- --only=watch,cold,verify,suite,mutate,ci,logs]`: the workbook's
 * speed figures on this machine. Benchmarks print figures; no test asserts on time. `--quick`
 * skips the long parts (`npm test`, the full mutation run, the clean-clone CI run).
 *
 * - watch mode: save-to-result latency over 20 saves (p50, p95) — target p50 ≤ 300 ms;
 * - each kata's spec run cold vs an empty vitest run, and their ratio — target ≤ 1.5;
 * - `npm test` and the contract check alone — target for the contract check ≤ 30 s once the
 *   whole catalogue exists, so the bench also projects it to the catalogue's size;
 * - mutation testing, every mutant and incremental (nothing to re-test), with projections;
 * - the clean-clone CI run (`.ci/run`), phase by phase, projected to the catalogue — target
 *   ≤ 15 minutes with 50 katas;
 * - log aggregation vs awk on 1,000,000 lines (scripts/bench/log-aggregation.ts).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { kataDirsOnDisk, ROOT } from "../lib/paths.ts";
import { makeTempRepo } from "../test-support/temp-repo.ts";
import { makeVitestDir } from "../test-support/vitest-sandbox.ts";

const BENCH_KATA = "retry-backoff";
/**
 * Time between one result and the next save. Nobody saves faster than this while solving a kata,
 * and watch mode uses it: the next run's process loads its dependencies meanwhile.
 */
const THINK_TIME_MS = 2_000;
/** Katas in the planned catalogue (../shared/KATAS.md), for the targets set at that size. */
const CATALOGUE_SIZE = 50;
const quick = process.argv.includes("--quick");
/** `--only watch,cold` runs just those parts: watch, cold, verify, suite, mutate, ci, logs. */
const onlyFlag = process.argv.find((arg) => arg.startsWith("--only="))?.slice("--only=".length);
const runs = (part: string) => onlyFlag === undefined || onlyFlag.split(",").includes(part);

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return (
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
  );
};

async function timed(file: string, args: string[], cwd = ROOT): Promise<number> {
  const started = performance.now();
  const { exitCode } = await execa(file, args, { cwd, reject: false, env: { NO_COLOR: "1" } });
  // A command that failed stopped early: its time would read as a figure it never earned.
  if (exitCode !== 0) throw new Error(`${[file, ...args].join(" ")} failed (exit ${exitCode})`);
  return performance.now() - started;
}

/** Saves the learner's file 20 times and times each save until watch mode has drawn the result. */
async function watchLatency(saves = 20): Promise<number[]> {
  const repo = await makeTempRepo({ realKatas: [BENCH_KATA] });
  const stub = repo.path("katas", BENCH_KATA, `${BENCH_KATA}.ts`);
  const original = readFileSync(stub, "utf8");
  const child = execa("npx", ["tsx", "scripts/kata.ts", "watch", BENCH_KATA], {
    cwd: repo.dir,
    reject: false,
    env: { NO_COLOR: "1" },
    stdin: "ignore",
    detached: true, // its own process group: npx, tsx and node stop together
  });
  // A frame is one drawn result; chunks of output can split a line, so count in the whole output.
  let output = "";
  let frames = 0;
  let onFrame: (() => void) | undefined;
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
    frames = output.split("(last run ").length - 1;
    onFrame?.();
  });
  const nextFrame = (after: number) =>
    new Promise<void>((resolve) => {
      onFrame = () => frames > after && resolve();
      onFrame();
    });
  try {
    await nextFrame(0); // the first run, on start
    const latencies: number[] = [];
    for (let save = 1; save <= saves; save++) {
      await new Promise((resolve) => setTimeout(resolve, THINK_TIME_MS));
      const seen = frames;
      const started = performance.now();
      writeFileSync(stub, `${original}\n// save ${save}\n`);
      await nextFrame(seen);
      latencies.push(performance.now() - started);
    }
    return latencies;
  } finally {
    process.kill(-(child.pid ?? 0), "SIGTERM");
    await child;
    repo.remove();
  }
}

interface ColdRun {
  ms: number;
  /** What vitest says it spent importing the spec and what it imports (its "import" figure). */
  importMs: number;
}

async function coldRun(args: string[], cwd: string): Promise<ColdRun> {
  const started = performance.now();
  const { exitCode, stdout } = await execa("npx", ["vitest", "run", ...args], {
    cwd,
    reject: false,
    env: { NO_COLOR: "1" },
  });
  const ms = performance.now() - started;
  if (exitCode !== 0) throw new Error(`npx vitest run ${args.join(" ")} failed (exit ${exitCode})`);
  return { ms, importMs: Number(/\bimport (\d+)ms/.exec(stdout)?.[1] ?? Number.NaN) };
}

const EMPTY_SPEC = 'import { it } from "vitest";\nit("does nothing", () => {});\n';

/**
 * Each kata's spec run from a cold start; an empty spec run by plain vitest (the baseline); and an
 * empty spec run through the workbook's own config and setup, in a temp copy of the workbook, which
 * shows what the workbook adds before any kata's code. Runs interleaved; each kata's figure is the
 * median of 3, the baselines' the median of all their runs.
 */
async function coldRuns(): Promise<{
  katas: Map<string, ColdRun>;
  empty: number;
  emptyInWorkbook: number;
}> {
  const empty = makeVitestDir("kata-bench-empty-");
  const workbook = await makeTempRepo();
  try {
    writeFileSync(join(empty, "empty.spec.ts"), EMPTY_SPEC);
    mkdirSync(workbook.path("katas", "empty"));
    writeFileSync(workbook.path("katas", "empty", "empty.spec.ts"), EMPTY_SPEC);

    const emptyTimes: number[] = [];
    const workbookTimes: number[] = [];
    const katas = new Map<string, ColdRun>();
    for (const slug of kataDirsOnDisk()) {
      const runs: ColdRun[] = [];
      for (let i = 0; i < 3; i++) {
        runs.push(await coldRun(["--project", "reference", `katas/${slug}`], ROOT));
        emptyTimes.push((await coldRun([], empty)).ms);
        if (workbookTimes.length < 6) {
          workbookTimes.push(
            (await coldRun(["--project", "reference", "katas/empty"], workbook.dir)).ms,
          );
        }
      }
      runs.sort((a, b) => a.ms - b.ms);
      katas.set(slug, runs[1] ?? { ms: Number.NaN, importMs: Number.NaN });
    }
    return {
      katas,
      empty: percentile(emptyTimes, 50),
      emptyInWorkbook: percentile(workbookTimes, 50),
    };
  } finally {
    rmSync(empty, { recursive: true, force: true });
    workbook.remove();
  }
}

async function main(): Promise<void> {
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}\n`,
  );

  if (runs("watch")) await part("watch", benchWatch);
  if (runs("cold")) await part("cold", benchCold);
  if (runs("verify")) await part("verify", benchVerify);
  if (runs("suite") && !quick) await part("suite", benchSuite);
  if (runs("mutate") && !quick) await part("mutate", benchMutate);
  if (runs("ci") && !quick) await part("ci", benchCi);
  if (runs("logs")) await part("logs", benchLogs);
}

/** One part of the bench; a part that fails says so and the others still run. */
async function part(name: string, bench: () => Promise<void>): Promise<void> {
  try {
    await bench();
  } catch (error) {
    console.log(`${name}: no figure, ${(error as Error).message}`);
    process.exitCode = 1;
  }
}

async function benchWatch(): Promise<void> {
  const latencies = await watchLatency();
  const p50 = percentile(latencies, 50);
  console.log(
    `watch mode, save → result (${latencies.length} saves of ${BENCH_KATA}, ${THINK_TIME_MS / 1000} s apart): p50 ${p50.toFixed(0)} ms, p95 ${percentile(latencies, 95).toFixed(0)} ms   (target p50 ≤ 300 ms: ${p50 <= 300 ? "met" : "missed"})`,
  );
}

async function benchCold(): Promise<void> {
  const cold = await coldRuns();
  console.log(
    `cold runs (npx vitest run --project reference katas/<slug>, median of 3), empty vitest run ${seconds(cold.empty)}:`,
  );
  console.log(
    `  ${"(an empty spec)".padEnd(22)} ${seconds(cold.emptyInWorkbook)}  ratio ${(cold.emptyInWorkbook / cold.empty).toFixed(2)}   the workbook's config and setup alone`,
  );
  for (const [slug, run] of cold.katas) {
    const ratio = run.ms / cold.empty;
    console.log(
      `  ${slug.padEnd(22)} ${seconds(run.ms)}  ratio ${ratio.toFixed(2)}   (target ≤ 1.5: ${ratio <= 1.5 ? "met" : "missed"})   of which importing the spec and its libraries ${run.importMs} ms`,
    );
  }
}

/**
 * The contract check of every kata, then of each kata alone, to split its time into a fixed part
 * and a part per kata: T(all) = F + Σ m_i and T(i) = F + m_i give F = (Σ T(i) − T(all)) / (n − 1).
 * The target is for the whole catalogue, so the bench also says what that split predicts for it.
 */
async function benchVerify(): Promise<void> {
  const verify = (...slug: string[]) =>
    timed("npm", ["run", "-s", "kata", "--", "verify", ...slug]);
  const all = await verify();
  console.log(
    `contract check (npm run kata -- verify): ${seconds(all)}   (target ≤ 30 s: ${all <= 30_000 ? "met" : "missed"})`,
  );
  const slugs = kataDirsOnDisk();
  if (slugs.length < 2) return;
  let sumAlone = 0;
  for (const slug of slugs) sumAlone += await verify(slug);
  const fixed = Math.max(0, (sumAlone - all) / (slugs.length - 1));
  const perKata = (all - fixed) / slugs.length;
  measured.verifyFixed = fixed;
  measured.verifyPerKata = perKata;
  const projected = fixed + CATALOGUE_SIZE * perKata;
  console.log(
    `  split: ${seconds(fixed)} fixed + ${seconds(perKata)} a kata → the catalogue's ${CATALOGUE_SIZE} katas: about ${seconds(projected)}   (target ≤ 30 s: ${projected <= 30_000 ? "met" : "missed"})`,
  );
}

/** Figures the CI projection reuses, when the parts that measure them ran first. */
const measured: { verifyFixed?: number; verifyPerKata?: number; mutatePerKata?: number } = {};

/**
 * Mutation testing: every mutant of every kata (`--full`), which gives a time per kata; then the
 * incremental run CI makes on a clean clone when every record is up to date (nothing to re-test).
 */
async function benchMutate(): Promise<void> {
  const katas = kataDirsOnDisk().length;
  const full = await timed("npm", ["run", "-s", "mutate", "--", "--full"]);
  const incremental = await timed("npm", ["run", "-s", "mutate"]);
  measured.mutatePerKata = full / katas;
  console.log(
    `mutation testing, every mutant (npm run mutate -- --full, ${katas} katas): ${seconds(full)}, ${seconds(full / katas)} a kata → ${CATALOGUE_SIZE} katas: about ${seconds((full / katas) * CATALOGUE_SIZE)}`,
  );
  console.log(
    `mutation testing, incremental with nothing to re-test (npm run mutate): ${seconds(incremental)}   (each kata a recorded result: the same at ${CATALOGUE_SIZE})`,
  );
}

/**
 * The CI run on a clean clone of the committed tree, phase by phase (.ci/run prints each phase's
 * time), and what it comes to at the catalogue's size: the contract check grows by its time per
 * kata (from the verify part), the rest stays as it is when every mutation record is up to date;
 * a change that re-tests one track's katas (7) adds their mutation time.
 */
async function benchCi(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "kata-bench-ci-"));
  try {
    await execa("git", ["clone", "-q", ROOT, dir]);
    const started = performance.now();
    const run = await execa("bash", [".ci/run"], { cwd: dir, reject: false, all: true });
    const total = performance.now() - started;
    if (run.exitCode !== 0)
      throw new Error(`.ci/run failed on a clean clone (exit ${run.exitCode})`);
    const phases = [...(run.all ?? "").matchAll(/^ci: (.+) took (\d+) s$/gm)].map(
      (m): [string, number] => [m[1] ?? "", Number(m[2]) * 1000],
    );
    const katas = kataDirsOnDisk().length;
    console.log(
      `CI on a clean clone (bash .ci/run, ${katas} katas): ${seconds(total)}   (${phases
        .map(([phase, ms]) => `${phase} ${seconds(ms)}`)
        .join(", ")})`,
    );
    const perKata = measured.verifyPerKata;
    if (perKata === undefined) {
      console.log("  (run the verify part too for the projection to the catalogue)");
      return;
    }
    const atCatalogue = total + (CATALOGUE_SIZE - katas) * perKata;
    const trackChanged = atCatalogue + 7 * (measured.mutatePerKata ?? Number.NaN);
    console.log(
      `  projected to ${CATALOGUE_SIZE} katas: about ${seconds(atCatalogue)} with every mutation record up to date, ${seconds(trackChanged)} when one track's 7 katas need re-testing   (target ≤ 15 min: ${trackChanged <= 900_000 ? "met" : atCatalogue <= 900_000 ? "met when the records are committed" : "missed"})`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchSuite(): Promise<void> {
  console.log(`whole suite (npm test): ${seconds(await timed("npm", ["test"]))}`);
}

async function benchLogs(): Promise<void> {
  console.log("");
  const logs = await execa("npx", ["tsx", "scripts/bench/log-aggregation.ts", "1000000"], {
    cwd: ROOT,
    reject: false,
    all: true,
  });
  console.log(logs.all);
  if (logs.exitCode !== 0)
    throw new Error(`the log-aggregation bench failed (exit ${logs.exitCode})`);
}

await main();
