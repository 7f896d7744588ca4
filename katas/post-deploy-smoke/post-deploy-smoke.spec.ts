import { delay, HttpResponse, http, type JsonBodyType } from "msw";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  advance,
  FAKE_TIMEOUTS,
  settle,
  settled,
  track,
  until,
} from "../../fixtures/helpers/fake-clock";
import { useMockServer } from "../../fixtures/helpers/http";
import {
  type CheckResult,
  type DatabaseCheck,
  type LogScan,
  type MetricCheck,
  runSmokeTests,
  type SmokeConfig,
  type SmokeReport,
} from "./post-deploy-smoke";

beforeEach(() => {
  vi.useFakeTimers(FAKE_TIMEOUTS);
});

afterEach(() => {
  vi.useRealTimers();
});

const server = useMockServer();

/** Runs the smoke tests to the end on the fake clock. */
/** Runs the smoke tests to the end on the fake clock; every detail must be one non-empty line. */
async function run(config: SmokeConfig): Promise<SmokeReport> {
  const report = await settled(runSmokeTests(config));
  for (const check of report.checks)
    expect(check.detail, `the detail of ${check.name}: one line, never empty`).toMatch(
      /^[^\n]*\S[^\n]*$/,
    );
  return report;
}

/** The one check of a report (for the tests that configure one check). */
async function only(config: SmokeConfig): Promise<CheckResult> {
  const report = await run(config);
  expect(report.checks).toHaveLength(1);
  return report.checks[0] as CheckResult;
}

type MetricResult = Extract<CheckResult, { kind: "metric" }>;

/** The one check of a report, which must be a metric check. */
async function onlyMetric(config: SmokeConfig): Promise<MetricResult> {
  const check = await only(config);
  expect(check.kind).toBe("metric");
  return check as MetricResult;
}

// ---------------------------------------------------------------------------------------------
// The service under test: Spring Boot Actuator endpoints, as the docs show them.

const APP = "https://payments.example.test";
const HEALTH = `${APP}/actuator/health`;
const INFO = `${APP}/actuator/info`;

const actuatorHealth = (status = "UP", db = "UP") => ({
  status,
  components: {
    db: { status: db, details: { database: "PostgreSQL", validationQuery: "isValid()" } },
    diskSpace: { status: "UP", details: { total: 499963174912, free: 250981711872 } },
    ping: { status: "UP" },
  },
});

const actuatorInfo = (version = "2.4.1") => ({
  build: {
    artifact: "payments",
    name: "payments",
    version,
    group: "com.example",
    time: "2026-12-01T09:41:07.000Z",
  },
});

interface Seen {
  requests: Request[];
}

/** Serves GET `url` with a JSON body (or a text body when given a string). */
function serve(url: string, body: unknown, status = 200, delayMs = 0): Seen {
  const seen: Seen = { requests: [] };
  server.use(
    http.get(url, async ({ request }) => {
      seen.requests.push(request);
      if (delayMs > 0) await delay(delayMs);
      if (typeof body === "string") return new HttpResponse(body, { status });
      return HttpResponse.json(body as JsonBodyType, { status });
    }),
  );
  return seen;
}

const healthCheck = (expect?: Record<string, string | number | boolean | null>) => ({
  name: "payments health",
  url: HEALTH,
  ...(expect === undefined ? {} : { expect }),
});

// ---------------------------------------------------------------------------------------------
// The database client and the log reader are plain objects the spec controls.

function database(name: string, ping: (signal: AbortSignal) => Promise<unknown>) {
  const client = { ping: vi.fn(ping) };
  return { check: { name, client } satisfies DatabaseCheck, client };
}

const DEPLOYED = new Date("2026-12-01T10:00:00.000Z");
const ERRORS = [/\bERROR\b/, /\bFATAL\b/];

function logScan(lines: string[] | (() => Promise<string[]>), options: Partial<LogScan> = {}) {
  const readLines = vi.fn(async (_signal: AbortSignal) =>
    typeof lines === "function" ? lines() : lines,
  );
  return {
    scan: { name: "payments logs", readLines, since: DEPLOYED, patterns: ERRORS, ...options },
    readLines,
  };
}

// ---------------------------------------------------------------------------------------------
// Prometheus: /api/v1/query answers, shaped as in the Prometheus HTTP API docs.

const PROM = "http://prometheus.monitoring:9090";
const QUERY = `${PROM}/api/v1/query`;
const NOW = 1764583200.123;

const vector = (...series: Array<[Record<string, string>, string]>) => ({
  status: "success",
  data: {
    resultType: "vector",
    result: series.map(([metric, value]) => ({ metric, value: [NOW, value] })),
  },
});

const promError = (errorType: string, error: string) => ({ status: "error", errorType, error });

/** Serves the query endpoint with `body`; records the queries it was asked. */
function servePrometheus(body: unknown, status = 200, delayMs = 0) {
  const queries: string[] = [];
  const seen = { queries, requests: [] as Request[] };
  server.use(
    http.get(QUERY, async ({ request }) => {
      seen.requests.push(request);
      queries.push(new URL(request.url).searchParams.get("query") ?? "(no query parameter)");
      if (delayMs > 0) await delay(delayMs);
      if (typeof body === "string") return new HttpResponse(body, { status });
      return HttpResponse.json(body as JsonBodyType, { status });
    }),
  );
  return seen;
}

