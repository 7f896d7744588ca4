// Mistake: "in a message from outside, a newline and the whitespace around it become one space" — only the "\n" itself is replaced, so "refused\n   at connect" gives "refused    at connect" and "\r\n" leaves a "\r" in the detail. (adversarial review, round 2)
/**
 * Post-deploy smoke tests — the reference.
 *
 * Every check starts at once and ends in one of three states: passed, failed, or unknown. The
 * whole design is the difference between the last two: "failed" is evidence that the deploy is
 * bad (the service answered 503, the error count is over the limit); "unknown" is the absence of
 * evidence (Prometheus is down, the query has no data, the logs could not be read). An unknown
 * check never counts as passed: the verdict is passed only when every check passed.
 *
 * Each check gets an AbortSignal that fires after `timeoutMs`, on the global setTimeout, so that
 * a fake clock drives it in tests.
 */

// ---------------------------------------------------------------------------------------------
// Types

export type CheckStatus = "passed" | "failed" | "unknown";

export type JsonScalar = string | number | boolean | null;

export interface HealthEndpoint {
  name: string;
  url: string;
  expect?: Record<string, JsonScalar>;
}

export interface DatabaseClient {
  ping(signal: AbortSignal): Promise<unknown>;
}

export interface DatabaseCheck {
  name: string;
  client: DatabaseClient;
}

export interface LogScan {
  name: string;
  readLines(signal: AbortSignal): Promise<string[]>;
  since: Date;
  patterns: RegExp[];
  maxMatches?: number;
}

export interface MetricCheck {
  name: string;
  query: string;
  min?: number;
  max?: number;
}

export interface SmokeConfig {
  health?: HealthEndpoint[];
  databases?: DatabaseCheck[];
  logs?: LogScan[];
  prometheus?: { url: string; checks: MetricCheck[] };
  timeoutMs?: number;
}

export interface MetricSample {
  labels: Record<string, string>;
  value: number;
}

export type CheckResult =
  | { kind: "health"; name: string; status: CheckStatus; detail: string; httpStatus: number | null }
  | { kind: "database"; name: string; status: CheckStatus; detail: string }
  | { kind: "logs"; name: string; status: CheckStatus; detail: string; matches: string[] }
  | { kind: "metric"; name: string; status: CheckStatus; detail: string; samples: MetricSample[] };

export interface SmokeReport {
  status: CheckStatus;
  exitCode: 0 | 1 | 2;
  checks: CheckResult[];
}

// ---------------------------------------------------------------------------------------------
// Options and config

function checkConfig(config: SmokeConfig): number {
  const timeoutMs = config.timeoutMs ?? 5000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw new RangeError(`timeoutMs must be a finite number > 0 (got ${String(timeoutMs)})`);
  for (const check of config.prometheus?.checks ?? []) {
    if (check.min === undefined && check.max === undefined)
      throw new TypeError(`metric check "${check.name}" needs min or max`);
    for (const bound of ["min", "max"] as const) {
      const value = check[bound];
      if (value !== undefined && !Number.isFinite(value))
        throw new RangeError(
          `metric check "${check.name}": ${bound} must be a finite number (got ${String(value)})`,
        );
    }
  }
  for (const scan of config.logs ?? []) {
    const maxMatches = scan.maxMatches ?? 0;
    if (!Number.isInteger(maxMatches) || maxMatches < 0)
      throw new RangeError(
        `log scan "${scan.name}": maxMatches must be a whole number >= 0 (got ${String(maxMatches)})`,
      );
  }
  return timeoutMs;
}

// ---------------------------------------------------------------------------------------------
// Time limits

/**
 * Runs `work` with a signal that fires after `timeoutMs`; resolves with what `work` gives, or
 * with `onTimeout()` if the time runs out first (even if `work` ignores the signal).
 */
