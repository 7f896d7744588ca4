import { delay, HttpResponse, http, type JsonBodyType } from "msw";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  advance,
  FAKE_TIMEOUTS,
  type Outcome,
  settle,
  settled,
  track,
  until,
} from "../../fixtures/helpers/fake-clock";
import { useMockServer } from "../../fixtures/helpers/http";
import {
  type CollectOptions,
  collectMetrics,
  FetchError,
  type MetricsReport,
  type Problem,
} from "./nested-api-calls";

// ---------------------------------------------------------------------------------------------
// The mocked portal API. Its pages have the shape of Django REST framework's page-number
// pagination: { count, next, previous, results }, `next` an absolute URL with ?page=N, and an
// out-of-range page answering 404 { "detail": "Invalid page." }.
// ---------------------------------------------------------------------------------------------

const API = "https://portal.example.test/api/v2";
const USERS = `${API}/users/`;
const detailsUrl = (userId: number) => `${API}/users/${userId}/details/`;
const metricsUrl = (detailId: number) => `${API}/details/${detailId}/metrics/`;
const pageUrl = (first: string, page: number) => (page === 1 ? first : `${first}?page=${page}`);

const server = useMockServer();

type Item = Record<string, unknown>;

/** A user as the portal sends it: more fields than the kata's User type. */
const user = (id: number, username: string): Item => ({
  id,
  username,
  email: `${username}@example.test`,
  is_staff: false,
});
const detail = (id: number, service: string): Item => ({
  id,
  service,
  environment: "prod",
  url: `${API}/details/${id}/`,
});
const metric = (name: string, value: number): Item => ({
  name,
  value,
  unit: "ms",
  collected_at: "2026-11-30T08:00:00Z",
});

/** One DRF page of `pages` (1-based), as the portal would answer `first?page=n`. */
function drfPage(first: string, pages: Item[][], n: number) {
  const results = pages[n - 1];
  if (results === undefined) return HttpResponse.json({ detail: "Invalid page." }, { status: 404 });
  return HttpResponse.json({
    count: pages.flat().length,
    next: n < pages.length ? pageUrl(first, n + 1) : null,
    previous: n > 1 ? pageUrl(first, n - 1) : null,
    results,
  });
}

interface Portal {
  /** The users listing, page by page. */
  users: Item[][];
  /** Each user's details listing, page by page (default: one empty page). */
  details?: Record<number, Item[][]>;
  /** Each detail's metrics listing, page by page (default: one empty page). */
  metrics?: Record<number, Item[][]>;
}

interface Sent {
  url: string;
  accept: string | null;
}

/** Every request that reached the mock, in the order it was sent. */
let sent: Sent[] = [];
server.events.on("request:start", ({ request }) => {
  sent.push({ url: request.url, accept: request.headers.get("accept") });
});
const urlsSent = () => sent.map((request) => request.url);
const sentTo = (url: string) => urlsSent().filter((sentUrl) => sentUrl === url).length;
const metricsRequests = () => urlsSent().filter((url) => url.includes("/metrics/"));

function pageNumber(request: Request): number {
  return Number(new URL(request.url).searchParams.get("page") ?? "1");
}

/** Serves a whole portal; a test can put handlers for special answers in front of it. */
function servePortal(portal: Portal): void {
  server.use(
    http.get(USERS, ({ request }) => drfPage(USERS, portal.users, pageNumber(request))),
    http.get(`${API}/users/:id/details/`, ({ request, params }) => {
      const id = Number(params.id);
      return drfPage(detailsUrl(id), portal.details?.[id] ?? [[]], pageNumber(request));
    }),
    http.get(`${API}/details/:id/metrics/`, ({ request, params }) => {
      const id = Number(params.id);
      return drfPage(metricsUrl(id), portal.metrics?.[id] ?? [[]], pageNumber(request));
    }),
  );
}

/** Answers GET `url` (with `?page=` when `page` > 1) with the given answers in turn; the last repeats. */
function answerInTurn(url: string, ...answers: Array<() => Response | Promise<Response>>) {
  let calls = 0;
  server.use(
    http.get(url.split("?")[0] ?? url, ({ request }) => {
      if (request.url !== url) return undefined; // another page: let the portal answer it
      calls += 1;
      return answers[Math.min(calls, answers.length) - 1]?.();
    }),
  );
}

const status = (code: number) => () => new HttpResponse(null, { status: code });
const jsonError = (code: number) => () =>
  HttpResponse.json({ detail: "Service temporarily unavailable." }, { status: code });
const dropped = () => () => HttpResponse.error();
const body = (value: unknown) => () => HttpResponse.json(value as JsonBodyType);
const text =
  (value: string, contentType = "text/html") =>
  () =>
    new HttpResponse(value, { status: 200, headers: { "Content-Type": contentType } });
/** A `code` answer whose connection drops while its body is read: `response.text()` rejects. */
const cutOff = (code: number) => () =>
  new HttpResponse(
    new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"count": 3, "next": null, "resu'));
        controller.error(new TypeError("terminated: other side closed"));
      },
    }),
    { status: code, headers: { "Content-Type": "application/json" } },
  );

/** A small portal: two users; ada owns two services, grace one. */
const smallPortal = (): Portal => ({
  users: [[user(1, "ada"), user(2, "grace")]],
  details: {
    1: [[detail(11, "billing-api"), detail(12, "billing-worker")]],
    2: [[detail(21, "search")]],
  },
  metrics: {
    11: [[metric("p99_latency_ms", 182.5), metric("error_rate", 0.002)]],
    12: [[metric("queue_depth", 40)]],
    21: [[metric("p99_latency_ms", 95)]],
  },
});

const zero = { fetched: 0, skipped: 0, failed: 0 };

beforeEach(() => {
  sent = [];
  vi.useFakeTimers(FAKE_TIMEOUTS);
});

afterEach(() => {
  vi.useRealTimers();
});

/** Runs collectMetrics to the end on the fake clock and returns its report. */
function collect(options: Partial<CollectOptions> = {}): Promise<MetricsReport> {
  return settled(collectMetrics({ baseUrl: API, ...options }));
}

/** Runs collectMetrics to the end and returns how it settled (for the rejections). */
function collectOutcome(options: Partial<CollectOptions> = {}): Promise<Outcome<MetricsReport>> {
  return settle(collectMetrics({ baseUrl: API, ...options }));
}

const problemFor = (report: MetricsReport, level: Problem["level"], id: number) =>
  report.problems.find((problem) => problem.level === level && problem.id === id);

// ---------------------------------------------------------------------------------------------

