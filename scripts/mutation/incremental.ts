/**
 * Incremental mutation testing, kata by kata, on Stryker's own incremental mode.
 *
 * Each kata keeps the part of Stryker's incremental report that is about it (its mutated files
 * and its spec, with their sources, mutants and tests) in `scripts/mutation/incremental/<slug>.json`,
 * committed, beside a fingerprint of its environment: every other file its spec run depends on
 * (shared fixtures it imports, its fixture data, the test settings and set-up, the lockfile; see
 * kata-deps.ts). For each kata, `npm run mutate` then decides:
 *
 * - nothing changed (same sources, same environment): the recorded results stand, and Stryker
 *   does not run for it at all;
 * - its reference or spec changed: Stryker runs with the record as its incremental file, and
 *   re-tests only the mutants in changed code, the ones whose killing tests changed, and the
 *   survivors a new test covers (its own diff; it knows where each test starts from
 *   located-vitest-runner.mjs);
 * - its spec changed outside its tests (a helper, a hook: spec-scaffolding.ts), which Stryker's
 *   diff cannot attribute to the tests it affects: every mutant is re-tested;
 * - its environment changed (a shared helper, a fixture, a dependency): Stryker cannot see such
 *   a change, so the record is dropped and every mutant of the kata is re-tested;
 * - `--full`: every mutant of every chosen kata is re-tested.
 *
 * The gate then reads every chosen kata's record: the merged results.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { kataFingerprint } from "../lib/kata-deps.ts";
import { kataPaths, MUTATION, ROOT } from "../lib/paths.ts";
import { hiddenSpecChange } from "./spec-scaffolding.ts";

/** Stryker's mutant statuses, as its report writes them. */
export type MutantStatus =
  | "Killed"
  | "Survived"
  | "NoCoverage"
  | "Timeout"
  | "CompileError"
  | "RuntimeError"
  | "Ignored"
  | "Pending";

export interface ReportMutant {
  id: string;
  mutatorName: string;
  replacement?: string;
  status: MutantStatus;
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
  [more: string]: unknown;
}

/** The parts of Stryker's (incremental) report this module reads and writes. */
export interface StrykerReport {
  schemaVersion: string;
  thresholds: { high: number; low: number; break?: number | null };
  files: Record<string, { language: string; source: string; mutants: ReportMutant[] }>;
  testFiles?: Record<string, { source?: string; tests: unknown[] }>;
  [more: string]: unknown;
}

/** What a kata keeps between runs. */
export interface KataRecord {
  kata: string;
  /** Content hashes of every file the spec run depends on, but the ones Stryker diffs itself. */
  environment: Record<string, string>;
  report: Pick<StrykerReport, "schemaVersion" | "thresholds" | "files" | "testFiles">;
}

export type Plan =
  | { slug: string; action: "reuse"; record: KataRecord }
  | {
      slug: string;
      action: "retest";
      /** Why, in a few words, for the run's output. */
      reason: string;
      /** Given to Stryker as the incremental file (its reuse of unchanged mutants), if any. */
      record: KataRecord | undefined;
    };

export const recordFile = (slug: string): string => kataPaths(slug).incrementalReport;

/** The files Stryker mutates for a kata (the stryker config's `mutate` globs say the same). */
export function mutatedFiles(slug: string): string[] {
  const dir = kataPaths(slug).solutionDir;
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith(".ts") && !name.endsWith(".lib.ts"))
    .map((name) => join(dir, name))
    .sort();
}

/** The files Stryker diffs itself: the mutated files and the spec. */
const diffedByStryker = (slug: string) => [...mutatedFiles(slug), kataPaths(slug).spec];

/** Content hashes of the kata's environment (see the header). */
export function environmentOf(slug: string): Record<string, string> {
  const own = new Set(diffedByStryker(slug).map((file) => relative(ROOT, file)));
  const { files } = kataFingerprint(slug, "mutation");
  return Object.fromEntries(Object.entries(files).filter(([file]) => !own.has(file)));
}

export function readRecord(slug: string): KataRecord | undefined {
  const file = recordFile(slug);
  if (!existsSync(file)) return undefined;
  try {
    const record = JSON.parse(readFileSync(file, "utf8")) as KataRecord;
    return record.kata === slug && record.report?.files ? record : undefined;
  } catch {
    return undefined; // a corrupt record is rebuilt by re-testing the kata
  }
}

/** The environment files whose content differs from the record (added and removed ones too). */
export function environmentChanges(record: KataRecord, now: Record<string, string>): string[] {
  const names = new Set([...Object.keys(record.environment), ...Object.keys(now)]);
  return [...names].filter((name) => record.environment[name] !== now[name]).sort();
}

/** The mutated files and spec whose content differs from the sources in the record. */
export function sourceChanges(slug: string, record: KataRecord): string[] {
  const recorded = new Map<string, string | undefined>();
  for (const [file, entry] of Object.entries(record.report.files)) recorded.set(file, entry.source);
  for (const [file, entry] of Object.entries(record.report.testFiles ?? {}))
    recorded.set(file, entry.source);
  const current = diffedByStryker(slug).map((file) => relative(ROOT, file));
  const changed = current.filter(
    (file) =>
      !existsSync(join(ROOT, file)) ||
      recorded.get(file) !== readFileSync(join(ROOT, file), "utf8"),
  );
  const removed = [...recorded.keys()].filter((file) => !current.includes(file));
  return [...changed, ...removed].sort();
}