const metric = (check: Partial<MetricCheck> = {}): MetricCheck => ({
  name: "5xx ratio",
  query: 'sum(rate(http_requests_total{job="payments",code=~"5.."}[5m]))',
  max: 0.01,
  ...check,
});

const withMetric = (check: Partial<MetricCheck> = {}): SmokeConfig => ({
  prometheus: { url: PROM, checks: [metric(check)] },
});

const oneLine = expect.stringMatching(/^[^\n]*\S[^\n]*$/);

// ---------------------------------------------------------------------------------------------

describe("step 1 — the verdict", () => {
  it("is unknown, exit code 2, when there is nothing to check", async () => {
    await expect(run({})).resolves.toEqual({ status: "unknown", exitCode: 2, checks: [] });
    await expect(run({ health: [], databases: [], logs: [] })).resolves.toMatchObject({
      status: "unknown",
      exitCode: 2,
    });
  });

  it("is passed, exit code 0, when every check passed", async () => {
    serve(HEALTH, actuatorHealth());
    const db = database("orders db", async () => "PONG");
    const report = await run({ health: [healthCheck({ status: "UP" })], databases: [db.check] });
    expect(report).toEqual({
      status: "passed",
      exitCode: 0,
      checks: [
        {
          kind: "health",
          name: "payments health",
          status: "passed",
          detail: oneLine,
          httpStatus: 200,
        },
        { kind: "database", name: "orders db", status: "passed", detail: oneLine },
      ],
    });
  });

  it("is failed, exit code 1, when one check failed", async () => {
    serve(HEALTH, actuatorHealth("DOWN"), 503);
    const db = database("orders db", async () => "PONG");
    const report = await run({ health: [healthCheck()], databases: [db.check] });
    expect(report.status).toBe("failed");
    expect(report.exitCode).toBe(1);
    expect(report.checks.map((check) => check.status)).toEqual(["failed", "passed"]);
  });

  it("is unknown, exit code 2, when one check could not run and none failed — never passed", async () => {
    const db = database("orders db", async () => "PONG");
    const logs = logScan(async () => {
      throw new Error("403 Forbidden: logs:read");
    });
    const report = await run({ databases: [db.check], logs: [logs.scan] });
    expect(report.status).toBe("unknown");
    expect(report.exitCode).toBe(2);
    expect(report.checks.map((check) => check.status)).toEqual(["passed", "unknown"]);
  });

  it("is failed, not unknown, when one check failed and another is unknown", async () => {
    const failing = database("orders db", async () => {
      throw new Error("connection refused");
    });
    const unreadable = logScan(async () => {
      throw new Error("timeout");
    });
    const report = await run({ logs: [unreadable.scan], databases: [failing.check] });
    expect(report).toMatchObject({ status: "failed", exitCode: 1 });
  });

  it("lists health, then databases, then logs, then metrics, each in config order", async () => {
    serve(HEALTH, actuatorHealth());
    serve(INFO, actuatorInfo());
    servePrometheus(vector([{}, "0"]));
    const report = await run({
      prometheus: {
        url: PROM,
        checks: [metric({ name: "m1" }), metric({ name: "m2" })],
      },
      logs: [
        logScan(["2026-12-01T10:01:00Z INFO ok"], { name: "l1" }).scan,
        logScan(["2026-12-01T10:01:00Z INFO ok"], { name: "l2" }).scan,
      ],
      databases: [database("d1", async () => 1).check, database("d2", async () => 1).check],
      health: [
        { name: "h1", url: HEALTH },
        { name: "h2", url: INFO },
      ],
    });
    expect(report.checks.map((check) => `${check.kind} ${check.name}`)).toEqual([
      "health h1",
      "health h2",
      "database d1",
      "database d2",
      "logs l1",
      "logs l2",
      "metric m1",
      "metric m2",
    ]);
    expect(report.status).toBe("passed");
  });
});