describe("step 1 — one page at each level", () => {
  it("walks users → details → metrics and returns the tree, with only the typed fields", async () => {
    servePortal(smallPortal());
    const report = await collect();
    expect(report).toEqual({
      users: [
        {
          user: { id: 1, username: "ada" },
          details: [
            {
              detail: { id: 11, service: "billing-api" },
              metrics: [
                { name: "p99_latency_ms", value: 182.5 },
                { name: "error_rate", value: 0.002 },
              ],
            },
            {
              detail: { id: 12, service: "billing-worker" },
              metrics: [{ name: "queue_depth", value: 40 }],
            },
          ],
        },
        {
          user: { id: 2, username: "grace" },
          details: [
            {
              detail: { id: 21, service: "search" },
              metrics: [{ name: "p99_latency_ms", value: 95 }],
            },
          ],
        },
      ],
      problems: [],
      counts: { users: { fetched: 2, skipped: 0, failed: 0 }, details: { ...zero, fetched: 3 } },
    });
  });

  it("drops every field the API sends beyond the type (email, environment, unit…)", async () => {
    servePortal(smallPortal());
    const report = await collect();
    const ada = report.users[0];
    expect(Object.keys(ada?.user ?? {}), "a User has id and username only").toEqual([
      "id",
      "username",
    ]);
    expect(Object.keys(ada?.details[0]?.detail ?? {})).toEqual(["id", "service"]);
    expect(Object.keys(ada?.details[0]?.metrics[0] ?? {})).toEqual(["name", "value"]);
  });

  it("requests the users, then each user's details, then each detail's metrics", async () => {
    servePortal(smallPortal());
    await collect();
    expect(urlsSent()[0], "the users listing comes first").toBe(USERS);
    expect([...urlsSent()].sort()).toEqual(
      [USERS, detailsUrl(1), detailsUrl(2), metricsUrl(11), metricsUrl(12), metricsUrl(21)].sort(),
    );
    const index = (url: string) => urlsSent().indexOf(url);
    expect(
      index(metricsUrl(11)),
      "a detail's metrics come after its user's details",
    ).toBeGreaterThan(index(detailsUrl(1)));
    expect(index(metricsUrl(21))).toBeGreaterThan(index(detailsUrl(2)));
  });

  it("sends Accept: application/json with every request", async () => {
    servePortal(smallPortal());
    await collect();
    expect(sent).toHaveLength(6);
    for (const request of sent) expect(request.accept, request.url).toBe("application/json");
  });

  it("gives an empty report for an empty users listing, after one request", async () => {
    servePortal({ users: [[]] });
    const report = await collect();
    expect(report).toEqual({ users: [], problems: [], counts: { users: zero, details: zero } });
    expect(urlsSent()).toEqual([USERS]);
  });

  it("keeps a user with no details, and a detail with no metrics, with empty lists", async () => {
    servePortal({
      users: [[user(1, "ada"), user(2, "grace")]],
      details: { 1: [[]], 2: [[detail(21, "search")]] },
      metrics: { 21: [[]] },
    });
    const report = await collect();
    expect(report.users).toEqual([
      { user: { id: 1, username: "ada" }, details: [] },
      {
        user: { id: 2, username: "grace" },
        details: [{ detail: { id: 21, service: "search" }, metrics: [] }],
      },
    ]);
    expect(report.counts).toEqual({
      users: { ...zero, fetched: 2 },
      details: { ...zero, fetched: 1 },
    });
  });

  it("reads the items of any 2xx answer, not only of a 200", async () => {
    servePortal(smallPortal());
    answerInTurn(detailsUrl(2), () =>
      HttpResponse.json(
        { count: 1, next: null, previous: null, results: [detail(21, "search")] },
        { status: 203 },
      ),
    );
    const report = await collect();
    expect(report.users[1]?.details.map((entry) => entry.detail.id)).toEqual([21]);
    expect(report.problems).toEqual([]);
  });

  it("drops one trailing slash of baseUrl", async () => {
    servePortal(smallPortal());
    const report = await collect({ baseUrl: `${API}/` });
    expect(report.users).toHaveLength(2);
    expect(urlsSent()[0]).toBe(USERS);
  });

  it("drops only one trailing slash: a baseUrl ending in // asks for …//users/", async () => {
    server.use(
      http.get(/\/api\/v2\/\/users\/$/, () =>
        HttpResponse.json({ count: 0, next: null, previous: null, results: [] }),
      ),
    );
    const report = await collect({ baseUrl: `${API}//` });
    expect(urlsSent(), "one / is dropped and the other kept, as text").toEqual([`${API}//users/`]);
    expect(report.users).toEqual([]);
  });
});

describe("step 2 — following next", () => {
  it("reads every page of the users listing, in order", async () => {
    servePortal({
      users: [
        [user(1, "ada"), user(2, "grace")],
        [user(3, "linus"), user(4, "barbara")],
        [user(5, "ken")],
      ],
    });
    const report = await collect();
    expect(report.users.map((entry) => entry.user.id)).toEqual([1, 2, 3, 4, 5]);
    expect(urlsSent().slice(0, 3), "one page after the other").toEqual([
      USERS,
      `${USERS}?page=2`,
      `${USERS}?page=3`,
    ]);
    expect(report.counts.users).toEqual({ ...zero, fetched: 5 });
  });

  it("reads every page of the details and metrics listings, in order", async () => {
    servePortal({
      users: [[user(1, "ada")]],
      details: { 1: [[detail(11, "api")], [detail(12, "worker"), detail(13, "cron")]] },
      metrics: {
        11: [[metric("a", 1)], [metric("b", 2)], [metric("c", 3)]],
        13: [[metric("d", 4), metric("e", 5)], [metric("f", 6)]],
      },
    });
    const report = await collect();
    const details = report.users[0]?.details ?? [];
    expect(details.map((entry) => entry.detail.id)).toEqual([11, 12, 13]);
    expect(details.map((entry) => entry.metrics.map((m) => m.name))).toEqual([
      ["a", "b", "c"],
      [],
      ["d", "e", "f"],
    ]);
    expect(sentTo(`${metricsUrl(11)}?page=3`)).toBe(1);
  });

  it("goes on after a page with no items that still has a next", async () => {
    servePortal({ users: [[user(1, "ada")], [], [user(3, "linus")]] });
    const report = await collect();
    expect(report.users.map((entry) => entry.user.username)).toEqual(["ada", "linus"]);
    expect(sentTo(`${USERS}?page=3`)).toBe(1);
  });

  it("resolves a relative next against the URL of the page it came in", async () => {
    servePortal({ users: [[user(1, "ada")]] });
    answerInTurn(
      detailsUrl(1),
      body({ count: 2, next: "?page=2", previous: null, results: [detail(11, "api")] }),
    );
    answerInTurn(
      `${detailsUrl(1)}?page=2`,
      body({ count: 2, next: null, previous: detailsUrl(1), results: [detail(12, "worker")] }),
    );
    const report = await collect();
    expect(report.users[0]?.details.map((entry) => entry.detail.id)).toEqual([11, 12]);
    expect(report.problems).toEqual([]);
  });

  it("follows an absolute next wherever it points on the API", async () => {
    servePortal({ users: [[user(1, "ada")]] });
    const elsewhere = `${API}/users/?cursor=cD0yMDI2`;
    answerInTurn(
      USERS,
      body({ count: 2, next: elsewhere, previous: null, results: [user(1, "ada")] }),
    );
    answerInTurn(
      elsewhere,
      body({ count: 2, next: null, previous: null, results: [user(2, "grace")] }),
    );
    const report = await collect();
    expect(report.users.map((entry) => entry.user.id)).toEqual([1, 2]);
  });

  it("follows an absolute next to another host", async () => {
    servePortal({ users: [[user(1, "ada")]] });
    const archive = "https://archive.example.test/v1/users/?page=2";
    answerInTurn(
      USERS,
      body({ count: 2, next: archive, previous: null, results: [user(1, "ada")] }),
    );
    answerInTurn(
      archive,
      body({ count: 2, next: null, previous: null, results: [user(2, "grace")] }),
    );
    const report = await collect();
    expect(sentTo(archive), "an absolute next is followed wherever it points").toBe(1);
    expect(report.users.map((entry) => entry.user.id)).toEqual([1, 2]);
  });

  it("resolves a path-relative next against the later page it came in, not the first page", async () => {
    servePortal({ users: [[user(1, "ada")]] });
    const page2 = `${detailsUrl(1)}archive/`;
    const page3 = `${page2}older/?page=3`; // "older/?page=3" resolved against page 2
    answerInTurn(
      detailsUrl(1),
      body({ count: 3, next: page2, previous: null, results: [detail(11, "api")] }),
    );
    answerInTurn(
      page2,
      body({ count: 3, next: "older/?page=3", previous: null, results: [detail(12, "worker")] }),
    );
    answerInTurn(
      page3,
      body({ count: 3, next: null, previous: null, results: [detail(13, "cron")] }),
    );
    const report = await collect();
    expect(sentTo(page3), `page 2's next resolves to ${page3}`).toBe(1);
    expect(report.users[0]?.details.map((entry) => entry.detail.id)).toEqual([11, 12, 13]);
    expect(report.problems).toEqual([]);
  });

  it("compares pages by their URL string: ?page=1 after the bare first URL is a new page", async () => {
    servePortal({ users: [[user(1, "ada")]] });
    const again = `${detailsUrl(1)}?page=1`;
    answerInTurn(
      detailsUrl(1),
      body({ count: 2, next: again, previous: null, results: [detail(11, "api")] }),
    );
    answerInTurn(
      again,
      body({ count: 2, next: null, previous: null, results: [detail(12, "worker")] }),
    );
    const report = await collect();
    expect(sentTo(again), `${again} is not the URL already read, so it is followed`).toBe(1);
    expect(report.users[0]?.details.map((entry) => entry.detail.id)).toEqual([11, 12]);
    expect(report.problems).toEqual([]);
  });

  it('counts the fragment in that comparison: next "#top" is followed once, then is the loop', async () => {
    servePortal({ users: [[user(1, "ada")]] });
    server.use(
      http.get(detailsUrl(1), () =>
        HttpResponse.json({ count: 1, next: "#top", previous: null, results: [detail(11, "api")] }),
      ),
    );
    const report = await collect();
    const withoutFragment = urlsSent().map((url) => url.split("#")[0]);
    expect(
      withoutFragment.filter((url) => url === detailsUrl(1)).length,
      `"#top" makes ${detailsUrl(1)}#top a new page: requested once more, then its own "#top" leads back to it`,
    ).toBe(2);
    expect(problemFor(report, "user", 1)).toMatchObject({
      url: `${detailsUrl(1)}#top`,
      outcome: "skipped",
      reason: "invalid-shape",
      status: 200,
      attempts: 1,
    });
    expect(problemFor(report, "user", 1)?.message).toContain("next:");
  });
});

