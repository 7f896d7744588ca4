/**
 * A settings loader for secrets: the environment first, then AWS Secrets Manager, with a TTL cache
 * that sends one request per secret however many callers ask at once, typed errors, and a holder
 * that never prints its value. The README says what every function must do.
 */
import { inspect } from "node:util";
// A type-only import: to send a command, make it a value import (verbatimModuleSyntax erases this
// one), e.g. `import { GetSecretValueCommand, type SecretsManagerClient } from "…";`.
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

/** Five minutes: the default (and the maximum) of the AWS Parameters and Secrets Lambda Extension. */
export const DEFAULT_TTL_MS = 300_000;

/** What a secret prints as, everywhere. */
export const REDACTED = "[REDACTED]";

export type SecretSource = "env" | "secrets-manager";

// TODO: start here. Step 1 is the Secret holder; steps 2 to 7 build SecretsLoader.

/** Holds one secret value and never prints it; `reveal()` and `revealBytes()` hand it out. */
export class Secret {
  readonly source: SecretSource;

  constructor(_value: string | Uint8Array, source: SecretSource) {
    this.source = source;
    throw new Error("TODO: implement Secret");
  }

  /** The value as text; a `TypeError` (mentioning `revealBytes`) for a binary value. */
  reveal(): string {
    throw new Error("TODO: implement Secret.reveal()");
  }

  /** The value as bytes (UTF-8 for a text value), in a fresh array. */
  revealBytes(): Uint8Array {
    throw new Error("TODO: implement Secret.revealBytes()");
  }

  toString(): string {
    throw new Error("TODO: implement Secret.toString()");
  }

  toJSON(): string {
    throw new Error("TODO: implement Secret.toJSON()");
  }

  [inspect.custom](): string {
    throw new Error("TODO: implement Secret[inspect.custom]()");
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

/** The base of every error `get` rejects with (except the `TypeError` for a bad `secretId`). */
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
/** The value is there but is not what the ref asks for. Never has a `cause`. */
export class SecretFormatError extends SecretsLoaderError {
  override name = "SecretFormatError";
}

export class SecretsLoader {
  constructor(_options: SecretsLoaderOptions) {
    throw new Error("TODO: implement SecretsLoader");
  }

  /** The secret `ref` names: from the environment, the cache, or one request to Secrets Manager. */
  async get(_ref: SecretRef): Promise<Secret> {
    throw new Error("TODO: implement SecretsLoader.get()");
  }
}
