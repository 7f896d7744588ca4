/**
 * A Secrets Manager rotation function for a database user (the single-user scheme): the four steps
 * Secrets Manager invokes, each safe to run again, against the version-stage model of the service.
 * The README says what each step must do.
 */
// A type-only import: to send commands, make it a value import (verbatimModuleSyntax erases this
// one), e.g. `import { DescribeSecretCommand, type SecretsManagerClient } from "…";`.
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

export const AWSCURRENT = "AWSCURRENT";
export const AWSPENDING = "AWSPENDING";
export const AWSPREVIOUS = "AWSPREVIOUS";

export const ROTATION_STEPS = ["createSecret", "setSecret", "testSecret", "finishSecret"] as const;
export type RotationStep = (typeof ROTATION_STEPS)[number];

/** The characters the AWS rotation templates leave out: they break connection strings and shells. */
export const DEFAULT_EXCLUDE_CHARACTERS = "/@\"'\\";
export const DEFAULT_PASSWORD_LENGTH = 32;

/** What Secrets Manager sends the rotation function (the Lambda event). */
export interface RotationEvent {
  SecretId: string;
  ClientRequestToken: string;
  Step: string;
}

/** The secret's value: JSON with at least these two fields (RDS adds host, port, engine, …). */
export interface DatabaseCredentials {
  username: string;
  password: string;
  [field: string]: unknown;
}

/** The system whose password is rotated. */
export interface UserDatabase {
  /** Resolves `true` when the password works for the user, `false` when the login is refused. */
  canLogin(username: string, password: string): Promise<boolean>;
  /** Logged in as `username` with `currentPassword`, sets its password to `newPassword`. */
  changePassword(username: string, currentPassword: string, newPassword: string): Promise<void>;
}

export interface RotationOptions {
  secretsManager: SecretsManagerClient;
  database: UserDatabase;
  /** Length of the generated password, an integer from 8 to 4096. Default 32. */
  passwordLength?: number;
  /** Characters the generated password must not contain, as given (`""`: none). Default `/@"'\`. */
  excludeCharacters?: string;
  /** Told what each step did, never a password. Default: silent. */
  log?: (line: string) => void;
}

/** A rotation that must not go on: a bad event, a secret in the wrong state, credentials that fail. */
export class RotationError extends Error {
  override name = "RotationError";

  constructor(
    message: string,
    readonly step: string,
    readonly secretId: string,
    readonly token: string,
  ) {
    super(message);
  }
}

/**
 * Returns the rotation function: `await rotate({ SecretId, ClientRequestToken, Step })` runs one
 * step of one rotation.
 */
export function createRotationHandler(
  _options: RotationOptions,
): (event: RotationEvent) => Promise<void> {
  // TODO: start here. Check the options, then return the handler: the event checks first
  // (step 1), then one function per rotation step (steps 2 to 5).
  throw new Error("TODO: implement createRotationHandler()");
}