async function withTimeout<T>(
  timeoutMs: number,
  work: (signal: AbortSignal) => Promise<T>,
  onTimeout: () => T,
): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<T>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve(onTimeout());
    }, timeoutMs);
  });
  try {
    return await Promise.race([work(controller.signal), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One line for the report: a message from outside may hold newlines. */
function oneLine(text: string): string {
  return text.replace(/\n/g, " ");
}

// ---------------------------------------------------------------------------------------------
// Health endpoints

/** The value at a dotted path ("components.db.status"); undefined when a step is absent. */
function valueAt(body: unknown, path: string): unknown {
  let value: unknown = body;
  for (const key of path.split(".")) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

async function checkHealth(endpoint: HealthEndpoint, timeoutMs: number): Promise<CheckResult> {
  const result = (status: CheckStatus, detail: string, httpStatus: number | null): CheckResult => ({
    kind: "health",
    name: endpoint.name,
    status,
    detail: oneLine(detail),
    httpStatus,
  });
  return withTimeout(
    timeoutMs,
    async (signal) => {
      let response: Response;
      let text: string;
      try {
        response = await fetch(endpoint.url, { signal, headers: { accept: "application/json" } });
        text = await response.text();
      } catch (error) {
        return result("failed", `no answer from ${endpoint.url}: ${messageOf(error)}`, null);
      }
      if (response.status !== 200)
        return result("failed", `expected HTTP 200, got ${response.status}`, response.status);
      const expected = Object.entries(endpoint.expect ?? {});
      if (expected.length === 0) return result("passed", "HTTP 200", 200);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return result("failed", "HTTP 200, but the body is not JSON", 200);
      }
      for (const [path, want] of expected) {
        const got = valueAt(body, path);
        // JSON has no undefined: undefined means the field is not in the body.
        const shown = got === undefined ? "missing" : JSON.stringify(got);
        if (got !== want)
          return result("failed", `${path} is ${shown}, expected ${JSON.stringify(want)}`, 200);
      }
      return result(
        "passed",
        `HTTP 200, ${expected.map(([path]) => path).join(", ")} as expected`,
        200,
      );
    },
    () => result("failed", `no answer from ${endpoint.url} within ${timeoutMs} ms`, null),
  );
}

// ---------------------------------------------------------------------------------------------
// Database

async function checkDatabase(check: DatabaseCheck, timeoutMs: number): Promise<CheckResult> {
  const result = (status: CheckStatus, detail: string): CheckResult => ({
    kind: "database",
    name: check.name,
    status,
    detail: oneLine(detail),
  });
  return withTimeout(
    timeoutMs,
    async (signal) => {
      try {
        await check.client.ping(signal);
        return result("passed", "ping answered");
      } catch (error) {
        return result("failed", `ping failed: ${messageOf(error)}`);
      }
    },
    () => result("failed", `ping did not answer within ${timeoutMs} ms`),
  );
}

// ---------------------------------------------------------------------------------------------
// Logs

/** An RFC 3339 timestamp at the start of a line (any digits of a second's fraction), then a space. */
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))\s/;

interface Entry {
  time: number;
  /** The timestamped line. */
  first: string;
  /** The first line and its continuation lines. */
  lines: string[];
}

/** Groups lines into entries: a line without a leading timestamp continues the entry above. */
function entriesOf(lines: string[]): Entry[] {
  const entries: Entry[] = [];
  for (const line of lines) {
    const stamp = TIMESTAMP.exec(line)?.[1];
    if (stamp !== undefined) entries.push({ time: Date.parse(stamp), first: line, lines: [line] });
    // Continuation lines before the first timestamp belong to an entry we cannot date: dropped.
    else entries.at(-1)?.lines.push(line);
  }
  return entries;
}

/**
 * The patterns without their g and y flags: with them, `test` starts where the previous match
 * ended (`lastIndex`), and y only matches at that very position — a scan would miss lines.
 */
function plain(patterns: RegExp[]): RegExp[] {
  return patterns.map((pattern) => new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, "")));
}

