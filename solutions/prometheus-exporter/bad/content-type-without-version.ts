// Mistake: answers with a plain "text/plain; charset=utf-8": without version=0.0.4 a scraper
// cannot tell the text format from any other plain text (Prometheus 3 then refuses to guess).
// (The registry is the reference's; the server below replaces its serveMetrics.)
export * from "../prometheus-exporter";

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { MetricsServer, ServeOptions } from "../serve-metrics";

export async function serveMetrics(
  registry: { metrics(): Promise<string> },
  options: ServeOptions,
): Promise<MetricsServer> {
  const { port, host = "127.0.0.1" } = options;
  // A whole number; node's listen() refuses one outside 0–65535 with a RangeError of its own,
  // but would take the string "9464" and a float like 1.5 would surprise later.
  if (!Number.isInteger(port)) throw new RangeError(`port must be an integer, got ${port}`);

  const server = createServer((request, response) => {
    void answer(registry, request, response);
  });
  await new Promise<void>((resolve, reject) => {
    // EADDRINUSE and friends arrive as an "error" event, not as an exception.
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  // An IPv6 address goes in brackets in a URL: http://[::1]:9464/metrics.
  const shownHost = host.includes(":") ? `[${host}]` : host;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${actual}/metrics`,
    port: actual,
    // Closing twice is not an error: the second call gets the first one's promise.
    close: () =>
      (closed ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // A scraper's keep-alive connection would otherwise hold close() open.
        server.closeAllConnections();
      })),
  };
}

async function answer(
  registry: { metrics(): Promise<string> },
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  // request.url is the path and query as sent ("/metrics?x=1").
  const { pathname } = new URL(`http://exporter${request.url}`);
  // 404 and 405 need no body: the status line says it all.
  if (pathname !== "/metrics") return void response.writeHead(404).end();
  if (request.method !== "GET" && request.method !== "HEAD")
    return void response.writeHead(405, { Allow: "GET, HEAD" }).end();
  let body: string;
  try {
    // Rendered on every scrape: the values are those of this moment, never a cached copy.
    body = await registry.metrics();
  } catch (error) {
    // A 500 makes Prometheus mark the scrape failed (up == 0) instead of storing partial data.
    response.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" });
    return void response.end(`collecting metrics failed: ${(error as Error).message}\n`);
  }
  response.writeHead(200, { "Content-Type": "text/plain; charset=utf-8" });
  // For HEAD, node sends the headers and leaves the body out by itself.
  response.end(body);
}
