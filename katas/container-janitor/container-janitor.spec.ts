import { writeFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { useTempDir } from "../../fixtures/helpers/temp-dir";
import {
  container,
  containerId,
  FakeDocker,
  image,
  imageId,
} from "../../fixtures/katas/container-janitor/fake-docker";
import {
  cleanUp,
  DockerApiError,
  DockerClient,
  type DockerClientOptions,
  type JanitorOptions,
  unixSocketFetch,
} from "./container-janitor";

const HOUR_MS = 60 * 60 * 1000;
/** The `now` every clean-up is given. */
const NOW = new Date("2026-03-01T12:00:00.000Z");
/** The machine's clock in the tests that fake it: deliberately not NOW. */
const CLOCK = new Date("2026-06-15T08:30:00.000Z");
const hoursBefore = (time: Date, hours: number) => new Date(time.getTime() - hours * HOUR_MS);
const hoursAgo = (hours: number) => hoursBefore(NOW, hours);

const EXITED_FILTER = { status: ["exited"] };
const DANGLING_FILTER = { dangling: ["true"] };

let fake: FakeDocker;
let baseUrl: string;

beforeEach(async () => {
  fake = new FakeDocker();
  baseUrl = await fake.listen();
});

afterEach(async () => {
  vi.useRealTimers();
  const unexpected = [...fake.unexpected];
  await fake.close();
  expect(unexpected, "requests to endpoints Docker does not have").toEqual([]);
});

const client = (options: DockerClientOptions = {}) => new DockerClient({ baseUrl, ...options });
const run = (options: JanitorOptions = {}) => cleanUp(client(), { now: NOW, ...options });

/** The requests the fake received, with the JSON `filters` parameter parsed. */
function received() {
  return fake.requests.map(({ method, path, query }) => {
    const { filters, ...rest } = query;
    return {
      method,
      path,
      query: rest,
      ...(filters === undefined ? {} : { filters: JSON.parse(filters) }),
    };
  });
}

/** A fetch that goes to the real one and counts what it was asked, and how much at once. */
function countingFetch() {
  const state = { urls: [] as string[], inFlight: 0, maxInFlight: 0 };
  const counted: typeof fetch = async (input, init) => {
    state.urls.push(String(input instanceof Request ? input.url : input));
    state.inFlight += 1;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    try {
      return await fetch(input, init);
    } finally {
      state.inFlight -= 1;
    }
  };
  return { fetch: counted, state };
}

describe("step 1 — talking to the Docker API", () => {
  it("lists exited containers: GET /v1.45/containers/json?all=1&filters={status:[exited]}", async () => {
    const exited = container({ name: "old-build", createdAt: hoursAgo(48) });
    fake.containers = [
      exited,
      container({ name: "web", createdAt: hoursAgo(1), state: "running" }),
    ];
    await expect(client().listExitedContainers()).resolves.toEqual([exited]);
    expect(received()).toEqual([
      {
        method: "GET",
        path: "/v1.45/containers/json",
        query: { all: "1" },
        filters: EXITED_FILTER,
      },
    ]);
  });

  it("lists dangling images: GET /v1.45/images/json?filters={dangling:[true]}", async () => {
    const dangling = image({ seed: "old-layer" });
    fake.images = [dangling, image({ seed: "app", repoTags: ["app:1.4.2"] })];
    await expect(client().listDanglingImages()).resolves.toEqual([dangling]);
    expect(received()).toEqual([
      { method: "GET", path: "/v1.45/images/json", query: {}, filters: DANGLING_FILTER },
    ]);
  });

  it("removes a container with DELETE /v1.45/containers/<id> and no query, resolving with undefined", async () => {
    const exited = container({ name: "old-build", createdAt: hoursAgo(48) });
    fake.containers = [exited];
    await expect(client().removeContainer(exited.Id)).resolves.toBeUndefined();
    expect(received()).toEqual([
      { method: "DELETE", path: `/v1.45/containers/${exited.Id}`, query: {} },
    ]);
    expect(fake.containers, "the fake daemon should no longer have it").toEqual([]);
  });

  it("removes an image with DELETE /v1.45/images/sha256:<hex> and no query", async () => {
    const dangling = image({ seed: "old-layer" });
    fake.images = [dangling];
    await expect(client().removeImage(dangling.Id)).resolves.toBeUndefined();
    expect(received()).toEqual([
      { method: "DELETE", path: `/v1.45/images/${dangling.Id}`, query: {} },
    ]);
    expect(fake.images).toEqual([]);
  });

  it("puts the apiVersion option in every path", async () => {
    const exited = container({ name: "old-build", createdAt: hoursAgo(48) });
    fake.containers = [exited];
    const docker = client({ apiVersion: "1.41" });
    await docker.listExitedContainers();
    await docker.listDanglingImages();
    await docker.removeContainer(exited.Id);
    expect(fake.requests.map((r) => r.path)).toEqual([
      "/v1.41/containers/json",
      "/v1.41/images/json",
      `/v1.41/containers/${exited.Id}`,
    ]);
  });

  it("ignores trailing slashes in baseUrl", async () => {
    await expect(client({ baseUrl: `${baseUrl}//` }).listDanglingImages()).resolves.toEqual([]);
    expect(fake.requests.map((r) => r.path)).toEqual(["/v1.45/images/json"]);
  });

  it("defaults to http://localhost and API 1.45", async () => {
    const urls: string[] = [];
    const docker = new DockerClient({
      fetch: async (input) => {
        urls.push(String(input));
        return Response.json([]);
      },
    });
    await docker.listDanglingImages();
    expect(urls).toHaveLength(1);
    expect(urls[0]?.startsWith("http://localhost/v1.45/images/json?")).toBe(true);
  });

  it("sends every request through the fetch option, with the full URL", async () => {
    const exited = container({ name: "old-build", createdAt: hoursAgo(48) });
    const dangling = image({ seed: "old-layer" });
    fake.containers = [exited];
    fake.images = [dangling];
    const { fetch: counted, state } = countingFetch();
    const docker = client({ fetch: counted });
    await docker.listExitedContainers();
    await docker.listDanglingImages();
    await docker.removeContainer(exited.Id);
    await docker.removeImage(dangling.Id);
    expect(state.urls, "all four requests must go through the fetch option").toHaveLength(4);
    for (const url of state.urls) expect(url.startsWith(`${baseUrl}/v1.45/`)).toBe(true);
    expect(fake.requests).toHaveLength(4);
  });

  it("looks the global fetch up at each request when no fetch option is given", async () => {
    const docker = client(); // made before the global fetch is replaced
    const realFetch = globalThis.fetch;
    const seen: string[] = [];
    vi.stubGlobal("fetch", (input: string | URL | Request, init?: RequestInit) => {
      seen.push(String(input));
      return realFetch(input, init);
    });
    await expect(docker.listDanglingImages()).resolves.toEqual([]);
    expect(seen, "the request must go through the global fetch of the moment").toHaveLength(1);
    expect(fake.requests).toHaveLength(1);
  });

  it("keeps a path in baseUrl in front of the version, and leaves it out of an error's path", async () => {
    const urls: string[] = [];
    const docker = new DockerClient({
      baseUrl: "http://proxy.example:8080/docker/",
      fetch: async (input) => {
        urls.push(String(input));
        return new Response("upstream timed out", { status: 504, statusText: "Gateway Timeout" });
      },
    });
    await expect(docker.listDanglingImages()).rejects.toMatchObject({
      name: "DockerApiError",
      path: "/images/json",
      status: 504,
      reason: "upstream timed out",
    });
    expect(urls).toHaveLength(1);
    expect(
      urls[0]?.startsWith("http://proxy.example:8080/docker/v1.45/images/json?"),
      `${urls[0]} should start with http://proxy.example:8080/docker/v1.45/images/json?`,
    ).toBe(true);
  });

  it("URL-encodes the filters: no raw brace, bracket or quote in the request", async () => {
    const docker = client();
    await docker.listExitedContainers();
    await docker.listDanglingImages();
    const targets = fake.requests.map((r) => r.target);
    expect(targets).toHaveLength(2);
    for (const target of targets)
      expect(target, "the request target as sent: the JSON must be percent-encoded").not.toMatch(
        /[{}[\]"]/,
      );
  });

  it.each(["removeContainer", "removeImage"] as const)(
    "%s sends the id as one URL-encoded path segment, and an error names it as given",
    async (method) => {
      const id = "web app/1?x=1#top%";
      const endpoint = method === "removeContainer" ? "containers" : "images";
      const urls: string[] = [];
      const docker = new DockerClient({
        baseUrl,
        fetch: async (input) => {
          urls.push(String(input));
          return Response.json({ message: `No such object: ${id}` }, { status: 404 });
        },
      });
      const error = await docker[method](id).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(urls).toHaveLength(1);
      const url = new URL(urls[0] ?? "");
      expect(url.search, "the id must not start a query").toBe("");
      expect(url.hash, "the id must not start a fragment").toBe("");
      const segments = url.pathname.split("/");
      expect(segments.slice(0, 3)).toEqual(["", "v1.45", endpoint]);
      expect(segments, "the id must be a single path segment").toHaveLength(4);
      expect(decodeURIComponent(segments[3] ?? "")).toBe(id);
      expect(error).toMatchObject({
        name: "DockerApiError",
        path: `/${endpoint}/${id}`,
        status: 404,
        message: `DELETE /${endpoint}/${id} failed with HTTP 404: No such object: ${id}`,
      });
    },
  );

  it.each(["v1.45", "1", "1.45.0", "", "latest", "1.x", "145", "1x45", "1-45", "1.45\n"])(
    "rejects apiVersion %j with a RangeError",
    (apiVersion) => {
      expect(() => new DockerClient({ baseUrl, apiVersion })).toThrow(RangeError);
      expect(() => new DockerClient({ baseUrl, apiVersion })).toThrow(/apiVersion/);
    },
  );

  it.each(["1.24", "1.41", "10.2"])(
    "accepts apiVersion %s (digits, a dot, digits)",
    (apiVersion) => {
      expect(() => new DockerClient({ baseUrl, apiVersion })).not.toThrow();
    },
  );

  it("turns an HTTP error into a DockerApiError carrying Docker's message", async () => {
    const exited = container({ name: "old-build", createdAt: hoursAgo(48) });
    fake.containers = [exited];
    const reason = `driver "overlay2" failed to remove root filesystem for ${exited.Id}: device or resource busy`;
    fake.faults.set(`DELETE /containers/${exited.Id}`, { status: 500, message: reason });
    const error = await client()
      .removeContainer(exited.Id)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(DockerApiError);
    expect(error).toMatchObject({
      name: "DockerApiError",
      method: "DELETE",
      path: `/containers/${exited.Id}`,
      status: 500,
      reason,
      message: `DELETE /containers/${exited.Id} failed with HTTP 500: ${reason}`,
    });
  });

  it("rejects a missing container with a 404 DockerApiError", async () => {
    const id = containerId("never-existed");
    await expect(client().removeContainer(id)).rejects.toMatchObject({
      name: "DockerApiError",
      status: 404,
      path: `/containers/${id}`,
      reason: `No such container: ${id}`,
    });
  });

  it.each([
    {
      what: "an HTML page from a proxy: the body text, trimmed",
      raw: "  <html><body><h1>502 Bad Gateway</h1></body></html>\n",
      status: 502,
      contentType: "text/html",
      reason: "<html><body><h1>502 Bad Gateway</h1></body></html>",
    },
    {
      what: "JSON without a string message: the body text",
      raw: '{"error":"upstream down","message":42}',
      status: 500,
      contentType: "application/json",
      reason: '{"error":"upstream down","message":42}',
    },
    {
      what: "an empty body: the status text",
      raw: "",
      status: 503,
      contentType: "text/plain",
      reason: "Service Unavailable",
    },
    {
      what: "a body of only blanks: the status text",
      raw: " \n\t\n",
      status: 502,
      contentType: "text/plain",
      reason: "Bad Gateway",
    },
    {
      what: 'JSON with an empty message: "", not a fallback',
      raw: '{"message":""}',
      status: 500,
      contentType: "application/json",
      reason: "",
    },
    {
      what: "JSON whose message has blanks around it: the message as it is, not trimmed",
      raw: ' {"message":"  device or resource busy \\n"}\n',
      status: 500,
      contentType: "application/json",
      reason: "  device or resource busy \n",
    },
  ])("gives a DockerApiError a reason for $what", async ({ raw, status, contentType, reason }) => {
    fake.faults.set("GET /containers/json", { status, raw, contentType });
    await expect(client().listExitedContainers()).rejects.toMatchObject({
      name: "DockerApiError",
      method: "GET",
      path: "/containers/json",
      status,
      reason,
    });
  });

  it("rejects a 304 that reaches the client with a DockerApiError: only 200–299 is success", async () => {
    const docker = new DockerClient({
      baseUrl,
      fetch: async () => new Response(null, { status: 304, statusText: "Not Modified" }),
    });
    await expect(docker.removeImage(imageId("cached"))).rejects.toMatchObject({
      name: "DockerApiError",
      method: "DELETE",
      status: 304,
      reason: "Not Modified",
    });
  });

  it("rejects a 302 without a Location (fetch cannot follow it) with a DockerApiError", async () => {
    const exited = container({ name: "old-build", createdAt: hoursAgo(48) });
    fake.containers = [exited];
    fake.faults.set(`DELETE /containers/${exited.Id}`, {
      status: 302,
      raw: "",
      contentType: "text/plain",
    });
    await expect(client().removeContainer(exited.Id)).rejects.toMatchObject({
      name: "DockerApiError",
      status: 302,
      reason: "Found",
    });
    const report = await run({ apply: true });
    expect(report.containers, "a 3xx is not a removal").toEqual([
      { id: exited.Id, name: "old-build", action: "failed", message: "Found" },
    ]);
  });

  it("gives an empty reason when the body and the status text are both empty", async () => {
    const docker = new DockerClient({
      fetch: async () => new Response("", { status: 502, statusText: "" }),
    });
    await expect(docker.listDanglingImages()).rejects.toMatchObject({
      name: "DockerApiError",
      status: 502,
      reason: "",
      message: "GET /images/json failed with HTTP 502: ",
    });
  });
});

describe("step 2 — which containers go", () => {
  it("reports an exited container older than 24 hours as would-remove", async () => {
    const old = container({ name: "old-build", createdAt: hoursAgo(48) });
    fake.containers = [old];
    await expect(run()).resolves.toEqual({
      dryRun: true,
      containers: [{ id: old.Id, name: "old-build", action: "would-remove" }],
      images: [],
    });
  });

  it("reports one created 2 hours ago as too-recent (Created is in seconds)", async () => {
    const young = container({ name: "fresh-build", createdAt: hoursAgo(2) });
    fake.containers = [young];
    const report = await run();
    expect(report.containers).toEqual([
      { id: young.Id, name: "fresh-build", action: "too-recent" },
    ]);
  });

  it("removes a container exactly olderThanHours old, not one a second younger", async () => {
    const exactly = container({ name: "exactly-24h", createdAt: hoursAgo(24) });
    const younger = container({
      name: "a-second-less",
      createdAt: new Date(hoursAgo(24).getTime() + 1000),
    });
    fake.containers = [exactly, younger];
    const report = await run();
    expect(report.containers.map((c) => [c.name, c.action])).toEqual([
      ["exactly-24h", "would-remove"],
      ["a-second-less", "too-recent"],
    ]);
  });

  it("measures ages to the millisecond of now: now is not rounded to seconds", async () => {
    const now = new Date(NOW.getTime() + 600); // 12:00:00.600
    fake.containers = [
      // 24 hours and 0.6 s old at `now`: it goes.
      container({ name: "a-day-and-a-bit", createdAt: hoursAgo(24) }),
      // 0.4 s short of 24 hours at `now` (Created is in whole seconds): too recent.
      container({ name: "not-quite-a-day", createdAt: new Date(hoursAgo(24).getTime() + 1000) }),
    ];
    const report = await cleanUp(client(), { now });
    expect(report.containers.map((c) => [c.name, c.action])).toEqual([
      ["a-day-and-a-bit", "would-remove"],
      ["not-quite-a-day", "too-recent"],
    ]);
  });

  it("takes fractional hours: 1.5 hours is 90 minutes", async () => {
    fake.containers = [
      container({ name: "ninety-minutes", createdAt: hoursAgo(1.5) }),
      container({ name: "eighty-nine", createdAt: hoursAgo(89 / 60) }),
    ];
    const report = await run({ olderThanHours: 1.5 });
    expect(report.containers.map((c) => [c.name, c.action])).toEqual([
      ["ninety-minutes", "would-remove"],
      ["eighty-nine", "too-recent"],
    ]);
  });

  it.each([
    { what: "0", olderThanHours: 0 },
    { what: "-0 (it is 0, not a negative number)", olderThanHours: -0 },
  ])(
    "with olderThanHours $what, every exited container goes, even one created just now",
    async ({ olderThanHours }) => {
      fake.containers = [container({ name: "just-now", createdAt: NOW })];
      const report = await run({ olderThanHours });
      expect(report.containers.map((c) => c.action)).toEqual(["would-remove"]);
    },
  );

  it("measures ages against the now option, not the machine's clock", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(CLOCK);
    // 10 hours old at NOW, but months old by the machine's clock.
    fake.containers = [container({ name: "ten-hours", createdAt: hoursAgo(10) })];
    const report = await run();
    expect(report.containers.map((c) => c.action)).toEqual(["too-recent"]);
  });

  it("defaults now to the time of the call", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(CLOCK);
    fake.containers = [
      container({ name: "yesterday", createdAt: hoursBefore(CLOCK, 25) }),
      container({ name: "this-morning", createdAt: hoursBefore(CLOCK, 3) }),
    ];
    const report = await cleanUp(client());
    expect(report.containers.map((c) => [c.name, c.action])).toEqual([
      ["yesterday", "would-remove"],
      ["this-morning", "too-recent"],
    ]);
  });

  it("leaves out what the daemon returned that is not exited (a daemon that ignores filters)", async () => {
    fake.ignoreFilters = true;
    const { State: _state, ...stateless } = container({
      name: "stateless",
      createdAt: hoursAgo(100),
    });
    fake.containers = [
      container({ name: "web", createdAt: hoursAgo(100), state: "running" }),
      container({ name: "old-build", createdAt: hoursAgo(48) }),
      container({ name: "paused-job", createdAt: hoursAgo(100), state: "paused" }),
      stateless as ReturnType<typeof container>,
    ];
    const report = await run();
    expect(
      report.containers.map((c) => c.name),
      'only State: "exited" may stay',
    ).toEqual(["old-build"]);
  });

  it.each<{ labels: Record<string, string> | null; action: string }>([
    { labels: { "janitor.keep": "true" }, action: "kept" },
    { labels: { "janitor.keep": "" }, action: "kept" },
    { labels: { "janitor.keep": "false" }, action: "kept" },
    { labels: { "Janitor.Keep": "true" }, action: "would-remove" },
    { labels: { "janitor.keeper": "true", team: "ci" }, action: "would-remove" },
    { labels: null, action: "would-remove" },
    { labels: {}, action: "would-remove" },
  ])("labels $labels make an old container $action", async ({ labels, action }) => {
    fake.containers = [container({ name: "old-build", createdAt: hoursAgo(48), labels })];
    const report = await run();
    expect(report.containers.map((c) => c.action)).toEqual([action]);
  });

  it.each(["constructor", "toString", "hasOwnProperty", "__proto__"])(
    "keeps only for an own label key: keepLabel %j is not found on every object",
    async (keepLabel) => {
      fake.containers = [
        container({ name: "unlabeled", createdAt: hoursAgo(48), labels: { team: "ci" } }),
        container({ name: "labeled", createdAt: hoursAgo(48), labels: { [keepLabel]: "yes" } }),
      ];
      const report = await run({ keepLabel });
      expect(report.containers.map((c) => [c.name, c.action])).toEqual([
        ["unlabeled", "would-remove"],
        ["labeled", "kept"],
      ]);
    },
  );

  it("uses the keepLabel option instead of the default label", async () => {
    fake.containers = [
      container({ name: "custom", createdAt: hoursAgo(48), labels: { "com.example.keep": "1" } }),
      container({ name: "default", createdAt: hoursAgo(48), labels: { "janitor.keep": "1" } }),
    ];
    const report = await run({ keepLabel: "com.example.keep" });
    expect(report.containers.map((c) => [c.name, c.action])).toEqual([
      ["custom", "kept"],
      ["default", "would-remove"],
    ]);
  });

  it("uses keepLabel exactly as given, never trimmed: a blank key is a key like any other", async () => {
    fake.containers = [
      container({ name: "blank-key", createdAt: hoursAgo(48), labels: { " ": "1" } }),
      container({ name: "empty-key", createdAt: hoursAgo(48), labels: { "": "1" } }),
      container({ name: "padded", createdAt: hoursAgo(48), labels: { " janitor.keep ": "1" } }),
    ];
    const blank = await run({ keepLabel: " " });
    expect(
      blank.containers.map((c) => [c.name, c.action]),
      'keepLabel " " keeps only the container labelled " ", not one labelled "" or " janitor.keep "',
    ).toEqual([
      ["blank-key", "kept"],
      ["empty-key", "would-remove"],
      ["padded", "would-remove"],
    ]);
    fake.containers = [
      container({ name: "exact", createdAt: hoursAgo(48), labels: { "janitor.keep": "1" } }),
      container({ name: "padded", createdAt: hoursAgo(48), labels: { " janitor.keep ": "1" } }),
    ];
    const padded = await run({ keepLabel: " janitor.keep " });
    expect(
      padded.containers.map((c) => [c.name, c.action]),
      'keepLabel " janitor.keep " is not trimmed: it keeps the padded label only',
    ).toEqual([
      ["exact", "would-remove"],
      ["padded", "kept"],
    ]);
  });

  it("says kept, not too-recent, for a young container with the label", async () => {
    fake.containers = [
      container({ name: "young-kept", createdAt: hoursAgo(1), labels: { "janitor.keep": "" } }),
    ];
    const report = await run();
    expect(report.containers.map((c) => c.action)).toEqual(["kept"]);
  });

  it("names a container by its own name, not a legacy link alias", async () => {
    const linked = container({ name: "postgres", createdAt: hoursAgo(48), linkNames: ["/web/db"] });
    const nameless = { ...container({ name: "nameless", createdAt: hoursAgo(48) }), Names: [] };
    const { Names: _names, ...noNames } = container({ name: "no-names", createdAt: hoursAgo(48) });
    const aliasOnly = {
      ...container({ name: "alias-only", createdAt: hoursAgo(48) }),
      Names: ["/web/cache"],
    };
    const noSlash = {
      ...container({ name: "no-slash", createdAt: hoursAgo(48) }),
      Names: ["plain"],
    };
    fake.containers = [linked, nameless, noNames as typeof linked, aliasOnly, noSlash];
    const report = await run();
    expect(report.containers).toEqual([
      { id: linked.Id, name: "postgres", action: "would-remove" },
      { id: nameless.Id, name: "", action: "would-remove" },
      { id: noNames.Id, name: "", action: "would-remove" },
      { id: aliasOnly.Id, name: "", action: "would-remove" },
      { id: noSlash.Id, name: "plain", action: "would-remove" },
    ]);
  });

  it("takes an entry with a / after its first character as a link alias, leading slash or not", async () => {
    const bareAliasFirst = {
      ...container({ name: "bare-alias-first", createdAt: hoursAgo(48) }),
      Names: ["web/db", "/db"],
    };
    const bareAliasOnly = {
      ...container({ name: "bare-alias-only", createdAt: hoursAgo(48) }),
      Names: ["web/cache"],
    };
    fake.containers = [bareAliasFirst, bareAliasOnly];
    const report = await run();
    expect(
      report.containers.map((c) => c.name),
      '"web/db" is a link alias too (a / after the first character): the name is "db", and "" without another entry',
    ).toEqual(["db", ""]);
  });

  it("keeps the order Docker listed the containers in", async () => {
    fake.containers = [
      container({ name: "charlie", createdAt: hoursAgo(30) }),
      container({ name: "alpha", createdAt: hoursAgo(90) }),
      container({ name: "bravo", createdAt: hoursAgo(60) }),
    ];
    const report = await run();
    expect(report.containers.map((c) => c.name)).toEqual(["charlie", "alpha", "bravo"]);
  });

  it("reports nothing to do on an empty daemon", async () => {
    await expect(run()).resolves.toEqual({ dryRun: true, containers: [], images: [] });
  });
});