const matchesAny = (line: string, patterns: RegExp[]) =>
  patterns.some((pattern) => pattern.test(line));

async function checkLogs(scan: LogScan, timeoutMs: number): Promise<CheckResult> {
  const maxMatches = scan.maxMatches ?? 0;
  const result = (status: CheckStatus, detail: string, matches: string[]): CheckResult => ({
    kind: "logs",
    name: scan.name,
    status,
    detail: oneLine(detail),
    matches,
  });
  return withTimeout(
    timeoutMs,
    async (signal) => {
      let lines: string[];
      try {
        lines = await scan.readLines(signal);
      } catch (error) {
        return result("unknown", `could not read the logs: ${messageOf(error)}`, []);
      }
      const since = scan.since.getTime();
      const recent = entriesOf(lines).filter((entry) => entry.time >= since);
      // No entry since the deploy proves nothing: the service may not be logging at all.
      if (recent.length === 0)
        return result("unknown", "no log entry since the deploy: nothing to scan", []);
      const patterns = plain(scan.patterns);
      const matches = recent
        .filter((entry) => entry.lines.some((line) => matchesAny(line, patterns)))
        .map((entry) => entry.first);
      const summary = `${matches.length} of ${recent.length} entries since the deploy match (at most ${maxMatches} allowed)`;
      return result(matches.length > maxMatches ? "failed" : "passed", summary, matches);
    },
    () => result("unknown", `the logs could not be read within ${timeoutMs} ms`, []),
  );
}

// ---------------------------------------------------------------------------------------------
// Prometheus instant queries

/**
 * A decimal as Prometheus writes one (Go's strconv.FormatFloat): "0.0042", "1e-05", "-12". Only
 * that: Number() alone would also take " 12 ", "0x1A" and "Infinity", parseFloat "12 req/s".
 */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A sample value as Prometheus writes it: a decimal string, or "NaN", "+Inf", "-Inf". */
function parseValue(text: unknown): number | undefined {
  if (text === "+Inf") return Number.POSITIVE_INFINITY;
  if (text === "-Inf") return Number.NEGATIVE_INFINITY;
  if (text === "NaN") return Number.NaN;
  if (typeof text !== "string" || !DECIMAL.test(text)) return undefined;
  return Number(text);
}

/** `[<unix seconds>, "<value>"]` → the value, or undefined when the pair is malformed. */
function sampleValue(pair: unknown): number | undefined {
  if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== "number") return undefined;
  return parseValue(pair[1]);
}

function isLabels(value: unknown): value is Record<string, string> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((label) => typeof label === "string")
  );
}

/** The samples of a vector or scalar result, or a reason why there are none. */
function samplesOf(data: unknown): MetricSample[] | string {
  if (typeof data !== "object" || data === null) return "the answer has no data";
  const { resultType, result } = data as { resultType?: unknown; result?: unknown };
  if (resultType === "scalar") {
    const value = sampleValue(result);
    return value === undefined ? "a malformed scalar" : [{ labels: {}, value }];
  }
  if (resultType !== "vector") return `expected a vector, got ${String(resultType)}`;
  if (!Array.isArray(result)) return "a malformed vector";
  const samples: MetricSample[] = [];
  for (const series of result) {
    const { metric, value } = (series ?? {}) as { metric?: unknown; value?: unknown };
    const parsed = sampleValue(value);
    if (!isLabels(metric) || parsed === undefined) return "a malformed sample";
    samples.push({ labels: metric, value: parsed });
  }
  return samples;
}

const describeSample = (sample: MetricSample) =>
  `${JSON.stringify(sample.labels)} = ${String(sample.value)}`;