describe("step 2 — health endpoints", () => {
  it("passes a 200 whose body has the expected values at the dotted paths", async () => {
    const seen = serve(HEALTH, actuatorHealth());
    const check = await only({
      health: [healthCheck({ status: "UP", "components.db.status": "UP" })],
    });
    expect(check).toEqual({
      kind: "health",
      name: "payments health",
      status: "passed",
      detail: oneLine,
      httpStatus: 200,
    });
    expect(seen.requests.map((request) => request.method)).toEqual(["GET"]);
    expect(seen.requests[0]?.headers.get("accept")).toBe("application/json");
  });

  it("checks the deployed version on another endpoint", async () => {
    serve(INFO, actuatorInfo("2.4.0"));
    const check = await only({
      health: [{ name: "version", url: INFO, expect: { "build.version": "2.4.1" } }],
    });
    expect(check).toMatchObject({ status: "failed", httpStatus: 200 });
    expect(check.detail, "the detail names the field").toContain("build.version");
  });

  it("does not look at the body when nothing is expected", async () => {
    serve(HEALTH, "<html><body>OK</body></html>");
    await expect(only({ health: [healthCheck()] })).resolves.toMatchObject({ status: "passed" });
    await expect(only({ health: [healthCheck({})] })).resolves.toMatchObject({ status: "passed" });
  });

  it("reads a number in a dotted path as an array index", async () => {
    serve(HEALTH, {
      status: "UP",
      checks: [
        { name: "db", status: "UP" },
        { name: "mq", status: "DOWN" },
      ],
    });
    const up = await only({ health: [healthCheck({ "checks.0.status": "UP" })] });
    expect(up, "checks.0.status is the first item's status").toMatchObject({ status: "passed" });
    const down = await only({ health: [healthCheck({ "checks.1.status": "UP" })] });
    expect(down).toMatchObject({
      status: "failed",
      detail: expect.stringContaining("checks.1.status"),
    });
  });

  it("fails a missing field, naming it", async () => {
    serve(HEALTH, actuatorHealth());
    const check = await only({ health: [healthCheck({ "components.redis.status": "UP" })] });
    expect(check.status).toBe("failed");
    expect(check.detail).toContain("components.redis.status");
  });

  it("fails as soon as one of several expected values differs", async () => {
    serve(HEALTH, actuatorHealth("UP", "DOWN"));
    const check = await only({
      health: [healthCheck({ status: "UP", "components.db.status": "UP" })],
    });
    expect(check.status).toBe("failed");
    expect(check.detail).toContain("components.db.status");
  });

  it.each([
    ["a string against a number", { port: 8080 }, { port: "8080" }],
    ["a number against a string", { replicas: "3" }, { replicas: 3 }],
    ["a boolean against a string", { ready: "true" }, { ready: true }],
    ["null against a missing field", {}, { drained: null }],
    ["a nested object against a string", { status: { code: "UP" } }, { status: "UP" }],
    ["a path through null", { components: null }, { "components.db.status": "UP" }],
    ["a path through a string", { components: "UP" }, { "components.db": "UP" }],
  ])("compares strictly: fails %s", async (_label, body, expected) => {
    serve(HEALTH, body);
    await expect(only({ health: [healthCheck(expected)] })).resolves.toMatchObject({
      status: "failed",
    });
  });

  it("passes equal values of every JSON type, null included", async () => {
    serve(HEALTH, { status: "UP", replicas: 3, ready: true, drained: null, ratio: 0.5 });
    const check = await only({
      health: [healthCheck({ status: "UP", replicas: 3, ready: true, drained: null, ratio: 0.5 })],
    });
    expect(check.status).toBe("passed");
  });

  it.each([
    [503, actuatorHealth("DOWN")],
    [500, "Internal Server Error"],
    [404, { error: "Not Found" }],
    [204, ""],
    [201, actuatorHealth()],
  ])("fails a %i, whatever the body says", async (status, body) => {
    serve(HEALTH, body, status);
    const check = await only({ health: [healthCheck({ status: "UP" })] });
    expect(check).toMatchObject({ status: "failed", httpStatus: status });
  });

  it("fails a 200 whose body is not JSON when a value is expected", async () => {
    serve(HEALTH, "<html>Welcome to nginx!</html>");
    const check = await only({ health: [healthCheck({ status: "UP" })] });
    expect(check).toMatchObject({ status: "failed", httpStatus: 200 });
  });

  it("fails an endpoint that does not answer: refused, with no status", async () => {
    server.use(http.get(HEALTH, () => HttpResponse.error()));
    const check = await only({ health: [healthCheck({ status: "UP" })] });
    expect(check).toEqual({
      kind: "health",
      name: "payments health",
      status: "failed",
      detail: oneLine,
      httpStatus: null,
    });
  });

  it("follows a redirect and judges the final answer", async () => {
    server.use(
      http.get(
        `${APP}/health`,
        () => new HttpResponse(null, { status: 301, headers: { Location: HEALTH } }),
      ),
    );
    serve(HEALTH, actuatorHealth());
    const check = await only({
      health: [{ name: "old path", url: `${APP}/health`, expect: { status: "UP" } }],
    });
    expect(check).toMatchObject({ status: "passed", httpStatus: 200 });
  });
});

describe("step 3 — the database ping", () => {
  it("passes when ping resolves, and calls it once with an AbortSignal", async () => {
    const db = database("orders db", async () => undefined);
    const check = await only({ databases: [db.check] });
    expect(check).toEqual({
      kind: "database",
      name: "orders db",
      status: "passed",
      detail: oneLine,
    });
    expect(db.client.ping).toHaveBeenCalledTimes(1);
    expect(db.client.ping.mock.calls[0]?.[0]).toBeInstanceOf(AbortSignal);
  });

  it.each([false, 0, null, ""])("passes when ping resolves, even with %j", async (value) => {
    const db = database("orders db", async () => value);
    await expect(only({ databases: [db.check] })).resolves.toMatchObject({ status: "passed" });
  });

  it("fails when ping rejects, with the error's message on one line", async () => {
    const db = database("orders db", async () => {
      throw new Error('FATAL: password authentication failed for user\n  "payments"');
    });
    const check = await only({ databases: [db.check] });
    expect(check).toMatchObject({ status: "failed", detail: oneLine });
    expect(check.detail, "the newline and the spaces around it become one space").toContain(
      'password authentication failed for user "payments"',
    );
    expect(check.detail).toContain('"payments"');
  });

  it("fails when ping never answers, once the time limit is up", async () => {
    const db = database("orders db", () => new Promise(() => {}));
    const outcome = track(runSmokeTests({ databases: [db.check] }));
    await advance(4999);
    expect(outcome.status, "the default limit is 5000 ms").toBe("pending");
    await advance(1);
    await until(() => outcome.status === "resolved", "the ping gives up at 5000 ms");
    expect(outcome.value?.checks[0]).toMatchObject({
      kind: "database",
      status: "failed",
      detail: oneLine,
    });
    expect(db.client.ping.mock.calls[0]?.[0].aborted, "the ping's signal must fire").toBe(true);
  });

  it("reports each database under its own name, in order", async () => {
    const primary = database("primary", async () => "ok");
    const replica = database("replica", async () => {
      throw new Error("replica lag");
    });
    const report = await run({ databases: [primary.check, replica.check] });
    expect(report.checks.map((check) => `${check.name} ${check.status}`)).toEqual([
      "primary passed",
      "replica failed",
    ]);
  });
});