/** A change to the kata's spec that Stryker's own diff would miss (see spec-scaffolding.ts). */
function hiddenChangeInSpec(slug: string, record: KataRecord): string | undefined {
  const spec = kataPaths(slug).spec;
  const recorded = record.report.testFiles?.[relative(ROOT, spec)]?.source;
  if (recorded === undefined || !existsSync(spec)) return undefined;
  return hiddenSpecChange(recorded, readFileSync(spec, "utf8"));
}

const listed = (files: string[]) =>
  files.length <= 3
    ? files.join(", ")
    : `${files.slice(0, 3).join(", ")} and ${files.length - 3} more`;

/** What to do for one kata (see the header). */
export function planKata(slug: string, options: { full?: boolean } = {}): Plan {
  const record = readRecord(slug);
  if (options.full) return { slug, action: "retest", reason: "--full: every mutant", record };
  if (!record) return { slug, action: "retest", reason: "no record yet: every mutant", record };
  const environment = environmentChanges(record, environmentOf(slug));
  if (environment.length > 0)
    return {
      slug,
      action: "retest",
      reason: `changed: ${listed(environment)}: every mutant`,
      record: undefined,
    };
  const sources = sourceChanges(slug, record);
  const hidden = hiddenChangeInSpec(slug, record);
  if (hidden)
    return { slug, action: "retest", reason: `${hidden}: every mutant`, record: undefined };
  if (sources.length > 0)
    return {
      slug,
      action: "retest",
      reason: `changed: ${listed(sources)}: Stryker re-tests what the change touches`,
      record,
    };
  return { slug, action: "reuse", record };
}

/**
 * A record's test ids, made unique across katas. Each record keeps the ids of the Stryker run
 * that made it, so two katas recorded in different runs can both have a test "12". Stryker
 * looks old tests up by id (a mutant's killedBy and coveredBy), so in one incremental file a
 * shared id would point one kata's mutants at another kata's test, and those mutants could never
 * be reused. Prefixing the kata's name keeps every id, and what refers to it, apart.
 */
function withKataTestIds(record: KataRecord): KataRecord["report"] {
  const id = (testId: string) => `${record.kata}/${testId}`;
  const files = Object.fromEntries(
    Object.entries(record.report.files).map(([file, entry]) => [
      file,
      {
        ...entry,
        mutants: entry.mutants.map((mutant) => {
          const { coveredBy, killedBy } = mutant as { coveredBy?: string[]; killedBy?: string[] };
          return {
            ...mutant,
            ...(coveredBy && { coveredBy: coveredBy.map(id) }),
            ...(killedBy && { killedBy: killedBy.map(id) }),
          };
        }),
      },
    ]),
  );
  const testFiles = Object.fromEntries(
    Object.entries(record.report.testFiles ?? {}).map(([file, entry]) => [
      file,
      {
        ...entry,
        tests: (entry.tests as Array<{ id: string }>).map((t) => ({ ...t, id: id(t.id) })),
      },
    ]),
  );
  return { ...record.report, files, testFiles };
}

/** One incremental file for Stryker, from the records of the katas it is about to run. */
export function composeIncremental(records: KataRecord[]): StrykerReport {
  const report: StrykerReport = {
    schemaVersion: "1.0",
    thresholds: { high: 80, low: 60, break: null },
    files: {},
    testFiles: {},
  };
  for (const record of records) {
    const part = withKataTestIds(record);
    report.schemaVersion = part.schemaVersion;
    Object.assign(report.files, part.files);
    Object.assign(report.testFiles ?? {}, part.testFiles ?? {});
  }
  return report;
}

/** The kata of a file in Stryker's report: solutions/<slug>/… or katas/<slug>/…. */
function kataOf(file: string): string | undefined {
  const [top, slug] = file.split(/[\\/]/);
  return top === "solutions" || top === "katas" ? slug : undefined;
}

/**
 * Splits Stryker's incremental output into the records of the katas that ran. `environments` are
 * the fingerprints taken before Stryker started: a file that changes during a long run must not
 * be recorded as the one the results were computed with.
 */
export function recordsFromReport(
  report: StrykerReport,
  slugs: string[],
  environments: ReadonlyMap<string, Record<string, string>> = new Map(),
): KataRecord[] {
  return slugs.map((slug) => {
    const pick = <T>(entries: Record<string, T> | undefined) =>
      Object.fromEntries(Object.entries(entries ?? {}).filter(([file]) => kataOf(file) === slug));
    return {
      kata: slug,
      environment: environments.get(slug) ?? environmentOf(slug),
      report: {
        schemaVersion: report.schemaVersion,
        thresholds: report.thresholds,
        files: pick(report.files),
        testFiles: pick(report.testFiles),
      },
    };
  });
}

export function writeRecord(record: KataRecord): void {
  const file = recordFile(record.kata);
  mkdirSync(dirname(file), { recursive: true });
  // One mutant or test a line: a re-test shows in review as the lines that changed.
  writeFileSync(file, `${JSON.stringify(record, null, 1)}\n`);
}

/** Removes the records of katas that no longer exist; returns their slugs. */
export function removeOrphanRecords(katas: string[]): string[] {
  if (!existsSync(MUTATION.incrementalDir)) return [];
  const orphans = readdirSync(MUTATION.incrementalDir)
    .filter((name) => name.endsWith(".json"))
    .map((name) => name.slice(0, -".json".length))
    .filter((slug) => !katas.includes(slug));
  for (const slug of orphans) rmSync(recordFile(slug));
  return orphans;
}

/** The path Stryker is given as its incremental file (and rewrites with its results). */
export const STRYKER_INCREMENTAL_FILE = join(MUTATION.reportDir, "incremental.json");
export const relativeToRoot = (file: string) => relative(ROOT, file).split(sep).join("/");
