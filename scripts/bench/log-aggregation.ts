/**
 * Benchmark (not a test) for the log-aggregation kata: how fast is the reference solution next to
 * awk, and how much memory does it take?
 *
 *   npx tsx scripts/bench/log-aggregation.ts [lines]      (default: 1,000,000)
 *
 * It writes a realistic mixed log (application-log, JSON from three logger styles, syslog, a few
 * blank and junk lines) into a temp dir, aggregates it with the reference `aggregateFile`, then
 * runs an awk program that computes the same service → error type → counts for the same file,
 * checks that both agree, and prints the throughput of each. The temp dir is always removed.
 *
 * The aggregation runs in a child process of its own on plain `node`, the solution compiled to
 * JavaScript as it would be deployed: its peak RSS is then the aggregator's, not this script's
 * (tsx's loader thread and execa alone take ~95 MB).
 */
import {
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import ts from "typescript";
import { type LogSummary, topN } from "../../solutions/log-aggregation/log-aggregation.ts";

const REFERENCE = fileURLToPath(
  new URL("../../solutions/log-aggregation/log-aggregation.ts", import.meta.url),
);

const GENERATE = "--generate";

// --- A realistic log, generated without holding it in memory --------------------------------

/** A tiny deterministic PRNG (mulberry32), so every run benchmarks the same file. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const next = random(42);
const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;

const SERVICES = ["checkout", "payments", "auth", "inventory", "search", "notifications"];
const ERROR_TYPES = ["TimeoutError", "ConnectionRefused", "psycopg2.OperationalError", "KeyError"];
const TEXT_LEVELS = ["INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR", "ERROR", "CRITICAL"];

function isoTime(i: number): string {
  const seconds = i % 86_400;
  const hh = String(Math.floor(seconds / 3600)).padStart(2, "0");
  const mm = String(Math.floor(seconds / 60) % 60).padStart(2, "0");
  const ss = String(seconds % 60).padStart(2, "0");
  return `2024-05-01T${hh}:${mm}:${ss}.${String(i % 1000).padStart(3, "0")}Z`;
}

/** An error message: a named error type most of the time, sometimes none. */
function message(level: string): string {
  if (level === "ERROR" || level === "CRITICAL") {
    return next() < 0.85
      ? `${pick(ERROR_TYPES)}: upstream did not answer after 3000 ms (request ${Math.floor(next() * 1e6)})`
      : "disk usage above 95% on /var/lib/data";
  }
  return `request ${Math.floor(next() * 1e6)} served in ${Math.floor(next() * 900)} ms`;
}

function logLine(i: number): string {
  const roll = next();
  const service = pick(SERVICES);
  if (roll < 0.35) {
    const level = pick(TEXT_LEVELS);
    return `${isoTime(i)} ${level.padEnd(5)} [${service}] ${message(level)}`;
  }
  if (roll < 0.45) {
    const level = pick(TEXT_LEVELS);
    const python = isoTime(i).replace("T", " ").replace(".", ",").slice(0, -1);
    return `${python} ${level.padEnd(8)} [${service}] ${message(level)}`;
  }
  if (roll < 0.65) {
    const level = pick(["info", "info", "warn", "error"]);
    const type = level === "error" && next() < 0.9 ? `,"error_type":"${pick(ERROR_TYPES)}"` : "";
    return `{"time":"${isoTime(i)}","level":"${level}","service":"${service}"${type},"msg":"${message("INFO")}"}`;
  }
  if (roll < 0.8) {
    const level = pick([30, 30, 40, 50, 60]);
    const err = level >= 50 ? `,"err":{"type":"${pick(ERROR_TYPES)}","message":"boom"}` : "";
    return `{"level":${level},"time":${1714521600000 + i},"pid":4811,"hostname":"node-7","name":"${service}"${err},"msg":"handled"}`;
  }
  if (roll < 0.99) {
    const day = String(1 + (i % 28)).padStart(2, " ");
    const word = pick(["error: ", "warning: ", "", "", "crit: "]);
    const body = word === "" ? "session opened for user deploy" : message("ERROR");
    return `May ${day} ${isoTime(i).slice(11, 19)} web-0${i % 4} ${service}[${2000 + (i % 500)}]: ${word}${body}`;
  }
  return roll < 0.995 ? "" : `\u0000\u0000\u0000 truncated ${"#".repeat(40)}`;
}

function writeLog(path: string, lines: number): void {
  const fd = openSync(path, "w");
  try {
    const batch: string[] = [];
    for (let i = 0; i < lines; i += 1) {
      batch.push(logLine(i));
      if (batch.length === 10_000 || i === lines - 1) {
        writeSync(fd, `${batch.join("\n")}\n`);
        batch.length = 0;
      }
    }
  } finally {
    closeSync(fd);
  }
}

// --- The same counts in awk -------------------------------------------------------------------

/**
 * Understands exactly the line shapes generated above (it is not a JSON parser): service, level
 * and error type for each of the three formats, error levels compared upper-cased.
 */
const AWK_PROGRAM = String.raw`
BEGIN { split("ERROR ERR CRITICAL CRIT ALERT EMERG EMERGENCY PANIC FATAL", e, " "); for (k in e) isErr[e[k]] = 1
        split("TRACE DEBUG INFO NOTICE WARN WARNING ERROR ERR CRITICAL CRIT ALERT EMERG EMERGENCY PANIC FATAL", l, " "); for (k in l) known[l[k]] = 1 }
{ sub(/\r$/, "") }
/^\{/ {
  svc = ""; lvl = ""; typ = "(none)"; err = 0
  if (match($0, /"service":"[^"]*"/)) svc = substr($0, RSTART + 11, RLENGTH - 12)
  else if (match($0, /"name":"[^"]*"/)) svc = substr($0, RSTART + 8, RLENGTH - 9)
  if (match($0, /"level":"[^"]*"/)) err = (toupper(substr($0, RSTART + 9, RLENGTH - 10)) in isErr)
  else if (match($0, /"level":[0-9]+/)) err = (substr($0, RSTART + 8, RLENGTH - 8) + 0 >= 50)
  if (match($0, /"error_type":"[^"]*"/)) typ = substr($0, RSTART + 14, RLENGTH - 15)
  else if (match($0, /"err":\{"type":"[^"]*"/)) typ = substr($0, RSTART + 15, RLENGTH - 16)
  if (svc != "" && err) n[svc "\t" typ]++
  next
}
/^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9][T ]/ {
  o = ($2 ~ /^[0-9][0-9]:/) ? 1 : 0
  lvl = toupper($(2 + o)); svc = $(3 + o); gsub(/[\[\]]/, "", svc); f = $(4 + o)
  if (lvl in isErr) n[svc "\t" ((f ~ /^[A-Za-z_][A-Za-z0-9_.]*:$/) ? substr(f, 1, length(f) - 1) : "(none)")]++
  next
}
/^[A-Z][a-z][a-z] +[0-9]+ [0-9][0-9]:[0-9][0-9]:[0-9][0-9] / {
  svc = $5; sub(/\[[0-9]+\]:$/, "", svc); sub(/:$/, "", svc)
  w = $6; sub(/:$/, "", w); w = toupper(w)
  if ($6 ~ /^[A-Za-z]+:$/ && (w in known) && (w in isErr))
    n[svc "\t" (($7 ~ /^[A-Za-z_][A-Za-z0-9_.]*:$/) ? substr($7, 1, length($7) - 1) : "(none)")]++
}
END { for (k in n) print k "\t" n[k] }
`;

/** awk's "service\ttype\tcount" lines, in the same sorted shape as LogSummary.errors. */
function parseAwkCounts(stdout: string): Record<string, Record<string, number>> {
  const counts = new Map<string, Map<string, number>>();
  for (const row of stdout.split("\n").filter(Boolean)) {
    const [service = "", type = "", count = "0"] = row.split("\t");
    const types = counts.get(service) ?? new Map<string, number>();
    types.set(type, Number(count));
    counts.set(service, types);
  }
  return Object.fromEntries(
    [...counts.keys()]
      .sort()
      .map((service) => [
        service,
        Object.fromEntries([...(counts.get(service) ?? [])].sort(([a], [b]) => (a < b ? -1 : 1))),
      ]),
  );
}

// --- Run ------------------------------------------------------------------------------------

/** Writes the log in a child process, so its memory does not count in our peak RSS. */
async function generateInChild(path: string, lines: number): Promise<void> {
  const script = fileURLToPath(import.meta.url);
  // process.execArgv carries tsx's loader flags, so the child runs this same TypeScript file.
  await execa(process.execPath, [...process.execArgv, script, GENERATE, path, String(lines)]);
}

interface Measured {
  seconds: number;
  baselineRssMb: number;
  peakRssMb: number;
  summary: LogSummary;
}

/** Compiles the reference to JavaScript in `dir` and aggregates `path` with it in plain node. */
async function aggregateInNode(dir: string, path: string): Promise<Measured> {
  const { outputText } = ts.transpileModule(readFileSync(REFERENCE, "utf8"), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2023 },
  });
  writeFileSync(join(dir, "log-aggregation.mjs"), outputText);
  writeFileSync(
    join(dir, "measure.mjs"),
    [
      'import { readFileSync } from "node:fs";',
      'import { aggregateFile } from "./log-aggregation.mjs";',
      // Linux's maxRSS keeps the high-water mark of the process that forked this one (execa's
      // parent, ~70 MB) across exec; VmHWM is this program's own peak. maxRSS where there is no /proc.
      "const rssMb = () => {",
      "  try {",
      '    const kb = /VmHWM:\\s+(\\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))?.[1];',
      "    if (kb) return Number(kb) / 1024;",
      "  } catch {}",
      "  return process.resourceUsage().maxRSS / 1024;",
      "};",
      "const baselineRssMb = rssMb();",
      "const started = performance.now();",
      "const summary = await aggregateFile(process.argv[2]);",
      "const seconds = (performance.now() - started) / 1000;",
      "console.log(JSON.stringify({ seconds, baselineRssMb, peakRssMb: rssMb(), summary }));",
    ].join("\n"),
  );
  const { stdout } = await execa("node", [join(dir, "measure.mjs"), path]);
  return JSON.parse(stdout) as Measured;
}