describe("step 3 — gone: 404 skips", () => {
  it("skips a user whose details answer 404, reports it, and goes on with the others", async () => {
    servePortal(smallPortal());
    answerInTurn(detailsUrl(1), jsonError(404));
    const report = await collect();
    expect(report.users.map((entry) => entry.user.id)).toEqual([2]);
    expect(report.problems).toEqual([
      {
        level: "user",
        id: 1,
        url: detailsUrl(1),
        outcome: "skipped",
        reason: "not-found",
        status: 404,
        attempts: 1,
        message: expect.stringMatching(/\S/),
      },
    ]);
    expect(report.counts).toEqual({
      users: { fetched: 1, skipped: 1, failed: 0 },
      details: { ...zero, fetched: 1 },
    });
  });

  it("skips a detail whose metrics answer 404 and keeps its user and the other details", async () => {
    servePortal(smallPortal());
    answerInTurn(metricsUrl(11), jsonError(404));
    const report = await collect();
    expect(report.users[0]?.details.map((entry) => entry.detail.id)).toEqual([12]);
    expect(report.users[1]?.details.map((entry) => entry.detail.id)).toEqual([21]);
    expect(report.problems).toEqual([
      {
        level: "detail",
        id: 11,
        url: metricsUrl(11),
        outcome: "skipped",
        reason: "not-found",
        status: 404,
        attempts: 1,
        message: expect.stringMatching(/\S/),
      },
    ]);
    expect(report.counts).toEqual({
      users: { ...zero, fetched: 2 },
      details: { fetched: 2, skipped: 1, failed: 0 },
    });
  });

  it("skips the whole listing when a later page answers 404, naming that page", async () => {
    servePortal({
      users: [[user(1, "ada")]],
      details: { 1: [[detail(11, "api")], [detail(12, "worker")]] },
    });
    answerInTurn(`${detailsUrl(1)}?page=2`, jsonError(404));
    const report = await collect();
    expect(report.users, "a partial listing is not a listing").toEqual([]);
    expect(report.problems).toMatchObject([
      {
        level: "user",
        id: 1,
        url: `${detailsUrl(1)}?page=2`,
        outcome: "skipped",
        reason: "not-found",
      },
    ]);
  });

  it("judges a 404 by its status alone, even when its body is cut off", async () => {
    servePortal(smallPortal());
    answerInTurn(metricsUrl(12), cutOff(404));
    const report = await collect();
    expect(sentTo(metricsUrl(12)), "a 404 is not retried, whatever its body").toBe(1);
    expect(problemFor(report, "detail", 12)).toMatchObject({
      outcome: "skipped",
      reason: "not-found",
      status: 404,
      attempts: 1,
    });
  });

  it("does not retry a 404: one request, and no wait left behind", async () => {
    servePortal(smallPortal());
    answerInTurn(detailsUrl(2), jsonError(404));
    const report = await collect({ retries: 5 });
    expect(sentTo(detailsUrl(2))).toBe(1);
    expect(problemFor(report, "user", 2)?.attempts).toBe(1);
    expect(vi.getTimerCount(), "no retry may be scheduled for a 404").toBe(0);
  });
});