describe("step 4 — scanning the logs", () => {
  const clean = [
    "2026-12-01T09:58:12Z INFO starting payments 2.4.0",
    "2026-12-01T10:00:05Z INFO started payments 2.4.1 in 4.2 s",
    "2026-12-01T10:01:17.204Z INFO POST /charges 201 38ms",
  ];

  it("passes when no entry since the deploy matches", async () => {
    const logs = logScan(clean);
    const check = await only({ logs: [logs.scan] });
    expect(check).toEqual({
      kind: "logs",
      name: "payments logs",
      status: "passed",
      detail: oneLine,
      matches: [],
    });
    expect(logs.readLines.mock.calls[0]?.[0]).toBeInstanceOf(AbortSignal);
  });

  it("fails on one matching entry since the deploy (maxMatches 0), listing its first line", async () => {
    const line = "2026-12-01T10:02:00Z ERROR charge failed: card_declined";
    const check = await only({ logs: [logScan([...clean, line]).scan] });
    expect(check).toMatchObject({ status: "failed", matches: [line] });
  });

  it("ignores entries from before the deploy, and counts one at the very instant of it", async () => {
    const before = "2026-12-01T09:59:59.999Z ERROR old version crashed";
    const at = "2026-12-01T10:00:00.000Z ERROR first request failed";
    const check = await only({ logs: [logScan([before, at]).scan] });
    expect(check).toMatchObject({ status: "failed", matches: [at] });
  });

  it("compares instants, not strings: a +02:00 or -05:00 offset moves the entry", async () => {
    const early = "2026-12-01T11:30:00+02:00 ERROR 09:30 UTC: before the deploy";
    const late = "2026-12-01T06:30:00-05:00 ERROR 11:30 UTC: after the deploy";
    const check = await only({ logs: [logScan([early, late, clean[2] ?? ""]).scan] });
    expect(check).toMatchObject({ status: "failed", matches: [late] });
  });

  it("reads lines without a timestamp as part of the entry above: one stack trace, one match", async () => {
    const lines = [
      "2026-12-01T10:03:00Z WARN retrying charge ch_42",
      "java.lang.IllegalStateException: FATAL pool exhausted",
      "    at com.example.payments.Pool.take(Pool.java:88)",
      "    at com.example.payments.ERROR.handler(Handler.java:12)",
      "2026-12-01T10:03:01Z INFO charge ch_42 settled",
    ];
    const check = await only({ logs: [logScan(lines).scan] });
    expect(check).toMatchObject({
      status: "failed",
      matches: ["2026-12-01T10:03:00Z WARN retrying charge ch_42"],
    });
    const allowedOne = await only({ logs: [logScan(lines, { maxMatches: 1 }).scan] });
    expect(allowedOne.status, "three matching lines are one entry").toBe("passed");
  });

  it("drops continuation lines that come before the first timestamp", async () => {
    const lines = [
      "    at com.example.payments.ERROR.handler(Handler.java:12)",
      "FATAL: the tail of an entry from before the deploy",
      ...clean,
    ];
    await expect(only({ logs: [logScan(lines).scan] })).resolves.toMatchObject({
      status: "passed",
    });
  });

  it("treats a timestamp that is not at the start of the line as text", async () => {
    const lines = [
      "2026-12-01T10:05:00Z INFO replaying",
      "  queued at 2026-12-01T10:04:00Z: ERROR upstream 502",
    ];
    const check = await only({ logs: [logScan(lines).scan] });
    expect(check).toMatchObject({
      status: "failed",
      matches: ["2026-12-01T10:05:00Z INFO replaying"],
    });
  });

  it("starts an entry at a timestamp with any number of digits in its fraction of a second", async () => {
    const lines = [
      "2026-12-01T10:01:00Z INFO charge ch_1 settled",
      "2026-12-01T10:02:00.5Z ERROR tenths",
      "2026-12-01T10:02:01.123456Z ERROR microseconds (Go, Python)",
      "2026-12-01T12:02:02.123456789+02:00 ERROR nanoseconds",
    ];
    const check = await only({ logs: [logScan(lines, { maxMatches: 2 }).scan] });
    expect(check, "three entries of their own, each matching").toMatchObject({
      status: "failed",
      matches: lines.slice(1),
    });
  });

  it("takes only T and Z in upper case as a timestamp: a space or a lower-case t is a continuation", async () => {
    const first = "2026-12-01T10:05:00Z INFO GET /health 200";
    const check = await only({
      logs: [
        logScan([
          first,
          "2026-12-01 10:05:01Z ERROR with a space instead of T",
          "2026-12-01t10:05:02z ERROR in lower case",
        ]).scan,
      ],
    });
    expect(check, "both ERROR lines belong to the entry above").toMatchObject({
      status: "failed",
      matches: [first],
    });
  });

  it("makes a timestamp that is no real instant (month 13) an entry that is never recent", async () => {
    const check = await only({
      logs: [
        logScan([
          "2026-12-01T10:05:00Z INFO GET /health 200",
          "2026-13-01T10:06:00Z ERROR in month 13",
          "    at ERROR in its stack trace",
        ]).scan,
      ],
    });
    expect(check, "the month-13 entry and its continuation line are not scanned").toMatchObject({
      status: "passed",
      matches: [],
    });
  });

  it("accepts any whitespace after the timestamp", async () => {
    const line = "2026-12-01T10:05:00Z\tERROR tab-separated";
    await expect(only({ logs: [logScan([line]).scan] })).resolves.toMatchObject({
      status: "failed",
      matches: [line],
    });
  });

  it("allows up to maxMatches matching entries", async () => {
    const errors = [
      "2026-12-01T10:01:00Z ERROR a",
      "2026-12-01T10:02:00Z FATAL b",
      "2026-12-01T10:03:00Z ERROR c",
    ];
    const two = await only({ logs: [logScan(errors.slice(0, 2), { maxMatches: 2 }).scan] });
    expect(two).toMatchObject({ status: "passed", matches: errors.slice(0, 2) });
    const three = await only({ logs: [logScan(errors, { maxMatches: 2 }).scan] });
    expect(three).toMatchObject({ status: "failed", matches: errors });
  });

  it.each([
    ["g", /error/gi],
    ["y", /ERROR/y],
  ])("matches every line with a pattern that has the %s flag", async (_flag, pattern) => {
    const errors = [
      "2026-12-01T10:01:00Z ERROR first",
      "2026-12-01T10:01:01Z ERROR second",
      "2026-12-01T10:01:02Z ERROR third",
    ];
    const check = await only({
      logs: [logScan(errors, { patterns: [pattern], maxMatches: 2 }).scan],
    });
    expect(check, "all three entries match").toMatchObject({ status: "failed", matches: errors });
  });

  it("is unknown when the logs cannot be read, with the reason", async () => {
    const logs = logScan(async () => {
      throw new Error("AccessDeniedException: logs:FilterLogEvents");
    });
    const check = await only({ logs: [logs.scan] });
    expect(check).toEqual({
      kind: "logs",
      name: "payments logs",
      status: "unknown",
      detail: oneLine,
      matches: [],
    });
    expect(check.detail).toContain("AccessDeniedException");
  });

  it.each([
    ["no lines at all", []],
    ["only lines from before the deploy", ["2026-12-01T09:00:00Z INFO old"]],
    ["only lines without a timestamp", ["FATAL something", "  at x"]],
  ])("is unknown, never passed, with %s since the deploy", async (_label, lines) => {
    const check = await only({ logs: [logScan(lines).scan] });
    expect(check).toMatchObject({ status: "unknown", matches: [] });
  });
});

