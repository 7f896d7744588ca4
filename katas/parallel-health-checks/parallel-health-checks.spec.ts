import { delay, HttpResponse, http } from "msw";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { advance, settled, track, until } from "../../fixtures/helpers/fake-clock";
import { useMockServer } from "../../fixtures/helpers/http";
import {
  type CheckerOptions,
  createHealthChecker,
  type HealthResult,
  type Target,
} from "./parallel-health-checks";

// ---------------------------------------------------------------------------------------------
// Time is fake: setTimeout/clearTimeout (for the timeouts and msw's delay()) and Date (the clock
// the tests hand to the checker as `now`). setImmediate stays real, so msw can answer.
// ---------------------------------------------------------------------------------------------

const START = new Date("2026-12-01T09:00:00.000Z");

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  vi.setSystemTime(START);
});

afterEach(() => {
  vi.useRealTimers();
});

/** The fake clock as the checker reads it. */
const clock = () => Date.now();
const checker = (options: CheckerOptions = {}) => createHealthChecker({ now: clock, ...options });

const server = useMockServer();

interface Endpoint {
  /** Requests received so far. */
  requests: number;
  /** The signal of each request, as the server saw it. */
  signals: AbortSignal[];
}

/** Requests in flight across every endpoint of the test, and the most seen at once. */
let load = { now: 0, max: 0 };

beforeEach(() => {
  load = { now: 0, max: 0 };
});

interface Answer {
  status?: number;
  /** How long the server takes to send the headers (fake ms). */
  delayMs?: number;
  body?: string | null;
  /** Never answer at all (only an abort ends the request). */
  hang?: boolean;
  /** fetch rejects: the connection is refused or reset. */
  refuse?: boolean;
  /** The body's last bytes come this long after the headers (fake ms). */
  bodyDelayMs?: number;
  /** The body starts but never ends (only an abort, which cuts the connection, ends it). */
  bodyHangs?: boolean;
}

/** A body that sends its first bytes at once, then the rest after `ms` (never, with `null`). */
function slowBody(signal: AbortSignal, ms: number | null): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes.encode("<html><body>"));
      signal.addEventListener("abort", () => controller.error(signal.reason));
      if (ms !== null)
        setTimeout(() => {
          controller.enqueue(bytes.encode("ok</body></html>"));
          controller.close();
        }, ms);
    },
  });
}

/** Serves GET `url` with `answer` (or the answers in turn, the last one repeating). */
function serve(url: string, ...answers: Answer[]): Endpoint {
  const endpoint: Endpoint = { requests: 0, signals: [] };
  server.use(
    http.get(url, async ({ request }) => {
      endpoint.requests += 1;
      endpoint.signals.push(request.signal);
      const answer = answers[Math.min(endpoint.requests, answers.length) - 1] ?? {};
      load.now += 1;
      load.max = Math.max(load.max, load.now);
      try {
        if (answer.hang) await new Promise<never>(() => {});
        if (answer.delayMs) await delay(answer.delayMs);
      } finally {
        load.now -= 1;
      }
      if (answer.refuse) return HttpResponse.error();
      if (answer.bodyHangs || answer.bodyDelayMs !== undefined) {
        const body = slowBody(request.signal, answer.bodyHangs ? null : (answer.bodyDelayMs ?? 0));
        return new HttpResponse(body, { status: answer.status ?? 200 });
      }
      return new HttpResponse(answer.body ?? "ok", { status: answer.status ?? 200 });
    }),
  );
  return endpoint;
}

/** Serves GET `url` with `status`: the headers after `headersMs`, then the body's first bytes, then
 * the connection is reset `cutMs` later (the body read rejects; `fetch` itself had resolved). */
function serveCutBody(url: string, status: number, headersMs: number, cutMs: number): void {
  const bytes = new TextEncoder();
  server.use(
    http.get(url, async () => {
      await delay(headersMs);
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(bytes.encode("<html><body>"));
          setTimeout(() => controller.error(new Error("ECONNRESET")), cutMs);
        },
      });
      return new HttpResponse(body, { status });
    }),
  );
}

const target = (name: string, url = `https://${name}.example.test/healthz`): Target => ({
  kind: "http",
  name,
  url,
});
const urlOf = (name: string) => `https://${name}.example.test/healthz`;

/** Runs check() to the end on the fake clock. */
function run(
  checkerOrOptions: ReturnType<typeof createHealthChecker> | CheckerOptions,
  targets: Target[],
): Promise<HealthResult[]> {
  const subject =
    "check" in checkerOrOptions ? checkerOrOptions : checker(checkerOrOptions as CheckerOptions);
  return settled(subject.check(targets));
}

const result = (name: string, fields: Partial<HealthResult>): HealthResult => ({
  name,
  status: "up",
  reason: "ok",
  httpStatus: 200,
  latencyMs: 0,
  cached: false,
  ...fields,
});

// ---------------------------------------------------------------------------------------------

describe("step 1 — one endpoint", () => {
  it("reports an endpoint that answers 200 after 120 ms as up, with its latency", async () => {
    serve(urlOf("billing"), { status: 200, delayMs: 120 });
    const results = await run({}, [target("billing")]);
    expect(results).toEqual([
      {
        name: "billing",
        status: "up",
        reason: "ok",
        httpStatus: 200,
        latencyMs: 120,
        cached: false,
      },
    ]);
  });

  it("sends one GET to the target's URL", async () => {
    const seen: string[] = [];
    server.use(
      http.all(urlOf("billing"), ({ request }) => {
        seen.push(`${request.method} ${request.url}`);
        return HttpResponse.json({ status: "UP" });
      }),
    );
    await run({}, [target("billing")]);
    expect(seen).toEqual([`GET ${urlOf("billing")}`]);
  });

  it("gives one result per target, named after it", async () => {
    serve(urlOf("billing"), { delayMs: 10 });
    serve(urlOf("search"), { delayMs: 30 });
    const results = await run({}, [target("billing"), target("search")]);
    expect(results).toEqual([
      result("billing", { latencyMs: 10 }),
      result("search", { latencyMs: 30 }),
    ]);
  });

  it("resolves [] for no targets, and sends nothing", async () => {
    await expect(checker().check([])).resolves.toEqual([]);
  });
});