describe("step 4 — retrying 5xx and network errors", () => {
  it("retries a 503 after 100 ms and uses the answer that follows", async () => {
    servePortal(smallPortal());
    answerInTurn(
      detailsUrl(1),
      jsonError(503),
      body({ count: 1, next: null, previous: null, results: [detail(11, "billing-api")] }),
    );
    const run = collectMetrics({ baseUrl: API });
    track(run);
    await until(() => sentTo(detailsUrl(1)) === 1, "the details of user 1 should be requested");
    await advance(99);
    expect(sentTo(detailsUrl(1)), "no retry before 100 ms").toBe(1);
    await advance(1);
    await until(() => sentTo(detailsUrl(1)) === 2, "the retry is due after 100 ms");
    const report = await settled(run);
    expect(report.users[0]?.details.map((entry) => entry.detail.id)).toEqual([11]);
    expect(report.problems).toEqual([]);
  });

  it("waits 100, 200, then 400 ms, then gives up after 4 requests: failed, http-status", async () => {
    servePortal(smallPortal());
    answerInTurn(detailsUrl(2), jsonError(503));
    const run = collectMetrics({ baseUrl: API });
    track(run);
    await until(() => sentTo(detailsUrl(2)) === 1, "the details of user 2 should be requested");
    for (const [wait, before] of [
      [100, 1],
      [200, 2],
      [400, 3],
    ] as const) {
      await advance(wait - 1);
      expect(sentTo(detailsUrl(2)), `request ${before + 1} must wait the full ${wait} ms`).toBe(
        before,
      );
      await advance(1);
      await until(
        () => sentTo(detailsUrl(2)) === before + 1,
        `request ${before + 1} is due after ${wait} ms`,
      );
    }
    const report = await settled(run);
    expect(sentTo(detailsUrl(2))).toBe(4);
    expect(report.problems).toEqual([
      {
        level: "user",
        id: 2,
        url: detailsUrl(2),
        outcome: "failed",
        reason: "http-status",
        status: 503,
        attempts: 4,
        message: expect.stringMatching(/\S/),
      },
    ]);
    expect(report.counts.users).toEqual({ fetched: 1, skipped: 0, failed: 1 });
  });

  it.each([500, 502, 504, 599, 429])("retries a %i", async (code) => {
    servePortal(smallPortal());
    answerInTurn(
      metricsUrl(12),
      status(code),
      status(code),
      body({ count: 0, next: null, previous: null, results: [] }),
    );
    const report = await collect();
    expect(sentTo(metricsUrl(12))).toBe(3);
    expect(report.problems).toEqual([]);
  });

  it.each([400, 401, 403, 405, 408, 409, 410, 422, 425, 499])(
    "fails a %i at once, without retrying",
    async (code) => {
      servePortal(smallPortal());
      answerInTurn(metricsUrl(12), status(code));
      const report = await collect();
      expect(sentTo(metricsUrl(12)), `a ${code} will not change on a retry`).toBe(1);
      expect(problemFor(report, "detail", 12)).toMatchObject({
        outcome: "failed",
        reason: "http-status",
        status: code,
        attempts: 1,
      });
      expect(report.counts.details).toEqual({ fetched: 2, skipped: 0, failed: 1 });
    },
  );

  it("retries a dropped connection (fetch rejects) and uses the answer that follows", async () => {
    servePortal(smallPortal());
    answerInTurn(
      detailsUrl(2),
      dropped(),
      body({ count: 0, next: null, previous: null, results: [] }),
    );
    const report = await collect();
    expect(sentTo(detailsUrl(2))).toBe(2);
    expect(report.users.map((entry) => entry.user.id)).toEqual([1, 2]);
  });

  it("reports a connection that never answers as failed, network, with no status", async () => {
    servePortal(smallPortal());
    answerInTurn(detailsUrl(2), dropped());
    const report = await collect();
    expect(problemFor(report, "user", 2)).toEqual({
      level: "user",
      id: 2,
      url: detailsUrl(2),
      outcome: "failed",
      reason: "network",
      status: null,
      attempts: 4,
      message: expect.stringMatching(/\S/),
    });
  });

  it("retries a 2xx whose body is cut off, like no answer, and uses the answer that follows", async () => {
    servePortal(smallPortal());
    answerInTurn(
      detailsUrl(2),
      cutOff(200),
      body({ count: 1, next: null, previous: null, results: [detail(21, "search")] }),
    );
    const report = await collect();
    expect(sentTo(detailsUrl(2)), "a body cut off halfway is retried").toBe(2);
    expect(report.problems).toEqual([]);
    expect(report.users[1]?.details.map((entry) => entry.detail.id)).toEqual([21]);
  });

  it("reports a 2xx whose body is always cut off as failed, network, with no status", async () => {
    servePortal(smallPortal());
    answerInTurn(detailsUrl(2), cutOff(200));
    const report = await collect();
    expect(problemFor(report, "user", 2)).toMatchObject({
      url: detailsUrl(2),
      outcome: "failed",
      reason: "network",
      status: null,
      attempts: 4,
    });
  });

  it("judges a 503 by its status alone, even when its body is cut off", async () => {
    servePortal(smallPortal());
    answerInTurn(metricsUrl(12), cutOff(503));
    const report = await collect();
    expect(
      problemFor(report, "detail", 12),
      "the status decides first: http-status 503, not network",
    ).toMatchObject({ outcome: "failed", reason: "http-status", status: 503, attempts: 4 });
  });

  it.each([0, 1, 5])(
    "sends at most retries + 1 requests for a page, with retries: %i",
    async (retries) => {
      servePortal(smallPortal());
      answerInTurn(detailsUrl(1), status(502));
      const report = await collect({ retries });
      expect(sentTo(detailsUrl(1))).toBe(retries + 1);
      expect(problemFor(report, "user", 1)?.attempts).toBe(retries + 1);
    },
  );

  it("waits retryDelayMs, then twice that: 30 then 60 ms", async () => {
    servePortal(smallPortal());
    answerInTurn(
      detailsUrl(1),
      status(503),
      status(503),
      body({ count: 0, next: null, previous: null, results: [] }),
    );
    const run = collectMetrics({ baseUrl: API, retryDelayMs: 30 });
    track(run);
    await until(() => sentTo(detailsUrl(1)) === 1, "the details of user 1 should be requested");
    await advance(29);
    expect(sentTo(detailsUrl(1))).toBe(1);
    await advance(1);
    await until(() => sentTo(detailsUrl(1)) === 2, "the first retry is due after 30 ms");
    await advance(59);
    expect(sentTo(detailsUrl(1))).toBe(2);
    await advance(1);
    await until(() => sentTo(detailsUrl(1)) === 3, "the second retry is due 60 ms later");
    expect((await settled(run)).problems).toEqual([]);
  });

  it("retries at once with retryDelayMs: 0", async () => {
    servePortal(smallPortal());
    answerInTurn(
      detailsUrl(1),
      status(503),
      body({ count: 0, next: null, previous: null, results: [] }),
    );
    const run = collectMetrics({ baseUrl: API, retryDelayMs: 0 });
    track(run);
    await until(() => sentTo(detailsUrl(1)) === 2, "with no delay, the retry needs no clock");
    expect((await settled(run)).problems).toEqual([]);
  });

  it("rounds each wait to the nearest whole ms: retryDelayMs 2.5 waits 3 ms, then 5 ms", async () => {
    servePortal(smallPortal());
    answerInTurn(
      detailsUrl(1),
      status(503),
      status(503),
      body({ count: 0, next: null, previous: null, results: [] }),
    );
    const run = collectMetrics({ baseUrl: API, retryDelayMs: 2.5 });
    track(run);
    await until(() => sentTo(detailsUrl(1)) === 1, "the details of user 1 should be requested");
    await advance(2);
    expect(sentTo(detailsUrl(1)), "2.5 ms rounds to a 3 ms wait: no retry after 2 ms").toBe(1);
    await advance(1);
    await until(() => sentTo(detailsUrl(1)) === 2, "the first retry is due after 3 ms");
    await advance(4);
    expect(sentTo(detailsUrl(1)), "the second wait is Math.round(2.5 * 2) = 5 ms, not 6").toBe(2);
    await advance(1);
    await until(() => sentTo(detailsUrl(1)) === 3, "the second retry is due 5 ms later");
    expect((await settled(run)).problems).toEqual([]);
  });

  it("rounds a retryDelayMs of 0.4 down to no wait: the retry needs no clock", async () => {
    servePortal(smallPortal());
    answerInTurn(
      detailsUrl(1),
      status(503),
      body({ count: 0, next: null, previous: null, results: [] }),
    );
    const run = collectMetrics({ baseUrl: API, retryDelayMs: 0.4 });
    track(run);
    await until(
      () => sentTo(detailsUrl(1)) === 2,
      "0.4 ms rounds to 0: the retry is sent at once, without a timer",
    );
    expect((await settled(run)).problems).toEqual([]);
  });

  it("ends with the outcome of the last answer: a 503 then a 404 is skipped, after 2 requests", async () => {
    servePortal(smallPortal());
    answerInTurn(detailsUrl(1), status(503), jsonError(404));
    const report = await collect();
    expect(problemFor(report, "user", 1)).toMatchObject({
      outcome: "skipped",
      reason: "not-found",
      status: 404,
      attempts: 2,
    });
  });

  it("gives every page its own retries: two pages that each fail 3 times still arrive", async () => {
    servePortal({ users: [[user(1, "ada")], [user(2, "grace")]] });
    answerInTurn(
      USERS,
      status(503),
      status(503),
      status(503),
      body({
        count: 2,
        next: `${USERS}?page=2`,
        previous: null,
        results: [user(1, "ada")],
      }),
    );
    answerInTurn(
      `${USERS}?page=2`,
      status(503),
      status(503),
      status(503),
      body({
        count: 2,
        next: null,
        previous: USERS,
        results: [user(2, "grace")],
      }),
    );
    const report = await collect();
    expect(report.users.map((entry) => entry.user.id)).toEqual([1, 2]);
    expect(sentTo(USERS)).toBe(4);
    expect(sentTo(`${USERS}?page=2`)).toBe(4);
  });

  it("starts the waits again at retryDelayMs on each page: page 2's first retry waits 100 ms", async () => {
    servePortal({
      users: [[user(1, "ada")]],
      details: { 1: [[detail(11, "a")], [detail(12, "b")]] },
    });
    const page2 = `${detailsUrl(1)}?page=2`;
    answerInTurn(
      detailsUrl(1),
      jsonError(503),
      body({ count: 2, next: page2, previous: null, results: [detail(11, "a")] }),
    );
    answerInTurn(
      page2,
      jsonError(503),
      body({ count: 2, next: null, previous: detailsUrl(1), results: [detail(12, "b")] }),
    );
    const run = collectMetrics({ baseUrl: API });
    track(run);
    await until(() => sentTo(detailsUrl(1)) === 1, "the details of user 1 should be requested");
    await advance(100);
    await until(() => sentTo(page2) === 1, "page 2 is requested once page 1's retry arrived");
    await advance(99);
    expect(sentTo(page2), "page 2's first retry waits the full 100 ms").toBe(1);
    await advance(1);
    await until(
      () => sentTo(page2) === 2,
      "page 2's first retry is due after 100 ms: the backoff starts again on every page, not at 200 ms",
    );
    const report = await settled(run);
    expect(report.users[0]?.details.map((entry) => entry.detail.id)).toEqual([11, 12]);
  });

  it("reports the last request's outcome: a 503, then no answer, is network with status null", async () => {
    servePortal(smallPortal());
    answerInTurn(detailsUrl(2), jsonError(503), dropped());
    const report = await collect();
    expect(
      problemFor(report, "user", 2),
      "the last request got no answer: its status is null, not the earlier 503",
    ).toMatchObject({ outcome: "failed", reason: "network", status: null, attempts: 4 });
  });
});

