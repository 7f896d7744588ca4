import { afterEach, describe, expect, it, vi } from "vitest";
import {
  checkLayout,
  parseExposition,
  type Sample,
  sampleValue,
} from "../../fixtures/helpers/prometheus-text";
import {
  CONTENT_TYPE,
  DEFAULT_BUCKETS,
  type MetricsServer,
  Registry,
  serveMetrics,
} from "./prometheus-exporter";

const HAS_IPV6_LOOPBACK = await canListenOn("::1");

/**
 * An exposition read by the real parser, after the layout checks it does not make (HELP then
 * TYPE, once per metric, right before the metric's samples).
 */
function read(text: string) {
  checkLayout(text);
  return parseExposition(text);
}

/** The registry's exposition, read as above. */
async function expose(registry: Registry) {
  return read(await registry.metrics());
}

/** The lines of the text as written, without the final empty one. */
function linesOf(text: string): string[] {
  return text.split("\n").slice(0, -1);
}

/** `fn` throws an error of class `type` whose message quotes `quoted` ("jobs_total"). */
function expectError(
  fn: () => unknown,
  type: ErrorConstructor | TypeErrorConstructor | RangeErrorConstructor,
  quoted: string,
) {
  expect(fn).toThrow(type);
  expect(fn, `the message should name "${quoted}"`).toThrow(`"${quoted}"`);
}

/** The samples of one name, labels sorted by key, as `labels → value` lines: easy to compare. */
function series(samples: Sample[], name: string): string[] {
  return samples
    .filter((s) => s.name === name)
    .map((s) => {
      const labels = Object.entries(s.labels)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(",");
      return `{${labels}} ${s.value}`;
    })
    .sort();
}

/** A histogram series' buckets, in the order written: `le → cumulative count`. */
function buckets(samples: Sample[], name: string, labels: Record<string, string> = {}) {
  const wanted = JSON.stringify(Object.entries(labels).sort());
  return samples
    .filter((s) => s.name === `${name}_bucket`)
    .filter(
      ({ labels: { le: _le, ...rest } }) => JSON.stringify(Object.entries(rest).sort()) === wanted,
    )
    .map((s) => [s.labels.le, s.value]);
}

describe("step 1 — counters", () => {
  it("exposes a counter without labels at 0 from the start, with its HELP and TYPE lines", async () => {
    const registry = new Registry();
    registry.counter({ name: "jobs_processed_total", help: "Jobs done." });
    await expect(expose(registry)).resolves.toEqual({
      families: [{ name: "jobs_processed_total", help: "Jobs done.", type: "counter" }],
      samples: [{ name: "jobs_processed_total", labels: {}, value: "0" }],
    });
  });

  it("renders an empty registry as the empty string", async () => {
    await expect(new Registry().metrics()).resolves.toBe("");
  });

  it("adds 1 with inc() and n with inc(n)", async () => {
    const registry = new Registry();
    const jobs = registry.counter({ name: "jobs_processed_total", help: "Jobs done." });
    jobs.inc();
    jobs.inc(2.5);
    jobs.inc(0);
    expect(sampleValue(await expose(registry), "jobs_processed_total")).toBe("3.5");
  });

  it.each([-1, -0.001, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, "2"])(
    "refuses inc(%s) with a RangeError and keeps the count",
    async (step) => {
      const registry = new Registry();
      const jobs = registry.counter({ name: "jobs_processed_total", help: "Jobs done." });
      jobs.inc();
      expectError(() => jobs.inc(step as number), RangeError, "jobs_processed_total");
      expect(sampleValue(await expose(registry), "jobs_processed_total")).toBe("1");
    },
  );

  it("exposes the name exactly as given: no _total is added", async () => {
    const registry = new Registry();
    registry.counter({ name: "restarts", help: "Restarts." }).inc();
    const { families, samples } = await expose(registry);
    expect(families.map((f) => f.name)).toEqual(["restarts"]);
    expect(samples).toEqual([{ name: "restarts", labels: {}, value: "1" }]);
  });

  it("keeps one series per label set, whatever the order of the keys", async () => {
    const registry = new Registry();
    const jobs = registry.counter({
      name: "jobs_processed_total",
      help: "Jobs done, by queue and outcome.",
      labelNames: ["queue", "outcome"],
    });
    jobs.labels({ queue: "emails", outcome: "ok" }).inc();
    jobs.labels({ outcome: "ok", queue: "emails" }).inc(2);
    jobs.labels({ queue: "sms", outcome: "failed" }).inc();
    expect(series((await expose(registry)).samples, "jobs_processed_total")).toEqual([
      '{outcome="failed",queue="sms"} 1',
      '{outcome="ok",queue="emails"} 3',
    ]);
  });

  it("keeps label sets apart even when their values, joined, look the same", async () => {
    const registry = new Registry();
    const jobs = registry.counter({
      name: "jobs_processed_total",
      help: "Jobs done, by queue and outcome.",
      labelNames: ["queue", "outcome"],
    });
    jobs.labels({ queue: "emails,sms", outcome: "ok" }).inc();
    jobs.labels({ queue: "emails", outcome: "sms,ok" }).inc(2);
    jobs.labels({ queue: "a b", outcome: "c" }).inc(3);
    jobs.labels({ queue: "a", outcome: "b c" }).inc(4);
    expect(series((await expose(registry)).samples, "jobs_processed_total")).toEqual([
      '{outcome="b c",queue="a"} 4',
      '{outcome="c",queue="a b"} 3',
      '{outcome="ok",queue="emails,sms"} 1',
      '{outcome="sms,ok",queue="emails"} 2',
    ]);
  });

  it("writes a counter that overflows as +Inf: only the step is checked", async () => {
    const registry = new Registry();
    const bytes = registry.counter({ name: "bytes_total", help: "Bytes." });
    bytes.inc(Number.MAX_VALUE);
    bytes.inc(Number.MAX_VALUE);
    expect(sampleValue(await expose(registry), "bytes_total"), "MAX_VALUE twice is Infinity").toBe(
      "+Inf",
    );
  });

  it("creates a label set's series at 0 when labels() is first called", async () => {
    const registry = new Registry();
    const jobs = registry.counter({
      name: "jobs_failed_total",
      help: "Failures.",
      labelNames: ["queue"],
    });
    jobs.labels({ queue: "emails" });
    jobs.labels({ queue: "sms" }).inc();
    expect(series((await expose(registry)).samples, "jobs_failed_total")).toEqual([
      '{queue="emails"} 0',
      '{queue="sms"} 1',
    ]);
  });

  it("exposes a labeled counter with no label set used yet as HELP and TYPE only", async () => {
    const registry = new Registry();
    registry.counter({ name: "jobs_failed_total", help: "Failures.", labelNames: ["queue"] });
    await expect(expose(registry)).resolves.toEqual({
      families: [{ name: "jobs_failed_total", help: "Failures.", type: "counter" }],
      samples: [],
    });
  });

  it.each([
    { what: "a missing label", values: { queue: "emails" } },
    { what: "an extra label", values: { queue: "emails", outcome: "ok", host: "a" } },
    { what: "a wrong label name", values: { queue: "emails", result: "ok" } },
    { what: "no labels at all", values: {} },
    { what: "a label value that is not a string", values: { queue: "emails", outcome: 200 } },
  ])("refuses $what with a TypeError", ({ values }) => {
    const registry = new Registry();
    const jobs = registry.counter({
      name: "jobs_processed_total",
      help: "Jobs done.",
      labelNames: ["queue", "outcome"],
    });
    expectError(
      () => jobs.labels(values as Record<string, string>),
      TypeError,
      "jobs_processed_total",
    );
  });

  it("refuses inc() on a counter that has labels, with a TypeError", async () => {
    const registry = new Registry();
    const jobs = registry.counter({ name: "jobs_total", help: "Jobs.", labelNames: ["queue"] });
    expectError(() => jobs.inc(), TypeError, "jobs_total");
    expect((await expose(registry)).samples).toEqual([]);
  });

  it("gives the one series of a counter without labels for labels({})", async () => {
    const registry = new Registry();
    const jobs = registry.counter({ name: "jobs_total", help: "Jobs." });
    jobs.labels({}).inc(4);
    jobs.inc();
    expect((await expose(registry)).samples).toEqual([
      { name: "jobs_total", labels: {}, value: "5" },
    ]);
  });
});

