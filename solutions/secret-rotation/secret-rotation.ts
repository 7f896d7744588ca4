/**
 * A Secrets Manager rotation function for a database user (the single-user scheme): the four steps
 * Secrets Manager invokes, each safe to run again, against the version-stage model of the service.
 *
 * The flow, for one rotation whose new version id is the event's ClientRequestToken:
 *   createSecret  a new password in a new version staged AWSPENDING (Secrets Manager only)
 *   setSecret     the database user's password becomes the AWSPENDING one (database only)
 *   testSecret    the AWSPENDING credentials log in (database only)
 *   finishSecret  AWSCURRENT moves to the new version (Secrets Manager only; the service moves
 *                 AWSPREVIOUS to the version AWSCURRENT left)
 */
import {
  DescribeSecretCommand,
  type DescribeSecretResponse,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  type GetSecretValueRequest,
  PutSecretValueCommand,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";

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

/** Everything one invocation works with. */
interface Invocation {
  step: RotationStep;
  secretId: string;
  token: string;
  metadata: DescribeSecretResponse;
}

export function createRotationHandler(
  options: RotationOptions,
): (event: RotationEvent) => Promise<void> {
  const passwordLength = options.passwordLength ?? DEFAULT_PASSWORD_LENGTH;
  if (!Number.isInteger(passwordLength) || passwordLength < 8 || passwordLength > 4096) {
    throw new RangeError(`passwordLength must be an integer from 8 to 4096, got ${passwordLength}`);
  }
  const excludeCharacters = options.excludeCharacters ?? DEFAULT_EXCLUDE_CHARACTERS;
  const sm = options.secretsManager;
  const db = options.database;
  const log = options.log ?? (() => {});

  // -- Reading the secret's versions ------------------------------------------------------------

  async function credentials(run: Invocation, request: Omit<GetSecretValueRequest, "SecretId">) {
    const response = await sm.send(
      new GetSecretValueCommand({ SecretId: run.secretId, ...request }),
    );
    return parseCredentials(run, response.SecretString, request.VersionStage ?? AWSCURRENT);
  }

  /** The AWSPENDING value of this rotation's version. */
  const pending = (run: Invocation) =>
    credentials(run, { VersionId: run.token, VersionStage: AWSPENDING });

  // -- The four steps ----------------------------------------------------------------------------

  async function createSecret(run: Invocation): Promise<void> {
    const current = await credentials(run, { VersionStage: AWSCURRENT });
    // A retried createSecret finds the value it put the first time: nothing more to do. Only "no
    // value yet" means "create it"; a throttled lookup must not be taken for a missing value.
    try {
      await sm.send(
        new GetSecretValueCommand({
          SecretId: run.secretId,
          VersionId: run.token,
          VersionStage: AWSPENDING,
        }),
      );
      log(`createSecret: version ${run.token} already has its AWSPENDING value`);
      return;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    const { RandomPassword } = await sm.send(
      new GetRandomPasswordCommand({
        PasswordLength: passwordLength,
        ExcludeCharacters: excludeCharacters,
      }),
    );
    if (!RandomPassword)
      throw new RotationError(
        "createSecret: GetRandomPassword returned no password",
        run.step,
        run.secretId,
        run.token,
      );
    // The token is the version id: a retry with the same value is ignored by Secrets Manager.
    await sm.send(
      new PutSecretValueCommand({
        SecretId: run.secretId,
        ClientRequestToken: run.token,
        SecretString: JSON.stringify({ ...current, password: RandomPassword }),
        VersionStages: [AWSPENDING],
      }),
    );
    log(`createSecret: put a new AWSPENDING value in version ${run.token}`);
  }

  async function setSecret(run: Invocation): Promise<void> {
    const next = await pending(run);
    // Already done by an earlier try (the Lambda timed out after the change): done.
    if (await db.canLogin(next.username, next.password)) {
      log(`setSecret: the AWSPENDING password already works for ${quote(next.username)}`);
      return;
    }
    const current = await credentials(run, { VersionStage: AWSCURRENT });
    if (current.username !== next.username) {
      throw new RotationError(
        `setSecret: the AWSPENDING user ${quote(next.username)} is not the AWSCURRENT user ${quote(current.username)}`,
        run.step,
        run.secretId,
        run.token,
      );
    }
    const working = await workingPassword(run, current);
    if (working === undefined) {
      throw new RotationError(
        `setSecret: cannot log in as ${quote(next.username)} with the AWSPENDING, AWSCURRENT or AWSPREVIOUS password`,
        run.step,
        run.secretId,
        run.token,
      );
    }
    await db.changePassword(next.username, working, next.password);
    log(`setSecret: changed the password of ${quote(next.username)}`);
  }

  /**
   * The password the database accepts now: AWSCURRENT's, or else AWSPREVIOUS's (a rotation that
   * changed the database and then failed before finishSecret leaves the database one step ahead).
   */
  async function workingPassword(
    run: Invocation,
    current: DatabaseCredentials,
  ): Promise<string | undefined> {
    if (await db.canLogin(current.username, current.password)) return current.password;
    const previous = await previousCredentials(run);
    if (previous?.username !== current.username) return undefined;
    return (await db.canLogin(previous.username, previous.password))
      ? previous.password
      : undefined;
  }

  /** AWSPREVIOUS, if there is one (not on a first rotation) and it holds credentials at all. */
  async function previousCredentials(run: Invocation): Promise<DatabaseCredentials | undefined> {
    try {
      return await credentials(run, { VersionStage: AWSPREVIOUS });
    } catch (error) {
      if (isNotFound(error) || error instanceof RotationError) return undefined;
      throw error;
    }
  }

  async function testSecret(run: Invocation): Promise<void> {
    const next = await pending(run);
    if (!(await db.canLogin(next.username, next.password))) {
      throw new RotationError(
        `testSecret: cannot log in as ${quote(next.username)} with the AWSPENDING password`,
        run.step,
        run.secretId,
        run.token,
      );
    }
    log(`testSecret: ${quote(next.username)} logs in with the AWSPENDING password`);
  }

  async function finishSecret(run: Invocation): Promise<void> {
    const current = versionWith(run.metadata, AWSCURRENT);
    // Moving AWSCURRENT makes Secrets Manager move AWSPREVIOUS to the version it leaves. With no
    // AWSCURRENT anywhere, `current` is undefined and the SDK leaves the field out of the request.
    await sm.send(
      new UpdateSecretVersionStageCommand({
        SecretId: run.secretId,
        VersionStage: AWSCURRENT,
        MoveToVersionId: run.token,
        RemoveFromVersionId: current,
      }),
    );
    // AWSPENDING must not stay behind on a version other than AWSCURRENT's, or the next rotation
    // believes this one is still running: take it off the new version too.
    await sm.send(
      new UpdateSecretVersionStageCommand({
        SecretId: run.secretId,
        VersionStage: AWSPENDING,
        RemoveFromVersionId: run.token,
      }),
    );
    log(`finishSecret: version ${run.token} is now AWSCURRENT`);
  }

  const steps: Record<RotationStep, (run: Invocation) => Promise<void>> = {
    createSecret,
    setSecret,
    testSecret,
    finishSecret,
  };

  // -- The handler -------------------------------------------------------------------------------

  return async function rotate(event: RotationEvent): Promise<void> {
    const {
      SecretId: secretId,
      ClientRequestToken: token,
      Step: step,
    } = event ?? ({} as RotationEvent);
    if (!isStep(step)) {
      throw new RotationError(
        `unknown rotation step ${quote(field(step))}`,
        field(step),
        field(secretId),
        field(token),
      );
    }
    if (!nonEmpty(secretId) || !nonEmpty(token)) {
      throw new RotationError(
        "the rotation event needs a SecretId and a ClientRequestToken",
        step,
        field(secretId),
        field(token),
      );
    }

    const metadata = await sm.send(new DescribeSecretCommand({ SecretId: secretId }));
    const refuse = (message: string) => new RotationError(message, step, secretId, token);
    // Absent means "never configured": only an explicit false stops a rotation.
    if (metadata.RotationEnabled === false) {
      throw refuse(`secret ${secretId} is not enabled for rotation`);
    }
    const versions = metadata.VersionIdsToStages ?? {};
    const stages = Object.hasOwn(versions, token) ? versions[token] : undefined;
    if (stages === undefined) {
      throw refuse(`version ${token} is not a version of secret ${secretId}`);
    }
    // Every step of a finished rotation is a no-op: Secrets Manager may call any of them again.
    if (stages.includes(AWSCURRENT)) {
      log(`${step}: version ${token} is already AWSCURRENT, nothing to do`);
      return;
    }
    if (!stages.includes(AWSPENDING)) {
      throw refuse(`version ${token} of secret ${secretId} is not staged AWSPENDING`);
    }

    await steps[step]({ step, secretId, token, metadata });
  };
}

// ---------------------------------------------------------------------------------------------

function isStep(step: unknown): step is RotationStep {
  return (ROTATION_STEPS as readonly unknown[]).includes(step);
}

/** An event field as RotationError holds it: a missing one (`undefined`, `null`) is `""`. */
function field(value: unknown): string {
  return value === undefined || value === null ? "" : String(value);
}

/** Values that come from a secret or from a person are quoted, so odd characters show. */
function quote(text: string): string {
  return JSON.stringify(text);
}

function nonEmpty(value: unknown): value is string {
  return typeof value === "string" && value !== "";
}

/**
 * "No such version or value": the one error a lookup may turn into "not there yet". By name, not
 * `instanceof`: a wrapper client or another copy of the SDK throws its own class.
 */
function isNotFound(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === "ResourceNotFoundException";
}

function versionWith(metadata: DescribeSecretResponse, stage: string): string | undefined {
  const versions = Object.entries(metadata.VersionIdsToStages ?? {});
  return versions.find(([, stages]) => stages.includes(stage))?.[0];
}

/** The value as credentials; the error names the stage, never the text (it holds a password). */
function parseCredentials(
  run: Invocation,
  text: string | undefined,
  stage: string,
): DatabaseCredentials {
  let value: unknown;
  try {
    // String(undefined) is "undefined", which is no JSON either.
    value = JSON.parse(String(text));
  } catch {
    value = undefined;
  }
  const fields = value as Partial<DatabaseCredentials> | null | undefined;
  if (typeof fields?.username !== "string" || typeof fields.password !== "string") {
    throw new RotationError(
      `${run.step}: the ${stage} value of secret ${run.secretId} is not JSON with a string username and password`,
      run.step,
      run.secretId,
      run.token,
    );
  }
  return fields as DatabaseCredentials;
}