describe("step 5 — a Prometheus instant query", () => {
  it("asks /api/v1/query with the query URL-encoded, and passes a value within max", async () => {
    const query = 'sum(rate(http_requests_total{code=~"5..",path!="/a&b"}[5m])) + 0';
    const prometheus = servePrometheus(vector([{ job: "payments" }, "0.0042"]));
    const check = await only(withMetric({ query }));
    expect(prometheus.queries, "the exact query, however it had to be encoded").toEqual([query]);
    expect(prometheus.requests[0]?.headers.get("accept")).toBe("application/json");
    expect(check).toEqual({
      kind: "metric",
      name: "5xx ratio",
      status: "passed",
      detail: oneLine,
      samples: [{ labels: { job: "payments" }, value: 0.0042 }],
    });
  });

  it("drops one trailing slash of the Prometheus URL", async () => {
    const prometheus = servePrometheus(vector([{}, "0"]));
    await run({ prometheus: { url: `${PROM}/`, checks: [metric()] } });
    expect(prometheus.queries).toHaveLength(1);
  });

  it("fails a sample above max, naming its labels and value", async () => {
    servePrometheus(vector([{ job: "payments", code: "503" }, "0.0375"]));
    const check = await only(withMetric());
    expect(check).toMatchObject({
      status: "failed",
      samples: [{ labels: { job: "payments", code: "503" }, value: 0.0375 }],
    });
    expect(check.detail).toContain("503");
    expect(check.detail).toContain("0.0375");
  });

  it("fails a sample below min, and passes the bounds themselves", async () => {
    servePrometheus(vector([{ job: "payments", instance: "10.0.1.17:8080" }, "2"]));
    const below = await only(
      withMetric({ name: "replicas up", query: "sum(up)", min: 3, max: undefined }),
    );
    expect(below.status).toBe("failed");
    expect(below.detail).toContain("10.0.1.17:8080");
    servePrometheus(vector([{}, "3"], [{}, "10"]));
    const onBounds = await only(withMetric({ query: "sum(up)", min: 3, max: 10 }));
    expect(onBounds.status, "3 >= min 3 and 10 <= max 10").toBe("passed");
  });

  it("fails when one series of several is out of bounds, listing every sample", async () => {
    servePrometheus(
      vector(
        [{ instance: "a" }, "0.001"],
        [{ instance: "b" }, "0.2"],
        [{ instance: "c" }, "0.003"],
      ),
    );
    const check = await onlyMetric(withMetric());
    expect(check.status).toBe("failed");
    expect(check.samples).toEqual([
      { labels: { instance: "a" }, value: 0.001 },
      { labels: { instance: "b" }, value: 0.2 },
      { labels: { instance: "c" }, value: 0.003 },
    ]);
    expect(check.detail).toContain('"b"');
  });

  it.each([
    ["1e-05", 0.00001, "passed"],
    ["12", 12, "failed"],
    ["-0.5", -0.5, "passed"],
    ["+Inf", Number.POSITIVE_INFINITY, "failed"],
  ])("reads the value %j as %d", async (text, value, status) => {
    servePrometheus(vector([{}, text]));
    await expect(only(withMetric())).resolves.toMatchObject({ status, samples: [{ value }] });
  });

  it("fails -Inf below min", async () => {
    servePrometheus(vector([{}, "-Inf"]));
    await expect(only(withMetric({ min: 0, max: undefined }))).resolves.toMatchObject({
      status: "failed",
      samples: [{ value: Number.NEGATIVE_INFINITY }],
    });
  });

  it.each([
    ["max: 0", "0.3", "failed", { max: 0 }],
    ["max: 0", "0", "passed", { max: 0 }],
    ["min: 0", "-0.5", "failed", { min: 0, max: undefined }],
    ["min: 0", "0", "passed", { min: 0, max: undefined }],
  ] as const)("takes %s as a bound: %j is %s", async (_label, text, status, bounds) => {
    servePrometheus(vector([{}, text]));
    await expect(
      only(withMetric(bounds)),
      "0 is a bound like any other, not a missing one",
    ).resolves.toMatchObject({ status, samples: [{ value: Number(text) }] });
  });

  it("is unknown for a NaN (a ratio with nothing to divide), keeping the sample", async () => {
    servePrometheus(vector([{ job: "payments" }, "NaN"]));
    const check = await onlyMetric(withMetric());
    expect(check.status).toBe("unknown");
    expect(check.samples).toHaveLength(1);
    expect(check.samples[0]?.value).toBeNaN();
  });

  it("is unknown when one sample is NaN and the others are within bounds", async () => {
    servePrometheus(vector([{ instance: "a" }, "0"], [{ instance: "b" }, "NaN"]));
    await expect(only(withMetric())).resolves.toMatchObject({ status: "unknown" });
  });

  it("fails rather than unknown when one sample is out of bounds and another is NaN", async () => {
    servePrometheus(vector([{ instance: "a" }, "NaN"], [{ instance: "b" }, "0.5"]));
    await expect(only(withMetric())).resolves.toMatchObject({ status: "failed" });
  });

  it('reads "+12", "1." and ".5" as decimals', async () => {
    servePrometheus(vector([{ v: "a" }, "+12"], [{ v: "b" }, "1."], [{ v: "c" }, ".5"]));
    const check = await onlyMetric(withMetric({ max: 100 }));
    expect(check).toMatchObject({ status: "passed" });
    expect(check.samples.map((sample) => sample.value)).toEqual([12, 1, 0.5]);
  });

  it("accepts min above max, and then fails every sample", async () => {
    servePrometheus(vector([{ job: "payments" }, "3"]));
    const check = await onlyMetric(withMetric({ min: 5, max: 1 }));
    expect(check, "3 is below min 5 (and above max 1)").toMatchObject({ status: "failed" });
  });

  it("reads a scalar result as one sample with no labels", async () => {
    servePrometheus({ status: "success", data: { resultType: "scalar", result: [NOW, "0.002"] } });
    await expect(only(withMetric({ query: "scalar(sum(up))" }))).resolves.toMatchObject({
      status: "passed",
      samples: [{ labels: {}, value: 0.002 }],
    });
  });

  it("ignores the warnings Prometheus may add to a success", async () => {
    servePrometheus({
      ...vector([{}, "0"]),
      warnings: ["PromQL info: metric might not be a counter"],
    });
    await expect(only(withMetric())).resolves.toMatchObject({ status: "passed" });
  });
});

