import {
  type ClientRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
} from "node:http";
import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { UserError } from "../lib/errors.ts";
import type { DojoSnapshot } from "./dojo-state.ts";
import { makeDojo } from "./testing.ts";
import { type ProjectorServer, startProjectorServer } from "./web-server.ts";

const open: ProjectorServer[] = [];
const blockers: Server[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((server) => server.close()));
  await Promise.all(
    blockers.splice(0).map((blocker) => new Promise((resolve) => blocker.close(resolve))),
  );
});

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** node:http rather than fetch: it is already loaded, so each request takes a millisecond or two. */
function get(url: string, options: { method?: string; host?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: options.method ?? "GET",
        headers: options.host ? { host: options.host } : {},
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

async function serve() {
  const dojo = makeDojo();
  const server = await startProjectorServer({
    host: "127.0.0.1",
    port: 0,
    current: () => dojo.snapshot(),
  });
  open.push(server);
  return { dojo, server };
}

/** Reads server-sent events as they arrive. */
async function subscribe(url: string) {
  const { response, stream } = await new Promise<{
    response: IncomingMessage;
    stream: ClientRequest;
  }>((resolve, reject) => {
    const stream = request(new URL("/events", url), (response) => resolve({ response, stream }));
    stream.on("error", reject);
    stream.end();
  });
  response.setEncoding("utf8");
  let buffer = "";
  let ended = false;
  const waiting: (() => void)[] = [];
  const wake = () => {
    for (const resolve of waiting.splice(0)) resolve();
  };
  response.on("data", (chunk: string) => {
    buffer += chunk;
    wake();
  });
  response.on("close", () => {
    ended = true;
    wake();
  });
  return {
    contentType: response.headers["content-type"],
    async next(): Promise<DojoSnapshot> {
      for (;;) {
        const end = buffer.indexOf("\n\n");
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split("\n").find((line) => line.startsWith("data: "));
          if (data) return JSON.parse(data.slice(6)) as DojoSnapshot;
          continue;
        }
        if (ended) throw new Error("the stream ended");
        await new Promise<void>((resolve) => waiting.push(resolve));
      }
    },
    close: () => stream.destroy(),
  };
}

describe("the projector server", () => {
  it("serves the page, its stylesheet and script, with a strict content policy", async () => {
    const { server } = await serve();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await get(server.url);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(page.body).toContain('<script src="/projector.js" defer></script>');
    expect((await get(`${server.url}projector.css`)).status).toBe(200);
    expect((await get(`${server.url}projector.js`)).body).toContain("new EventSource");
    expect((await get(`${server.url}nope`)).status).toBe(404);
    expect((await get(server.url, { method: "POST" })).status).toBe(405);
  });

  it("sends the current state on connect and every published change after it", async () => {
    const { dojo, server } = await serve();
    const stream = await subscribe(server.url);
    expect(stream.contentType).toBe("text/event-stream; charset=utf-8");
    expect(await stream.next()).toMatchObject({ phase: "ready", driver: "Ana" });
    dojo.confirm();
    server.publish(dojo.snapshot());
    expect(await stream.next()).toMatchObject({ phase: "running", turn: 1 });
    stream.close();
  });

  it("serves the state as JSON too", async () => {
    const { server } = await serve();
    const state = JSON.parse((await get(`${server.url}state`)).body) as DojoSnapshot;
    expect(state.kata.slug).toBe("retry-backoff");
  });

  it("answers on loopback only to its own host names (no DNS rebinding)", async () => {
    const { server } = await serve();
    const { status } = await get(`${server.url}state`, { host: "evil.example" });
    expect(status).toBe(421);
  });

  it("explains a port in use, with ports to try", async () => {
    const blocker = createServer();
    blockers.push(blocker);
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    const attempt = startProjectorServer({
      host: "127.0.0.1",
      port,
      current: () => makeDojo().snapshot(),
    });
    await expect(attempt).rejects.toThrow(UserError);
    await expect(attempt).rejects.toThrow(
      `port ${port} is in use; try --port ${port + 1} or --port 0`,
    );
  });

  it("ends open streams when it closes", async () => {
    const { server } = await serve();
    const stream = await subscribe(server.url);
    await stream.next();
    open.splice(open.indexOf(server), 1);
    await server.close();
    await expect(stream.next()).rejects.toThrow("the stream ended");
  });
});
