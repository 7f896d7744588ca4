/**
 * Container janitor: the reference solution.
 *
 * A small Docker Engine API client (four endpoints, versioned paths, Docker's `{"message"}`
 * errors), a clean-up pass that lists everything first and then removes exited containers older
 * than a threshold and dangling images — a dry run unless told otherwise, one item at a time,
 * one failure never stopping the rest — and a `fetch` that speaks HTTP over a unix socket, which
 * is how the same code reaches /var/run/docker.sock.
 */
import { request } from "node:http";

export const DEFAULT_BASE_URL = "http://localhost";
export const DEFAULT_API_VERSION = "1.45";
export const DEFAULT_KEEP_LABEL = "janitor.keep";
export const DEFAULT_OLDER_THAN_HOURS = 24;

const HOUR_MS = 60 * 60 * 1000;

/** A container as `GET /containers/json` lists it (the fields the janitor reads). */
export interface ContainerSummary {
  Id: string;
  Names?: string[];
  Image?: string;
  ImageID?: string;
  Created: number;
  State?: string;
  Status?: string;
  Labels?: Record<string, string> | null;
}

/** An image as `GET /images/json` lists it (the fields the janitor reads). */
export interface ImageSummary {
  Id: string;
  RepoTags?: string[] | null;
  Created?: number;
  Size?: number;
  Labels?: Record<string, string> | null;
}

/** Docker answered with an HTTP error status. */
export class DockerApiError extends Error {
  override readonly name = "DockerApiError";

  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly reason: string,
  ) {
    super(`${method} ${path} failed with HTTP ${status}: ${reason}`);
  }
}

export interface DockerClientOptions {
  baseUrl?: string;
  apiVersion?: string;
  fetch?: typeof fetch;
}

export class DockerClient {
  readonly #baseUrl: string;
  readonly #apiVersion: string;
  /** The fetch option; without it, the global fetch of the moment (see #send). */
  readonly #fetch: typeof fetch | undefined;

  constructor(options: DockerClientOptions = {}) {
    const { apiVersion = DEFAULT_API_VERSION } = options;
    if (!/^\d+\.\d+$/.test(apiVersion))
      throw new RangeError(`apiVersion must look like "1.45", got "${apiVersion}"`);
    this.#baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
    this.#apiVersion = apiVersion;
    this.#fetch = options.fetch;
  }

  /** Exited containers: `all=1` plus a status filter, as `docker ps -a -f status=exited`. */
  async listExitedContainers(): Promise<ContainerSummary[]> {
    const path = "/containers/json";
    const body = await this.#json("GET", path, {
      all: "1",
      filters: JSON.stringify({ status: ["exited"] }),
    });
    return entries(
      body,
      path,
      (item) => typeof item?.Id === "string" && Number.isFinite(item.Created),
    );
  }

  async removeContainer(id: string): Promise<void> {
    await this.#send("DELETE", `/containers/${encodeURIComponent(id)}`);
  }

  /** Untagged images, as `docker images -f dangling=true`. */
  async listDanglingImages(): Promise<ImageSummary[]> {
    const path = "/images/json";
    const body = await this.#json("GET", path, { filters: JSON.stringify({ dangling: ["true"] }) });
    return entries(body, path, (item) => typeof item?.Id === "string");
  }

  async removeImage(id: string): Promise<void> {
    await this.#send("DELETE", `/images/${encodeURIComponent(id)}`);
  }

  /** The JSON body, or `undefined` when it is not JSON (`entries` then calls it malformed). */
  async #json(method: string, path: string, query: Record<string, string>): Promise<unknown> {
    const response = await this.#send(method, path, query);
    return response.json().catch(() => undefined);
  }

  /** One request; any status outside 2xx becomes a DockerApiError with Docker's own message. */
  async #send(method: string, path: string, query?: Record<string, string>): Promise<Response> {
    const search = query ? `?${new URLSearchParams(query)}` : "";
    const url = `${this.#baseUrl}/v${this.#apiVersion}${path}${search}`;
    // Looked up now, not in the constructor: a fetch replaced later (a test double, an
    // interceptor) is the one used. Called as a plain function: some fetches insist on their `this`.
    const send = this.#fetch ?? globalThis.fetch;
    const response = await send(url, { method });
    if (!response.ok) {
      throw new DockerApiError(
        method,
        decodeURIComponent(path),
        response.status,
        await reasonOf(response),
      );
    }
    return response;
  }
}