describe("step 5 — bodies that are not what they claim", () => {
  it("skips a 200 whose body is HTML (a proxy's error page): invalid-json, not retried", async () => {
    servePortal(smallPortal());
    answerInTurn(detailsUrl(1), text("<html><body><h1>502 Bad Gateway</h1></body></html>"));
    const report = await collect();
    expect(sentTo(detailsUrl(1)), "the same body would come back: no retry").toBe(1);
    expect(problemFor(report, "user", 1)).toEqual({
      level: "user",
      id: 1,
      url: detailsUrl(1),
      outcome: "skipped",
      reason: "invalid-json",
      status: 200,
      attempts: 1,
      message: expect.stringMatching(/\S/),
    });
    expect(report.counts.users).toEqual({ fetched: 1, skipped: 1, failed: 0 });
  });

  it("keeps the message one line when the body quoted in it has line breaks", async () => {
    servePortal(smallPortal());
    const page =
      "<html>\r\n<head><title>502 Bad Gateway</title></head>\n<body>down</body>\n</html>";
    answerInTurn(detailsUrl(1), text(page));
    answerInTurn(USERS, text(page));
    const outcome = await collectOutcome();
    expect(outcome.status).toBe("rejected");
    expect(
      (outcome.error as Error).message,
      "a FetchError message is one line, even when it quotes a body with line breaks",
    ).not.toMatch(/[\r\n]/);
    server.resetHandlers();
    servePortal(smallPortal());
    answerInTurn(detailsUrl(1), text(page));
    const report = await collect();
    const problem = problemFor(report, "user", 1);
    expect(problem?.reason).toBe("invalid-json");
    expect(
      problem?.message,
      "a Problem message is one line: a quoted body must be escaped",
    ).not.toMatch(/[\r\n]/);
  });

  it.each([
    ["an empty body", () => new HttpResponse(null, { status: 200 })],
    ["a 204 No Content", () => new HttpResponse(null, { status: 204 })],
    ["JSON cut short", text('{"count": 3, "next": null, "results": [{"id": 1', "application/json")],
  ])("skips %s as invalid-json", async (_label, answer) => {
    servePortal(smallPortal());
    answerInTurn(metricsUrl(21), answer);
    const report = await collect();
    expect(problemFor(report, "detail", 21)).toMatchObject({
      outcome: "skipped",
      reason: "invalid-json",
      attempts: 1,
    });
  });

  const goodItem = detail(11, "api");
  it.each([
    ["the body is an array", [goodItem], "(body)"],
    ["the body is null", null, "(body)"],
    ["the body is a number", 42, "(body)"],
    ["the body is a string", "page 1", "(body)"],
    ["results is missing", { count: 1, next: null, previous: null }, "results"],
    [
      "results is an object",
      { count: 1, next: null, previous: null, results: { 0: goodItem } },
      "results",
    ],
    ["next is missing", { count: 1, previous: null, results: [goodItem] }, "next"],
    ["next is a number", { count: 1, next: 2, previous: null, results: [goodItem] }, "next"],
    [
      "an item is a string",
      { count: 1, next: null, previous: null, results: ["11"] },
      "results[0]",
    ],
    [
      "an item is an array",
      { count: 1, next: null, previous: null, results: [goodItem, [11, "api"]] },
      "results[1]",
    ],
    [
      "an id is a string",
      {
        count: 1,
        next: null,
        previous: null,
        results: [goodItem, { id: "12", service: "worker" }],
      },
      "results[1].id",
    ],
    [
      "an id is not whole",
      { count: 1, next: null, previous: null, results: [{ id: 12.5, service: "worker" }] },
      "results[0].id",
    ],
    [
      "a service is missing",
      { count: 1, next: null, previous: null, results: [{ id: 12 }] },
      "results[0].service",
    ],
    [
      "a service is null",
      {
        count: 1,
        next: null,
        previous: null,
        results: [goodItem, goodItem, { id: 13, service: null }],
      },
      "results[2].service",
    ],
  ])("skips a details page where %s, naming the field", async (_label, value, path) => {
    servePortal(smallPortal());
    answerInTurn(detailsUrl(1), body(value));
    const report = await collect();
    const problem = problemFor(report, "user", 1);
    expect(problem).toMatchObject({
      outcome: "skipped",
      reason: "invalid-shape",
      status: 200,
      attempts: 1,
    });
    expect(problem?.message, "the message names the wrong field, then a colon").toContain(
      `${path}:`,
    );
    expect(sentTo(detailsUrl(1)), "a malformed body is not retried").toBe(1);
    expect(metricsRequests().filter((url) => url === metricsUrl(11))).toEqual([]);
  });

  it.each([
    ["a value is a string", [metric("a", 1), { name: "b", value: "0.25" }], "results[1].value"],
    ["a value is null", [{ name: "a", value: null }], "results[0].value"],
    ["a name is a number", [{ name: 7, value: 1 }], "results[0].name"],
  ])("skips a metrics page where %s, naming the field", async (_label, results, path) => {
    servePortal(smallPortal());
    answerInTurn(metricsUrl(12), body({ count: 2, next: null, previous: null, results }));
    const report = await collect();
    const problem = problemFor(report, "detail", 12);
    expect(problem).toMatchObject({ outcome: "skipped", reason: "invalid-shape" });
    expect(problem?.message).toContain(`${path}:`);
    expect(report.users[0]?.details.map((entry) => entry.detail.id)).toEqual([11]);
  });

  it.each([
    ["the id is a string", { id: "1", username: "ada" }],
    ["the username is missing", { id: 1 }],
  ])("rejects a users page where %s (the users listing must succeed)", async (_label, item) => {
    answerInTurn(USERS, body({ count: 1, next: null, previous: null, results: [item] }));
    const outcome = await collectOutcome();
    expect(outcome.error).toBeInstanceOf(FetchError);
    expect(outcome.error).toMatchObject({ reason: "invalid-shape", status: 200, url: USERS });
    expect(urlsSent()).toEqual([USERS]);
  });

  it.each([
    [
      "results is an object and next a number",
      { count: 1, next: 2, previous: null, results: { 0: goodItem } },
      "results",
      "next",
    ],
    [
      "next is a number and results[2].service is null",
      {
        count: 3,
        next: 42,
        previous: null,
        results: [goodItem, goodItem, { id: 13, service: null }],
      },
      "results[2].service",
      "next",
    ],
    [
      "results[0].service is missing and results[1].id is a string",
      { count: 2, next: null, previous: null, results: [{ id: 11 }, { id: "12", service: "b" }] },
      "results[0].service",
      "results[1].id",
    ],
    [
      "the id is a string and the service a number",
      { count: 1, next: null, previous: null, results: [{ id: "11", service: 5 }] },
      "results[0].id",
      "results[0].service",
    ],
  ])(
    "names the first wrong field in the README's order when %s",
    async (_label, value, path, later) => {
      servePortal(smallPortal());
      answerInTurn(detailsUrl(1), body(value));
      const report = await collect();
      const problem = problemFor(report, "user", 1);
      expect(problem).toMatchObject({ outcome: "skipped", reason: "invalid-shape" });
      expect(problem?.message, `${path} is checked before ${later}`).toContain(`${path}:`);
      expect(problem?.message, `only the first wrong field is named, not ${later}`).not.toContain(
        `${later}:`,
      );
    },
  );

  it("names a metric's name before its value when both are wrong", async () => {
    servePortal(smallPortal());
    answerInTurn(
      metricsUrl(12),
      body({ count: 1, next: null, previous: null, results: [{ name: 7, value: "0.25" }] }),
    );
    const report = await collect();
    const message = problemFor(report, "detail", 12)?.message;
    expect(message).toContain("results[0].name:");
    expect(message, "only the first wrong field is named").not.toContain("results[0].value:");
  });

  it.each([
    [
      "an id beyond 2^53 - 1 (JSON.parse rounds it)",
      "user",
      1,
      '{"count": 1, "next": null, "previous": null, "results": [{"id": 9007199254740993, "service": "api"}]}',
      "results[0].id",
    ],
    [
      "a value of 1e999 (Infinity once parsed)",
      "detail",
      12,
      '{"count": 2, "next": null, "previous": null, "results": [{"name": "a", "value": 1}, {"name": "b", "value": 1e999}]}',
      "results[1].value",
    ],
    [
      "a value of -1e999 (-Infinity once parsed)",
      "detail",
      12,
      '{"count": 1, "next": null, "previous": null, "results": [{"name": "a", "value": -1e999}]}',
      "results[0].value",
    ],
  ] as const)("skips a page with %s, naming the field", async (_label, level, id, json, path) => {
    servePortal(smallPortal());
    answerInTurn(
      level === "user" ? detailsUrl(id) : metricsUrl(id),
      text(json, "application/json"),
    );
    const report = await collect();
    const problem = problemFor(report, level, id);
    expect(problem).toMatchObject({ outcome: "skipped", reason: "invalid-shape", attempts: 1 });
    expect(problem?.message).toContain(`${path}:`);
  });

  it('skips a page whose next is "" (the page itself) after one request, instead of looping', async () => {
    servePortal(smallPortal());
    answerInTurn(
      metricsUrl(11),
      body({ count: 1, next: "", previous: null, results: [metric("a", 1)] }),
      jsonError(404), // a walk that follows "" gets this instead, and ends
    );
    const report = await collect();
    expect(sentTo(metricsUrl(11)), "the page is not requested again").toBe(1);
    const problem = problemFor(report, "detail", 11);
    expect(problem).toMatchObject({
      url: metricsUrl(11),
      outcome: "skipped",
      reason: "invalid-shape",
      status: 200,
      attempts: 1,
    });
    expect(problem?.message).toContain("next:");
  });

  it('counts the retries of a page whose next is "": 503 then the looping page is attempts 2', async () => {
    servePortal(smallPortal());
    answerInTurn(
      metricsUrl(11),
      jsonError(503),
      body({ count: 1, next: "", previous: null, results: [metric("a", 1)] }),
      jsonError(404), // a walk that follows "" gets this instead, and ends
    );
    const report = await collect();
    expect(sentTo(metricsUrl(11)), "the looping page is not requested again").toBe(2);
    expect(problemFor(report, "detail", 11)).toMatchObject({
      url: metricsUrl(11),
      outcome: "skipped",
      reason: "invalid-shape",
      status: 200,
      attempts: 2,
    });
  });

  it("skips a page whose next leads back to an earlier page of the listing", async () => {
    servePortal(smallPortal());
    const page2 = `${metricsUrl(11)}?page=2`;
    answerInTurn(
      metricsUrl(11),
      body({ count: 2, next: page2, previous: null, results: [metric("a", 1)] }),
      jsonError(404), // a walk that goes back to page 1 gets this instead, and ends
    );
    answerInTurn(
      page2,
      body({ count: 2, next: metricsUrl(11), previous: metricsUrl(11), results: [metric("b", 2)] }),
    );
    const report = await collect();
    expect(sentTo(metricsUrl(11)), "page 1 is not requested again").toBe(1);
    expect(sentTo(page2)).toBe(1);
    const problem = problemFor(report, "detail", 11);
    expect(problem).toMatchObject({ url: page2, reason: "invalid-shape", attempts: 1 });
    expect(problem?.message).toContain("next:");
    expect(report.users[0]?.details.map((entry) => entry.detail.id)).toEqual([12]);
  });

  it("skips a page whose next is not a URL", async () => {
    servePortal(smallPortal());
    answerInTurn(
      metricsUrl(11),
      body({
        count: 2,
        next: "http://exa mple.test/?page=2",
        previous: null,
        results: [metric("a", 1)],
      }),
    );
    const report = await collect();
    const problem = problemFor(report, "detail", 11);
    expect(problem).toMatchObject({ outcome: "skipped", reason: "invalid-shape" });
    expect(problem?.message).toContain("next:");
  });

  it("skips the whole listing when a later page is malformed, naming that page", async () => {
    servePortal({
      users: [[user(1, "ada")]],
      details: { 1: [[detail(11, "api")]] },
      metrics: { 11: [[metric("a", 1)], [metric("b", 2)]] },
    });
    answerInTurn(
      `${metricsUrl(11)}?page=2`,
      body({ count: 2, next: null, previous: null, results: [{ name: "b" }] }),
    );
    const report = await collect();
    expect(report.users[0]?.details).toEqual([]);
    expect(problemFor(report, "detail", 11)).toMatchObject({
      url: `${metricsUrl(11)}?page=2`,
      reason: "invalid-shape",
    });
  });

  it("accepts extra fields, integers written as 7.0, and any number as a value", async () => {
    servePortal({
      users: [[{ id: 1.0, username: "", extra: { nested: true } }]],
      details: { 1: [[{ id: 11, service: "api", tags: ["a"] }]] },
      metrics: {
        11: [
          [
            { name: "neg", value: -3.5 },
            { name: "zero", value: 0 },
            { name: "big", value: 1e21 },
          ],
        ],
      },
    });
    const report = await collect();
    expect(report.problems).toEqual([]);
    expect(report.users[0]?.user).toEqual({ id: 1, username: "" });
    expect(report.users[0]?.details[0]?.metrics.map((m) => m.value)).toEqual([-3.5, 0, 1e21]);
  });
});