function judge(
  check: MetricCheck,
  samples: MetricSample[],
): { status: CheckStatus; detail: string } {
  const min = check.min ?? Number.NEGATIVE_INFINITY;
  const max = check.max ?? Number.POSITIVE_INFINITY;
  // NaN compares false both ways: a NaN sample is never "outside".
  const outside = samples.filter((sample) => sample.value < min || sample.value > max);
  const bounds = `[${String(min)}, ${String(max)}]`;
  // A sample out of bounds is evidence; a NaN only says the query had nothing to divide.
  if (outside.length > 0)
    return {
      status: "failed",
      detail: `outside ${bounds}: ${outside.map(describeSample).join("; ")}`,
    };
  if (samples.some((sample) => Number.isNaN(sample.value)))
    return { status: "unknown", detail: `NaN cannot be compared with ${bounds}` };
  return { status: "passed", detail: `${samples.map(describeSample).join("; ")} within ${bounds}` };
}

async function checkMetric(
  baseUrl: string,
  check: MetricCheck,
  timeoutMs: number,
): Promise<CheckResult> {
  const result = (status: CheckStatus, detail: string, samples: MetricSample[]): CheckResult => ({
    kind: "metric",
    name: check.name,
    status,
    detail: oneLine(detail),
    samples,
  });
  const url = `${baseUrl}/api/v1/query?${new URLSearchParams({ query: check.query })}`;
  return withTimeout(
    timeoutMs,
    async (signal) => {
      let response: Response;
      let text: string;
      try {
        response = await fetch(url, { signal, headers: { accept: "application/json" } });
        text = await response.text();
      } catch (error) {
        return result("unknown", `Prometheus did not answer: ${messageOf(error)}`, []);
      }
      let body: { status?: unknown; data?: unknown; errorType?: unknown; error?: unknown };
      try {
        body = JSON.parse(text) ?? {};
      } catch {
        return result("unknown", `Prometheus answered HTTP ${response.status}, not JSON`, []);
      }
      if (body.status === "error")
        return result(
          "unknown",
          `Prometheus error ${String(body.errorType)}: ${String(body.error)}`,
          [],
        );
      if (!response.ok || body.status !== "success")
        return result("unknown", `Prometheus answered HTTP ${response.status}`, []);
      const samples = samplesOf(body.data);
      if (typeof samples === "string") return result("unknown", samples, []);
      if (samples.length === 0) return result("unknown", "the query returned no data", []);
      const verdict = judge(check, samples);
      return result(verdict.status, verdict.detail, samples);
    },
    () => result("unknown", `Prometheus did not answer within ${timeoutMs} ms`, []),
  );
}

// ---------------------------------------------------------------------------------------------
// The run

function verdictOf(checks: CheckResult[]): Pick<SmokeReport, "status" | "exitCode"> {
  if (checks.some((check) => check.status === "failed")) return { status: "failed", exitCode: 1 };
  // No check at all is not a pass either: nothing was verified.
  if (checks.length === 0 || checks.some((check) => check.status === "unknown"))
    return { status: "unknown", exitCode: 2 };
  return { status: "passed", exitCode: 0 };
}

/**
 * Runs every configured check at once and gives one report: each check's result (health, then
 * databases, logs and metrics, each in config order), the verdict and its exit code.
 */
export async function runSmokeTests(config: SmokeConfig): Promise<SmokeReport> {
  const timeoutMs = checkConfig(config);
  const prometheusUrl = config.prometheus?.url.replace(/\/$/, "") ?? "";
  const checks = await Promise.all([
    ...(config.health ?? []).map((endpoint) => checkHealth(endpoint, timeoutMs)),
    ...(config.databases ?? []).map((database) => checkDatabase(database, timeoutMs)),
    ...(config.logs ?? []).map((scan) => checkLogs(scan, timeoutMs)),
    ...(config.prometheus?.checks ?? []).map((metric) =>
      checkMetric(prometheusUrl, metric, timeoutMs),
    ),
  ]);
  return { ...verdictOf(checks), checks };
}