describe("step 6 — when Prometheus cannot answer", () => {
  it.each([
    [400, "bad_data", 'invalid parameter "query": 1:14: parse error: unexpected "}"'],
    [422, "execution", "expanding series: query processing would load too many samples"],
    [503, "timeout", "query timed out in expression evaluation"],
  ])(
    "is unknown for a %i error answer, with its errorType and error",
    async (code, type, error) => {
      servePrometheus(promError(type, error), code);
      const check = await only(withMetric());
      expect(check).toEqual({
        kind: "metric",
        name: "5xx ratio",
        status: "unknown",
        detail: oneLine,
        samples: [],
      });
      expect(check.detail).toContain(type);
      expect(check.detail).toContain(error);
    },
  );

  it.each([
    ["an empty vector (no data yet)", vector()],
    [
      "a matrix, even shaped like a vector",
      {
        status: "success",
        data: { resultType: "matrix", result: [{ metric: {}, value: [NOW, "0"] }] },
      },
    ],
    ["a string result", { status: "success", data: { resultType: "string", result: [NOW, "x"] } }],
    ["no data at all", { status: "success" }],
    ["a status that is not success", { status: "partial", data: vector([{}, "0"]).data }],
    [
      "a value that is a number",
      {
        status: "success",
        data: { resultType: "vector", result: [{ metric: {}, value: [NOW, 0] }] },
      },
    ],
    ["a value that is not a number", vector([{}, "zero"])],
    ["an empty value", vector([{}, ""])],
    [
      "a value without its timestamp",
      { status: "success", data: { resultType: "vector", result: [{ metric: {}, value: ["0"] }] } },
    ],
    [
      "a sample without labels",
      { status: "success", data: { resultType: "vector", result: [{ value: [NOW, "0"] }] } },
    ],
    [
      "a label that is not a string",
      {
        status: "success",
        data: { resultType: "vector", result: [{ metric: { code: 500 }, value: [NOW, "0"] }] },
      },
    ],
    [
      "a result that is not an array",
      { status: "success", data: { resultType: "vector", result: {} } },
    ],
    ["a malformed scalar", { status: "success", data: { resultType: "scalar", result: "0.5" } }],
    ["JSON null", null],
    ["data that is null", { status: "success", data: null }],
    ["a value of spaces", vector([{}, " "])],
    ["a value with text after the number", vector([{}, "0.0042abc"])],
    ["a value with a unit", vector([{}, "12 req/s"])],
    ["a value with spaces around the number", vector([{}, " 12 "])],
    ["a hexadecimal value", vector([{}, "0x1A"])],
    ["a value of Infinity (Prometheus writes +Inf)", vector([{}, "Infinity"])],
    [
      "a value with a third element",
      {
        status: "success",
        data: { resultType: "vector", result: [{ metric: {}, value: [NOW, "0", "x"] }] },
      },
    ],
    [
      "a timestamp that is a string",
      {
        status: "success",
        data: { resultType: "vector", result: [{ metric: {}, value: [String(NOW), "0"] }] },
      },
    ],
    [
      "labels that are null",
      {
        status: "success",
        data: { resultType: "vector", result: [{ metric: null, value: [NOW, "0"] }] },
      },
    ],
    [
      "labels that are an array",
      {
        status: "success",
        data: { resultType: "vector", result: [{ metric: ["job"], value: [NOW, "0"] }] },
      },
    ],
  ])("is unknown for %s", async (_label, body) => {
    servePrometheus(body);
    await expect(only(withMetric())).resolves.toMatchObject({ status: "unknown", samples: [] });
  });

  it.each([
    [502, "<html><h1>502 Bad Gateway</h1></html>"],
    [500, ""],
    [404, "404 page not found"],
  ])("is unknown for a %i that is not Prometheus talking", async (code, body) => {
    servePrometheus(body, code);
    await expect(only(withMetric())).resolves.toMatchObject({ status: "unknown", samples: [] });
  });

  it("is unknown for a non-2xx even with a success body", async () => {
    servePrometheus(vector([{}, "0"]), 500);
    await expect(only(withMetric())).resolves.toMatchObject({ status: "unknown" });
  });

  it("is unknown, not a bad config, when the Prometheus URL is relative (fetch cannot use it)", async () => {
    const report = await run({
      prometheus: { url: "/prometheus", checks: [metric()] },
    });
    expect(report.checks[0], "prometheus.url is not checked up front").toMatchObject({
      kind: "metric",
      status: "unknown",
      samples: [],
    });
  });

  it("is unknown when Prometheus refuses the connection", async () => {
    server.use(http.get(QUERY, () => HttpResponse.error()));
    await expect(only(withMetric())).resolves.toMatchObject({ status: "unknown", samples: [] });
  });

  it("makes the whole verdict unknown, not passed", async () => {
    serve(HEALTH, actuatorHealth());
    servePrometheus(vector());
    const report = await run({ health: [healthCheck({ status: "UP" })], ...withMetric() });
    expect(report).toMatchObject({ status: "unknown", exitCode: 2 });
  });
});