describe("step 6 — a failed upstream stops its dependants", () => {
  it("requests no metrics for a user whose details failed", async () => {
    servePortal(smallPortal());
    answerInTurn(detailsUrl(2), status(500));
    const report = await collect({ retries: 1 });
    expect(metricsRequests().sort()).toEqual([metricsUrl(11), metricsUrl(12)]);
    expect(report.counts.details, "only the details of fetched users are counted").toEqual({
      ...zero,
      fetched: 2,
    });
  });

  it.each([
    ["fails", status(503)],
    ["answers 404", jsonError(404)],
    ["is malformed", body({ count: 3, next: null, previous: null, results: [{ id: "13" }] })],
  ])("requests no metrics for the details of page 1 when page 2 %s", async (_label, answer) => {
    servePortal({
      users: [[user(1, "ada"), user(2, "grace")]],
      details: {
        1: [[detail(11, "api"), detail(12, "worker")], [detail(13, "cron")]],
        2: [[detail(21, "search")]],
      },
    });
    answerInTurn(`${detailsUrl(1)}?page=2`, answer);
    const report = await collect({ retries: 0 });
    expect(
      metricsRequests(),
      "user 1's listing did not succeed: none of its details count",
    ).toEqual([metricsUrl(21)]);
    expect(report.users.map((entry) => entry.user.id)).toEqual([2]);
    expect(report.counts.details, "page 1's details belong to no fetched user").toEqual({
      ...zero,
      fetched: 1,
    });
  });

  it("requests a user's metrics only once the whole details listing has arrived", async () => {
    servePortal({
      users: [[user(1, "ada")]],
      details: { 1: [[detail(11, "api")], [detail(12, "worker")]] },
    });
    server.use(
      http.get(detailsUrl(1), async ({ request }) => {
        if (pageNumber(request) !== 2) return undefined;
        await delay(50);
        return drfPage(detailsUrl(1), [[detail(11, "api")], [detail(12, "worker")]], 2);
      }),
    );
    const run = collectMetrics({ baseUrl: API });
    track(run);
    await until(() => sentTo(`${detailsUrl(1)}?page=2`) === 1, "page 2 should be requested");
    await advance(25);
    expect(metricsRequests(), "page 2 is still on its way").toEqual([]);
    await settled(run);
    expect(metricsRequests().sort()).toEqual([metricsUrl(11), metricsUrl(12)]);
  });

  it.each([
    ["a 503, 4 times", [status(503)], { reason: "http-status", status: 503, attempts: 4 }],
    ["a 404", [jsonError(404)], { reason: "not-found", status: 404, attempts: 1 }],
    ["a 401", [status(401)], { reason: "http-status", status: 401, attempts: 1 }],
    ["no answer, 4 times", [dropped()], { reason: "network", status: null, attempts: 4 }],
    [
      "HTML",
      [text("<html>maintenance</html>")],
      { reason: "invalid-json", status: 200, attempts: 1 },
    ],
  ] as const)(
    "rejects with a FetchError when the users listing gets %s, and sends nothing else",
    async (_label, answers, expected) => {
      answerInTurn(USERS, ...answers);
      const outcome = await collectOutcome();
      expect(outcome.status).toBe("rejected");
      expect(outcome.error).toBeInstanceOf(FetchError);
      expect(outcome.error).toBeInstanceOf(Error);
      expect(outcome.error).toMatchObject({ name: "FetchError", url: USERS, ...expected });
      expect((outcome.error as Error).message).toContain(USERS);
      expect((outcome.error as Error).message, "the message is one line").not.toMatch(/[\r\n]/);
      expect(
        urlsSent().every((url) => url === USERS),
        "no details may be requested",
      ).toBe(true);
    },
  );

  it("rejects when page 2 of the users fails, requesting no details even for page 1's users", async () => {
    servePortal({ users: [[user(1, "ada")], [user(2, "grace")]] });
    answerInTurn(`${USERS}?page=2`, status(502));
    const outcome = await collectOutcome({ retries: 1 });
    expect(outcome.error).toBeInstanceOf(FetchError);
    expect(outcome.error).toMatchObject({ url: `${USERS}?page=2`, status: 502, attempts: 2 });
    expect(urlsSent()).toEqual([USERS, `${USERS}?page=2`, `${USERS}?page=2`]);
  });
});