describe("step 3 — dry run by default", () => {
  function seed() {
    const old = container({ name: "old-build", createdAt: hoursAgo(48) });
    const dangling = image({ seed: "old-layer" });
    fake.containers = [old];
    fake.images = [dangling];
    return { old, dangling };
  }

  it("sends no DELETE at all without apply, and says what it would remove", async () => {
    const { old, dangling } = seed();
    await expect(run()).resolves.toEqual({
      dryRun: true,
      containers: [{ id: old.Id, name: "old-build", action: "would-remove" }],
      images: [{ id: dangling.Id, action: "would-remove" }],
    });
    expect(fake.deletes(), "a dry run must not remove anything").toEqual([]);
    expect(fake.containers).toHaveLength(1);
    expect(fake.images).toHaveLength(1);
  });

  it("gives a would-remove outcome no message key at all", async () => {
    seed();
    const report = await run();
    const outcomes = [...report.containers, ...report.images];
    expect(outcomes.map((o) => o.action)).toEqual(["would-remove", "would-remove"]);
    for (const outcome of outcomes)
      expect(Object.keys(outcome), "not even message: undefined").not.toContain("message");
  });

  it.each([false, "true", 1, "yes", null])("treats apply: %j as a dry run", async (apply) => {
    seed();
    const report = await run({ apply: apply as unknown as boolean });
    expect(report.dryRun).toBe(true);
    expect(report.containers.map((c) => c.action)).toEqual(["would-remove"]);
    expect(fake.deletes(), "only apply: true may remove").toEqual([]);
  });

  it("removes with apply: true, and says dryRun: false", async () => {
    const { old, dangling } = seed();
    await expect(run({ apply: true })).resolves.toEqual({
      dryRun: false,
      containers: [{ id: old.Id, name: "old-build", action: "removed" }],
      images: [{ id: dangling.Id, action: "removed" }],
    });
    expect(fake.containers).toEqual([]);
    expect(fake.images).toEqual([]);
  });

  it("lists containers, then images, before removing anything", async () => {
    const { old, dangling } = seed();
    await run({ apply: true });
    expect(fake.calls().map((call) => call.split(" ").slice(0, 2).join(" "))).toEqual([
      "GET /v1.45/containers/json",
      "GET /v1.45/images/json",
      `DELETE /v1.45/containers/${old.Id}`,
      `DELETE /v1.45/images/${dangling.Id}`,
    ]);
  });
});

