/**
 * `npm run flake -- [runs] [--runner]`: runs every kata spec on the reference and library
 * variants `runs` times (default 20), each time shuffled with a different seed, and reports every
 * test that failed in any run with the seeds to replay it:
 *   npx vitest run --project reference --sequence.seed=<seed>
 * `--runner` adds the runner's own tests (slow: they drive the CLI in temp repositories).
 */
import { randomInt } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { ROOT } from "./lib/paths.ts";

const SLOW_TEST_MS = 100;

interface JsonReport {
  numTotalTests: number;
  numFailedTests: number;
  testResults: {
    name: string;
    assertionResults: { fullName: string; status: string; duration?: number }[];
  }[];
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const runs = Number(args.find((a) => /^\d+$/.test(a)) ?? 20);
  const projects = ["reference", "lib", ...(args.includes("--runner") ? ["runner"] : [])];
  const failures = new Map<string, number[]>();
  const slowestMs = new Map<string, number>();
  for (let run = 1; run <= runs; run++) {
    const seed = randomInt(1, 2 ** 31 - 1);
    const output = join(tmpdir(), `kata-flake-${process.pid}-${run}.json`);
    const started = Date.now();
    await execa(
      "npx",
      [
        "vitest",
        "run",
        ...projects.flatMap((p) => ["--project", p]),
        `--sequence.seed=${seed}`,
        "--reporter=json",
        `--outputFile=${output}`,
      ],
      {
        cwd: ROOT,
        reject: false,
      },
    );
    const report = JSON.parse(readFileSync(output, "utf8")) as JsonReport;
    rmSync(output, { force: true });
    for (const file of report.testResults) {
      for (const test of file.assertionResults) {
        const name = `${file.name.replace(`${ROOT}/`, "")} › ${test.fullName}`;
        if (test.status === "failed") failures.set(name, [...(failures.get(name) ?? []), seed]);
        slowestMs.set(name, Math.max(slowestMs.get(name) ?? 0, test.duration ?? 0));
      }
    }
    console.log(
      `run ${String(run).padStart(2)}/${runs}  seed ${String(seed).padStart(10)}  ${report.numTotalTests} tests, ${report.numFailedTests} failed  (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
  }
  // No kata test may use real time: anything over the threshold is listed (a figure, not a gate:
  // a loaded machine slows everything down).
  const slow = [...slowestMs].filter(([, ms]) => ms > SLOW_TEST_MS).sort((a, b) => b[1] - a[1]);
  console.log(`\ntests over ${SLOW_TEST_MS} ms in any run: ${slow.length === 0 ? "none" : ""}`);
  for (const [name, ms] of slow) console.log(`  ${ms.toFixed(0).padStart(5)} ms  ${name}`);
  for (const [name, seeds] of failures)
    console.log(`FLAKY ${name}\n      failed with seeds ${seeds.join(", ")}`);
  console.log(`flake: ${runs} runs, ${failures.size} test(s) ever failed`);
  return failures.size === 0 ? 0 : 1;
}

process.exitCode = await main();