describe("step 2 — what an answer means", () => {
  it.each([200, 201, 204])("reports a fast %i as up", async (status) => {
    serve(urlOf("api"), { status, body: null, delayMs: 5 });
    const [api] = await run({}, [target("api")]);
    expect(api).toEqual(result("api", { httpStatus: status, latencyMs: 5 }));
  });

  it("reports a 2xx slower than slowMs (500 by default) as degraded, slow", async () => {
    serve(urlOf("slow"), { delayMs: 501 });
    serve(urlOf("edge"), { delayMs: 500 });
    const results = await run({}, [target("slow"), target("edge")]);
    expect(results).toEqual([
      result("slow", { status: "degraded", reason: "slow", latencyMs: 501 }),
      result("edge", { latencyMs: 500 }),
    ]);
  });

  it("uses the slowMs it is given", async () => {
    serve(urlOf("api"), { delayMs: 101 });
    serve(urlOf("fast"), { delayMs: 0 });
    const results = await run({ slowMs: 100 }, [target("api"), target("fast")]);
    expect(results.map((r) => r.status)).toEqual(["degraded", "up"]);
    const zero = await run({ slowMs: 0, cacheTtlMs: 0 }, [target("api"), target("fast")]);
    expect(
      zero.map((r) => r.reason),
      "slowMs 0: only an instant answer is up",
    ).toEqual(["slow", "ok"]);
  });

  it("reports a 429 as degraded, rate-limited, however fast or slow", async () => {
    serve(urlOf("fast"), { status: 429, delayMs: 3 });
    serve(urlOf("slow"), { status: 429, delayMs: 900 });
    const results = await run({}, [target("fast"), target("slow")]);
    expect(results).toEqual([
      result("fast", { status: "degraded", reason: "rate-limited", httpStatus: 429, latencyMs: 3 }),
      result("slow", {
        status: "degraded",
        reason: "rate-limited",
        httpStatus: 429,
        latencyMs: 900,
      }),
    ]);
  });

  it.each([500, 502, 503, 504, 404, 401, 403, 400, 409])(
    "reports a %i as down, http-error",
    async (status) => {
      serve(urlOf("api"), { status, delayMs: 7 });
      const [api] = await run({}, [target("api")]);
      expect(api).toEqual(
        result("api", { status: "down", reason: "http-error", httpStatus: status, latencyMs: 7 }),
      );
    },
  );

  it("follows a redirect and classifies the final answer", async () => {
    server.use(
      http.get(
        urlOf("moved"),
        () => new HttpResponse(null, { status: 302, headers: { Location: urlOf("elsewhere") } }),
      ),
    );
    serve(urlOf("elsewhere"), { status: 503 });
    const [moved] = await run({}, [target("moved")]);
    expect(moved).toMatchObject({ status: "down", reason: "http-error", httpStatus: 503 });
  });

  it.each([
    [304, {}],
    [300, { "Content-Type": "text/html" }],
  ])(
    "reports a %i that fetch hands back (not a redirect it follows) as down, http-error",
    async (status, headers) => {
      server.use(
        http.get(urlOf("api"), async () => {
          await delay(7);
          return new HttpResponse(null, { status, headers });
        }),
      );
      const [api] = await run({}, [target("api")]);
      expect(api, `a ${status} is not 2xx: down, http-error`).toEqual(
        result("api", { status: "down", reason: "http-error", httpStatus: status, latencyMs: 7 }),
      );
    },
  );

  it("reports a slow 503 as down, not degraded", async () => {
    serve(urlOf("api"), { status: 503, delayMs: 800 });
    const [api] = await run({}, [target("api")]);
    expect(api).toMatchObject({ status: "down", reason: "http-error", httpStatus: 503 });
  });

  it("reports a refused connection as down, unreachable, with no status", async () => {
    serve(urlOf("api"), { refuse: true, delayMs: 4 });
    const [api] = await run({}, [target("api")]);
    expect(api).toEqual(
      result("api", { status: "down", reason: "unreachable", httpStatus: null, latencyMs: 4 }),
    );
  });

  it("reports a body reset after the headers as unreachable, with no status, a 200 or a 503", async () => {
    serveCutBody(urlOf("ok"), 200, 20, 30);
    serveCutBody(urlOf("err"), 503, 20, 30);
    const results = await run({}, [target("ok"), target("err")]);
    expect(
      results.map((r) => `${r.name} ${r.status} ${r.reason} ${r.httpStatus}`),
      "the status counts only once its body is over: a body that fails makes the request unreachable",
    ).toEqual(["ok down unreachable null", "err down unreachable null"]);
  });

  it("never rejects because of an endpoint: every failure is a result", async () => {
    serve(urlOf("a"), { status: 500 });
    serve(urlOf("b"), { refuse: true });
    serve(urlOf("c"), { status: 200 });
    const results = await run({}, [target("a"), target("b"), target("c")]);
    expect(results.map((r) => `${r.name} ${r.status}`)).toEqual(["a down", "b down", "c up"]);
  });
});