describe("step 4 — removing, one failure never stops the rest", () => {
  const names = ["alpha", "bravo", "charlie", "delta", "echo"];
  const ids = Object.fromEntries(names.map((name) => [name, containerId(name)]));

  beforeEach(() => {
    fake.containers = names.map((name, i) => container({ name, createdAt: hoursAgo(30 + i) }));
  });

  it("removes every old container, in order, with DELETE /v1.45/containers/<id> and no query", async () => {
    const report = await run({ apply: true });
    expect(report.containers.map((c) => [c.name, c.action])).toEqual(
      names.map((n) => [n, "removed"]),
    );
    expect(received().filter((r) => r.method === "DELETE")).toEqual(
      names.map((name) => ({
        method: "DELETE",
        path: `/v1.45/containers/${ids[name]}`,
        query: {},
      })),
    );
    expect(fake.containers).toEqual([]);
  });

  it("reports a 500 as failed with Docker's message, a 409 as in-use, a 404 as already-gone — and goes on", async () => {
    const busy = `driver "overlay2" failed to remove root filesystem for ${ids.bravo}: device or resource busy`;
    const inProgress = `removal of container ${ids.charlie} is already in progress`;
    const gone = `No such container: ${ids.delta}`;
    fake.faults.set(`DELETE /containers/${ids.bravo}`, { status: 500, message: busy });
    fake.faults.set(`DELETE /containers/${ids.charlie}`, { status: 409, message: inProgress });
    fake.faults.set(`DELETE /containers/${ids.delta}`, { status: 404, message: gone });
    const report = await run({ apply: true });
    expect(report.containers).toEqual([
      { id: ids.alpha, name: "alpha", action: "removed" },
      { id: ids.bravo, name: "bravo", action: "failed", message: busy },
      { id: ids.charlie, name: "charlie", action: "in-use", message: inProgress },
      { id: ids.delta, name: "delta", action: "already-gone", message: gone },
      { id: ids.echo, name: "echo", action: "removed" },
    ]);
    expect(fake.deletes(), "every container must still be tried").toHaveLength(5);
  });

  it("reports a dropped connection as failed, and still removes the next one", async () => {
    fake.faults.set(`DELETE /containers/${ids.alpha}`, { drop: true });
    const report = await run({ apply: true });
    expect(report.containers[0]).toMatchObject({ name: "alpha", action: "failed" });
    expect(report.containers[0]?.message, "a failed outcome carries the error's message").toEqual(
      expect.any(String),
    );
    expect(report.containers.slice(1).map((c) => c.action)).toEqual(Array(4).fill("removed"));
  });

  it("gives a network error's own message for failed", async () => {
    const { fetch: realFetch } = countingFetch();
    const flaky: typeof fetch = async (input, init) => {
      if (init?.method === "DELETE" && String(input).includes(ids.charlie ?? "?"))
        throw new TypeError("fetch failed: other side closed");
      return realFetch(input, init);
    };
    const report = await cleanUp(client({ fetch: flaky }), { now: NOW, apply: true });
    expect(report.containers[2]).toEqual({
      id: ids.charlie,
      name: "charlie",
      action: "failed",
      message: "fetch failed: other side closed",
    });
    expect(report.containers.filter((c) => c.action === "removed")).toHaveLength(4);
  });

  it("resolves with a report even when every removal fails", async () => {
    for (const name of names)
      fake.faults.set(`DELETE /containers/${ids[name]}`, {
        status: 500,
        message: "disk I/O error",
      });
    const report = await run({ apply: true });
    expect(report.containers.map((c) => c.action)).toEqual(Array(5).fill("failed"));
    expect(report.containers.map((c) => c.message)).toEqual(Array(5).fill("disk I/O error"));
  });

  it("sends removals one at a time: never two requests in flight", async () => {
    fake.images = [image({ seed: "one" }), image({ seed: "two" }), image({ seed: "three" })];
    const { fetch: counted, state } = countingFetch();
    const report = await cleanUp(client({ fetch: counted }), { now: NOW, apply: true });
    expect(report.containers.filter((c) => c.action === "removed")).toHaveLength(5);
    expect(report.images.filter((i) => i.action === "removed")).toHaveLength(3);
    expect(state.urls).toHaveLength(2 + 5 + 3);
    expect(state.maxInFlight, "requests in flight at the same time").toBe(1);
  });

  it("gives an outcome a message key only when the removal went wrong", async () => {
    fake.containers = [
      container({ name: "kept", createdAt: hoursAgo(48), labels: { "janitor.keep": "" } }),
      container({ name: "young", createdAt: hoursAgo(1) }),
      container({ name: "old", createdAt: hoursAgo(48) }),
      container({ name: "stuck", createdAt: hoursAgo(48) }),
    ];
    fake.images = [
      image({ seed: "layer" }),
      image({ seed: "pinned", labels: { "janitor.keep": "" } }),
    ];
    fake.faults.set(`DELETE /containers/${containerId("stuck")}`, { status: 500, message: "busy" });
    const report = await run({ apply: true });
    const keys = (outcome: object) => Object.keys(outcome).sort().join(",");
    expect(report.containers.map((c) => [c.action, keys(c)])).toEqual([
      ["kept", "action,id,name"],
      ["too-recent", "action,id,name"],
      ["removed", "action,id,name"],
      ["failed", "action,id,message,name"],
    ]);
    expect(report.images.map((i) => [i.action, keys(i)])).toEqual([
      ["removed", "action,id"],
      ["kept", "action,id"],
    ]);
  });

  it("sends no DELETE for kept or too-recent containers", async () => {
    fake.containers = [
      container({ name: "kept", createdAt: hoursAgo(48), labels: { "janitor.keep": "true" } }),
      container({ name: "young", createdAt: hoursAgo(1) }),
      container({ name: "old", createdAt: hoursAgo(48) }),
    ];
    const report = await run({ apply: true });
    expect(report.containers.map((c) => [c.name, c.action])).toEqual([
      ["kept", "kept"],
      ["young", "too-recent"],
      ["old", "removed"],
    ]);
    expect(fake.deletes()).toEqual([`DELETE /v1.45/containers/${containerId("old")}`]);
  });
});

