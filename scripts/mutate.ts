/**
 * `npm run mutate [-- slug… | --track t | --changed [ref]] [--full] [--plan]`: mutation testing of the
 * reference solutions, incremental (see mutation/incremental.ts): Stryker runs only for the katas
 * whose recorded results are out of date, and re-tests only what changed; `--full` re-tests
 * every mutant (what to run after changing something shared, then commit the records);
 * `--plan` only says, per kata, whether it would be re-tested and why.
 *
 * Then one row per kata (mutants, killed, survived, timed out, score) from the merged results,
 * and the gate: every kata at THRESHOLD % or more. Survivors are listed so they can be killed by
 * a stronger spec or explained in NOTES.md.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { execa } from "execa";
import { runCommandLine, UserError } from "./lib/errors.ts";
import { kataSlugsOnDisk, MUTATION, ROOT } from "./lib/paths.ts";
import { type Selection, selectKatas } from "./lib/selection.ts";
import {
  composeIncremental,
  environmentOf,
  type KataRecord,
  planKata,
  recordsFromReport,
  removeOrphanRecords,
  STRYKER_INCREMENTAL_FILE,
  type StrykerReport,
  writeRecord,
} from "./mutation/incremental.ts";

export const THRESHOLD = 90;

interface Row {
  slug: string;
  mutants: number;
  killed: number;
  survived: number;
  timedOut: number;
  noCoverage: number;
  score: number;
  survivors: string[];
  /** "recorded" when Stryker did not need to run for this kata. */
  source: "recorded" | "re-tested";
}

export function rowFromRecord(record: KataRecord, source: Row["source"]): Row {
  const row: Row = {
    slug: record.kata,
    mutants: 0,
    killed: 0,
    survived: 0,
    timedOut: 0,
    noCoverage: 0,
    score: 0,
    survivors: [],
    source,
  };
  for (const [file, { mutants }] of Object.entries(record.report.files)) {
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
  }
  // Stryker's own score: killed and timed-out mutants count as detected.
  row.score = row.mutants === 0 ? 100 : ((row.killed + row.timedOut) / row.mutants) * 100;
  return row;
}

function parseCommandLine(argv: string[]): Selection & { full: boolean; plan: boolean } {
  const args = argv.flatMap((arg, i) =>
    arg === "--changed" && (argv[i + 1] === undefined || argv[i + 1]?.startsWith("-"))
      ? [arg, ""]
      : [arg],
  );
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        full: { type: "boolean" },
        plan: { type: "boolean" },
        track: { type: "string" },
        changed: { type: "string" },
      },
    });
    return {
      full: values.full === true,
      plan: values.plan === true,
      slugs: positionals,
      ...(values.track ? { track: values.track } : {}),
      ...(values.changed === undefined
        ? {}
        : { changed: values.changed === "" ? true : values.changed }),
    };
  } catch (error) {
    throw new UserError(
      `${(error as Error).message.split(". ")[0]}.\nUsage: npm run mutate -- [slug…] [--track <id>] [--changed [ref]] [--full] [--plan]`,
    );
  }
}

async function runStryker(
  slugs: string[],
  records: KataRecord[],
  full: boolean,
): Promise<StrykerReport> {
  mkdirSync(dirname(STRYKER_INCREMENTAL_FILE), { recursive: true });
  writeFileSync(STRYKER_INCREMENTAL_FILE, JSON.stringify(composeIncremental(records)));
  const stryker = await execa(
    "npx",
    [
      "stryker",
      "run",
      MUTATION.config,
      "--incremental",
      "--incrementalFile",
      STRYKER_INCREMENTAL_FILE,
      ...(full ? ["--force"] : []),
    ],
    { cwd: ROOT, env: { KATA_MUTATE: slugs.join(",") }, reject: false, stdio: "inherit" },
  );
  if (stryker.exitCode !== 0)
    throw new UserError("mutate: Stryker failed before scoring; see its output above.", 1);
  return JSON.parse(readFileSync(STRYKER_INCREMENTAL_FILE, "utf8")) as StrykerReport;
}

function printTable(rows: Row[]): void {
  const header = ["kata", "mutants", "killed", "survived", "no cov.", "timed out", "score", ""];
  const table = rows.map((r) =>
    [
      r.slug,
      r.mutants,
      r.killed,
      r.survived,
      r.noCoverage,
      r.timedOut,
      `${r.score.toFixed(1)} %`,
      r.source === "recorded" ? "(recorded)" : "(re-tested)",
    ].map(String),
  );
  const widths = header.map((h, i) =>
    Math.max(h.length, ...table.map((row) => row[i]?.length ?? 0)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) =>
        i === 0 || i === 7 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0),
      )
      .join("  ")
      .trimEnd();
  console.log(line(header));
  for (const row of table) console.log(line(row));
}

async function main(argv: string[]): Promise<number> {
  const { full, plan: planOnly, ...selection } = parseCommandLine(argv);
  const started = Date.now();
  const { slugs, description } = await selectKatas(selection, "mutation");
  if (description) console.log(`mutate: ${description}`);
  const everything = !selection.slugs?.length && !selection.track && !selection.changed;
  if (everything)
    for (const slug of removeOrphanRecords(kataSlugsOnDisk()))
      console.log(`mutate: removed the record of ${slug}, which is no kata`);

  const plans = slugs.map((slug) => planKata(slug, { full }));
  const retest = plans.filter((plan) => plan.action === "retest");
  for (const plan of plans)
    console.log(
      `  ${plan.slug}: ${plan.action === "reuse" ? "unchanged: recorded results" : plan.reason}`,
    );

  if (planOnly) return 0;
  const records = new Map<string, KataRecord>();
  for (const plan of plans) if (plan.action === "reuse") records.set(plan.slug, plan.record);
  if (retest.length > 0) {
    const environments = new Map(retest.map((plan) => [plan.slug, environmentOf(plan.slug)]));
    const report = await runStryker(
      retest.map((plan) => plan.slug),
      retest.flatMap((plan) => (plan.record ? [plan.record] : [])),
      full,
    );
    for (const record of recordsFromReport(
      report,
      retest.map((plan) => plan.slug),
      environments,
    )) {
      writeRecord(record);
      records.set(record.kata, record);
    }
  }

  const rows = slugs.flatMap((slug) => {
    const record = records.get(slug);
    const reused = plans.find((plan) => plan.slug === slug)?.action === "reuse";
    return record ? [rowFromRecord(record, reused ? "recorded" : "re-tested")] : [];
  });
  console.log("");
  printTable(rows);
  const below = rows.filter((r) => r.score < THRESHOLD);
  for (const row of rows.filter((r) => r.survivors.length > 0)) {
    console.log(
      `\n${row.slug}: ${row.survivors.length} surviving mutant(s) — kill them with a stronger spec, or explain them in solutions/${row.slug}/NOTES.md`,
    );
    for (const survivor of row.survivors) console.log(`  ${survivor}`);
  }
  const strykerNote =
    retest.length > 0
      ? "; report: reports/mutation/index.html"
      : "; Stryker had nothing to re-test";
  console.log(`\n(${((Date.now() - started) / 1000).toFixed(0)} s${strykerNote})`);
  console.log(`threshold: ${THRESHOLD} % of mutants killed, per kata`);
  console.log(`mutate: ${rows.length - below.length} passed, ${below.length} failed`);
  return below.length === 0 ? 0 : 1;
}

runCommandLine(() => main(process.argv.slice(2)));