/** Docker's `{"message": …}`; else the body as text; else the status text. */
async function reasonOf(response: Response): Promise<string> {
  const text = (await response.text()).trim();
  let message: unknown;
  try {
    message = JSON.parse(text)?.message;
  } catch {
    // Not JSON: a proxy's error page, or an empty body.
  }
  return typeof message === "string" ? message : text || response.statusText;
}

function entries<T>(
  body: unknown,
  path: string,
  valid: (item: Record<string, unknown> | null) => boolean,
): T[] {
  if (!Array.isArray(body))
    throw new Error(`malformed response from GET ${path}: not a JSON array`);
  for (const item of body) {
    // `valid` reads fields with `?.`: JSON also allows null, strings and numbers as entries.
    if (!valid(item))
      throw new Error(`malformed response from GET ${path}: ${JSON.stringify(item)}`);
  }
  return body as T[];
}

// ---------------------------------------------------------------------------------------------
// The clean-up pass

export type Action =
  | "removed"
  | "would-remove"
  | "kept"
  | "too-recent"
  | "in-use"
  | "already-gone"
  | "failed";

export interface ContainerOutcome {
  id: string;
  name: string;
  action: Action;
  message?: string;
}

export interface ImageOutcome {
  id: string;
  action: Action;
  message?: string;
}

export interface JanitorReport {
  dryRun: boolean;
  containers: ContainerOutcome[];
  images: ImageOutcome[];
}

export interface JanitorOptions {
  olderThanHours?: number;
  keepLabel?: string;
  apply?: boolean;
  now?: Date;
}

export async function cleanUp(
  docker: DockerClient,
  options: JanitorOptions = {},
): Promise<JanitorReport> {
  const {
    olderThanHours = DEFAULT_OLDER_THAN_HOURS,
    keepLabel = DEFAULT_KEEP_LABEL,
    now = new Date(),
  } = options;
  // Number.isFinite is false for anything that is not a number (no coercion, unlike isFinite).
  if (!Number.isFinite(olderThanHours) || olderThanHours < 0)
    throw new RangeError(`olderThanHours must be a finite number >= 0, got ${olderThanHours}`);
  if (typeof keepLabel !== "string" || keepLabel === "")
    throw new RangeError("keepLabel must be a non-empty string");
  if (!(now instanceof Date) || Number.isNaN(now.getTime()))
    throw new RangeError("now must be a valid Date");
  // Anything but `true` itself is a dry run: a flag parsed as the string "false" must not delete.
  const dryRun = options.apply !== true;

  // List everything before removing anything: a listing that fails stops the run with nothing
  // done. The filters ran on the daemon; check the fields too (an old daemon may ignore one).
  const containers = (await docker.listExitedContainers()).filter((c) => c.State === "exited");
  const images = (await docker.listDanglingImages()).filter(isDangling);

  const decision: Decision = {
    keepLabel,
    dryRun,
    cutoffMs: now.getTime() - olderThanHours * HOUR_MS,
  };
  const report: JanitorReport = { dryRun, containers: [], images: [] };
  // One at a time, containers first: an image is only free once its containers are gone.
  for (const container of containers)
    report.containers.push(await sweepContainer(docker, container, decision));
  for (const image of images) report.images.push(await sweepImage(docker, image, decision));
  return report;
}

interface Decision {
  keepLabel: string;
  dryRun: boolean;
  /** Containers created after this instant (ms) are too recent. */
  cutoffMs: number;
}

async function sweepContainer(
  docker: DockerClient,
  container: ContainerSummary,
  { keepLabel, dryRun, cutoffMs }: Decision,
): Promise<ContainerOutcome> {
  const outcome = { id: container.Id, name: nameOf(container) };
  if (hasLabel(container.Labels, keepLabel)) return { ...outcome, action: "kept" };
  // `Created` is in seconds; JavaScript time is in milliseconds.
  if (container.Created * 1000 > cutoffMs) return { ...outcome, action: "too-recent" };
  if (dryRun) return { ...outcome, action: "would-remove" };
  return { ...outcome, ...(await attempt(() => docker.removeContainer(container.Id))) };
}

