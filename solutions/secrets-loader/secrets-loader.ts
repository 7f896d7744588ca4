/**
 * A settings loader for secrets: the environment first, then AWS Secrets Manager, with a TTL cache
 * that sends one request per secret however many callers ask at once, typed errors, and a holder
 * that never prints its value.
 */
import { inspect } from "node:util";
import { GetSecretValueCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

/** Five minutes: the default (and the maximum) of the AWS Parameters and Secrets Lambda Extension. */
export const DEFAULT_TTL_MS = 300_000;

/** What a secret prints as, everywhere. */
export const REDACTED = "[REDACTED]";

export type SecretSource = "env" | "secrets-manager";

/**
 * Holds one secret value. The value lives in a private field: `util.inspect`, `console.log`,
 * `JSON.stringify`, string conversion and object spread all see `[REDACTED]` or nothing at all.
 * Only `reveal()` and `revealBytes()` hand it out, so every place that uses the raw value says so.
 */
export class Secret {
  readonly #value: string | Uint8Array;
  readonly source: SecretSource;

  constructor(value: string | Uint8Array, source: SecretSource) {
    // A copy: whoever passed the bytes in may reuse or zero their buffer.
    this.#value = typeof value === "string" ? value : new Uint8Array(value);
    this.source = source;
  }

  /** The value as text. A binary secret has no text form: decoding arbitrary bytes would corrupt it. */
  reveal(): string {
    if (typeof this.#value !== "string") {
      throw new TypeError("this secret is binary: use revealBytes()");
    }
    return this.#value;
  }

  /** The value as bytes (UTF-8 for a text secret), in a fresh array the caller may overwrite. */
  revealBytes(): Uint8Array {
    return typeof this.#value === "string"
      ? new TextEncoder().encode(this.#value)
      : new Uint8Array(this.#value);
  }

  toString(): string {
    return REDACTED;
  }

  /** JSON.stringify (and loggers built on it) call this. */
  toJSON(): string {
    return REDACTED;
  }

  /** util.inspect, console.log and the REPL call this. */
  [inspect.custom](): string {
    return `Secret(${REDACTED})`;
  }
}

/** Which secret to load: an environment variable that overrides it, and a JSON key inside it. */
export interface SecretRef {
  /** Name or ARN of the secret in Secrets Manager. */
  secretId: string;
  /** Pick this key of a JSON `SecretString`; without it, the whole value. */
  key?: string;
  /** An environment variable that, when set and not empty, wins over Secrets Manager. */
  env?: string;
}

export interface SecretsLoaderLogger {
  info(message: string): void;
  warn(message: string): void;
}

export interface SecretsLoaderOptions {
  client: SecretsManagerClient;
  /** Where `ref.env` is looked up, on every call. Default: `process.env`, looked up at each call. */
  env?: Record<string, string | undefined>;
  /**
   * How long a fetched secret is served from memory. Default: `DEFAULT_TTL_MS`. 0: never served
   * from memory (concurrent callers still share the request in flight).
   */
  ttlMs?: number;
  /** The clock, in milliseconds. Default: `Date.now`, called at each reading. */
  now?: () => number;
  /** Told about every request to Secrets Manager (never about values). Default: silent. */
  logger?: SecretsLoaderLogger;
}

// ---------------------------------------------------------------------------------------------
// Errors. None of them ever carries the secret value: messages name the secret and the key only.

export class SecretsLoaderError extends Error {
  override name = "SecretsLoaderError";
  readonly secretId: string;
  /** Worth trying again later (throttling, a server-side fault); not for a denial or a typo. */
  readonly retryable: boolean;

  constructor(message: string, secretId: string, retryable: boolean, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.secretId = secretId;
    this.retryable = retryable;
  }
}

export class SecretNotFoundError extends SecretsLoaderError {
  override name = "SecretNotFoundError";
}
export class SecretAccessDeniedError extends SecretsLoaderError {
  override name = "SecretAccessDeniedError";
}
export class SecretDecryptionError extends SecretsLoaderError {
  override name = "SecretDecryptionError";
}
export class SecretThrottledError extends SecretsLoaderError {
  override name = "SecretThrottledError";
}
/** The value is there but is not what the ref asks for. Never has a `cause` (see below). */
export class SecretFormatError extends SecretsLoaderError {
  override name = "SecretFormatError";
}

/** Turns an SDK error into the loader's typed error; the SDK error stays reachable as `cause`. */
function toLoaderError(error: unknown, secretId: string): SecretsLoaderError {
  const code = errorName(error);
  const quoted = JSON.stringify(secretId);
  switch (code) {
    case "ResourceNotFoundException":
      return new SecretNotFoundError(
        `secret ${quoted} was not found (${code})`,
        secretId,
        false,
        error,
      );
    case "AccessDeniedException":
      return new SecretAccessDeniedError(
        `access to secret ${quoted} was denied (${code})`,
        secretId,
        false,
        error,
      );
    case "DecryptionFailure":
      return new SecretDecryptionError(
        `secret ${quoted} could not be decrypted (${code})`,
        secretId,
        false,
        error,
      );
    case "ThrottlingException":
      return new SecretThrottledError(
        `Secrets Manager throttled the request for secret ${quoted} (${code})`,
        secretId,
        true,
        error,
      );
    default: {
      const serverFault = (error as { $fault?: unknown } | null)?.$fault === "server";
      return new SecretsLoaderError(
        `could not load secret ${quoted} (${code})`,
        secretId,
        serverFault,
        error,
      );
    }
  }
}

function errorName(error: unknown): string {
  const name = (error as { name?: unknown } | null)?.name;
  // "" would print as `()`: an empty name is no name.
  return typeof name === "string" && name !== "" ? name : "Error";
}

// ---------------------------------------------------------------------------------------------
// Picking the value out of a GetSecretValue response.

/** What the cache keeps: the raw value of the secret, before any key is picked. */
type RawValue = { text: string } | { bytes: Uint8Array };

function pick(raw: RawValue, ref: SecretRef): Secret {
  if (ref.key === undefined) {
    return new Secret("text" in raw ? raw.text : raw.bytes, "secrets-manager");
  }
  const quoted = JSON.stringify(ref.secretId);
  const key = JSON.stringify(ref.key);
  if (!("text" in raw)) {
    throw new SecretFormatError(
      `secret ${quoted} is binary, so it has no key ${key}`,
      ref.secretId,
      false,
    );
  }
  const fields = parseObject(raw.text);
  if (fields === undefined) {
    // No `cause`: V8's SyntaxError quotes the text it could not parse, which is the secret itself
    // ("Unexpected token 'h', "hunter2" is not valid JSON").
    throw new SecretFormatError(
      `secret ${quoted} is not a JSON object, so it has no key ${key}`,
      ref.secretId,
      false,
    );
  }
  // Own keys only: "constructor" or "toString" must not find Object.prototype's.
  if (!Object.hasOwn(fields, ref.key)) {
    throw new SecretFormatError(`secret ${quoted} has no key ${key}`, ref.secretId, false);
  }
  const value = fields[ref.key];
  if (typeof value === "string") return new Secret(value, "secrets-manager");
  if (typeof value === "number" || typeof value === "boolean") {
    // RDS secrets store "port": 5432; a setting is text, like an environment variable.
    return new Secret(String(value), "secrets-manager");
  }
  throw new SecretFormatError(
    `key ${key} of secret ${quoted} is not a string, number or boolean`,
    ref.secretId,
    false,
  );
}

function parseObject(text: string): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const isObject = typeof parsed === "object" && parsed !== null && !Array.isArray(parsed);
  return isObject ? (parsed as Record<string, unknown>) : undefined;
}

// ---------------------------------------------------------------------------------------------
// The loader.

interface CacheEntry {
  raw: RawValue;
  fetchedAt: number;
}

export class SecretsLoader {
  readonly #client: SecretsManagerClient;
  /** The `env` option; without it, `process.env` is looked up at each call (see `get`). */
  readonly #env: Record<string, string | undefined> | undefined;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #logger: SecretsLoaderLogger | undefined;
  /** Fetched values, per secretId. */
  readonly #cache = new Map<string, CacheEntry>();
  /** The request in flight, per secretId: every caller that needs a fetch awaits this one. */
  readonly #inFlight = new Map<string, Promise<RawValue>>();

  constructor(options: SecretsLoaderOptions) {
    // Fail at start-up, not on the first request that is not answered from the environment.
    if (typeof options.client?.send !== "function") {
      throw new TypeError("client must be a SecretsManagerClient");
    }
    const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    if (!Number.isInteger(ttlMs) || ttlMs < 0) {
      throw new RangeError(`ttlMs must be an integer >= 0, got ${ttlMs}`);
    }
    this.#client = options.client;
    this.#env = options.env;
    this.#ttlMs = ttlMs;
    // Looked up at each reading, not captured: a clock faked after construction is seen.
    // A given clock is called as a plain function (`this` undefined), not as the loader's method.
    const now = options.now;
    this.#now = now == null ? () => Date.now() : () => now();
    this.#logger = options.logger;
  }

  async get(ref: SecretRef): Promise<Secret> {
    if (typeof ref.secretId !== "string" || ref.secretId === "") {
      throw new TypeError("secretId must be a non-empty string");
    }
    // Read every time: an override is a deployment decision, and changing it needs no restart.
    // Without the option, `process.env` as it is now (it may have been replaced since).
    const env = this.#env ?? process.env;
    const fromEnv = ref.env === undefined ? undefined : variable(env, ref.env);
    if (fromEnv !== undefined) return new Secret(fromEnv, "env");

    return pick(await this.#raw(ref.secretId), ref);
  }

  /** The raw value from the cache while it is fresh, otherwise from the one request in flight. */
  #raw(secretId: string): Promise<RawValue> {
    const cached = this.#cache.get(secretId);
    if (cached !== undefined) {
      // A clock stepped back (NTP, an injected clock) gives a negative age, which says nothing
      // about how old the value is: fetch it again rather than keep it past its real age.
      const age = this.#now() - cached.fetchedAt;
      if (age >= 0 && age < this.#ttlMs) return Promise.resolve(cached.raw);
    }
    // Checked and set in the same synchronous turn, so concurrent callers cannot both miss it.
    let request = this.#inFlight.get(secretId);
    if (request === undefined) {
      request = this.#fetch(secretId).finally(() => this.#inFlight.delete(secretId));
      this.#inFlight.set(secretId, request);
    }
    return request;
  }

  async #fetch(secretId: string): Promise<RawValue> {
    let raw: RawValue;
    try {
      raw = rawValueOf(await this.#request(secretId), secretId);
    } catch (error) {
      // A typed error already: #request's, or rawValueOf's "neither field" one.
      const loaderError = error as SecretsLoaderError;
      // An expired value is not served after a failed refresh: it may be the password that was
      // just rotated away. Errors are not cached either: the next call tries again.
      this.#cache.delete(secretId);
      this.#logger?.warn(loaderError.message);
      throw loaderError;
    }
    // The TTL runs from when the value arrived, not from when it was asked for.
    this.#cache.set(secretId, { raw, fetchedAt: this.#now() });
    this.#logger?.info(`fetched secret ${JSON.stringify(secretId)} from Secrets Manager`);
    return raw;
  }

  /**
   * One GetSecretValue request. Whatever the client throws, a synchronous throw included, becomes
   * the typed error its `name` chooses, with the thrown value as `cause`: even a SecretsLoaderError
   * from a wrapper client (another loader's, perhaps about another secretId) is wrapped, never
   * passed on as this loader's own.
   */
  async #request(secretId: string) {
    try {
      return await this.#client.send(new GetSecretValueCommand({ SecretId: secretId }));
    } catch (error) {
      throw toLoaderError(error, secretId);
    }
  }
}

/**
 * The variable `name` when it is set and not empty, exactly as it is (not trimmed). Only an own
 * property counts: `env.constructor` or `process.env.hasOwnProperty` are inherited functions, not
 * variables.
 */
function variable(env: Record<string, string | undefined>, name: unknown): string | undefined {
  // Only a non-empty string names a variable: `42` or `null` must not find a property "42" or "null".
  if (typeof name !== "string" || name === "" || !Object.hasOwn(env, name)) return undefined;
  const value: unknown = env[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

function rawValueOf(
  response: { SecretString?: string | undefined; SecretBinary?: Uint8Array | undefined },
  secretId: string,
): RawValue {
  // A SecretString wins whenever it is there, the empty string included: "" is a text value.
  if (response.SecretString !== undefined) return { text: response.SecretString };
  if (response.SecretBinary !== undefined) return { bytes: response.SecretBinary };
  throw new SecretFormatError(
    `secret ${JSON.stringify(secretId)} has neither SecretString nor SecretBinary`,
    secretId,
    false,
  );
}