describe("step 5 — dangling images, after the containers", () => {
  it("removes a dangling image with DELETE /v1.45/images/<sha256 id>", async () => {
    const dangling = image({ seed: "old-layer" });
    fake.images = [dangling];
    const report = await run({ apply: true });
    expect(report.images).toEqual([{ id: dangling.Id, action: "removed" }]);
    expect(fake.deletes()).toEqual([`DELETE /v1.45/images/${dangling.Id}`]);
  });

  it("has no age rule for images: one built an hour ago goes too", async () => {
    const fresh = image({ seed: "rebuilt-an-hour-ago", createdAt: hoursAgo(1) });
    fake.images = [fresh];
    const report = await run({ apply: true, olderThanHours: 48 });
    expect(report.images).toEqual([{ id: fresh.Id, action: "removed" }]);
  });

  it("counts null, [] and <none>:<none> tags as dangling, and leaves tagged images out", async () => {
    fake.ignoreFilters = true;
    fake.images = [
      image({ seed: "null-tags", repoTags: null }),
      image({ seed: "tagged", repoTags: ["registry.example.com/app:1.4.2"] }),
      image({ seed: "no-tags", repoTags: [] }),
      image({ seed: "none-none", repoTags: ["<none>:<none>"] }),
      image({ seed: "half-tagged", repoTags: ["<none>:<none>", "app:previous"] }),
    ];
    const report = await run();
    expect(report.images).toEqual([
      { id: imageId("null-tags"), action: "would-remove" },
      { id: imageId("no-tags"), action: "would-remove" },
      { id: imageId("none-none"), action: "would-remove" },
    ]);
  });

  it("keeps an image with the protect label, whatever its value; null labels keep nothing", async () => {
    fake.images = [
      image({ seed: "kept", labels: { "janitor.keep": "" } }),
      image({ seed: "no-labels", labels: null }),
      image({ seed: "other-label", labels: { "org.opencontainers.image.title": "builder" } }),
    ];
    const report = await run({ apply: true });
    expect(report.images).toEqual([
      { id: imageId("kept"), action: "kept" },
      { id: imageId("no-labels"), action: "removed" },
      { id: imageId("other-label"), action: "removed" },
    ]);
    expect(fake.images.map((i) => i.Id)).toEqual([imageId("kept")]);
  });

  it("keeps an image only for an own label key: keepLabel constructor is not on every object", async () => {
    fake.images = [
      image({ seed: "plain", labels: {} }),
      image({ seed: "labeled", labels: { constructor: "yes" } }),
    ];
    const report = await run({ keepLabel: "constructor" });
    expect(report.images).toEqual([
      { id: imageId("plain"), action: "would-remove" },
      { id: imageId("labeled"), action: "kept" },
    ]);
  });

  it("removes the containers first, so the image they used can go too", async () => {
    const layer = image({ seed: "test-runner" });
    fake.images = [layer];
    fake.containers = [
      container({ name: "ci-1", createdAt: hoursAgo(50), image: layer.Id }),
      container({ name: "ci-2", createdAt: hoursAgo(49), image: layer.Id }),
    ];
    const report = await run({ apply: true });
    expect(report.containers.map((c) => c.action)).toEqual(["removed", "removed"]);
    expect(report.images).toEqual([{ id: layer.Id, action: "removed" }]);
    expect(fake.deletes()).toEqual([
      `DELETE /v1.45/containers/${containerId("ci-1")}`,
      `DELETE /v1.45/containers/${containerId("ci-2")}`,
      `DELETE /v1.45/images/${layer.Id}`,
    ]);
  });

  it("reports an image still used by a kept container as in-use, with Docker's message", async () => {
    const layer = image({ seed: "debug-shell" });
    const kept = container({
      name: "debug",
      createdAt: hoursAgo(200),
      image: layer.Id,
      labels: { "janitor.keep": "alice" },
    });
    fake.images = [layer, image({ seed: "unused" })];
    fake.containers = [kept];
    const report = await run({ apply: true });
    expect(report.images).toEqual([
      {
        id: layer.Id,
        action: "in-use",
        message: `conflict: unable to delete ${layer.Id.slice(7, 19)} (must be forced) - image is being used by stopped container ${kept.Id.slice(0, 12)}`,
      },
      { id: imageId("unused"), action: "removed" },
    ]);
  });

  it("reports an image deleted meanwhile as already-gone, and a 500 as failed, and goes on", async () => {
    fake.images = [image({ seed: "parent" }), image({ seed: "broken" }), image({ seed: "last" })];
    const gone = `No such image: ${imageId("parent")}`;
    fake.faults.set(`DELETE /images/${imageId("parent")}`, { status: 404, message: gone });
    fake.faults.set(`DELETE /images/${imageId("broken")}`, {
      status: 500,
      message: "unlinkat /var/lib/docker/overlay2/abc: directory not empty",
    });
    const report = await run({ apply: true });
    expect(report.images).toEqual([
      { id: imageId("parent"), action: "already-gone", message: gone },
      {
        id: imageId("broken"),
        action: "failed",
        message: "unlinkat /var/lib/docker/overlay2/abc: directory not empty",
      },
      { id: imageId("last"), action: "removed" },
    ]);
  });
});

