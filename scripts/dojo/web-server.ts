/**
 * The projector page's server: node:http, three static files and one server-sent-events stream.
 * Read-only by design (the keyboard stays the only remote control), on 127.0.0.1 unless the team
 * asks for the LAN. A new connection gets the current snapshot at once, so a reloaded page shows
 * the right countdown immediately; every change is pushed to every open page.
 */
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { networkInterfaces } from "node:os";
import { UserError } from "../lib/errors.ts";
import type { DojoSnapshot } from "./dojo-state.ts";

export interface ProjectorServer {
  /** The URL to open on this machine. */
  url: string;
  /** URLs teammates can open, when listening beyond loopback. */
  lanUrls: string[];
  port: number;
  publish(snapshot: DojoSnapshot): void;
  close(): Promise<void>;
}

export interface ProjectorServerOptions {
  host: string;
  port: number;
  /** The state to send a page that just connected. */
  current: () => DojoSnapshot;
}

const PAGE_FILES: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/projector.css": { file: "projector.css", type: "text/css; charset=utf-8" },
  "/projector.js": { file: "projector.js", type: "text/javascript; charset=utf-8" },
};

const SECURITY_HEADERS = {
  "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-store",
};

/** SSE connections through proxies and sleeping laptops are dropped when silent for too long. */
const KEEPALIVE_MS = 15_000;

export async function startProjectorServer(
  options: ProjectorServerOptions,
): Promise<ProjectorServer> {
  const files = new Map(
    Object.entries(PAGE_FILES).map(([path, { file, type }]) => [
      path,
      { body: readFileSync(new URL(`./page/${file}`, import.meta.url)), type },
    ]),
  );
  const clients = new Set<ServerResponse>();
  const loopbackOnly = isLoopback(options.host);
  let port = options.port;

  const server = createServer((request, response) => {
    if (loopbackOnly && !hostHeaderIsLocal(request, options.host, port)) {
      // A page on another site could point a DNS name at 127.0.0.1; only answer our own names.
      return plain(response, 421, "Open the page as http://127.0.0.1 or http://localhost.");
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      return plain(response, 405, "The dojo page is read-only.");
    }
    const path = new URL(request.url ?? "/", "http://dojo").pathname;
    if (path === "/events") return openStream(request, response);
    if (path === "/state") {
      response.writeHead(200, {
        ...SECURITY_HEADERS,
        "Content-Type": "application/json; charset=utf-8",
      });
      return void response.end(JSON.stringify(options.current()));
    }
    const file = files.get(path);
    if (!file) return plain(response, 404, "Not found: the dojo page is at /.");
    response.writeHead(200, { ...SECURITY_HEADERS, "Content-Type": file.type });
    response.end(request.method === "HEAD" ? undefined : file.body);
  });

  function openStream(request: IncomingMessage, response: ServerResponse): void {
    response.writeHead(200, {
      ...SECURITY_HEADERS,
      "Content-Type": "text/event-stream; charset=utf-8",
      Connection: "keep-alive",
    });
    // Reconnect quickly after a dropped connection (the browser's default is a few seconds).
    response.write("retry: 1000\n\n");
    response.write(event(options.current()));
    clients.add(response);
    request.on("close", () => clients.delete(response));
  }

  const keepalive = setInterval(() => {
    for (const client of clients) client.write(": keepalive\n\n");
  }, KEEPALIVE_MS);
  keepalive.unref();

  await listen(server, options.host, options.port);
  port = (server.address() as AddressInfo).port;
  const shownHost = loopbackOnly ? options.host : "127.0.0.1";
  return {
    url: `http://${shownHost.includes(":") ? `[${shownHost}]` : shownHost}:${port}/`,
    lanUrls: loopbackOnly ? [] : lanAddresses().map((address) => `http://${address}:${port}/`),
    port,
    publish(snapshot) {
      const message = event(snapshot);
      for (const client of clients) client.write(message);
    },
    close() {
      clearInterval(keepalive);
      for (const client of clients) client.end();
      clients.clear();
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

const event = (snapshot: DojoSnapshot) => `data: ${JSON.stringify(snapshot)}\n\n`;

function plain(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { ...SECURITY_HEADERS, "Content-Type": "text/plain; charset=utf-8" });
  response.end(`${text}\n`);
}

function listen(
  server: ReturnType<typeof createServer>,
  host: string,
  port: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off("listening", onListening);
      reject(listenError(error, host, port));
    };
    const onListening = () => {
      server.off("error", onError);
      resolve();
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen({ host, port });
  });
}

/** The errors a user can fix, as sentences with the fix in them. */
export function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  switch (error.code) {
    case "EADDRINUSE":
      return new UserError(
        `port ${port} is in use; try --port ${port < 65_535 ? port + 1 : port - 1} or --port 0`,
      );
    case "EACCES":
      return new UserError(
        `port ${port} needs special privileges here; try a port above 1023 or --port 0`,
      );
    case "EADDRNOTAVAIL":
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return new UserError(
        `cannot listen on "${host}": it is not an address of this machine; use --host 127.0.0.1 or --lan`,
      );
    default:
      return error;
  }
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host.startsWith("127.");
}

function hostHeaderIsLocal(request: IncomingMessage, listening: string, port: number): boolean {
  const host = (request.headers.host ?? "").toLowerCase();
  const names = [
    "127.0.0.1",
    "localhost",
    "[::1]",
    listening.includes(":") ? `[${listening}]` : listening,
  ];
  return names.some((name) => host === `${name}:${port}`);
}

/** This machine's IPv4 addresses on the local network, for teammates' browsers. */
function lanAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((info) => info && info.family === "IPv4" && !info.internal)
    .map((info) => info?.address as string);
}