describe("step 2 — gauges", () => {
  it("starts at 0 and goes up, down and to a value", async () => {
    const registry = new Registry();
    const depth = registry.gauge({ name: "queue_depth", help: "Jobs waiting." });
    expect(sampleValue(await expose(registry), "queue_depth")).toBe("0");
    depth.set(10);
    depth.inc();
    depth.dec(3);
    depth.inc(0.5);
    depth.dec();
    const { families, samples } = await expose(registry);
    expect(families).toEqual([{ name: "queue_depth", help: "Jobs waiting.", type: "gauge" }]);
    expect(samples).toEqual([{ name: "queue_depth", labels: {}, value: "7.5" }]);
  });

  it("goes below zero, and takes negative steps", async () => {
    const registry = new Registry();
    const balance = registry.gauge({ name: "balance", help: "Balance." });
    balance.dec(5);
    balance.inc(-2);
    balance.dec(-1);
    expect(sampleValue(await expose(registry), "balance")).toBe("-6");
  });

  it("writes floats as JavaScript does: 0.1 + 0.2 and 1e21", async () => {
    const registry = new Registry();
    const ratio = registry.gauge({ name: "ratio", help: "A ratio." });
    const big = registry.gauge({ name: "big", help: "A big number." });
    ratio.inc(0.1);
    ratio.inc(0.2);
    big.set(1e21);
    const exposition = await expose(registry);
    expect(sampleValue(exposition, "ratio")).toBe(String(0.1 + 0.2));
    expect(sampleValue(exposition, "big")).toBe("1e+21");
  });

  it("writes Infinity as +Inf and -Infinity as -Inf", async () => {
    const registry = new Registry();
    const limit = registry.gauge({ name: "rate_limit", help: "Limit.", labelNames: ["tier"] });
    limit.labels({ tier: "unlimited" }).set(Number.POSITIVE_INFINITY);
    limit.labels({ tier: "floor" }).set(Number.NEGATIVE_INFINITY);
    expect(series((await expose(registry)).samples, "rate_limit")).toEqual([
      '{tier="floor"} -Inf',
      '{tier="unlimited"} +Inf',
    ]);
  });

  it("refuses set(NaN) with a RangeError and keeps the value", async () => {
    const registry = new Registry();
    const depth = registry.gauge({ name: "queue_depth", help: "Jobs waiting." });
    depth.set(4);
    expectError(() => depth.set(Number.NaN), RangeError, "queue_depth");
    expectError(() => depth.set("5" as unknown as number), RangeError, "queue_depth");
    expect(sampleValue(await expose(registry), "queue_depth")).toBe("4");
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, "1"])(
    "refuses inc(%s) and dec() by it with a RangeError",
    async (step) => {
      const registry = new Registry();
      const depth = registry.gauge({ name: "queue_depth", help: "Jobs waiting." });
      depth.set(4);
      expectError(() => depth.inc(step as number), RangeError, "queue_depth");
      expectError(() => depth.dec(step as number), RangeError, "queue_depth");
      expect(sampleValue(await expose(registry), "queue_depth")).toBe("4");
    },
  );

  it("keeps one series per label set, created at 0 by labels()", async () => {
    const registry = new Registry();
    const depth = registry.gauge({
      name: "queue_depth",
      help: "Jobs waiting.",
      labelNames: ["queue"],
    });
    depth.labels({ queue: "emails" }).set(12);
    depth.labels({ queue: "emails" }).dec(2);
    depth.labels({ queue: "sms" });
    expect(series((await expose(registry)).samples, "queue_depth")).toEqual([
      '{queue="emails"} 10',
      '{queue="sms"} 0',
    ]);
    expectError(() => depth.set(1), TypeError, "queue_depth");
    expectError(() => depth.inc(), TypeError, "queue_depth");
    expectError(() => depth.dec(), TypeError, "queue_depth");
  });
});