describe("step 3 — timeouts through an AbortSignal", () => {
  it("gives up on a request with no answer after 2000 ms: down, timeout, latency 2000", async () => {
    serve(urlOf("hung"), { hang: true });
    const outcome = track(checker().check([target("hung")]));
    await until(() => load.now === 1, "the request should be sent");
    await advance(1999);
    expect(outcome.status, "no result before the timeout").toBe("pending");
    await advance(1);
    await until(() => outcome.status !== "pending", "the timeout is due after 2000 ms");
    expect(outcome.value).toEqual([
      result("hung", { status: "down", reason: "timeout", httpStatus: null, latencyMs: 2000 }),
    ]);
  });

  it("aborts the request: the signal the server sees fires", async () => {
    const hung = serve(urlOf("hung"), { hang: true });
    await run({ timeoutMs: 300 }, [target("hung")]);
    expect(hung.signals).toHaveLength(1);
    expect(hung.signals[0]?.aborted, "the request must be aborted, not just abandoned").toBe(true);
  });

  it("uses the answer that comes just before the timeout", async () => {
    serve(urlOf("late"), { delayMs: 1999 });
    const [late] = await run({}, [target("late")]);
    expect(late).toEqual(result("late", { status: "degraded", reason: "slow", latencyMs: 1999 }));
  });

  it("times out after the timeoutMs it is given, and the answer coming later is ignored", async () => {
    const late = serve(urlOf("late"), { delayMs: 301 });
    const [result300] = await run({ timeoutMs: 300 }, [target("late")]);
    expect(result300).toMatchObject({ status: "down", reason: "timeout", latencyMs: 300 });
    expect(late.signals[0]?.aborted).toBe(true);
  });

  it("times out a 2xx whose body has not ended after timeoutMs: down, timeout, no status", async () => {
    const stalled = serve(urlOf("stalled"), { delayMs: 100, bodyHangs: true });
    const outcome = track(checker({ timeoutMs: 300 }).check([target("stalled")]));
    await until(() => stalled.requests === 1, "the request should be sent");
    await advance(299);
    expect(outcome.status, "the headers came at 100 ms, but the answer is not over").toBe(
      "pending",
    );
    await advance(1);
    await until(() => outcome.status !== "pending", "the timeout is due 300 ms after sending");
    expect(outcome.value).toEqual([
      result("stalled", { status: "down", reason: "timeout", httpStatus: null, latencyMs: 300 }),
    ]);
    expect(stalled.signals[0]?.aborted, "the stalled request must be aborted").toBe(true);
  });

  it("reads the body of an error status too: a 503 whose body never ends is a timeout", async () => {
    const stalled = serve(urlOf("stalled"), { status: 503, delayMs: 100, bodyHangs: true });
    const outcome = track(checker({ timeoutMs: 300 }).check([target("stalled")]));
    await until(() => stalled.requests === 1, "the request should be sent");
    await advance(299);
    expect(outcome.status, "the 503's headers came at 100 ms, but its body is not over").toBe(
      "pending",
    );
    await advance(1);
    await until(() => outcome.status !== "pending", "the timeout is due 300 ms after sending");
    expect(
      outcome.value,
      "a status counts only once its body has ended: down, timeout, httpStatus null",
    ).toEqual([
      result("stalled", { status: "down", reason: "timeout", httpStatus: null, latencyMs: 300 }),
    ]);
    expect(stalled.signals[0]?.aborted, "the stalled request must be aborted").toBe(true);
  });

  it("starts each request's timeout when that request is sent, not when check() starts", async () => {
    serve(urlOf("first"), { delayMs: 1800 });
    serve(urlOf("second"), { delayMs: 1800 });
    const results = await run({ concurrency: 1 }, [target("first"), target("second")]);
    expect(
      results.map((r) => r.reason),
      "3600 ms in all, but each answer took 1800",
    ).toEqual(["slow", "slow"]);
  });

  it("clears the timer of a request that fails as soon as check() resolves, with no clock step", async () => {
    serve(urlOf("fast"), { status: 200 });
    serve(urlOf("down"), { status: 503 });
    serve(urlOf("gone"), { refuse: true });
    const outcome = track(checker().check([target("fast"), target("down"), target("gone")]));
    await until(() => outcome.status !== "pending", "check() should resolve without waiting");
    expect(outcome.value?.map((r) => r.reason)).toEqual(["ok", "http-error", "unreachable"]);
    expect(
      vi.getTimerCount(),
      "a refused request's timer must be cleared too, not left to fire",
    ).toBe(0);
  });

  it("leaves no timer behind once check() has resolved", async () => {
    serve(urlOf("fast"), { status: 200 });
    serve(urlOf("down"), { status: 503 });
    serve(urlOf("gone"), { refuse: true });
    serve(urlOf("hung"), { hang: true });
    const results = await run({}, [target("fast"), target("down"), target("gone"), target("hung")]);
    expect(results.map((r) => r.reason)).toEqual(["ok", "http-error", "unreachable", "timeout"]);
    expect(vi.getTimerCount(), "every timeout timer must be cleared").toBe(0);
  });
});

describe("step 4 — many at once, within a limit", () => {
  const many = (count: number, delayMs = 50) =>
    Array.from({ length: count }, (_, index) => {
      const name = `svc${index + 1}`;
      serve(urlOf(name), { delayMs });
      return target(name);
    });

  it.each([
    [undefined, 10],
    [3, 3],
    [1, 1],
  ])(
    "keeps at most concurrency (%s) requests in flight, and reaches it",
    async (limit, expected) => {
      const targets = many(25);
      const results = await run(limit === undefined ? {} : { concurrency: limit }, targets);
      expect(results).toHaveLength(25);
      expect(results.every((r) => r.status === "up")).toBe(true);
      expect(load.max, `at most ${expected} at once, and that many at some point`).toBe(expected);
    },
  );

  it("checks in parallel: 20 answers of 100 ms take 200 ms with concurrency 10", async () => {
    const targets = many(20, 100);
    const outcome = track(checker().check(targets));
    await until(() => load.now === 10, "ten requests should be in flight at once");
    await advance(100);
    await until(() => load.now === 10, "the next ten start as the first ten end");
    await advance(100);
    await until(() => outcome.status === "resolved", "all done after 200 ms");
  });

  it("gives its slots back: a check() after another one has ended gets the whole limit", async () => {
    const subject = checker({ concurrency: 3, cacheTtlMs: 0 });
    const targets = many(3);
    await run(subject, targets);
    load.max = 0;
    const again = await run(subject, targets);
    expect(again).toHaveLength(3);
    expect(load.max, "the first call's three slots must be free again").toBe(3);
  });

  it("holds the limit across check() calls running at the same time", async () => {
    const subject = checker({ concurrency: 4 });
    const first = many(6);
    const second = Array.from({ length: 6 }, (_, index) => {
      const name = `other${index}`;
      serve(urlOf(name), { delayMs: 50 });
      return target(name);
    });
    const [a, b] = await settled(Promise.all([subject.check(first), subject.check(second)]));
    expect([...(a ?? []), ...(b ?? [])]).toHaveLength(12);
    expect(load.max, "one checker, one limit").toBe(4);
  });

  it("holds a slot until the body has ended, not only until the headers arrive", async () => {
    const streaming = serve(urlOf("streaming"), { delayMs: 10, bodyDelayMs: 200 });
    const next = serve(urlOf("next"), {});
    const outcome = track(checker({ concurrency: 1 }).check([target("streaming"), target("next")]));
    await until(() => streaming.requests === 1, "the first target should be sent");
    await advance(10);
    await advance(199);
    expect(
      next.requests,
      "the first answer's headers are in, but its body is still streaming: its slot is held",
    ).toBe(0);
    await advance(1);
    await until(() => next.requests === 1, "the body ended at 210 ms: the slot goes to the next");
    await until(() => outcome.status === "resolved", "check() should resolve");
    expect(outcome.value?.map((r) => r.reason)).toEqual(["ok", "ok"]);
  });

  it("gives a freed slot to the target that has waited longest: first come, first served", async () => {
    const order: string[] = [];
    const names = ["a", "b", "c", "d"];
    for (const name of names)
      server.use(
        http.get(urlOf(name), async () => {
          order.push(name);
          await delay(10);
          return new HttpResponse("ok");
        }),
      );
    await run(
      { concurrency: 1 },
      names.map((name) => target(name)),
    );
    expect(order, "with one slot, the targets are sent in the order they queued (FIFO)").toEqual(
      names,
    );
  });

  it("hands each freed slot on at once, not when the whole batch in flight has ended", async () => {
    const sent: Record<string, number> = {};
    const plan: Record<string, number> = { slow: 100, quick: 10, third: 10, fourth: 10 };
    for (const [name, ms] of Object.entries(plan))
      server.use(
        http.get(urlOf(name), async () => {
          sent[name] = Date.now() - START.getTime();
          await delay(ms);
          return new HttpResponse("ok");
        }),
      );
    const results = await run(
      { concurrency: 2 },
      Object.keys(plan).map((name) => target(name)),
    );
    expect(results.map((r) => r.status)).toEqual(["up", "up", "up", "up"]);
    expect(
      sent,
      "quick ends at 10 ms: its slot goes to third at once (then to fourth at 20 ms), not after slow ends at 100 ms",
    ).toEqual({ slow: 0, quick: 0, third: 10, fourth: 20 });
  });

  it("keeps the results in the order of the targets when the first answers last", async () => {
    serve(urlOf("a"), { delayMs: 90 });
    serve(urlOf("b"), { delayMs: 60, status: 503 });
    serve(urlOf("c"), { delayMs: 30 });
    const results = await run({}, [target("a"), target("b"), target("c")]);
    expect(results.map((r) => r.name)).toEqual(["a", "b", "c"]);
    expect(results.map((r) => r.latencyMs)).toEqual([90, 60, 30]);
  });
});