describe("step 7 — time limits", () => {
  it("starts every check at once: four 3-second checks take 3 seconds", async () => {
    serve(HEALTH, actuatorHealth(), 200, 3000);
    servePrometheus(vector([{}, "0"]), 200, 3000);
    const slow = <T>(value: T) =>
      new Promise<T>((resolve) => setTimeout(() => resolve(value), 3000));
    const outcome = track(
      runSmokeTests({
        health: [healthCheck({ status: "UP" })],
        databases: [database("db", () => slow("PONG")).check],
        logs: [logScan(() => slow(["2026-12-01T10:01:00Z INFO ok"])).scan],
        ...withMetric(),
      }),
    );
    await advance(2999);
    expect(outcome.status).toBe("pending");
    await advance(1);
    await until(() => outcome.status === "resolved", "all four should be done after 3000 ms");
    expect(outcome.value?.status).toBe("passed");
  });

  it("fails a health endpoint that does not answer in time, aborting its request", async () => {
    const seen = serve(HEALTH, actuatorHealth(), 200, 60_000);
    const outcome = track(runSmokeTests({ health: [healthCheck()], timeoutMs: 800 }));
    await advance(799);
    expect(outcome.status).toBe("pending");
    await advance(1);
    await until(() => outcome.status === "resolved", "the health check gives up at 800 ms");
    expect(outcome.value?.checks[0]).toMatchObject({
      status: "failed",
      httpStatus: null,
      detail: oneLine,
    });
    expect(seen.requests[0]?.signal.aborted, "the request must be aborted").toBe(true);
  });

  it("fails a health endpoint whose body has not ended in time with no status, though a 200 came", async () => {
    server.use(
      http.get(HEALTH, ({ request }) => {
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"status":"UP",'));
            // Never ends; the abort cuts the connection, as a real one would.
            request.signal.addEventListener("abort", () => controller.error(request.signal.reason));
          },
        });
        return new HttpResponse(body, { status: 200 });
      }),
    );
    const outcome = track(
      runSmokeTests({ health: [healthCheck({ status: "UP" })], timeoutMs: 800 }),
    );
    await advance(800);
    await until(() => outcome.status === "resolved", "the health check gives up at 800 ms");
    expect(
      outcome.value?.checks[0],
      "the time limit ended the check: httpStatus null",
    ).toMatchObject({ status: "failed", httpStatus: null, detail: oneLine });
  });

  it("is unknown for a Prometheus query that does not answer in time, aborting it", async () => {
    const prometheus = servePrometheus(vector([{}, "0"]), 200, 60_000);
    const check = await only({ ...withMetric(), timeoutMs: 1000 });
    expect(check).toMatchObject({ status: "unknown", samples: [] });
    expect(prometheus.requests[0]?.signal.aborted).toBe(true);
  });

  it("is unknown for logs that cannot be read in time, and fires the reader's signal", async () => {
    const logs = logScan(() => new Promise(() => {}));
    const check = await only({ logs: [logs.scan], timeoutMs: 1000 });
    expect(check).toMatchObject({ status: "unknown", matches: [] });
    expect(logs.readLines.mock.calls[0]?.[0].aborted).toBe(true);
  });

  it("gives each check its own time limit, counted from the start", async () => {
    const db = database("db", () => new Promise(() => {}));
    const outcome = track(
      runSmokeTests({
        databases: [db.check],
        logs: [logScan(() => new Promise(() => {})).scan],
        timeoutMs: 300,
      }),
    );
    await advance(300);
    await until(() => outcome.status === "resolved", "both give up together at 300 ms");
    expect(outcome.value?.checks.map((check) => check.status)).toEqual(["failed", "unknown"]);
  });

  it("leaves no timer behind once the report is ready", async () => {
    serve(HEALTH, actuatorHealth());
    servePrometheus(vector([{}, "0"]));
    const report = await run({
      health: [healthCheck()],
      databases: [database("db", async () => 1).check],
      logs: [logScan(["2026-12-01T10:01:00Z INFO ok"]).scan],
      ...withMetric(),
    });
    expect(report.status).toBe("passed");
    expect(vi.getTimerCount(), "every time-limit timer must be cleared").toBe(0);
  });
});