describe("step 3 — histograms", () => {
  it("exposes every default bucket, +Inf, _sum and _count at 0 from the start", async () => {
    const registry = new Registry();
    registry.histogram({ name: "job_seconds", help: "How long a job took." });
    const { families, samples } = await expose(registry);
    expect(families).toEqual([
      { name: "job_seconds", help: "How long a job took.", type: "histogram" },
    ]);
    expect(buckets(samples, "job_seconds")).toEqual([
      ...DEFAULT_BUCKETS.map((bound) => [String(bound), "0"]),
      ["+Inf", "0"],
    ]);
    expect(sampleValue({ families, samples }, "job_seconds_sum")).toBe("0");
    expect(sampleValue({ families, samples }, "job_seconds_count")).toBe("0");
    expect(samples).toHaveLength(DEFAULT_BUCKETS.length + 3);
  });

  it("counts cumulatively: each bucket holds every observation up to its bound", async () => {
    const registry = new Registry();
    const latency = registry.histogram({
      name: "job_seconds",
      help: "Job time.",
      buckets: [0.1, 0.5, 1],
    });
    for (const value of [0.3, 0.05, 3, 0.3, 0.7]) latency.observe(value);
    const exposition = await expose(registry);
    expect(buckets(exposition.samples, "job_seconds")).toEqual([
      ["0.1", "1"],
      ["0.5", "3"],
      ["1", "4"],
      ["+Inf", "5"],
    ]);
    expect(sampleValue(exposition, "job_seconds_count")).toBe("5");
    expect(sampleValue(exposition, "job_seconds_sum")).toBe(String(0.3 + 0.05 + 3 + 0.3 + 0.7));
  });

  it("puts a value equal to a bound in that bucket (le means less or equal)", async () => {
    const registry = new Registry();
    const size = registry.histogram({
      name: "batch_size",
      help: "Batch size.",
      buckets: [1, 2, 4],
    });
    size.observe(1);
    size.observe(2);
    size.observe(4);
    expect(buckets((await expose(registry)).samples, "batch_size")).toEqual([
      ["1", "1"],
      ["2", "2"],
      ["4", "3"],
      ["+Inf", "3"],
    ]);
  });

  it("counts a value above every bound in +Inf only, and a negative one in every bucket", async () => {
    const registry = new Registry();
    const drift = registry.histogram({ name: "clock_drift", help: "Drift.", buckets: [0, 10] });
    drift.observe(250);
    drift.observe(-3);
    const exposition = await expose(registry);
    expect(buckets(exposition.samples, "clock_drift")).toEqual([
      ["0", "1"],
      ["10", "1"],
      ["+Inf", "2"],
    ]);
    expect(sampleValue(exposition, "clock_drift_sum")).toBe("247");
  });

  it("adds observations to _sum as floats: 0.1 then 0.2", async () => {
    const registry = new Registry();
    const latency = registry.histogram({ name: "job_seconds", help: "Job time." });
    latency.observe(0.1);
    latency.observe(0.2);
    expect(sampleValue(await expose(registry), "job_seconds_sum")).toBe(String(0.1 + 0.2));
  });

  it("writes a sum that overflows as +Inf or -Inf, like any other number", async () => {
    const registry = new Registry();
    const up = registry.histogram({ name: "huge_bytes", help: "Huge.", buckets: [1] });
    const down = registry.histogram({ name: "debt_units", help: "Debt.", buckets: [1] });
    for (let i = 0; i < 2; i += 1) {
      up.observe(1e308);
      down.observe(-1e308);
    }
    const exposition = await expose(registry);
    expect(sampleValue(exposition, "huge_bytes_sum"), "1e308 + 1e308 is Infinity").toBe("+Inf");
    expect(sampleValue(exposition, "debt_units_sum")).toBe("-Inf");
  });

  it("writes le with String(bound), in increasing order, then +Inf", async () => {
    const registry = new Registry();
    registry.histogram({
      name: "payload_bytes",
      help: "Size.",
      buckets: [0.25, 1, 2.5, 100, 1e21],
    });
    expect(buckets((await expose(registry)).samples, "payload_bytes").map(([le]) => le)).toEqual([
      "0.25",
      "1",
      "2.5",
      "100",
      "1e+21",
      "+Inf",
    ]);
  });

  it("keeps one set of buckets, _sum and _count per label set", async () => {
    const registry = new Registry();
    const latency = registry.histogram({
      name: "request_seconds",
      help: "Request time.",
      labelNames: ["route"],
      buckets: [0.1, 1],
    });
    latency.labels({ route: "/api" }).observe(0.05);
    latency.labels({ route: "/api" }).observe(0.5);
    latency.labels({ route: "/health" });
    const exposition = await expose(registry);
    expect(buckets(exposition.samples, "request_seconds", { route: "/api" })).toEqual([
      ["0.1", "1"],
      ["1", "2"],
      ["+Inf", "2"],
    ]);
    expect(buckets(exposition.samples, "request_seconds", { route: "/health" })).toEqual([
      ["0.1", "0"],
      ["1", "0"],
      ["+Inf", "0"],
    ]);
    expect(series(exposition.samples, "request_seconds_sum")).toEqual([
      '{route="/api"} 0.55',
      '{route="/health"} 0',
    ]);
    expect(series(exposition.samples, "request_seconds_count")).toEqual([
      '{route="/api"} 2',
      '{route="/health"} 0',
    ]);
    expectError(() => latency.observe(1), TypeError, "request_seconds");
  });

  it.each([
    { what: "no buckets", buckets: [] },
    { what: "decreasing bounds", buckets: [1, 0.5] },
    { what: "a repeated bound", buckets: [0.5, 1, 1] },
    { what: "NaN", buckets: [0.1, Number.NaN] },
    { what: "Infinity (+Inf is added by the histogram)", buckets: [1, Number.POSITIVE_INFINITY] },
    { what: "-Infinity", buckets: [Number.NEGATIVE_INFINITY, 1] },
    { what: "a string", buckets: [0.1, "1"] },
  ])("refuses buckets with $what: a RangeError", ({ buckets: bounds }) => {
    const registry = new Registry();
    expectError(
      () =>
        registry.histogram({ name: "job_seconds", help: "Job time.", buckets: bounds as number[] }),
      RangeError,
      "job_seconds",
    );
  });

  it("keeps its own copy of the buckets", async () => {
    const registry = new Registry();
    const bounds = [1, 2];
    registry.histogram({ name: "job_seconds", help: "Job time.", buckets: bounds });
    bounds.push(3);
    bounds[0] = 0.5;
    expect(buckets((await expose(registry)).samples, "job_seconds").map(([le]) => le)).toEqual([
      "1",
      "2",
      "+Inf",
    ]);
  });

  it("refuses le as a label name of a histogram, with a TypeError", () => {
    const registry = new Registry();
    expectError(
      () =>
        registry.histogram({ name: "job_seconds", help: "Job time.", labelNames: ["queue", "le"] }),
      TypeError,
      "le",
    );
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, "0.2"])(
    "refuses observe(%s) with a RangeError and counts nothing",
    async (value) => {
      const registry = new Registry();
      const latency = registry.histogram({ name: "job_seconds", help: "Job time.", buckets: [1] });
      expectError(() => latency.observe(value as number), RangeError, "job_seconds");
      const exposition = await expose(registry);
      expect(sampleValue(exposition, "job_seconds_count")).toBe("0");
      expect(buckets(exposition.samples, "job_seconds")).toEqual([
        ["1", "0"],
        ["+Inf", "0"],
      ]);
    },
  );
});