describe("step 5 — the clock", () => {
  it("reads every latency from the now() it is given", async () => {
    serve(urlOf("api"), { delayMs: 120 });
    // A clock that runs twice as fast as the fake one.
    const double = () => 2 * Date.now();
    const [api] = await run({ now: double }, [target("api")]);
    expect(api?.latencyMs, "120 fake ms on a clock running at double speed").toBe(240);
  });

  it("rounds the latency to the nearest whole millisecond", async () => {
    serve(urlOf("api"), { delayMs: 150 });
    const up = await run({ now: () => Date.now() * 1.004 }, [target("api")]);
    expect(up[0]?.latencyMs, "150.6 ms rounds up").toBe(151);
    const down = await run({ now: () => Date.now() * 1.002 }, [target("api")]);
    expect(down[0]?.latencyMs, "150.3 ms rounds down").toBe(150);
  });

  it("judges slowness on the rounded latency, the one reported", async () => {
    serve(urlOf("api"), { delayMs: 500 });
    const under = await run({ now: () => Date.now() * 1.0008 }, [target("api")]);
    expect(under[0], "500.4 ms is latencyMs 500: not above slowMs 500").toMatchObject({
      status: "up",
      reason: "ok",
      latencyMs: 500,
    });
    const over = await run({ now: () => Date.now() * 1.0012 }, [target("api")]);
    expect(over[0], "500.6 ms is latencyMs 501: above slowMs 500").toMatchObject({
      status: "degraded",
      reason: "slow",
      latencyMs: 501,
    });
  });

  it("starts the latency once the request has its slot: waiting for one is not latency", async () => {
    serve(urlOf("first"), { delayMs: 100 });
    serve(urlOf("second"), { delayMs: 100 });
    const results = await run({ concurrency: 1 }, [target("first"), target("second")]);
    expect(
      results.map((r) => r.latencyMs),
      "the second waited 100 ms for the slot, then took 100 ms",
    ).toEqual([100, 100]);
  });

  it("measures latency to the headers: a body that takes 600 ms more does not make it slow", async () => {
    serve(urlOf("api"), { delayMs: 100, bodyDelayMs: 600 });
    const [api] = await run({}, [target("api")]);
    expect(api, "headers after 100 ms: latencyMs 100, up").toEqual(
      result("api", { latencyMs: 100 }),
    );
  });

  it("takes the latency of a body reset after the headers at the failure, not at the headers", async () => {
    serveCutBody(urlOf("cut"), 200, 20, 30);
    const results = await run({}, [target("cut")]);
    expect(
      results[0]?.latencyMs,
      "the request failed 50 ms after sending (headers at 20, reset 30 ms later): latencyMs 50",
    ).toBe(50);
  });

  it("rounds a timed-out request's latency too", async () => {
    serve(urlOf("hung"), { hang: true });
    const [hung] = await run({ timeoutMs: 300, now: () => Date.now() * 1.002 }, [target("hung")]);
    expect(hung).toMatchObject({ reason: "timeout", latencyMs: 301 });
  });

  it("looks performance.now() up at each measurement, not once when the checker is made", async () => {
    const subject = createHealthChecker();
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date", "performance"] });
    serve(urlOf("api"), { delayMs: 120 });
    const results = await settled(subject.check([target("api")]));
    expect(
      results[0]?.latencyMs,
      "performance.now was faked after createHealthChecker(): the checker must read the new one",
    ).toBe(120);
  });

  it("uses performance.now() when no clock is given", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date", "performance"] });
    serve(urlOf("api"), { delayMs: 120 });
    const results = await settled(createHealthChecker().check([target("api")]));
    expect(results[0]?.latencyMs, "the fake performance.now() moved 120 ms").toBe(120);
  });
});