/** Undoes what slowAnswers() added to the server's events, after each test of step 7. */
const listenersToRemove: Array<() => void> = [];

/** Counts the requests in flight to the URLs `matches` accepts; each answer waits `ms`. */
function slowAnswers(matches: (url: string) => boolean, ms: number) {
  const load = { now: 0, max: 0 };
  const onStart = ({ request }: { request: Request }) => {
    if (!matches(request.url)) return;
    load.now += 1;
    load.max = Math.max(load.max, load.now);
  };
  const onAnswered = ({ request }: { request: Request }) => {
    if (matches(request.url)) load.now -= 1;
  };
  server.events.on("request:start", onStart);
  server.events.on("response:mocked", onAnswered);
  listenersToRemove.push(() => {
    server.events.removeListener("request:start", onStart);
    server.events.removeListener("response:mocked", onAnswered);
  });
  server.use(
    http.get(`${API}/*`, async ({ request }) => {
      if (matches(request.url)) await delay(ms);
      return undefined;
    }),
  );
  return load;
}

const manyUsers = (count: number, detailsEach = 1): Portal => {
  const ids = Array.from({ length: count }, (_, index) => index + 1);
  return {
    users: [ids.map((id) => user(id, `user${id}`))],
    details: Object.fromEntries(
      ids.map((id) => [
        id,
        [Array.from({ length: detailsEach }, (_, d) => detail(id * 100 + d, `svc${d}`))],
      ]),
    ),
  };
};