async function sweepImage(
  docker: DockerClient,
  image: ImageSummary,
  { keepLabel, dryRun }: Decision,
): Promise<ImageOutcome> {
  const outcome = { id: image.Id };
  if (hasLabel(image.Labels, keepLabel)) return { ...outcome, action: "kept" };
  if (dryRun) return { ...outcome, action: "would-remove" };
  return { ...outcome, ...(await attempt(() => docker.removeImage(image.Id))) };
}

/** Runs one removal and says how it went; it never throws, so the next item still runs. */
async function attempt(remove: () => Promise<void>): Promise<{ action: Action; message?: string }> {
  try {
    await remove();
    return { action: "removed" };
  } catch (error) {
    if (error instanceof DockerApiError) {
      if (error.status === 404) return { action: "already-gone", message: error.reason };
      if (error.status === 409) return { action: "in-use", message: error.reason };
      return { action: "failed", message: error.reason };
    }
    return { action: "failed", message: (error as Error).message };
  }
}

/**
 * The container's own name: the first entry with no "/" after its first character (the others,
 * "/web/db", are legacy link aliases), without its leading slash if it has one.
 */
function nameOf(container: ContainerSummary): string {
  const own = container.Names?.find((name) => !name.includes("/", 1));
  if (own === undefined) return "";
  return own.startsWith("/") ? own.slice(1) : own;
}

/** A label is there even when its value is empty: `docker run --label janitor.keep` sets "". */
function hasLabel(labels: Record<string, string> | null | undefined, key: string): boolean {
  return labels != null && Object.hasOwn(labels, key);
}

/** Untagged: no tags at all (`[]`, or `null` from older daemons), or only "<none>:<none>". */
function isDangling(image: ImageSummary): boolean {
  return (image.RepoTags ?? []).every((tag) => tag === "<none>:<none>");
}

// ---------------------------------------------------------------------------------------------
// HTTP over a unix socket

/**
 * A `fetch` that sends every request to the HTTP server listening on `socketPath`: the URL's
 * path and query, the method and the headers (no body: the janitor sends none); the URL's host
 * is ignored (node sends `Host: localhost`). Node's own fetch has no socket option without the
 * undici package (`new Agent({ connect: { socketPath } })`); `http.request` has one.
 */
export function unixSocketFetch(socketPath: string): typeof fetch {
  // What fetch does for a network error: a TypeError, with the system error as its cause.
  const networkError = (cause: Error) =>
    new TypeError(`cannot reach ${socketPath}: ${cause.message}`, { cause });
  return (input, init) =>
    new Promise<Response>((resolve, reject) => {
      // What fetch reads from its arguments: a string, a URL or a Request, with init's method
      // and headers winning over the Request's, headers in any form (object, Headers, pairs).
      const wanted = new Request(input, init);
      const url = new URL(wanted.url);
      const outgoing = request(
        {
          socketPath,
          method: wanted.method,
          path: `${url.pathname}${url.search}`,
          headers: Object.fromEntries(wanted.headers),
        },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
          // The connection dropped in the middle of the body.
          incoming.on("error", (cause) => reject(networkError(cause)));
          incoming.on("end", () => {
            const status = incoming.statusCode ?? 0;
            const headers = new Headers();
            // node joins repeated headers with ", " already (set-cookie aside, which Docker never sends).
            for (const [name, value] of Object.entries(incoming.headers))
              headers.set(name, String(value));
            // A Response for 204, 205 or 304 must have no body at all, not even an empty one.
            const body = [204, 205, 304].includes(status) ? null : Buffer.concat(chunks);
            resolve(new Response(body, { status, statusText: incoming.statusMessage, headers }));
          });
        },
      );
      outgoing.on("error", (cause) => reject(networkError(cause)));
      outgoing.end();
    });
}