describe("step 6 — the TTL cache", () => {
  it("does not send a repeat within cacheTtlMs (5000 by default): the result comes back cached", async () => {
    const api = serve(urlOf("api"), { delayMs: 40 });
    const subject = checker();
    const first = await run(subject, [target("api")]);
    await advance(4000);
    const second = await run(subject, [target("api")]);
    expect(api.requests).toBe(1);
    expect(first).toEqual([result("api", { latencyMs: 40 })]);
    expect(second).toEqual([result("api", { latencyMs: 40, cached: true })]);
  });

  it("reuses a result up to an age of exactly cacheTtlMs, and checks again 1 ms later", async () => {
    const api = serve(urlOf("api"), { delayMs: 40 }, { delayMs: 70, status: 503 });
    const subject = checker({ cacheTtlMs: 1000 });
    await run(subject, [target("api")]); // arrives at 40 ms
    await advance(1000); // age 1000
    expect((await run(subject, [target("api")]))[0]?.cached).toBe(true);
    await advance(1); // age 1001
    const third = await run(subject, [target("api")]);
    expect(api.requests).toBe(2);
    expect(third).toEqual([
      result("api", { status: "down", reason: "http-error", httpStatus: 503, latencyMs: 70 }),
    ]);
  });

  it("counts the age from when the answer arrived, not from when the request was sent", async () => {
    const api = serve(urlOf("api"), { delayMs: 1500 });
    const subject = checker({ cacheTtlMs: 2000, timeoutMs: 5000 });
    await run(subject, [target("api")]); // sent at 0, arrived at 1500
    await advance(1800); // 3300 after the send, 1800 after the arrival
    const second = await run(subject, [target("api")]);
    expect(api.requests).toBe(1);
    expect(second[0]?.cached).toBe(true);
  });

  it("counts the age from when the body ended, not from when the headers came", async () => {
    const api = serve(urlOf("api"), { delayMs: 10, bodyDelayMs: 200 });
    const subject = checker({ cacheTtlMs: 300 });
    await run(subject, [target("api")]); // headers at 10 ms, body ended (arrived) at 210 ms
    await advance(101); // 311 ms: 301 ms after the headers, 101 ms after the body ended
    const second = await run(subject, [target("api")]);
    expect(
      api.requests,
      "the result arrived when its body ended (210 ms): it is only 101 ms old",
    ).toBe(1);
    expect(second[0]?.cached).toBe(true);
    await advance(200); // 511 ms: 301 ms after the body ended
    const third = await run(subject, [target("api")]);
    expect(api.requests, "301 ms after the body ended, the result is past cacheTtlMs 300").toBe(2);
    expect(third[0]?.cached).toBe(false);
  });

  it("stores each result when it arrives, not when the whole check() has ended", async () => {
    const fast = serve(urlOf("fast"), { delayMs: 10 });
    serve(urlOf("slow"), { delayMs: 1500 });
    const subject = checker({ cacheTtlMs: 1000, timeoutMs: 5000 });
    await run(subject, [target("fast"), target("slow")]); // fast arrived at 10, the call ended at 1500
    const again = await run(subject, [target("fast")]);
    expect(
      fast.requests,
      "fast's result arrived at 10 ms: at 1500 ms it is 1490 ms old, past cacheTtlMs 1000, so it is checked again",
    ).toBe(2);
    expect(again[0]?.cached).toBe(false);
  });

  it("stores the new result when it checks again", async () => {
    const api = serve(urlOf("api"), { delayMs: 10 }, { delayMs: 20 }, { delayMs: 30 });
    const subject = checker({ cacheTtlMs: 100 });
    await run(subject, [target("api")]);
    await advance(200);
    await run(subject, [target("api")]); // re-checked: arrives with latency 20
    await advance(50);
    const third = await run(subject, [target("api")]);
    expect(api.requests).toBe(2);
    expect(third).toEqual([result("api", { latencyMs: 20, cached: true })]);
  });

  it("caches down results too", async () => {
    const api = serve(urlOf("api"), { status: 503 });
    const hung = serve(urlOf("hung"), { hang: true });
    const subject = checker({ timeoutMs: 100 });
    await run(subject, [target("api"), target("hung")]);
    const again = await run(subject, [target("api"), target("hung")]);
    expect(api.requests + hung.requests).toBe(2);
    expect(again.map((r) => `${r.reason} ${r.cached}`)).toEqual([
      "http-error true",
      "timeout true",
    ]);
  });

  it("keys the cache by URL, not by name", async () => {
    const shared = "https://lb.example.test/healthz";
    const lb = serve(shared, { delayMs: 15 });
    serve(urlOf("other"), { delayMs: 5 });
    const subject = checker();
    await run(subject, [target("front", shared)]);
    const second = await run(subject, [target("back", shared), target("front", urlOf("other"))]);
    expect(lb.requests).toBe(1);
    expect(second).toEqual([
      result("back", { latencyMs: 15, cached: true }),
      result("front", { latencyMs: 5 }),
    ]);
  });

  it("keys the cache by the URL string as given: http://host and http://host/ are two entries", async () => {
    const lb = serve("https://lb.example.test/", { delayMs: 5 });
    const subject = checker();
    await run(subject, [target("bare", "https://lb.example.test")]);
    const second = await run(subject, [target("slash", "https://lb.example.test/")]);
    expect(lb.requests, "the URL is not normalised: the second string is not in the cache").toBe(2);
    expect(second[0]?.cached).toBe(false);
  });

  it("keeps HTTP URLs and Consul services apart: a service spelled like a URL is another entry", async () => {
    const spelled = urlOf("api");
    serve(spelled, { delayMs: 5, status: 503 });
    const batch = serveConsul([consulCheck(spelled, "passing")], 25);
    const subject = withConsul();
    await run(subject, [target("site", spelled)]);
    const [service] = await run(subject, [consul("registry", spelled)]);
    expect(batch.requests, "the HTTP result for that URL is no answer for the Consul service").toBe(
      1,
    );
    expect(service).toEqual(result("registry", { latencyMs: 25 }));
    const [site] = await run(subject, [target("site", spelled)]);
    expect(site, "the Consul result did not replace the URL's own entry").toEqual(
      result("site", {
        status: "down",
        reason: "http-error",
        httpStatus: 503,
        latencyMs: 5,
        cached: true,
      }),
    );
  });

  it("compares the exact age with cacheTtlMs, never a rounded one", async () => {
    let now = 0;
    const api = serve(urlOf("api"), { delayMs: 40 });
    const subject = createHealthChecker({ now: () => now, cacheTtlMs: 1000 });
    await run(subject, [target("api")]); // arrives while now() reads 0
    now = 999.6;
    const second = await run(subject, [target("api")]);
    expect(second[0]?.cached, "999.6 ms old, with cacheTtlMs 1000: still reused").toBe(true);
    now = 1000.4;
    const third = await run(subject, [target("api")]);
    expect(
      api.requests,
      "1000.4 ms old is older than cacheTtlMs 1000 (the age is not rounded): checked again",
    ).toBe(2);
    expect(third[0]?.cached).toBe(false);
  });

  it("answers a cached target at once, even while every slot is busy: a cache hit waits for no slot", async () => {
    serve(urlOf("api"), { delayMs: 10 });
    serve(urlOf("slow"), { delayMs: 1000 });
    const subject = checker({ concurrency: 1 });
    await run(subject, [target("api")]);
    const busy = track(subject.check([target("slow")]));
    await until(() => load.now === 1, "the slow request should hold the only slot");
    const again = track(subject.check([target("api")]));
    await until(
      () => again.status !== "pending",
      "a cached result sends nothing and takes no slot: it should come without waiting for the busy one",
    );
    expect(busy.status, "the slow request is still in flight").toBe("pending");
    expect(again.value).toEqual([result("api", { latencyMs: 10, cached: true })]);
    await advance(1000);
    await until(() => busy.status !== "pending", "the slow request should end after 1000 ms");
  });

  it("shares a request in flight with a target of the same URL in the same call", async () => {
    const shared = "https://lb.example.test/healthz";
    const lb = serve(shared, { delayMs: 30 });
    const results = await run({}, [target("front", shared), target("back", shared)]);
    expect(lb.requests).toBe(1);
    expect(results).toEqual([
      result("front", { latencyMs: 30 }),
      result("back", { latencyMs: 30 }),
    ]);
  });

  it("shares a request in flight with another check() on the same checker", async () => {
    const api = serve(urlOf("api"), { delayMs: 80 });
    const subject = checker();
    const first = subject.check([target("api")]);
    await advance(40);
    const second = subject.check([target("api-again", urlOf("api"))]);
    const [a, b] = await settled(Promise.all([first, second]));
    expect(api.requests).toBe(1);
    expect(a).toEqual([result("api", { latencyMs: 80 })]);
    expect(b).toEqual([result("api-again", { latencyMs: 80 })]);
  });

  it("keeps nothing with cacheTtlMs: 0, and shares nothing either", async () => {
    const api = serve(urlOf("api"), { delayMs: 10 });
    const subject = checker({ cacheTtlMs: 0 });
    const first = await run(subject, [target("api"), target("twin", urlOf("api"))]);
    const second = await run(subject, [target("api")]);
    expect(api.requests).toBe(3);
    expect([...first, ...second].every((r) => !r.cached)).toBe(true);
  });

  it("gives each checker a cache of its own", async () => {
    const api = serve(urlOf("api"));
    await run(checker(), [target("api")]);
    const other = await run(checker(), [target("api")]);
    expect(api.requests).toBe(2);
    expect(other[0]?.cached).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// Consul's /v1/health/state/any: every check of every node, an array of objects shaped as in
// Consul's HTTP API docs (Health → List Checks in State).

const CONSUL = "http://consul.service.internal:8500";
const STATE_ANY = `${CONSUL}/v1/health/state/any`;

function consulCheck(serviceName: string, status: string, node = "ip-10-0-1-17") {
  const serviceId = serviceName === "" ? "" : `${serviceName}-1`;
  return {
    Node: node,
    CheckID: serviceName === "" ? "serfHealth" : `service:${serviceId}`,
    Name: serviceName === "" ? "Serf Health Status" : `Service '${serviceName}' check`,
    Status: status,
    Notes: "",
    Output: status === "passing" ? "HTTP GET http://10.0.1.17:8080/healthz: 200 OK" : "timeout",
    ServiceID: serviceId,
    ServiceName: serviceName,
    ServiceTags: serviceName === "" ? [] : ["v2"],
    Type: serviceName === "" ? "" : "http",
    CreateIndex: 1042,
    ModifyIndex: 1187,
  };
}

const consul = (name: string, service = name): Target => ({ kind: "consul", name, service });

/** Serves /v1/health/state/any with these checks, after `delayMs`. */
function serveConsul(checks: unknown, delayMs = 25, status = 200): Endpoint {
  return serve(STATE_ANY, { delayMs, status, body: JSON.stringify(checks) });
}

const withConsul = (options: CheckerOptions = {}) => checker({ consulUrl: CONSUL, ...options });

describe("step 7 — one batch call for Consul", () => {
  const fleet = [
    consulCheck("", "passing"),
    consulCheck("api", "passing"),
    consulCheck("api", "passing", "ip-10-0-2-9"),
    consulCheck("web", "passing"),
    consulCheck("web", "warning", "ip-10-0-2-9"),
    consulCheck("db", "passing"),
    consulCheck("db", "critical", "ip-10-0-2-9"),
  ];

  it("answers every Consul service from one request to /v1/health/state/any", async () => {
    const batch = serveConsul(fleet, 25);
    const results = await run(withConsul(), [consul("api"), consul("web"), consul("db")]);
    expect(batch.requests, "one request, not one per service").toBe(1);
    expect(results).toEqual([
      result("api", { latencyMs: 25 }),
      result("web", { status: "degraded", reason: "warning", latencyMs: 25 }),
      result("db", { status: "down", reason: "critical", latencyMs: 25 }),
    ]);
  });

  it("reads an empty batch answer ([]) as no checks at all: every service is not-registered", async () => {
    serveConsul([], 25);
    const results = await run(withConsul(), [consul("api"), consul("web")]);
    expect(results, "[] is an array of checks, with none in it: not an invalid response").toEqual([
      result("api", { status: "down", reason: "not-registered", latencyMs: 25 }),
      result("web", { status: "down", reason: "not-registered", latencyMs: 25 }),
    ]);
  });

  it("reports a service with no checks as down, not-registered", async () => {
    serveConsul(fleet);
    const [cache] = await run(withConsul(), [consul("cache")]);
    expect(cache).toMatchObject({ status: "down", reason: "not-registered", httpStatus: 200 });
  });

  it("lets the worst check win: critical over warning, anything unknown as critical", async () => {
    serveConsul([
      consulCheck("queue", "warning"),
      consulCheck("queue", "critical", "n2"),
      consulCheck("queue", "passing", "n3"),
      consulCheck("maint", "passing"),
      consulCheck("maint", "maintenance", "n2"),
      consulCheck("warned", "passing"),
      consulCheck("warned", "warning", "n2"),
      consulCheck("warned", "passing", "n3"),
      consulCheck("cased", "Passing"),
      consulCheck("shout", "passing"),
      consulCheck("shout", "WARNING", "n2"),
    ]);
    const results = await run(withConsul(), [
      consul("queue"),
      consul("maint"),
      consul("warned"),
      consul("cased"),
      consul("shout"),
    ]);
    expect(
      results.map((r) => `${r.name} ${r.status} ${r.reason}`),
      'Status is compared exactly: "Passing" and "WARNING" are neither passing nor warning',
    ).toEqual([
      "queue down critical",
      "maint down critical",
      "warned degraded warning",
      "cased down critical",
      "shout down critical",
    ]);
  });

  it("counts only the service's own checks: node checks and other services are not its", async () => {
    serveConsul([
      consulCheck("", "critical"),
      consulCheck("api", "passing"),
      consulCheck("api-gateway", "critical"),
      consulCheck("API", "critical"),
    ]);
    const [api] = await run(withConsul(), [consul("api")]);
    expect(api).toMatchObject({ status: "up", reason: "ok" });
  });

  it("does not apply slowMs to Consul targets", async () => {
    serveConsul(fleet, 900);
    const [api] = await run(withConsul(), [consul("api")]);
    expect(api).toEqual(result("api", { latencyMs: 900 }));
  });

  it("mixes HTTP and Consul targets, in the order given", async () => {
    serveConsul(fleet, 25);
    serve(urlOf("edge"), { delayMs: 5 });
    const results = await run(withConsul(), [
      consul("orders database", "db"),
      target("edge"),
      consul("public API", "api"),
    ]);
    expect(results.map((r) => `${r.name}: ${r.status}`)).toEqual([
      "orders database: down",
      "edge: up",
      "public API: up",
    ]);
  });

  it.each([
    [{ status: 500 }, { status: "down", reason: "http-error", httpStatus: 500 }],
    [{ status: 429 }, { status: "degraded", reason: "rate-limited", httpStatus: 429 }],
    [{ refuse: true }, { status: "down", reason: "unreachable", httpStatus: null }],
    [{ hang: true }, { status: "down", reason: "timeout", httpStatus: null, latencyMs: 2000 }],
  ] as const)(
    "gives every Consul target the result of a failed batch: %j",
    async (answer, expected) => {
      serve(STATE_ANY, answer);
      const results = await run(withConsul(), [consul("api"), consul("web")]);
      expect(results).toEqual([
        expect.objectContaining({ name: "api", ...expected }),
        expect.objectContaining({ name: "web", ...expected }),
      ]);
    },
  );

  it.each([
    ["not JSON", "<html>Consul is starting</html>"],
    ["an object", JSON.stringify({ api: "passing" })],
    ["an array of strings", JSON.stringify(["api"])],
    ["a check without Status", JSON.stringify([{ ServiceName: "api" }])],
    [
      "a check whose ServiceName is null",
      JSON.stringify([{ ServiceName: null, Status: "passing" }]),
    ],
    [
      "a good check, then a bad one",
      JSON.stringify([consulCheck("api", "passing"), { ServiceName: "web", Status: 2 }]),
    ],
    ["an array holding null", JSON.stringify([consulCheck("api", "passing"), null])],
    ["null", "null"],
  ])("reports an answer that is %s as down, invalid-response", async (_label, body) => {
    serve(STATE_ANY, { body, delayMs: 12 });
    const results = await run(withConsul(), [consul("api"), consul("web")]);
    for (const name of ["api", "web"])
      expect(results.find((r) => r.name === name)).toEqual(
        result(name, { status: "down", reason: "invalid-response", latencyMs: 12 }),
      );
  });

  it("drops one trailing slash of consulUrl", async () => {
    const batch = serveConsul(fleet);
    await run(checker({ consulUrl: `${CONSUL}/` }), [consul("api")]);
    expect(batch.requests).toBe(1);
  });

  it("drops only one trailing slash of consulUrl: a second one stays in the path", async () => {
    const asked: string[] = [];
    server.use(
      http.get(/\/v1\/health\/state\/any$/, async ({ request }) => {
        asked.push(request.url);
        await delay(25);
        return HttpResponse.json(fleet);
      }),
    );
    await run(checker({ consulUrl: `${CONSUL}//` }), [consul("api")]);
    expect(asked, "consulUrl http://…:8500// keeps one slash: …:8500//v1/health/state/any").toEqual(
      [`${CONSUL}//v1/health/state/any`],
    );
  });

  it("keeps the path of consulUrl: the batch path is appended to it, not resolved against it", async () => {
    const asked: string[] = [];
    server.use(
      http.get(/\/v1\/health\/state\/any$/, async ({ request }) => {
        asked.push(request.url);
        await delay(25);
        return HttpResponse.json(fleet);
      }),
    );
    const [api] = await run(checker({ consulUrl: "http://gw.example.test/consul/" }), [
      consul("api"),
    ]);
    expect(api).toEqual(result("api", { latencyMs: 25 }));
    expect(
      asked,
      "consulUrl http://gw.example.test/consul/ asks for …/consul/v1/health/state/any",
    ).toEqual(["http://gw.example.test/consul/v1/health/state/any"]);
  });

  it('gives a target with service "" exactly the node checks', async () => {
    serveConsul([
      consulCheck("", "warning"),
      consulCheck("", "passing", "ip-10-0-2-9"),
      consulCheck("api", "critical"),
    ]);
    const [node] = await run(withConsul(), [consul("node", "")]);
    expect(node, 'service "" matches the node checks (ServiceName "") exactly').toMatchObject({
      status: "degraded",
      reason: "warning",
    });
  });

  it("rejects a Consul target without consulUrl, before sending anything", async () => {
    const edge = serve(urlOf("edge"));
    const outcome = track(checker().check([target("edge"), consul("api")]));
    await until(() => outcome.status !== "pending", "check() should reject at once");
    expect(outcome.error).toBeInstanceOf(TypeError);
    expect((outcome.error as Error).message).toBe("a consul target needs the consulUrl option");
    expect(edge.requests).toBe(0);
  });

  it("asks Consul only for services not in the cache, and not at all when all are", async () => {
    const batch = serveConsul(fleet, 25);
    const subject = withConsul();
    await run(subject, [consul("api"), consul("web")]);
    const cachedOnly = await run(subject, [consul("web"), consul("api")]);
    expect(batch.requests, "every service was fresh in the cache").toBe(1);
    expect(cachedOnly.map((r) => r.cached)).toEqual([true, true]);
    const mixed = await run(subject, [consul("api"), consul("db")]);
    expect(batch.requests, "db was not cached: one more batch").toBe(2);
    expect(mixed.map((r) => `${r.name} ${r.cached} ${r.reason}`)).toEqual([
      "api true ok",
      "db false critical",
    ]);
  });

  it("shares a service in flight from another check(), and batches only the others", async () => {
    const batch = serve(
      STATE_ANY,
      { delayMs: 100, body: JSON.stringify([consulCheck("api", "passing")]) },
      {
        delayMs: 100,
        body: JSON.stringify([consulCheck("api", "critical"), consulCheck("db", "passing")]),
      },
    );
    const subject = withConsul();
    const first = track(subject.check([consul("api")]));
    await until(() => batch.requests === 1, "the first batch should be sent");
    await advance(50);
    const second = track(subject.check([consul("api-again", "api"), consul("db")]));
    await until(() => batch.requests === 2, "db is in no batch yet: a second batch is sent");
    await advance(200);
    await until(() => second.status !== "pending", "both batches have answered");
    expect(first.value).toEqual([result("api", { latencyMs: 100 })]);
    expect(second.value, "api comes from the first batch, db from the second").toEqual([
      result("api-again", { latencyMs: 100 }),
      result("db", { latencyMs: 100 }),
    ]);
  });

  it("sends no batch when every Consul target is in flight in another check()'s batch", async () => {
    const batch = serveConsul([consulCheck("api", "passing"), consulCheck("db", "warning")], 100);
    const subject = withConsul();
    const first = track(subject.check([consul("api"), consul("db")]));
    await until(() => batch.requests === 1, "the first batch should be sent");
    await advance(50);
    const second = track(subject.check([consul("db-again", "db"), consul("api-again", "api")]));
    await advance(200);
    await until(() => second.status !== "pending", "the first batch has answered both calls");
    expect(batch.requests, "api and db are both in the first batch: no second batch").toBe(1);
    expect(first.status).toBe("resolved");
    expect(second.value, "both come from the first batch").toEqual([
      result("db-again", { status: "degraded", reason: "warning", latencyMs: 100 }),
      result("api-again", { latencyMs: 100 }),
    ]);
  });

  it("reads the batch body whatever its Content-Type: a JSON array sent as text/plain counts", async () => {
    server.use(
      http.get(STATE_ANY, async () => {
        await delay(25);
        return new HttpResponse(JSON.stringify([consulCheck("api", "passing")]), {
          status: 200,
          headers: { "Content-Type": "text/plain" },
        });
      }),
    );
    const results = await run(withConsul(), [consul("api")]);
    expect(results, "only the body counts, not the Content-Type header").toEqual([
      result("api", { latencyMs: 25 }),
    ]);
  });

  it("counts the batch request as one of the requests in flight", async () => {
    serveConsul(fleet, 50);
    serve(urlOf("edge"), { delayMs: 50 });
    serve(urlOf("core"), { delayMs: 50 });
    const results = await run(withConsul({ concurrency: 2 }), [
      target("edge"),
      consul("api"),
      target("core"),
      consul("db"),
    ]);
    expect(results).toHaveLength(4);
    expect(load.max).toBe(2);
  });

  it("queues the batch at the first Consul target that needs it, not at a cached one before it", async () => {
    const order: string[] = [];
    const record = (name: string, body = "ok") =>
      http.get(name === "consul" ? STATE_ANY : urlOf(name), async () => {
        order.push(name);
        await delay(10);
        return new HttpResponse(body);
      });
    server.use(
      record("a"),
      record("b"),
      record("consul", JSON.stringify([consulCheck("x", "passing"), consulCheck("y", "passing")])),
    );
    const subject = withConsul({ concurrency: 1 });
    await run(subject, [consul("x")]); // x is now fresh in the cache
    order.length = 0;
    const results = await run(subject, [target("a"), consul("x"), target("b"), consul("y")]);
    expect(
      order,
      "x is cached: the batch is for y, so it queues in y's place, after b (a, b, then the batch)",
    ).toEqual(["a", "b", "consul"]);
    expect(results.map((r) => `${r.name} ${r.cached}`)).toEqual([
      "a false",
      "x true",
      "b false",
      "y false",
    ]);
  });

  it("queues the batch where its first Consul target stands, not behind the HTTP targets", async () => {
    const order: string[] = [];
    const record = (name: string, body = "ok") =>
      http.get(name === "consul" ? STATE_ANY : urlOf(name), async () => {
        order.push(name);
        await delay(10);
        return new HttpResponse(body);
      });
    server.use(
      record("a"),
      record("b"),
      record("c"),
      record("consul", JSON.stringify([consulCheck("api", "passing")])),
    );
    const results = await run(withConsul({ concurrency: 1 }), [
      target("a"),
      consul("api"),
      target("b"),
      consul("api-again", "api"),
      target("c"),
    ]);
    expect(
      order,
      "with one slot, the batch waits in the queue in the place of the first Consul target (FIFO)",
    ).toEqual(["a", "consul", "b", "c"]);
    expect(results.map((r) => `${r.name} ${r.reason}`)).toEqual([
      "a ok",
      "api ok",
      "b ok",
      "api-again ok",
      "c ok",
    ]);
  });
});

describe("step 8 — bad options", () => {
  it.each([
    [{ concurrency: 0 }, "concurrency must be a whole number >= 1 (got 0)"],
    [{ concurrency: 2.5 }, "concurrency must be a whole number >= 1 (got 2.5)"],
    [{ concurrency: Number.NaN }, "concurrency must be a whole number >= 1 (got NaN)"],
    [
      { concurrency: Number.POSITIVE_INFINITY },
      "concurrency must be a whole number >= 1 (got Infinity)",
    ],
    [{ timeoutMs: 0 }, "timeoutMs must be a finite number > 0 (got 0)"],
    [{ timeoutMs: -5 }, "timeoutMs must be a finite number > 0 (got -5)"],
    [{ timeoutMs: Number.NaN }, "timeoutMs must be a finite number > 0 (got NaN)"],
    [
      { timeoutMs: Number.POSITIVE_INFINITY },
      "timeoutMs must be a finite number > 0 (got Infinity)",
    ],
    [{ slowMs: -1 }, "slowMs must be a finite number >= 0 (got -1)"],
    [{ slowMs: Number.NaN }, "slowMs must be a finite number >= 0 (got NaN)"],
    [{ slowMs: Number.POSITIVE_INFINITY }, "slowMs must be a finite number >= 0 (got Infinity)"],
    [{ cacheTtlMs: -1 }, "cacheTtlMs must be a whole number >= 0 (got -1)"],
    [{ cacheTtlMs: 1.5 }, "cacheTtlMs must be a whole number >= 0 (got 1.5)"],
    [{ cacheTtlMs: Number.NaN }, "cacheTtlMs must be a whole number >= 0 (got NaN)"],
    [
      { cacheTtlMs: Number.POSITIVE_INFINITY },
      "cacheTtlMs must be a whole number >= 0 (got Infinity)",
    ],
  ] as const)("throws a RangeError for %j", (options, message) => {
    expect(() => createHealthChecker(options)).toThrow(RangeError);
    expect(() => createHealthChecker(options)).toThrow(message);
  });

  it.each(["//consul.service.internal:8500", "", "/v1", "consul.internal/v1"])(
    "throws a TypeError for consulUrl %j",
    (consulUrl) => {
      expect(() => createHealthChecker({ consulUrl })).toThrow(TypeError);
      expect(() => createHealthChecker({ consulUrl })).toThrow(
        `consulUrl must be an absolute URL (got ${consulUrl})`,
      );
    },
  );

  it.each([
    [{ concurrency: 0, timeoutMs: 0 }, RangeError, "timeoutMs must be a finite number > 0 (got 0)"],
    [{ timeoutMs: -1, slowMs: -1 }, RangeError, "timeoutMs must be a finite number > 0 (got -1)"],
    [{ consulUrl: "", slowMs: -1 }, RangeError, "slowMs must be a finite number >= 0 (got -1)"],
    [{ concurrency: 0, consulUrl: "" }, TypeError, "consulUrl must be an absolute URL (got )"],
    [
      { cacheTtlMs: -1, concurrency: 0 },
      RangeError,
      "concurrency must be a whole number >= 1 (got 0)",
    ],
    [
      { cacheTtlMs: -1, consulUrl: "/v1", concurrency: 0, slowMs: -1, timeoutMs: 0 },
      RangeError,
      "timeoutMs must be a finite number > 0 (got 0)",
    ],
  ] as const)(
    "checks the options in the table's order: %j throws the first bad one's error",
    (options, type, message) => {
      const attempt = () => createHealthChecker(options);
      expect(attempt, `expected the ${type.name} of the first bad option in the table`).toThrow(
        type,
      );
      expect(attempt).toThrow(message);
    },
  );

  it("accepts the edge values: concurrency 1, a tiny timeout, slowMs 0, cacheTtlMs 0", async () => {
    serve(urlOf("api"));
    const subject = createHealthChecker({
      concurrency: 1,
      timeoutMs: 0.5,
      slowMs: 0,
      cacheTtlMs: 0,
    });
    const results = await settled(subject.check([target("api")]));
    expect(results).toHaveLength(1);
  });

  it.each([
    "HTTP://CONSUL.service.internal:8500",
    "consul:8500",
    "unix:/var/run/consul.sock",
    "ftp://consul.service.internal",
  ])("accepts consulUrl %j: any string new URL parses, whatever its scheme", (consulUrl) => {
    const subject = createHealthChecker({ consulUrl });
    expect(typeof subject.check, `consulUrl ${consulUrl} is an absolute URL: no TypeError`).toBe(
      "function",
    );
  });

  it("sends the batch to a consulUrl written in upper case, as fetch normalises it", async () => {
    const batch = serveConsul([consulCheck("api", "passing")]);
    const [api] = await run(checker({ consulUrl: "HTTP://CONSUL.service.internal:8500" }), [
      consul("api"),
    ]);
    expect(batch.requests).toBe(1);
    expect(api).toEqual(result("api", { latencyMs: 25 }));
  });
});