describe("step 7 — bounded concurrency, the API's order", () => {
  afterEach(() => {
    for (const remove of listenersToRemove.splice(0)) remove();
  });

  it.each([
    [undefined, 4],
    [3, 3],
    [1, 1],
  ])(
    "keeps at most detailsConcurrency (%s) details listings in flight, and reaches it",
    async (limit, expected) => {
      servePortal(manyUsers(10));
      const load = slowAnswers(
        (url) => url.includes("/details/") && !url.includes("/metrics/"),
        10,
      );
      const report = await collect(limit === undefined ? {} : { detailsConcurrency: limit });
      expect(report.users).toHaveLength(10);
      expect(load.max, `at most ${expected} at once, and that many at some point`).toBe(expected);
    },
  );

  it.each([
    [undefined, 8],
    [5, 5],
  ])(
    "keeps at most metricsConcurrency (%s) metrics listings in flight across all users",
    async (limit, expected) => {
      servePortal(manyUsers(3, 4));
      const load = slowAnswers((url) => url.includes("/metrics/"), 10);
      const report = await collect(limit === undefined ? {} : { metricsConcurrency: limit });
      expect(report.counts.details.fetched).toBe(12);
      expect(load.max, `12 listings, at most ${expected} at once`).toBe(expected);
    },
  );

  it("holds a listing's slot while it waits to retry", async () => {
    servePortal(manyUsers(2));
    answerInTurn(
      detailsUrl(1),
      status(503),
      body({ count: 0, next: null, previous: null, results: [] }),
    );
    await collect({ detailsConcurrency: 1 });
    expect(
      urlsSent().filter((url) => url.includes("/details/") && !url.includes("/metrics/")),
    ).toEqual([detailsUrl(1), detailsUrl(1), detailsUrl(2)]);
  });

  it("holds a listing's slot from its first page to its last", async () => {
    servePortal({
      ...manyUsers(2),
      details: { 1: [[detail(11, "a")], [detail(12, "b")]], 2: [[detail(21, "c")]] },
    });
    await collect({ detailsConcurrency: 1 });
    expect(
      urlsSent().filter((url) => url.includes("/details/") && !url.includes("/metrics/")),
    ).toEqual([detailsUrl(1), `${detailsUrl(1)}?page=2`, detailsUrl(2)]);
  });

  it("gives a details slot back before that user's metrics are requested", async () => {
    servePortal({
      users: [[user(1, "ada"), user(2, "grace")]],
      details: { 1: [[detail(11, "a")]], 2: [[detail(21, "b")]] },
    });
    const events: string[] = [];
    const onStart = ({ request }: { request: Request }) => events.push(`start ${request.url}`);
    const onAnswered = ({ request }: { request: Request }) => events.push(`end ${request.url}`);
    server.events.on("request:start", onStart);
    server.events.on("response:mocked", onAnswered);
    listenersToRemove.push(() => {
      server.events.removeListener("request:start", onStart);
      server.events.removeListener("response:mocked", onAnswered);
    });
    server.use(
      http.get(metricsUrl(11), async () => {
        await delay(50);
        return undefined;
      }),
    );
    await collect({ detailsConcurrency: 1 });
    const user2Details = events.indexOf(`start ${detailsUrl(2)}`);
    const user1Metrics = events.indexOf(`end ${metricsUrl(11)}`);
    expect(user2Details, "user 2's details are requested").toBeGreaterThanOrEqual(0);
    expect(
      user2Details,
      "user 2's details are requested while user 1's metrics are on their way",
    ).toBeLessThan(user1Metrics);
  });

  it("keeps users, details and metrics in the API's order when the answers come back reversed", async () => {
    servePortal({
      users: [[user(1, "ada"), user(2, "grace"), user(3, "linus")]],
      details: {
        1: [[detail(11, "a"), detail(12, "b"), detail(13, "c")]],
        2: [[detail(21, "d")]],
        3: [[detail(31, "e")]],
      },
      metrics: { 11: [[metric("m1", 1)], [metric("m2", 2)]] },
    });
    // The first of each level answers last.
    const slowness: Record<string, number> = {
      [detailsUrl(1)]: 30,
      [detailsUrl(2)]: 20,
      [detailsUrl(3)]: 10,
      [metricsUrl(11)]: 30,
      [metricsUrl(12)]: 20,
      [metricsUrl(13)]: 10,
    };
    server.use(
      http.get(`${API}/*`, async ({ request }) => {
        const ms = slowness[request.url];
        if (ms !== undefined) await delay(ms);
        return undefined;
      }),
    );
    const report = await collect();
    expect(report.users.map((entry) => entry.user.id)).toEqual([1, 2, 3]);
    expect(report.users[0]?.details.map((entry) => entry.detail.id)).toEqual([11, 12, 13]);
    expect(report.users[0]?.details[0]?.metrics.map((m) => m.name)).toEqual(["m1", "m2"]);
  });

  it("lists problems in the order of the items they concern, not the order they happened", async () => {
    servePortal({
      users: [[user(1, "ada"), user(2, "grace"), user(3, "linus")]],
      details: { 1: [[detail(11, "a"), detail(12, "b")]], 3: [[detail(31, "c")]] },
    });
    // grace's 404 comes first in time, ada's detail problems last.
    server.use(
      http.get(`${API}/*`, async ({ request }) => {
        if (request.url === detailsUrl(2))
          return HttpResponse.json({ detail: "Not found." }, { status: 404 });
        if (request.url === metricsUrl(11) || request.url === metricsUrl(12)) {
          await delay(request.url === metricsUrl(11) ? 40 : 20);
          return new HttpResponse("<html/>", { status: 200 });
        }
        if (request.url === metricsUrl(31))
          return HttpResponse.json({ detail: "Not found." }, { status: 404 });
        return undefined;
      }),
    );
    const report = await collect();
    expect(report.problems.map((problem) => `${problem.level} ${problem.id}`)).toEqual([
      "detail 11",
      "detail 12",
      "user 2",
      "detail 31",
    ]);
    expect(report.counts).toEqual({
      users: { fetched: 2, skipped: 1, failed: 0 },
      details: { fetched: 0, skipped: 3, failed: 0 },
    });
  });
});

describe("step 8 — bad options", () => {
  it.each([
    ["detailsConcurrency", 0, "detailsConcurrency must be a whole number >= 1 (got 0)"],
    ["detailsConcurrency", 2.5, "detailsConcurrency must be a whole number >= 1 (got 2.5)"],
    ["detailsConcurrency", Number.NaN, "detailsConcurrency must be a whole number >= 1 (got NaN)"],
    [
      "detailsConcurrency",
      Number.POSITIVE_INFINITY,
      "detailsConcurrency must be a whole number >= 1 (got Infinity)",
    ],
    ["metricsConcurrency", 0, "metricsConcurrency must be a whole number >= 1 (got 0)"],
    ["metricsConcurrency", -3, "metricsConcurrency must be a whole number >= 1 (got -3)"],
    ["metricsConcurrency", 1.5, "metricsConcurrency must be a whole number >= 1 (got 1.5)"],
    ["retries", -1, "retries must be a whole number >= 0 (got -1)"],
    ["retries", 1.5, "retries must be a whole number >= 0 (got 1.5)"],
    ["retries", Number.NaN, "retries must be a whole number >= 0 (got NaN)"],
    ["retries", Number.POSITIVE_INFINITY, "retries must be a whole number >= 0 (got Infinity)"],
    ["retryDelayMs", -1, "retryDelayMs must be a finite number >= 0 (got -1)"],
    ["retryDelayMs", Number.NaN, "retryDelayMs must be a finite number >= 0 (got NaN)"],
    [
      "retryDelayMs",
      Number.POSITIVE_INFINITY,
      "retryDelayMs must be a finite number >= 0 (got Infinity)",
    ],
  ])("rejects %s: %s with a RangeError, before any request", async (option, value, message) => {
    let run: Promise<MetricsReport> | undefined;
    expect(() => {
      run = collectMetrics({ baseUrl: API, [option]: value });
    }, "collectMetrics must reject, not throw").not.toThrow();
    const outcome = await settle(run ?? Promise.resolve({} as MetricsReport));
    expect(outcome.error).toBeInstanceOf(RangeError);
    expect((outcome.error as Error).message).toBe(message);
    expect(urlsSent()).toEqual([]);
  });

  it.each([
    [
      "portal.example.test/api/v2",
      "baseUrl must be an absolute URL (got portal.example.test/api/v2)",
    ],
    ["", "baseUrl must be an absolute URL (got )"],
    ["/api/v2", "baseUrl must be an absolute URL (got /api/v2)"],
  ])("rejects baseUrl %j with a TypeError, before any request", async (baseUrl, message) => {
    const outcome = await settle(collectMetrics({ baseUrl }));
    expect(outcome.error).toBeInstanceOf(TypeError);
    expect((outcome.error as Error).message).toBe(message);
    expect(urlsSent()).toEqual([]);
  });

  it("accepts a retryDelayMs that is not a whole number (2.5) and waits before retrying", async () => {
    servePortal(smallPortal());
    answerInTurn(
      detailsUrl(1),
      status(503),
      status(503),
      body({ count: 0, next: null, previous: null, results: [] }),
    );
    const run = collectMetrics({ baseUrl: API, retryDelayMs: 2.5 });
    const early = track(run);
    await until(
      () => sentTo(detailsUrl(1)) === 1,
      `retryDelayMs 2.5 is accepted, so the walk starts (got ${String(early.error)})`,
    );
    await advance(1);
    expect(sentTo(detailsUrl(1)), "the retry waits about 2.5 ms").toBe(1);
    const outcome = await settle(run);
    expect(outcome.error, "2.5 is a finite number >= 0").toBeUndefined();
    expect(sentTo(detailsUrl(1))).toBe(3);
    expect(outcome.value?.problems).toEqual([]);
  });

  it("accepts the smallest values: concurrency 1, retries 0, retryDelayMs 0", async () => {
    servePortal(smallPortal());
    const report = await collect({
      detailsConcurrency: 1,
      metricsConcurrency: 1,
      retries: 0,
      retryDelayMs: 0,
    });
    expect(report.counts.details.fetched).toBe(3);
  });
});
