/**
 * Container janitor — remove old exited containers and dangling images through the Docker
 * Engine API, safely. The README's API section is the contract; the spec checks every rule in it.
 */

export const DEFAULT_BASE_URL = "http://localhost";
export const DEFAULT_API_VERSION = "1.45";
export const DEFAULT_KEEP_LABEL = "janitor.keep";
export const DEFAULT_OLDER_THAN_HOURS = 24;

/** A container as `GET /containers/json` lists it (the fields the janitor reads). */
export interface ContainerSummary {
  /** 64 hex characters. */
  Id: string;
  /** `["/web-1"]`: each name has a leading slash; `"/web/db"` is a legacy link alias. */
  Names?: string[];
  Image?: string;
  ImageID?: string;
  /** When the container was created, in unix **seconds**. */
  Created: number;
  /** "created", "running", "paused", "restarting", "removing", "exited" or "dead". */
  State?: string;
  /** For humans: "Exited (0) 2 hours ago". */
  Status?: string;
  Labels?: Record<string, string> | null;
}

/** An image as `GET /images/json` lists it (the fields the janitor reads). */
export interface ImageSummary {
  /** "sha256:" and 64 hex characters. */
  Id: string;
  /** `[]`, `null` (older daemons) or `["<none>:<none>"]` (older still) when untagged. */
  RepoTags?: string[] | null;
  Created?: number;
  Size?: number;
  Labels?: Record<string, string> | null;
}

/** Docker answered with an HTTP error status (see the README for `path` and `reason`). */
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
  /** Default DEFAULT_BASE_URL; trailing slashes are ignored. */
  baseUrl?: string;
  /** Default DEFAULT_API_VERSION; must look like "1.45". */
  apiVersion?: string;
  /** Default the global fetch, looked up at each request. Every request goes through it. */
  fetch?: typeof fetch;
}

export class DockerClient {
  constructor(_options: DockerClientOptions = {}) {
    // TODO: keep the options (checked) for the methods below
    throw new Error("TODO: implement DockerClient");
  }

  /** GET /v1.45/containers/json?all=1&filters={"status":["exited"]} */
  async listExitedContainers(): Promise<ContainerSummary[]> {
    throw new Error("TODO: implement DockerClient.listExitedContainers()");
  }

  /** DELETE /v1.45/containers/<id> */
  async removeContainer(_id: string): Promise<void> {
    throw new Error("TODO: implement DockerClient.removeContainer()");
  }

  /** GET /v1.45/images/json?filters={"dangling":["true"]} */
  async listDanglingImages(): Promise<ImageSummary[]> {
    throw new Error("TODO: implement DockerClient.listDanglingImages()");
  }

  /** DELETE /v1.45/images/<id> */
  async removeImage(_id: string): Promise<void> {
    throw new Error("TODO: implement DockerClient.removeImage()");
  }
}

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
  /** The container's own name, without its leading slash. */
  name: string;
  action: Action;
  /** Only for "in-use", "already-gone" and "failed". */
  message?: string;
}

export interface ImageOutcome {
  id: string;
  action: Action;
  /** Only for "in-use", "already-gone" and "failed". */
  message?: string;
}

export interface JanitorReport {
  dryRun: boolean;
  containers: ContainerOutcome[];
  images: ImageOutcome[];
}

export interface JanitorOptions {
  /** Default DEFAULT_OLDER_THAN_HOURS. */
  olderThanHours?: number;
  /** Default DEFAULT_KEEP_LABEL. */
  keepLabel?: string;
  /** Removes things only when exactly `true`. */
  apply?: boolean;
  /** Default: the time of the call. */
  now?: Date;
}

/** Lists, decides, and (with `apply: true`) removes; reports every container and image. */
export async function cleanUp(
  _docker: DockerClient,
  _options: JanitorOptions = {},
): Promise<JanitorReport> {
  throw new Error("TODO: implement cleanUp()");
}

/**
 * A `fetch` that sends every request over HTTP to the server on the unix socket `socketPath`.
 *
 * Typing it: return an arrow function `(input, init) => new Promise<Response>(…)`; TypeScript
 * takes the parameter types from `typeof fetch`. `input` is a `string`, a `URL` or a `Request`,
 * and `init` may be `undefined`: `new Request(input, init)` reads them the way `fetch` does (its
 * `url`, `method` and `headers`).
 */
export function unixSocketFetch(_socketPath: string): typeof fetch {
  throw new Error("TODO: implement unixSocketFetch()");
}