describe("step 4 — names, labels and escaping", () => {
  it.each([
    "http-requests_total",
    "1st_metric",
    "",
    "with space",
    "métrique",
    "a.b",
    "a{b}",
    undefined,
  ])("refuses the metric name %j with a TypeError", (value) => {
    const name = value as string;
    const registry = new Registry();
    // A name that is not a string has no quoted form the README asks for: only its type is checked.
    if (typeof value === "string")
      expectError(() => registry.counter({ name, help: "x" }), TypeError, name);
    else expect(() => registry.counter({ name, help: "x" })).toThrow(TypeError);
    expect(() => registry.counter({ name, help: "x" })).toThrow(/invalid metric name/);
    expect(() => registry.gauge({ name, help: "x" })).toThrow(/invalid metric name/);
    expect(() => registry.histogram({ name, help: "x" })).toThrow(/invalid metric name/);
  });

  it("accepts colons, underscores and digits where the format allows them", async () => {
    const registry = new Registry();
    registry.gauge({ name: "job:success_rate5m", help: "A recording-rule style name." });
    registry.gauge({ name: "_internal", help: "Leading underscore." });
    registry.counter({ name: ":odd_but_valid", help: "Leading colon." });
    expect((await expose(registry)).families.map((f) => f.name)).toEqual([
      "job:success_rate5m",
      "_internal",
      ":odd_but_valid",
    ]);
  });

  it.each([
    { labelNames: ["__reserved"] },
    { labelNames: ["1x"] },
    { labelNames: ["a-b"] },
    { labelNames: [""] },
    { labelNames: ["ok", "ok"] },
    { labelNames: ["naïve"] },
    { labelNames: ["a:b"] },
  ])("refuses the label names $labelNames with a TypeError", ({ labelNames }) => {
    const registry = new Registry();
    expect(() => registry.counter({ name: "jobs_total", help: "x", labelNames })).toThrow(
      /invalid label name/,
    );
    expectError(
      () => registry.gauge({ name: "jobs", help: "x", labelNames }),
      TypeError,
      labelNames.at(-1) as string,
    );
    expect(() => registry.histogram({ name: "jobs_seconds", help: "x", labelNames })).toThrow(
      TypeError,
    );
  });

  it("allows le as a label name outside histograms", async () => {
    const registry = new Registry();
    const slo = registry.gauge({ name: "slo_target", help: "SLO.", labelNames: ["le"] });
    slo.labels({ le: "0.3" }).set(0.99);
    expect(series((await expose(registry)).samples, "slo_target")).toEqual(['{le="0.3"} 0.99']);
  });

  it.each(["", 42])("refuses the help text %j with a TypeError", (help) => {
    const registry = new Registry();
    expectError(
      () => registry.counter({ name: "jobs_total", help: help as string }),
      TypeError,
      "jobs_total",
    );
    expect(() => registry.counter({ name: "jobs_total", help: help as string })).toThrow(/help/);
  });

  it.each([
    {
      what: "a bad name and a bad help: the name",
      options: { name: "bad name", help: "", labelNames: ["__x"], buckets: [] },
      type: TypeError,
      message: /invalid metric name/,
    },
    {
      what: "a bad help and a bad label name: the help",
      options: { name: "job_seconds", help: "", labelNames: ["__x"], buckets: [] },
      type: TypeError,
      message: /help/,
    },
    {
      what: "a bad label name and bad buckets: the label name",
      options: { name: "job_seconds", help: "Job time.", labelNames: ["__x"], buckets: [] },
      type: TypeError,
      message: /invalid label name/,
    },
    {
      what: "le and bad buckets: the label name",
      options: { name: "job_seconds", help: "Job time.", labelNames: ["le"], buckets: [2, 1] },
      type: TypeError,
      message: /invalid label name/,
    },
    {
      what: "bad buckets and a name already taken: the buckets",
      options: { name: "job_seconds", help: "Job time.", buckets: [] },
      type: RangeError,
      message: /job_seconds/,
    },
    {
      what: "a bad help and a name already taken: the help",
      options: { name: "job_seconds", help: "" },
      type: TypeError,
      message: /help/,
    },
  ])("reports the first thing wrong when several are: $what", ({ options, type, message }) => {
    const registry = new Registry();
    registry.histogram({ name: "job_seconds", help: "Job time." });
    const register = () => registry.histogram(options as Parameters<Registry["histogram"]>[0]);
    expect(register).toThrow(type);
    expect(register).toThrow(message);
  });

  it("keeps the name free when a registration throws", async () => {
    const registry = new Registry();
    expect(() =>
      registry.histogram({ name: "job_seconds", help: "Job time.", buckets: [] }),
    ).toThrow(RangeError);
    expect(() =>
      registry.counter({ name: "jobs_total", help: "Jobs.", labelNames: ["__reserved"] }),
    ).toThrow(TypeError);
    registry.histogram({ name: "job_seconds", help: "Job time.", buckets: [1] });
    registry.counter({ name: "jobs_total", help: "Jobs." });
    expect((await expose(registry)).families.map((f) => f.name)).toEqual([
      "job_seconds",
      "jobs_total",
    ]);
  });

  it.each([
    { first: "histogram job_seconds", second: "counter job_seconds_sum" },
    { first: "histogram job_seconds", second: "gauge job_seconds_bucket" },
    { first: "histogram job_seconds", second: "histogram job_seconds_count" },
    { first: "counter job_seconds_count", second: "histogram job_seconds" },
    { first: "gauge job_seconds_sum", second: "histogram job_seconds" },
  ])("refuses a $second after a $first: the same sample name twice", ({ first, second }) => {
    type Kind = "counter" | "gauge" | "histogram";
    const registry = new Registry();
    const [firstType, firstName] = first.split(" ") as [Kind, string];
    registry[firstType]({ name: firstName, help: "First." });
    const [type, name] = second.split(" ") as [Kind, string];
    expectError(() => registry[type]({ name, help: "Second." }), Error, name);
    expect(() => registry[type]({ name, help: "Second." })).toThrow(/already registered/);
  });

  it("lets other names through: job_seconds_total next to a histogram, batches_count next to a counter", async () => {
    const registry = new Registry();
    registry.histogram({ name: "job_seconds", help: "Job time.", buckets: [1] });
    registry.counter({ name: "job_seconds_total", help: "Total." });
    registry.gauge({ name: "job_seconds_max", help: "Max." });
    // Python's client also writes <name>_created; this format has no such sample.
    registry.gauge({ name: "job_seconds_created", help: "Not written by a histogram here." });
    registry.counter({ name: "job_second_count", help: "Not a suffix of job_seconds." });
    // Only a histogram writes _sum and _count samples: a counter or a gauge takes its name alone.
    registry.counter({ name: "batches", help: "Batches." });
    registry.gauge({ name: "batches_count", help: "Batches in flight." });
    registry.gauge({ name: "queue", help: "Queue." });
    registry.histogram({ name: "queue_bucket", help: "Not a clash either.", buckets: [1] });
    expect((await expose(registry)).families.map((f) => f.name)).toEqual([
      "job_seconds",
      "job_seconds_total",
      "job_seconds_max",
      "job_seconds_created",
      "job_second_count",
      "batches",
      "batches_count",
      "queue",
      "queue_bucket",
    ]);
  });

  it("refuses a name registered twice, whatever the type; another registry is separate", () => {
    const registry = new Registry();
    registry.counter({ name: "jobs_total", help: "Jobs." });
    expect(() => registry.gauge({ name: "jobs_total", help: "Jobs." })).toThrow(
      /already registered/,
    );
    expect(() => registry.counter({ name: "jobs_total", help: "Jobs." })).toThrow(
      /already registered/,
    );
    expect(() => new Registry().counter({ name: "jobs_total", help: "Jobs." })).not.toThrow();
  });

  it("escapes backslashes and line feeds in HELP, and leaves quotes alone", async () => {
    const help = 'Files under C:\\new\\temp.\nA second line, with "quotes" and a trailing \\';
    const registry = new Registry();
    registry.counter({ name: "files_total", help });
    expect((await expose(registry)).families).toEqual([
      { name: "files_total", help, type: "counter" },
    ]);
  });

  it("writes the HELP line with exactly those two escapes (the parser forgives more)", async () => {
    const registry = new Registry();
    // One backslash before t, one before n, a quote, a tab, and a line feed.
    registry.counter({ name: "paths_total", help: 'In C:\\temp or C:\\new, "x"\tand\nmore.' });
    const text = await registry.metrics();
    expect(linesOf(text)[0], "\\ is written \\\\, a line feed \\n, nothing else changes").toBe(
      '# HELP paths_total In C:\\\\temp or C:\\\\new, "x"\tand\\nmore.',
    );
  });

  it("escapes backslashes, quotes and line feeds in label values", async () => {
    const values = [
      "C:\\new\\temp",
      'say "hi"',
      "line one\nline two",
      "ends with \\",
      '\\"both\\"',
      "a,b=c}{",
      "naïve ☃",
      "",
      "tab\there",
      "cr\rhere",
    ];
    const registry = new Registry();
    const errors = registry.counter({
      name: "errors_total",
      help: "Errors.",
      labelNames: ["detail"],
    });
    values.forEach((detail, i) => {
      errors.labels({ detail }).inc(i + 1);
    });
    const exposition = await expose(registry);
    for (const [i, detail] of values.entries()) {
      expect(
        sampleValue(exposition, "errors_total", { detail }),
        `the series ${JSON.stringify(detail)}`,
      ).toBe(String(i + 1));
    }
    expect(exposition.samples).toHaveLength(values.length);
  });

  it("escapes nothing else in label values: a tab, a CR, a control character stay as they are", async () => {
    const registry = new Registry();
    const events = registry.counter({ name: "events_total", help: "Events.", labelNames: ["raw"] });
    // Each value, and how it is written between the quotes.
    const written: Array<[string, string]> = [
      ["C:\\temp", "C:\\\\temp"],
      ['say "hi"', 'say \\"hi\\"'],
      ["one\ntwo", "one\\ntwo"],
      ["a\tb", "a\tb"],
      ["a\rb", "a\rb"],
      ["bell\u0007", "bell\u0007"],
      ["unicode ☃ \u2028", "unicode ☃ \u2028"],
      ["slash / and 'single'", "slash / and 'single'"],
    ];
    for (const [value] of written) events.labels({ raw: value }).inc();
    const lines = linesOf(await registry.metrics());
    for (const [value, escaped] of written)
      expect(lines, `the series of ${JSON.stringify(value)}`).toContain(
        `events_total{raw="${escaped}"} 1`,
      );
  });

  it("writes HELP and TYPE once per metric, not once per series", async () => {
    const registry = new Registry();
    const jobs = registry.counter({ name: "jobs_total", help: "Jobs.", labelNames: ["queue"] });
    const latency = registry.histogram({
      name: "job_seconds",
      help: "Job time.",
      labelNames: ["queue"],
      buckets: [1],
    });
    for (const queue of ["emails", "sms", "push"]) {
      jobs.labels({ queue }).inc();
      latency.labels({ queue }).observe(0.5);
    }
    const lines = linesOf(await registry.metrics());
    for (const header of [
      "# HELP jobs_total Jobs.",
      "# TYPE jobs_total counter",
      "# HELP job_seconds Job time.",
      "# TYPE job_seconds histogram",
    ])
      expect(
        lines.filter((line) => line === header),
        header,
      ).toHaveLength(1);
    expect(lines.filter((line) => line.startsWith("#"))).toHaveLength(4);
  });

  it("writes the README's example exactly", async () => {
    const registry = new Registry();
    const jobs = registry.counter({
      name: "jobs_processed_total",
      help: "Jobs done, by queue.",
      labelNames: ["queue"],
    });
    const latency = registry.histogram({
      name: "job_seconds",
      help: "How long a job took.",
      buckets: [0.1, 1],
    });
    jobs.labels({ queue: "emails" }).inc(3);
    for (const seconds of [0.07, 0.5, 12]) latency.observe(seconds);
    // A blank line between blocks is allowed (prom-client writes one); the lines are not free.
    const lines = linesOf(await registry.metrics()).filter((line) => line !== "");
    expect(lines).toEqual([
      "# HELP jobs_processed_total Jobs done, by queue.",
      "# TYPE jobs_processed_total counter",
      'jobs_processed_total{queue="emails"} 3',
      "# HELP job_seconds How long a job took.",
      "# TYPE job_seconds histogram",
      'job_seconds_bucket{le="0.1"} 1',
      'job_seconds_bucket{le="1"} 2',
      'job_seconds_bucket{le="+Inf"} 3',
      "job_seconds_sum 12.57",
      "job_seconds_count 3",
    ]);
  });

  it("writes the metrics in registration order, each in one block, HELP and TYPE first", async () => {
    const registry = new Registry();
    registry
      .gauge({ name: "zeta_depth", help: "Z.", labelNames: ["q"] })
      .labels({ q: "a" })
      .set(1);
    registry.histogram({ name: "alpha_seconds", help: "A.", buckets: [1] }).observe(0.5);
    registry.counter({ name: "middle_total", help: "M." }).inc();
    registry.gauge({ name: "zeta_depth_max", help: "Z max." }).set(3);
    const text = await registry.metrics();
    const { families } = read(text);
    expect(families.map((f) => [f.name, f.type])).toEqual([
      ["zeta_depth", "gauge"],
      ["alpha_seconds", "histogram"],
      ["middle_total", "counter"],
      ["zeta_depth_max", "gauge"],
    ]);
    const lines = text.split("\n");
    for (const { name, type } of families) {
      const help = lines.indexOf(`# HELP ${name} ${families.find((f) => f.name === name)?.help}`);
      const typeLine = lines.indexOf(`# TYPE ${name} ${type}`);
      const firstSample = lines.findIndex(
        (line) => /^[^#]/.test(line) && line.split(/[{ ]/)[0]?.startsWith(name),
      );
      expect(help, `# HELP ${name} must come first`).toBeGreaterThanOrEqual(0);
      expect(typeLine, `# TYPE ${name} must follow its HELP line`).toBeGreaterThan(help);
      expect(firstSample, `the samples of ${name} must follow its TYPE line`).toBeGreaterThan(
        typeLine,
      );
    }
  });

  it("ends every line, the last one included, with a line feed", async () => {
    const registry = new Registry();
    registry.counter({ name: "jobs_total", help: "Jobs." }).inc();
    registry.histogram({ name: "job_seconds", help: "Job time.", buckets: [1] });
    const text = await registry.metrics();
    expect(text.endsWith("\n")).toBe(true);
    expect(text).not.toContain("\r");
    expect(text.split("\n"), "a sample without labels has no braces").toContain("jobs_total 1");
    expect(read(text).samples).toHaveLength(1 + 4);
  });
});

describe("step 5 — values read at scrape time", () => {
  it("runs collect before every exposition and exposes what it set", async () => {
    const queue = ["a", "b"];
    const collect = vi.fn((gauge: { set(value: number): void }) => gauge.set(queue.length));
    const registry = new Registry();
    registry.gauge({ name: "queue_depth", help: "Jobs waiting.", collect });
    expect(sampleValue(await expose(registry), "queue_depth")).toBe("2");
    queue.push("c", "d", "e");
    expect(sampleValue(await expose(registry), "queue_depth")).toBe("5");
    expect(collect).toHaveBeenCalledTimes(2);
  });

  it("passes the gauge itself to collect", async () => {
    const registry = new Registry();
    let received: unknown;
    const gauge = registry.gauge({
      name: "workers",
      help: "Workers.",
      collect: (g) => {
        received = g;
        g.set(3);
      },
    });
    expect(sampleValue(await expose(registry), "workers")).toBe("3");
    expect(received, "collect(gauge) must get the gauge that registry.gauge() returned").toBe(
      gauge,
    );
  });

  it("awaits an async collect", async () => {
    const registry = new Registry();
    registry.gauge({
      name: "remote_queue_depth",
      help: "Read from the queue's API.",
      collect: async (gauge) => {
        await new Promise((resolve) => setImmediate(resolve));
        await Promise.resolve();
        gauge.set(42);
      },
    });
    expect(sampleValue(await expose(registry), "remote_queue_depth")).toBe("42");
  });

  it("lets collect fill labeled series", async () => {
    const depths: Record<string, number> = { emails: 4, sms: 0 };
    const registry = new Registry();
    registry.gauge({
      name: "queue_depth",
      help: "Jobs waiting.",
      labelNames: ["queue"],
      collect: (gauge) => {
        for (const [queue, depth] of Object.entries(depths)) gauge.labels({ queue }).set(depth);
      },
    });
    expect(series((await expose(registry)).samples, "queue_depth")).toEqual([
      '{queue="emails"} 4',
      '{queue="sms"} 0',
    ]);
  });

  it("runs the collects one after another, in registration order", async () => {
    const log: string[] = [];
    const slow = (name: string) => async (gauge: { set(value: number): void }) => {
      log.push(`${name} starts`);
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      log.push(`${name} ends`);
      gauge.set(1);
    };
    const registry = new Registry();
    registry.gauge({ name: "b_first_registered", help: "B.", collect: slow("b") });
    registry.gauge({ name: "a_second_registered", help: "A.", collect: slow("a") });
    await registry.metrics();
    expect(log).toEqual(["b starts", "b ends", "a starts", "a ends"]);
  });

  it("rejects metrics() with the error a collect throws", async () => {
    const registry = new Registry();
    const failure = new Error("queue API answered 503");
    registry.gauge({
      name: "queue_depth",
      help: "Jobs waiting.",
      collect: () => {
        throw failure;
      },
    });
    await expect(registry.metrics()).rejects.toBe(failure);
  });

  it("runs no later collect once one has failed", async () => {
    const registry = new Registry();
    const later = vi.fn((gauge: { set(value: number): void }) => gauge.set(1));
    const failure = new Error("queue API answered 503");
    registry.gauge({
      name: "queue_depth",
      help: "Jobs waiting.",
      collect: async () => {
        throw failure;
      },
    });
    registry.gauge({ name: "workers", help: "Workers.", collect: later });
    await expect(registry.metrics()).rejects.toBe(failure);
    expect(later, "the collects after a failed one do not run").not.toHaveBeenCalled();
  });

  it("rejects metrics() with the error an async collect rejects with", async () => {
    const registry = new Registry();
    registry.counter({ name: "jobs_total", help: "Jobs." }).inc();
    registry.gauge({
      name: "queue_depth",
      help: "Jobs waiting.",
      collect: async () => {
        await Promise.resolve();
        throw new TypeError("fetch failed");
      },
    });
    await expect(registry.metrics()).rejects.toThrow(new TypeError("fetch failed"));
  });
});

describe("step 6 — serving /metrics", () => {
  const running: MetricsServer[] = [];
  async function serve(
    registry: { metrics(): Promise<string> },
    options: { port: number; host?: string },
  ) {
    const server = await serveMetrics(registry, options);
    running.push(server);
    return server;
  }
  afterEach(async () => {
    await Promise.all(running.splice(0).map((server) => server.close().catch(() => {})));
  });

  function instrumented() {
    const registry = new Registry();
    const jobs = registry.counter({
      name: "jobs_processed_total",
      help: "Jobs done.",
      labelNames: ["queue"],
    });
    const latency = registry.histogram({
      name: "job_seconds",
      help: "Job time.",
      buckets: [0.5, 5],
    });
    jobs.labels({ queue: 'say "hi"' }).inc(3);
    latency.observe(0.2);
    latency.observe(7);
    return { registry, jobs, latency };
  }

  it("answers GET /metrics with 200, the exposition Content-Type and the registry's text", async () => {
    const { registry } = instrumented();
    const server = await serve(registry, { port: 0 });
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/metrics`);
    const response = await fetch(server.url);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(CONTENT_TYPE);
    const scraped = read(await response.text());
    expect(scraped.families.map((f) => [f.name, f.type])).toEqual([
      ["jobs_processed_total", "counter"],
      ["job_seconds", "histogram"],
    ]);
    expect(sampleValue(scraped, "jobs_processed_total", { queue: 'say "hi"' })).toBe("3");
    expect(buckets(scraped.samples, "job_seconds")).toEqual([
      ["0.5", "1"],
      ["5", "1"],
      ["+Inf", "2"],
    ]);
    expect(sampleValue(scraped, "job_seconds_sum")).toBe("7.2");
  });

  it("serves exactly what metrics() returns, for any object that has it", async () => {
    const text = "# HELP up Is it up.\n# TYPE up gauge\nup 1\n";
    const server = await serve({ metrics: async () => text }, { port: 0 });
    await expect((await fetch(server.url)).text()).resolves.toBe(text);
  });

  it("renders on every scrape: the values of that moment", async () => {
    const { registry, jobs } = instrumented();
    const server = await serve(registry, { port: 0 });
    const first = read(await (await fetch(server.url)).text());
    jobs.labels({ queue: 'say "hi"' }).inc();
    const second = read(await (await fetch(server.url)).text());
    expect(sampleValue(first, "jobs_processed_total", { queue: 'say "hi"' })).toBe("3");
    expect(sampleValue(second, "jobs_processed_total", { queue: 'say "hi"' })).toBe("4");
  });

  it("ignores the query string", async () => {
    const { registry } = instrumented();
    const server = await serve(registry, { port: 0 });
    const response = await fetch(`${server.url}?name[]=up&debug=1`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(CONTENT_TYPE);
  });

  it("answers HEAD /metrics with 200, the Content-Type and no body", async () => {
    const { registry } = instrumented();
    const server = await serve(registry, { port: 0 });
    const response = await fetch(server.url, { method: "HEAD" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(CONTENT_TYPE);
    await expect(response.text()).resolves.toBe("");
  });

  it.each(["POST", "PUT", "DELETE", "PATCH"])(
    "answers %s /metrics with 405 and Allow: GET, HEAD",
    async (method) => {
      const { registry } = instrumented();
      const server = await serve(registry, { port: 0 });
      const response = await fetch(server.url, { method });
      expect(response.status).toBe(405);
      expect(response.headers.get("allow")).toBe("GET, HEAD");
    },
  );

  it.each(["/", "/metrics/", "/metricsz", "/metrics/foo", "/favicon.ico", "/api/v1/metrics"])(
    "answers GET %s with 404",
    async (path) => {
      const { registry } = instrumented();
      const server = await serve(registry, { port: 0 });
      const response = await fetch(`http://127.0.0.1:${server.port}${path}`);
      expect(response.status).toBe(404);
    },
  );

  it.each([
    ["POST", "/"],
    ["DELETE", "/anything"],
    ["PUT", "/metricsz"],
  ])("answers %s %s with 404: another path is a 404 whatever the method", async (method, path) => {
    const { registry } = instrumented();
    const server = await serve(registry, { port: 0 });
    const response = await fetch(`http://127.0.0.1:${server.port}${path}`, { method });
    expect(response.status, "the path decides first: 405 is only for /metrics").toBe(404);
  });

  it("runs the collects for HEAD too, and answers 500 without a body when they fail", async () => {
    let broken = false;
    const collect = vi.fn(async (gauge: { set(value: number): void }) => {
      if (broken) throw new Error("queue API timed out after 5s");
      gauge.set(1);
    });
    const registry = new Registry();
    registry.gauge({ name: "queue_depth", help: "Jobs waiting.", collect });
    const server = await serve(registry, { port: 0 });
    const ok = await fetch(server.url, { method: "HEAD" });
    expect(ok.status).toBe(200);
    expect(collect, "HEAD renders like GET: the collects run").toHaveBeenCalledTimes(1);
    broken = true;
    const failed = await fetch(server.url, { method: "HEAD" });
    expect(failed.status, "HEAD answers what GET would: a 500").toBe(500);
    expect(failed.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    await expect(failed.text()).resolves.toBe("");
  });

  it("answers 500 with the error's message when collecting fails, then serves the next scrape", async () => {
    let broken = true;
    const registry = new Registry();
    registry.gauge({
      name: "queue_depth",
      help: "Jobs waiting.",
      collect: async (gauge) => {
        if (broken) throw new Error("queue API timed out after 5s");
        gauge.set(9);
      },
    });
    const server = await serve(registry, { port: 0 });
    const failed = await fetch(server.url);
    expect(failed.status).toBe(500);
    expect(failed.headers.get("content-type"), "plain text, not the exposition format").toBe(
      "text/plain; charset=utf-8",
    );
    await expect(failed.text()).resolves.toContain("queue API timed out after 5s");
    broken = false;
    const next = await fetch(server.url);
    expect(next.status).toBe(200);
    expect(sampleValue(read(await next.text()), "queue_depth")).toBe("9");
  });

  it("listens on 127.0.0.1 by default, and on the host it is given", async () => {
    const { registry } = instrumented();
    const byDefault = await serve(registry, { port: 0 });
    const explicit = await serve(registry, { port: 0, host: "127.0.0.1" });
    expect(byDefault.url.startsWith("http://127.0.0.1:")).toBe(true);
    expect(explicit.url).toBe(`http://127.0.0.1:${explicit.port}/metrics`);
    expect(explicit.port).not.toBe(byDefault.port);
    expect((await fetch(explicit.url)).status).toBe(200);
  });

  it("puts the host in url exactly as given, not the address it resolved to", async () => {
    const { registry } = instrumented();
    const server = await serve(registry, { port: 0, host: "localhost" });
    expect(server.url).toBe(`http://localhost:${server.port}/metrics`);
  });

  it.each([-1, 65_536, 1.5, Number.NaN, "9464"])(
    "rejects port %j with a RangeError",
    async (port) => {
      const { registry } = instrumented();
      await expect(serve(registry, { port: port as number })).rejects.toThrow(RangeError);
      await expect(serve(registry, { port: port as number })).rejects.toThrow(/port/);
    },
  );

  it("rejects with EADDRINUSE when the port is taken", async () => {
    const { registry } = instrumented();
    const first = await serve(registry, { port: 0 });
    await expect(serve(registry, { port: first.port })).rejects.toMatchObject({
      code: "EADDRINUSE",
    });
    expect((await fetch(first.url)).status, "the first server keeps serving").toBe(200);
  });

  it("closes: close() resolves, and the next connection is refused", async () => {
    const { registry } = instrumented();
    const server = await serve(registry, { port: 0 });
    expect((await fetch(server.url)).status).toBe(200);
    await server.close();
    await expect(fetch(server.url)).rejects.toThrow(TypeError);
  });

  it("resolves a second close() too", async () => {
    const { registry } = instrumented();
    const server = await serve(registry, { port: 0 });
    await server.close();
    await expect(server.close(), "closing twice is not an error").resolves.toBeUndefined();
    await expect(fetch(server.url)).rejects.toThrow(TypeError);
  });

  // Some containers run without an IPv6 loopback: there the test is reported as skipped, by name.
  it.skipIf(!HAS_IPV6_LOOPBACK)("puts an IPv6 host in brackets in the url", async () => {
    const { registry } = instrumented();
    const server = await serve(registry, { port: 0, host: "::1" });
    expect(server.url).toBe(`http://[::1]:${server.port}/metrics`);
    expect((await fetch(server.url)).status).toBe(200);
  });

  it("closes without waiting for a scrape that is still in progress", async () => {
    let release: () => void = () => {};
    let started = false;
    const registry = new Registry();
    registry.gauge({
      name: "stuck",
      help: "A collect that hangs.",
      collect: () =>
        new Promise<void>((resolve) => {
          started = true;
          release = resolve;
        }),
    });
    const server = await serve(registry, { port: 0 });
    const scrape = fetch(server.url).then(
      (response) => response.status,
      (error: unknown) => error,
    );
    await vi.waitFor(() => expect(started, "the scrape should have reached collect").toBe(true));
    await server.close();
    release();
    await expect(scrape).resolves.toBeInstanceOf(TypeError);
  });
});

/** Whether this machine can listen on `host` (false where IPv6 is switched off, for one). */
async function canListenOn(host: string): Promise<boolean> {
  const { createServer } = await import("node:net");
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(0, host, () => probe.close(() => resolve(true)));
  });
}