describe("step 8 — bad config", () => {
  it.each([
    [{ timeoutMs: 0 }, RangeError, "timeoutMs must be a finite number > 0 (got 0)"],
    [{ timeoutMs: -1 }, RangeError, "timeoutMs must be a finite number > 0 (got -1)"],
    [{ timeoutMs: Number.NaN }, RangeError, "timeoutMs must be a finite number > 0 (got NaN)"],
    [
      { timeoutMs: Number.POSITIVE_INFINITY },
      RangeError,
      "timeoutMs must be a finite number > 0 (got Infinity)",
    ],
    [
      { prometheus: { url: PROM, checks: [{ name: "p99", query: "x" }] } },
      TypeError,
      'metric check "p99" needs min or max',
    ],
    [
      { prometheus: { url: PROM, checks: [{ name: "p99", query: "x", max: Number.NaN }] } },
      RangeError,
      'metric check "p99": max must be a finite number (got NaN)',
    ],
    [
      {
        prometheus: {
          url: PROM,
          checks: [{ name: "p99", query: "x", min: Number.NEGATIVE_INFINITY }],
        },
      },
      RangeError,
      'metric check "p99": min must be a finite number (got -Infinity)',
    ],
    [
      {
        prometheus: {
          url: PROM,
          checks: [{ name: "up", query: "x", min: 1, max: Number.POSITIVE_INFINITY }],
        },
      },
      RangeError,
      'metric check "up": max must be a finite number (got Infinity)',
    ],
    [
      { logs: [{ ...logScan([]).scan, name: "app", maxMatches: -1 }] },
      RangeError,
      'log scan "app": maxMatches must be a whole number >= 0 (got -1)',
    ],
    [
      { logs: [{ ...logScan([]).scan, name: "app", maxMatches: 0.5 }] },
      RangeError,
      'log scan "app": maxMatches must be a whole number >= 0 (got 0.5)',
    ],
    [
      { logs: [{ ...logScan([]).scan, name: "app", maxMatches: Number.NaN }] },
      RangeError,
      'log scan "app": maxMatches must be a whole number >= 0 (got NaN)',
    ],
  ] as const)("rejects %j before running anything", async (config, type, message) => {
    const db = database("db", async () => 1);
    let report: Promise<SmokeReport> | undefined;
    expect(() => {
      report = runSmokeTests({ ...(config as SmokeConfig), databases: [db.check] });
    }, "runSmokeTests must reject, not throw").not.toThrow();
    const outcome = await settle(report ?? Promise.resolve({} as SmokeReport));
    expect(outcome.error).toBeInstanceOf(type);
    expect((outcome.error as Error).message).toBe(message);
    expect(db.client.ping, "nothing may run with a bad config").not.toHaveBeenCalled();
  });

  it("accepts a metric check with only min, or only max, and a tiny time limit", async () => {
    servePrometheus(vector([{}, "5"]));
    const report = await run({
      prometheus: {
        url: PROM,
        checks: [metric({ min: 1, max: undefined }), metric({ name: "m" })],
      },
      timeoutMs: 0.5,
    });
    expect(report.checks).toHaveLength(2);
  });
});