describe("step 6 — bad options and a broken daemon", () => {
  it.each([-1, -0.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, "24", null])(
    "rejects olderThanHours %o with a RangeError, before any request",
    async (olderThanHours) => {
      await expect(run({ olderThanHours: olderThanHours as number })).rejects.toThrow(RangeError);
      await expect(run({ olderThanHours: olderThanHours as number })).rejects.toThrow(
        /olderThanHours/,
      );
      expect(fake.requests).toEqual([]);
    },
  );

  it.each(["", 42, null])(
    "rejects keepLabel %j with a RangeError, before any request",
    async (keepLabel) => {
      await expect(run({ keepLabel: keepLabel as string })).rejects.toThrow(RangeError);
      await expect(run({ keepLabel: keepLabel as string })).rejects.toThrow(/keepLabel/);
      expect(fake.requests).toEqual([]);
    },
  );

  it.each([new Date("not a date"), "2026-03-01T12:00:00Z", 1_772_366_400_000, null])(
    "rejects now %j with a RangeError, before any request (null is not a missing option)",
    async (now) => {
      await expect(run({ now: now as Date })).rejects.toThrow(RangeError);
      await expect(run({ now: now as Date })).rejects.toThrow(/now/);
      expect(fake.requests).toEqual([]);
    },
  );

  it("takes the default for an option that is undefined", async () => {
    fake.containers = [
      container({ name: "old", createdAt: hoursAgo(25), labels: { team: "ci" } }),
      container({ name: "young", createdAt: hoursAgo(23) }),
      container({ name: "protected", createdAt: hoursAgo(48), labels: { "janitor.keep": "" } }),
    ];
    const report = await run({ olderThanHours: undefined, keepLabel: undefined, apply: undefined });
    expect(report.dryRun).toBe(true);
    expect(report.containers.map((c) => [c.name, c.action])).toEqual([
      ["old", "would-remove"],
      ["young", "too-recent"],
      ["protected", "kept"],
    ]);
  });

  it("rejects with the DockerApiError of a failed container listing, and removes nothing", async () => {
    fake.containers = [container({ name: "old-build", createdAt: hoursAgo(48) })];
    fake.faults.set("GET /containers/json", { status: 500, message: "context deadline exceeded" });
    await expect(run({ apply: true })).rejects.toMatchObject({
      name: "DockerApiError",
      status: 500,
      reason: "context deadline exceeded",
    });
    expect(fake.deletes()).toEqual([]);
  });

  it("does not list the images once the container listing failed: its error is the one", async () => {
    fake.faults.set("GET /containers/json", { status: 500, message: "context deadline exceeded" });
    fake.faults.set("GET /images/json", { status: 500, message: "layer store is locked" });
    await expect(run({ apply: true })).rejects.toMatchObject({
      name: "DockerApiError",
      path: "/containers/json",
      reason: "context deadline exceeded",
    });
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /v1.45/containers/json",
    ]);
  });

  it("removes no container when the image listing fails", async () => {
    fake.containers = [container({ name: "old-build", createdAt: hoursAgo(48) })];
    fake.faults.set("GET /images/json", { status: 500, message: "layer store is locked" });
    await expect(run({ apply: true })).rejects.toThrow(DockerApiError);
    expect(fake.deletes(), "nothing may be removed once a listing failed").toEqual([]);
    expect(fake.containers).toHaveLength(1);
  });

  it("rejects a dropped connection during the listing with fetch's own TypeError", async () => {
    fake.faults.set("GET /containers/json", { drop: true });
    await expect(run()).rejects.toThrow(TypeError);
  });

  it.each([
    { what: "a body that is not JSON", raw: "<html>hello</html>" },
    { what: "JSON that is not an array", raw: '{"message":"ok"}' },
    { what: "an entry without an Id", raw: '[{"Names":["/x"],"Created":1767000000}]' },
    { what: "an entry whose Created is not a number", raw: '[{"Id":"abc","Created":"yesterday"}]' },
    { what: "an entry whose Created is null", raw: '[{"Id":"abc","Created":null}]' },
    {
      what: "an entry whose Created is a string of digits",
      raw: '[{"Id":"abc","Created":"1767000000"}]',
    },
    { what: "an entry without Created", raw: '[{"Id":"abc","State":"exited"}]' },
    { what: "an entry that is not an object", raw: '["abc"]' },
    { what: "an entry that is null", raw: "[null]" },
  ])("rejects $what in the container listing as malformed", async ({ raw }) => {
    fake.faults.set("GET /containers/json", { status: 200, raw, contentType: "application/json" });
    await expect(run()).rejects.toThrow(/^malformed response from GET \/containers\/json/);
    expect(fake.deletes()).toEqual([]);
  });

  it.each([
    { what: "an entry without an Id", raw: '[{"RepoTags":[],"Created":1767000000}]' },
    { what: "an entry that is null", raw: "[null]" },
  ])("rejects $what in the image listing as malformed", async ({ raw }) => {
    fake.faults.set("GET /images/json", { status: 200, raw, contentType: "application/json" });
    await expect(client().listDanglingImages()).rejects.toThrow(
      /^malformed response from GET \/images\/json/,
    );
  });

  it("does not check an image's Created: missing or not a number, the listing resolves", async () => {
    const raw = JSON.stringify([
      { Id: imageId("no-created"), RepoTags: [] },
      { Id: imageId("odd-created"), RepoTags: [], Created: "yesterday" },
    ]);
    fake.faults.set("GET /images/json", { status: 200, raw, contentType: "application/json" });
    const listed = await client().listDanglingImages();
    expect(listed.map((i) => i.Id)).toEqual([imageId("no-created"), imageId("odd-created")]);
  });

  it("rejects an API version the daemon does not speak with Docker's 400", async () => {
    await expect(cleanUp(client({ apiVersion: "1.99" }), { now: NOW })).rejects.toMatchObject({
      name: "DockerApiError",
      status: 400,
      reason: "client version 1.99 is too new. Maximum supported API version is 1.45",
    });
  });
});