async function main(lineCount: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "bench-log-aggregation-"));
  try {
    const path = join(dir, "mixed.log");
    await generateInChild(path, lineCount);
    const megabytes = statSync(path).size / 1024 / 1024;

    const {
      seconds: ourSeconds,
      baselineRssMb,
      peakRssMb,
      summary,
    } = await aggregateInNode(dir, path);

    const awkStarted = performance.now();
    const awk = await execa("awk", [AWK_PROGRAM, path]);
    const awkSeconds = (performance.now() - awkStarted) / 1000;

    const agree = JSON.stringify(parseAwkCounts(awk.stdout)) === JSON.stringify(summary.errors);
    const perSecond = Math.round(summary.totals.lines / ourSeconds).toLocaleString("en-US");
    const { lines, errors, unparsed, blank } = summary.totals;
    console.log(
      `input: ${lines} lines, ${megabytes.toFixed(1)} MB ` +
        `(${errors} errors, ${unparsed} unparsed, ${blank} blank)`,
    );
    console.log(`top 3: ${JSON.stringify(topN(summary, 3))}`);
    console.log(`awk counts agree with ours: ${agree ? "yes" : "NO"}`);
    console.log(
      `RSS before aggregating: ${Math.round(baselineRssMb)} MB (node running the compiled reference)`,
    );
    console.log(
      `log-aggregation: ${lines} lines in ${ourSeconds.toFixed(2)} s (${perSecond} lines/s), ` +
        `peak RSS ${Math.round(peakRssMb)} MB (+${Math.round(peakRssMb - baselineRssMb)} MB while aggregating); ` +
        `awk ${awkSeconds.toFixed(2)} s; ` +
        `throughput ratio ours/awk ${(awkSeconds / ourSeconds).toFixed(2)}`,
    );
    if (!agree) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const [mode, ...args] = process.argv.slice(2);
if (mode === GENERATE) {
  writeLog(args[0] ?? "", Number(args[1]));
} else {
  const lineCount = Number(mode ?? 1_000_000);
  if (!Number.isInteger(lineCount) || lineCount <= 0) {
    console.error("usage: npx tsx scripts/bench/log-aggregation.ts [lines]");
    process.exit(2);
  }
  await main(lineCount);
}
