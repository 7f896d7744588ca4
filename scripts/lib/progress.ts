/**
 * The learner's progress, kept in `.kata/progress.json` (git-ignored). Every entry is written from
 * a real test run, with a hash of the learner's file at that moment, so a file edited since the
 * last run is shown as "edited" rather than trusted as solved.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { kataPaths, STATE_DIR } from "./paths.ts";
import type { KataResult } from "./results.ts";

export const PROGRESS_FILE = join(STATE_DIR, "progress.json");

export interface KataProgress {
  passed: number;
  total: number;
  green: boolean;
  fileHash: string;
  lastRunAt: string;
  solvedAt?: string;
  hintsShown: number;
}

interface ProgressFile {
  version: 1;
  katas: Record<string, KataProgress>;
}

export type KataStatus = "new" | "started" | "edited" | "solved";

export function readProgress(): ProgressFile {
  if (!existsSync(PROGRESS_FILE)) return { version: 1, katas: {} };
  try {
    const parsed = JSON.parse(readFileSync(PROGRESS_FILE, "utf8")) as ProgressFile;
    return parsed.version === 1 && typeof parsed.katas === "object"
      ? parsed
      : { version: 1, katas: {} };
  } catch {
    return { version: 1, katas: {} }; // a corrupt progress file is rebuilt from the next runs
  }
}

function writeProgress(progress: ProgressFile): void {
  mkdirSync(dirname(PROGRESS_FILE), { recursive: true });
  const temp = `${PROGRESS_FILE}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(progress, null, 2)}\n`);
  renameSync(temp, PROGRESS_FILE); // atomic: a crash never leaves half a progress file
}

export function learnerFileHash(slug: string): string {
  try {
    return createHash("sha256")
      .update(readFileSync(kataPaths(slug).stub))
      .digest("hex")
      .slice(0, 16);
  } catch {
    return "missing";
  }
}

export function recordRun(result: KataResult, green: boolean): KataProgress {
  const progress = readProgress();
  const previous = progress.katas[result.slug];
  const now = new Date().toISOString();
  const entry: KataProgress = {
    passed: result.passed,
    total: result.total,
    green,
    fileHash: learnerFileHash(result.slug),
    lastRunAt: now,
    hintsShown: previous?.hintsShown ?? 0,
    ...(green ? { solvedAt: previous?.solvedAt ?? now } : {}),
  };
  progress.katas[result.slug] = entry;
  writeProgress(progress);
  return entry;
}

export function recordHint(slug: string, tier: number): void {
  const progress = readProgress();
  const entry = progress.katas[slug];
  if (entry) entry.hintsShown = Math.max(entry.hintsShown, tier);
  else
    progress.katas[slug] = {
      passed: 0,
      total: 0,
      green: false,
      fileHash: learnerFileHash(slug),
      lastRunAt: "",
      hintsShown: tier,
    };
  writeProgress(progress);
}

export function statusOf(slug: string, progress = readProgress()): KataStatus {
  const entry = progress.katas[slug];
  if (!entry || entry.lastRunAt === "") return "new";
  if (entry.fileHash !== learnerFileHash(slug)) return "edited";
  if (entry.green) return "solved";
  return entry.passed > 0 ? "started" : "new";
}
