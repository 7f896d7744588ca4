/**
 * `npm run mutate [-- slug …]`: Stryker over the reference solutions, then one row per kata
 * (mutants, killed, survived, timed out, score). Fails when a kata scores under the threshold.
 * Survivors are listed so they can be killed by a stronger spec or explained in NOTES.md.
 */
import { readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { execa } from "execa";
import { kataSlugsOnDisk, ROOT } from "./lib/paths.ts";

export const THRESHOLD = 85;
const REPORT = join(ROOT, "reports/mutation/mutation.json");

interface MutantResult {
  status:
    | "Killed"
    | "Survived"
    | "NoCoverage"
    | "Timeout"
    | "CompileError"
    | "RuntimeError"
    | "Ignored"
    | "Pending";
  mutatorName: string;
  replacement?: string;
  location: { start: { line: number; column: number } };
}

interface Row {
  slug: string;
  mutants: number;
  killed: number;
  survived: number;
  timedOut: number;
  noCoverage: number;
  score: number;
  survivors: string[];
}

export function rowsFromReport(report: {
  files: Record<string, { mutants: MutantResult[] }>;
}): Row[] {
  const rows = new Map<string, Row>();
  for (const [file, { mutants }] of Object.entries(report.files)) {
    const slug = relative(join(ROOT, "solutions"), join(ROOT, file)).split(sep)[0] ?? file;
    const row = rows.get(slug) ?? {
      slug,
      mutants: 0,
      killed: 0,
      survived: 0,
      timedOut: 0,
      noCoverage: 0,
      score: 0,
      survivors: [],
    };
    for (const mutant of mutants) {
      if (["CompileError", "RuntimeError", "Ignored", "Pending"].includes(mutant.status)) continue;
      row.mutants += 1;
      if (mutant.status === "Killed") row.killed += 1;
      if (mutant.status === "Timeout") row.timedOut += 1;
      if (mutant.status === "Survived" || mutant.status === "NoCoverage") {
        if (mutant.status === "Survived") row.survived += 1;
        else row.noCoverage += 1;
        row.survivors.push(
          `${file}:${mutant.location.start.line}:${mutant.location.start.column} ${mutant.mutatorName}${mutant.replacement ? ` → ${mutant.replacement.split("\n")[0]}` : ""}`,
        );
      }
    }
    rows.set(slug, row);
  }
  for (const row of rows.values()) {
    // Stryker's own score: killed and timed-out mutants count as detected.
    row.score = row.mutants === 0 ? 100 : ((row.killed + row.timedOut) / row.mutants) * 100;
  }
  return [...rows.values()].sort((a, b) => a.slug.localeCompare(b.slug));
}

async function main(): Promise<number> {
  const requested = process.argv.slice(2);
  const slugs = requested.length > 0 ? requested : kataSlugsOnDisk();
  const started = Date.now();
  const stryker = await execa("npx", ["stryker", "run", "scripts/mutation/stryker.config.mjs"], {
    cwd: ROOT,
    env: { KATA_MUTATE: slugs.join(",") },
    reject: false,
    stdio: "inherit", // Stryker's progress, live
  });
  if (stryker.exitCode !== 0) {
    console.error("mutate: Stryker failed before scoring; see its output above.");
    return 1;
  }
  const rows = rowsFromReport(JSON.parse(readFileSync(REPORT, "utf8")));
  const header = ["kata", "mutants", "killed", "survived", "no cov.", "timed out", "score"];
  const table = rows.map((r) =>
    [
      r.slug,
      r.mutants,
      r.killed,
      r.survived,
      r.noCoverage,
      r.timedOut,
      `${r.score.toFixed(1)} %`,
    ].map(String),
  );
  const widths = header.map((h, i) =>
    Math.max(h.length, ...table.map((row) => row[i]?.length ?? 0)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join("  ");
  console.log(line(header));
  for (const row of table) console.log(line(row));
  const below = rows.filter((r) => r.score < THRESHOLD);
  for (const row of rows.filter((r) => r.survivors.length > 0)) {
    console.log(
      `\n${row.slug}: ${row.survivors.length} surviving mutant(s) — kill them with a stronger spec, or explain them in solutions/${row.slug}/NOTES.md`,
    );
    for (const survivor of row.survivors) console.log(`  ${survivor}`);
  }
  console.log(
    `\n(${((Date.now() - started) / 1000).toFixed(0)} s; report: reports/mutation/index.html)`,
  );
  console.log(`threshold: ${THRESHOLD} % of mutants killed, per kata`);
  console.log(`mutate: ${rows.length - below.length} passed, ${below.length} failed`);
  return below.length === 0 ? 0 : 1;
}

process.exitCode = await main();