describe("step 7 — over the unix socket", () => {
  const tmp = useTempDir("janitor-");
  let onSocket: FakeDocker;
  let socketPath: string;

  beforeEach(async () => {
    onSocket = new FakeDocker();
    socketPath = tmp.join("docker.sock");
    await onSocket.listenOnSocket(socketPath);
  });

  afterEach(async () => {
    const unexpected = [...onSocket.unexpected];
    await onSocket.close();
    expect(unexpected, "requests to endpoints Docker does not have").toEqual([]);
  });

  it("sends the URL's path and query over the socket and resolves with a Response", async () => {
    const exited = container({ name: "old-build", createdAt: hoursAgo(48) });
    onSocket.containers = [exited];
    const socketFetch = unixSocketFetch(socketPath);
    const response = await socketFetch(
      `http://localhost/v1.45/containers/json?all=1&filters=${encodeURIComponent('{"status":["exited"]}')}`,
      { method: "GET" },
    );
    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(200);
    await expect(response.json()).resolves.toEqual([exited]);
    expect(onSocket.calls()).toEqual([
      'GET /v1.45/containers/json all=1 filters={"status":["exited"]}',
    ]);
  });

  it("carries the status, status text and headers, and the error body", async () => {
    const response = await unixSocketFetch(socketPath)("http://localhost/v1.45/containers/nope", {
      method: "DELETE",
    });
    expect(response.ok).toBe(false);
    expect(response.status).toBe(404);
    expect(response.statusText).toBe("Not Found");
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.get("api-version")).toBe("1.45");
    await expect(response.json()).resolves.toEqual({ message: "No such container: nope" });
  });

  it("sends the method and the request headers", async () => {
    const response = await unixSocketFetch(socketPath)("http://localhost/v1.45/images/json", {
      method: "GET",
      headers: { "X-Registry-Auth": "eyJ1c2VybmFtZSI6ImNpIn0=", Accept: "application/json" },
    });
    expect(response.status).toBe(200);
    expect(onSocket.requests).toHaveLength(1);
    expect(onSocket.requests[0]?.method).toBe("GET");
    expect(onSocket.requests[0]?.headers).toMatchObject({
      "x-registry-auth": "eyJ1c2VybmFtZSI6ImNpIn0=",
      accept: "application/json",
    });
  });

  it("rejects with a TypeError when the connection drops in the middle of the body", async () => {
    onSocket.faults.set("GET /containers/json", { cut: true });
    const error = await unixSocketFetch(socketPath)("http://localhost/v1.45/containers/json").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain(socketPath);
  });

  it("gives a 204 answer a null body", async () => {
    const exited = container({ name: "old-build", createdAt: hoursAgo(48) });
    onSocket.containers = [exited];
    const response = await unixSocketFetch(socketPath)(
      `http://localhost/v1.45/containers/${exited.Id}`,
      { method: "DELETE" },
    );
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
    expect(onSocket.containers).toEqual([]);
  });

  it.each([
    { status: 205, statusText: "Reset Content" },
    { status: 304, statusText: "Not Modified" },
  ])("gives a $status answer a null body too, and resolves", async ({ status, statusText }) => {
    onSocket.faults.set("GET /images/json", { status, raw: "", contentType: "text/plain" });
    const response = await unixSocketFetch(socketPath)("http://localhost/v1.45/images/json");
    expect(response.status).toBe(status);
    expect(response.statusText).toBe(statusText);
    expect(response.body).toBeNull();
  });

  it("lets a 304 over the socket reach the client, which rejects it with a DockerApiError", async () => {
    onSocket.faults.set("GET /images/json", { status: 304, raw: "", contentType: "text/plain" });
    const docker = new DockerClient({ fetch: unixSocketFetch(socketPath) });
    await expect(docker.listDanglingImages()).rejects.toMatchObject({
      name: "DockerApiError",
      status: 304,
      reason: "Not Modified",
    });
  });

  it("reads a Request as fetch does: its URL, method and headers", async () => {
    const exited = container({ name: "old-build", createdAt: hoursAgo(48) });
    onSocket.containers = [exited];
    const request = new Request(`http://localhost/v1.45/containers/${exited.Id}`, {
      method: "DELETE",
      headers: { "X-Request-Id": "abc-123" },
    });
    const response = await unixSocketFetch(socketPath)(request);
    expect(response.status).toBe(204);
    expect(onSocket.calls()).toEqual([`DELETE /v1.45/containers/${exited.Id}`]);
    expect(onSocket.requests[0]?.headers).toMatchObject({ "x-request-id": "abc-123" });
    expect(onSocket.containers).toEqual([]);
  });

  it("lets init's method and headers win over a Request's", async () => {
    const request = new Request("http://localhost/v1.45/images/json", {
      method: "DELETE",
      headers: { "X-Request-Id": "from-request", Accept: "text/plain" },
    });
    const response = await unixSocketFetch(socketPath)(request, {
      method: "GET",
      headers: { "X-Request-Id": "from-init" },
    });
    expect(response.status).toBe(200);
    expect(onSocket.requests.map((r) => r.method)).toEqual(["GET"]);
    expect(onSocket.requests[0]?.headers["x-request-id"]).toBe("from-init");
  });

  it.each([
    { form: "a Headers object", headers: new Headers({ "X-Registry-Auth": "e30=" }) },
    { form: "a list of pairs", headers: [["X-Registry-Auth", "e30="]] as [string, string][] },
  ])("sends request headers given as $form", async ({ headers }) => {
    const response = await unixSocketFetch(socketPath)("http://localhost/v1.45/images/json", {
      headers,
    });
    expect(response.status).toBe(200);
    expect(onSocket.requests[0]?.headers).toMatchObject({ "x-registry-auth": "e30=" });
  });

  it("runs the whole clean-up against a daemon on the socket", async () => {
    const layer = image({ seed: "build-cache" });
    onSocket.images = [layer];
    onSocket.containers = [
      container({ name: "old-build", createdAt: hoursAgo(48), image: layer.Id }),
      container({ name: "fresh", createdAt: hoursAgo(2) }),
    ];
    const docker = new DockerClient({ fetch: unixSocketFetch(socketPath) });
    await expect(cleanUp(docker, { now: NOW, apply: true })).resolves.toEqual({
      dryRun: false,
      containers: [
        { id: containerId("old-build"), name: "old-build", action: "removed" },
        { id: containerId("fresh"), name: "fresh", action: "too-recent" },
      ],
      images: [{ id: layer.Id, action: "removed" }],
    });
    expect(onSocket.deletes()).toEqual([
      `DELETE /v1.45/containers/${containerId("old-build")}`,
      `DELETE /v1.45/images/${layer.Id}`,
    ]);
  });

  it("rejects with a TypeError naming the socket when there is no socket file", async () => {
    const missing = tmp.join("not-here.sock");
    const error = await unixSocketFetch(missing)("http://localhost/v1.45/_ping").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain(missing);
    expect((error as Error).cause).toMatchObject({ code: "ENOENT" });
  });

  it("rejects with a TypeError when the path is not a socket", async () => {
    const notASocket = tmp.join("plain-file");
    writeFileSync(notASocket, "");
    const error = await unixSocketFetch(notASocket)("http://localhost/v1.45/_ping").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).cause).toMatchObject({ code: "ECONNREFUSED" });
  });

  it("lets cleanUp reject with that TypeError when the daemon is not there", async () => {
    const docker = new DockerClient({ fetch: unixSocketFetch(tmp.join("docker-gone.sock")) });
    const outcome = await cleanUp(docker, { now: NOW }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(outcome).toBeInstanceOf(TypeError);
    expect((outcome as Error).cause).toMatchObject({ code: "ENOENT" });
  });
});
