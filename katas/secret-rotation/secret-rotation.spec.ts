import { inspect } from "node:util";
import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  SecretsManagerServiceException,
  UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";
import { describe, expect, it, vi } from "vitest";
import { useMockedClient } from "../../fixtures/helpers/aws/client";
import {
  FakeSecret,
  sampleDatabaseSecret,
  secretsManagerErrors,
} from "../../fixtures/helpers/aws/secrets-manager";
import {
  AWSCURRENT,
  AWSPENDING,
  AWSPREVIOUS,
  createRotationHandler,
  DEFAULT_EXCLUDE_CHARACTERS,
  DEFAULT_PASSWORD_LENGTH,
  ROTATION_STEPS,
  RotationError,
  type RotationOptions,
  type UserDatabase,
} from "./secret-rotation";

const sm = useMockedClient(SecretsManagerClient);
const client = new SecretsManagerClient({ region: "us-east-1" });

// Version ids are UUIDs chosen by Secrets Manager; the token of a rotation is its new version's id.
const PREVIOUS_ID = "3c0c1e52-7a41-4f3e-9d1b-0a6f2c4e8b01";
const CURRENT_ID = "8f2a9d17-5b3c-4e6a-a2d4-1c7e9f0b3a02";
const TOKEN = "d1e5b8a0-2f6c-4b9e-8a3d-5e7c1f9b2a03";
const NEXT_TOKEN = "a7c3e9f1-4d2b-4c8a-9e6f-2b8d0a4c6e04";

const USER = "orders_app";
const PREVIOUS_PASSWORD = "Prev-pw-0ld-K3pt";
const CURRENT_PASSWORD = "Curr-pw-N0w-L1ve";

/** A version's value: RDS-style credentials for the rotated user. */
const credentials = (password: string, overrides: Record<string, unknown> = {}) =>
  JSON.stringify(sampleDatabaseSecret({ username: USER, password, ...overrides }));

/**
 * The database whose user is rotated: one password per user. Logins with the wrong password are
 * refused (`false`); changing a password needs the user's current one, as in a real database.
 */
class FakeUserDatabase implements UserDatabase {
  /** What was called, in order (no passwords: the spec checks those separately). */
  readonly calls: string[] = [];
  readonly #passwords: Map<string, string>;
  readonly #failures: Error[] = [];

  constructor(passwords: Record<string, string>) {
    this.#passwords = new Map(Object.entries(passwords));
  }

  passwordOf(username: string): string | undefined {
    return this.#passwords.get(username);
  }

  setPassword(username: string, password: string): void {
    this.#passwords.set(username, password);
  }

  /** The next call rejects with `error` (a connection refused, a time-out…). */
  failNext(error: Error): void {
    this.#failures.push(error);
  }

  async canLogin(username: string, password: string): Promise<boolean> {
    this.calls.push(`canLogin ${username}`);
    this.#maybeFail();
    return this.#passwords.get(username) === password;
  }

  async changePassword(
    username: string,
    currentPassword: string,
    newPassword: string,
  ): Promise<void> {
    this.calls.push(`changePassword ${username}`);
    this.#maybeFail();
    if (this.#passwords.get(username) !== currentPassword) {
      throw new Error(`password authentication failed for user "${username}"`);
    }
    this.#passwords.set(username, newPassword);
  }

  #maybeFail(): void {
    const failure = this.#failures.shift();
    if (failure !== undefined) throw failure;
  }
}

interface SetUp {
  /** What DescribeSecret says about rotation (default true; `undefined` leaves the field out). */
  rotationEnabled?: boolean | undefined;
  /** A value for AWSPREVIOUS (default: credentials with PREVIOUS_PASSWORD); `null`: no AWSPREVIOUS. */
  previous?: string | null;
  /** The AWSCURRENT value (default: credentials with CURRENT_PASSWORD). */
  current?: string;
  /** A value the token's version already has; by default it has none (a rotation just started). */
  pending?: string;
  /** The user's password in the database (default CURRENT_PASSWORD). */
  databasePassword?: string;
  handler?: Partial<RotationOptions>;
}

/**
 * A secret in the middle of a rotation, as Secrets Manager leaves it before calling createSecret:
 * AWSPREVIOUS and AWSCURRENT versions, and the token's version staged AWSPENDING without a value.
 */
function setUp(options: SetUp = {}) {
  const secret = new FakeSecret(
    "rotationEnabled" in options ? { rotationEnabled: options.rotationEnabled } : {},
  ).install(sm);
  const previous =
    options.previous === undefined ? credentials(PREVIOUS_PASSWORD) : options.previous;
  if (previous !== null) secret.addVersion(PREVIOUS_ID, previous, [AWSCURRENT]);
  secret.addVersion(CURRENT_ID, options.current ?? credentials(CURRENT_PASSWORD), [AWSCURRENT]);
  if (options.pending === undefined) secret.startRotation(TOKEN);
  else secret.addVersion(TOKEN, options.pending, [AWSPENDING]);

  const db = new FakeUserDatabase({ [USER]: options.databasePassword ?? CURRENT_PASSWORD });
  const lines: string[] = [];
  const rotate = createRotationHandler({
    secretsManager: client,
    database: db,
    log: (line) => lines.push(line),
    ...options.handler,
  });
  const run = (Step: string, token = TOKEN) =>
    rotate({ SecretId: secret.arn, ClientRequestToken: token, Step });
  return { secret, db, rotate, run, lines };
}

/** The commands sent to Secrets Manager since the last resetHistory, by name. */
const sent = () =>
  sm.calls().map((call) => (call.args[0] as object).constructor.name.replace(/Command$/, ""));
const inputsOf = (command: Parameters<typeof sm.commandCalls>[0]) =>
  sm.commandCalls(command).map((call) => call.args[0].input);

/** The AWSPENDING credentials of the token's version, as the fake holds them. */
function pendingOf(secret: FakeSecret, token = TOKEN): Record<string, unknown> {
  const value = secret.valueOf(token);
  expect(value, `version ${token} should have a value`).toBeDefined();
  return JSON.parse(value ?? "null");
}

/** The RotationError a promise rejects with (the test fails if it resolves or rejects otherwise). */
async function refusal(promise: Promise<unknown>): Promise<RotationError> {
  try {
    await promise;
  } catch (error) {
    expect(error, `expected a RotationError, got ${String(error)}`).toBeInstanceOf(RotationError);
    return error as RotationError;
  }
  throw new Error("expected a RotationError, but the invocation resolved");
}

/** The same error object, propagated unchanged. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the invocation to reject, but it resolved");
}

/** The three GetSecretValue inputs of the README, for the secret `secretId`. */
const reads = (secretId: string, token = TOKEN) => ({
  current: { SecretId: secretId, VersionStage: AWSCURRENT },
  pending: { SecretId: secretId, VersionId: token, VersionStage: AWSPENDING },
  previous: { SecretId: secretId, VersionStage: AWSPREVIOUS },
});

const START_STAGES = {
  [PREVIOUS_ID]: [AWSPREVIOUS],
  [CURRENT_ID]: [AWSCURRENT],
  [TOKEN]: [AWSPENDING],
};

describe("step 1 — the event and the version stages", () => {
  it.each([
    "deleteSecret",
    "CreateSecret",
    "createsecret",
    "",
    "toString",
    "constructor",
    "__proto__",
  ])("refuses the unknown step %j before sending any request", async (Step) => {
    const { run, secret } = setUp();

    const error = await refusal(run(Step));

    expect(error.message).toBe(`unknown rotation step ${JSON.stringify(Step)}`);
    expect(error.name).toBe("RotationError");
    expect(error.step).toBe(Step);
    expect(error.secretId).toBe(secret.arn);
    expect(error.token).toBe(TOKEN);
    expect(sent(), "no request for a bad event").toEqual([]);
  });

  it.each([
    ["a double quote", 'create"Secret'],
    ["a backslash", "create\\Secret"],
    ["a newline", "createSecret\n"],
  ])("escapes %s in the unknown step as JSON.stringify does", async (_label, Step) => {
    const { run } = setUp();

    const error = await refusal(run(Step));

    expect(
      error.message,
      'the README: a step is quoted as JSON.stringify quotes it, with " and \\ escaped',
    ).toBe(`unknown rotation step ${JSON.stringify(Step)}`);
    expect(error.step).toBe(Step);
  });

  it.each([
    { label: "no Step", Step: undefined, step: "" },
    { label: "a null Step", Step: null, step: "" },
    { label: "a numeric Step", Step: 42, step: "42" },
    { label: "a Step of 0", Step: 0, step: "0" },
    { label: "a Step of false", Step: false, step: "false" },
    { label: "a Symbol Step", Step: Symbol("createSecret"), step: "Symbol(createSecret)" },
    { label: "an array Step that reads as a step", Step: ["setSecret"], step: "setSecret" },
    {
      label: "an object Step whose toString gives a step",
      Step: { toString: () => "testSecret" },
      step: "testSecret",
    },
  ])(
    "refuses an event with $label, quoting the step as its step field holds it",
    async ({ Step, step }) => {
      const { rotate, secret } = setUp();
      const event = {
        SecretId: secret.arn,
        ClientRequestToken: TOKEN,
        Step,
      } as unknown as Parameters<typeof rotate>[0];

      const error = await refusal(rotate(event));

      expect(error.step, "a missing field is the empty string, any other String(value)").toBe(step);
      expect(error.message).toBe(`unknown rotation step ${JSON.stringify(step)}`);
      expect(error.secretId).toBe(secret.arn);
      expect(sent()).toEqual([]);
    },
  );

  it.each([
    {
      label: "an empty SecretId",
      SecretId: "",
      ClientRequestToken: TOKEN,
      secretId: "",
      token: TOKEN,
    },
    {
      label: "no SecretId",
      SecretId: undefined,
      ClientRequestToken: TOKEN,
      secretId: "",
      token: TOKEN,
    },
    {
      label: "a null SecretId",
      SecretId: null,
      ClientRequestToken: TOKEN,
      secretId: "",
      token: TOKEN,
    },
    {
      label: "a numeric SecretId",
      SecretId: 7,
      ClientRequestToken: TOKEN,
      secretId: "7",
      token: TOKEN,
    },
    {
      label: "a SecretId of 0",
      SecretId: 0,
      ClientRequestToken: TOKEN,
      secretId: "0",
      token: TOKEN,
    },
    {
      label: "a ClientRequestToken of false",
      SecretId: "prod/orders/db",
      ClientRequestToken: false,
      secretId: "prod/orders/db",
      token: "false",
    },
    {
      label: "an empty ClientRequestToken",
      SecretId: "prod/orders/db",
      ClientRequestToken: "",
      secretId: "prod/orders/db",
      token: "",
    },
    {
      label: "no ClientRequestToken",
      SecretId: "prod/orders/db",
      ClientRequestToken: undefined,
      secretId: "prod/orders/db",
      token: "",
    },
    {
      label: "a Symbol SecretId (String(value), never a template literal, which throws)",
      SecretId: Symbol("prod/orders/db"),
      ClientRequestToken: TOKEN,
      secretId: "Symbol(prod/orders/db)",
      token: TOKEN,
    },
    {
      label: "a Symbol ClientRequestToken",
      SecretId: "prod/orders/db",
      ClientRequestToken: Symbol(TOKEN),
      secretId: "prod/orders/db",
      token: `Symbol(${TOKEN})`,
    },
  ])(
    "refuses an event with $label before sending any request",
    async ({ SecretId, ClientRequestToken, secretId, token }) => {
      const { rotate } = setUp();
      const event = { SecretId, ClientRequestToken, Step: "createSecret" } as unknown as Parameters<
        typeof rotate
      >[0];

      const error = await refusal(rotate(event));

      expect(error.message).toBe("the rotation event needs a SecretId and a ClientRequestToken");
      expect(error.step).toBe("createSecret");
      expect(error.secretId, 'the event\'s SecretId as a string, a missing one as ""').toBe(
        secretId,
      );
      expect(error.token, 'the event\'s token as a string, a missing one as ""').toBe(token);
      expect(sent()).toEqual([]);
    },
  );

  it("takes a SecretId of spaces only as non-empty: it goes on to DescribeSecret, as it is", async () => {
    const { rotate } = setUp();
    const event = { SecretId: "   ", ClientRequestToken: TOKEN, Step: "createSecret" };

    const outcome = await rotate(event).then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(
      (outcome as Error | undefined)?.message,
      'the README: only "" is empty, a spaces-only SecretId is no check-2 refusal',
    ).not.toBe("the rotation event needs a SecretId and a ClientRequestToken");
    expect(inputsOf(DescribeSecretCommand), "sent as it is, never trimmed").toEqual([
      { SecretId: "   " },
    ]);
  });

  it("takes a token of spaces only as non-empty: it is looked up, and is no version", async () => {
    const { run, secret } = setUp();

    const error = await refusal(run("setSecret", "   "));

    expect(error.message, "check 4, not check 2: a spaces-only token is a non-empty string").toBe(
      `version     is not a version of secret ${secret.arn}`,
    );
    expect(error.token).toBe("   ");
    expect(sent()).toEqual(["DescribeSecret"]);
  });

  it.each([
    ["an unknown Step", "deleteSecret"],
    ["no Step", undefined],
    ["a numeric Step", 42],
  ])("logs nothing for %s: an invocation refused at check 1 has no step", async (_label, Step) => {
    const { rotate, secret, lines } = setUp();
    const event = {
      SecretId: secret.arn,
      ClientRequestToken: TOKEN,
      Step,
    } as unknown as Parameters<typeof rotate>[0];

    await refusal(rotate(event));

    expect(lines, "the README: a refusal at check 1 logs no line").toEqual([]);
  });

  it("checks the step first: an unknown Step without SecretId or token is refused for its step", async () => {
    const { rotate } = setUp();
    const event = {
      SecretId: "",
      ClientRequestToken: undefined,
      Step: "rotateSecret",
    } as unknown as Parameters<typeof rotate>[0];

    const error = await refusal(rotate(event));

    expect(error.message, "check 1 (the step) comes before check 2 (the fields)").toBe(
      'unknown rotation step "rotateSecret"',
    );
    expect(error.step).toBe("rotateSecret");
    expect(error.secretId).toBe("");
    expect(error.token).toBe("");
    expect(sent()).toEqual([]);
  });

  it.each([
    ["undefined", undefined],
    ["null", null],
    ["a string that names a step", "setSecret"],
    ["a number", 42],
    ["a boolean", true],
  ])("refuses an event that is %s as one without any field, at check 1", async (_label, event) => {
    const { rotate, lines } = setUp();

    const error = await refusal(rotate(event as unknown as Parameters<typeof rotate>[0]));

    expect(
      error.message,
      "the README: an event that is not an object (undefined, null, a string, a number, a boolean) has every field missing, so it is refused at check 1 (not with a TypeError)",
    ).toBe('unknown rotation step ""');
    expect(error.step).toBe("");
    expect(error.secretId).toBe("");
    expect(error.token).toBe("");
    expect(sent()).toEqual([]);
    expect(lines, "refused at check 1: no line").toEqual([]);
  });

  it.each(ROTATION_STEPS)(
    "does nothing in %s when the token's version is already AWSCURRENT (a finished rotation)",
    async (step) => {
      const { run, secret, db, lines } = setUp();

      await run(step, CURRENT_ID);

      expect(sent(), "DescribeSecret, and nothing after it").toEqual(["DescribeSecret"]);
      expect(inputsOf(DescribeSecretCommand)).toEqual([{ SecretId: secret.arn }]);
      expect(db.calls, "no database call").toEqual([]);
      expect(secret.versionIdsToStages()).toEqual(START_STAGES);
      expect(lines.length, "a resolved invocation logs a line").toBeGreaterThan(0);
    },
  );

  it("refuses a secret whose rotation is disabled", async () => {
    const { run, secret } = setUp({ rotationEnabled: false });

    const error = await refusal(run("createSecret"));

    expect(error.message).toBe(`secret ${secret.arn} is not enabled for rotation`);
    expect(sent()).toEqual(["DescribeSecret"]);
  });

  it.each([
    { label: "a token already AWSCURRENT (a finished rotation, retried)", token: CURRENT_ID },
    { label: "a token that is no version of the secret", token: NEXT_TOKEN },
    { label: "a version staged AWSPREVIOUS", token: PREVIOUS_ID },
  ])(
    "checks RotationEnabled before the token's version: refuses $label when rotation is disabled",
    async ({ token }) => {
      for (const step of ROTATION_STEPS) {
        const { run, secret, db } = setUp({ rotationEnabled: false });
        sm.resetHistory();

        const error = await refusal(run(step, token));

        expect(
          error.message,
          `${step}: check 3 (RotationEnabled) comes before checks 4 to 6, and the first that fails is the refusal`,
        ).toBe(`secret ${secret.arn} is not enabled for rotation`);
        expect(error.step).toBe(step);
        expect(error.token).toBe(token);
        expect(sent(), "no request after DescribeSecret").toEqual(["DescribeSecret"]);
        expect(db.calls).toEqual([]);
      }
    },
  );

  it("goes on when DescribeSecret says nothing about RotationEnabled", async () => {
    const { run, secret } = setUp({ rotationEnabled: undefined });

    await run("createSecret");

    expect(secret.valueOf(TOKEN), "createSecret did its work").toBeDefined();
  });

  it.each(["0b9c8d7e-6f5a-4b3c-9d2e-1f0a9b8c7d6e", "constructor", "__proto__", "toString"])(
    "refuses the token %s, which is not a version of the secret",
    async (token) => {
      const { run, secret } = setUp();

      const error = await refusal(run("setSecret", token));

      expect(error.message).toBe(`version ${token} is not a version of secret ${secret.arn}`);
      expect(error.token).toBe(token);
      expect(error.step).toBe("setSecret");
      expect(sent()).toEqual(["DescribeSecret"]);
    },
  );

  it.each(ROTATION_STEPS)(
    "refuses in %s any token when DescribeSecret has no VersionIdsToStages at all",
    async (step) => {
      const { run, secret, db } = setUp();
      // A secret with no labelled version: DescribeSecret leaves the map out.
      sm.on(DescribeSecretCommand).callsFake((input) => {
        const { VersionIdsToStages: _none, ...answer } = secret.describeSecret(input);
        return answer;
      });

      const error = await refusal(run(step));

      expect(
        error.message,
        "the README: no VersionIdsToStages means no versions, so the token is none of them",
      ).toBe(`version ${TOKEN} is not a version of secret ${secret.arn}`);
      expect(error.step).toBe(step);
      expect(sent()).toEqual(["DescribeSecret"]);
      expect(db.calls).toEqual([]);
    },
  );

  it.each(ROTATION_STEPS)(
    "refuses in %s a version staged AWSPREVIOUS, not AWSPENDING",
    async (step) => {
      const { run, secret, db } = setUp();

      const error = await refusal(run(step, PREVIOUS_ID));

      expect(error.message).toBe(
        `version ${PREVIOUS_ID} of secret ${secret.arn} is not staged AWSPENDING`,
      );
      expect(sent()).toEqual(["DescribeSecret"]);
      expect(db.calls).toEqual([]);
    },
  );

  it("refuses a version that carries only a label of its own", async () => {
    const { run, secret } = setUp();
    const labelled = "5e4d3c2b-1a09-4f8e-b7d6-c5b4a3928170";
    secret.addVersion(labelled, credentials("x-label-only"), ["BLUE"]);

    const error = await refusal(run("testSecret", labelled));

    expect(error.message).toBe(
      `version ${labelled} of secret ${secret.arn} is not staged AWSPENDING`,
    );
  });
  /** A secret whose versions carry labels of their own next to the AWS ones. */
  function withOwnLabels(versions: Array<[string, string, string[]]>, databasePassword: string) {
    const secret = new FakeSecret().install(sm);
    for (const [versionId, value, stages] of versions) secret.addVersion(versionId, value, stages);
    const db = new FakeUserDatabase({ [USER]: databasePassword });
    const lines: string[] = [];
    const rotate = createRotationHandler({
      secretsManager: client,
      database: db,
      log: (line) => lines.push(line),
    });
    const run = (Step: string) => rotate({ SecretId: secret.arn, ClientRequestToken: TOKEN, Step });
    return { secret, db, run, lines };
  }

  it.each(ROTATION_STEPS)(
    "finds AWSCURRENT among a version's own labels, wherever it is in the list (%s)",
    async (step) => {
      const { secret, db, run, lines } = withOwnLabels(
        [
          [CURRENT_ID, credentials(CURRENT_PASSWORD), [AWSCURRENT]],
          [TOKEN, credentials("Already-current-pw"), ["ACTIVE", AWSCURRENT, "v7"]],
        ],
        "Already-current-pw",
      );
      expect(secret.versionIdsToStages()[TOKEN], "AWSCURRENT between two labels").toEqual([
        "ACTIVE",
        AWSCURRENT,
        "v7",
      ]);

      await expect(
        run(step),
        "the README: a version carries a label anywhere in its list, so this rotation is over",
      ).resolves.toBeUndefined();

      expect(sent()).toEqual(["DescribeSecret"]);
      expect(db.calls).toEqual([]);
      expect(lines).toHaveLength(1);
    },
  );

  it("finds AWSPENDING among a version's own labels, wherever it is in the list", async () => {
    const { secret, db, run } = withOwnLabels(
      [
        [CURRENT_ID, credentials(CURRENT_PASSWORD), [AWSCURRENT]],
        [TOKEN, credentials("Pending-pw-L4bel"), ["ACTIVE", AWSPENDING, "v7"]],
      ],
      "Pending-pw-L4bel",
    );
    expect(secret.versionIdsToStages()[TOKEN], "AWSPENDING between two labels").toEqual([
      "ACTIVE",
      AWSPENDING,
      "v7",
    ]);

    await expect(
      run("testSecret"),
      "the README: a version carries a label anywhere in its list, so it is staged AWSPENDING",
    ).resolves.toBeUndefined();
    expect(db.calls).toEqual([`canLogin ${USER}`]);
  });
});

describe("step 2 — creating the pending version", () => {
  it("puts a new password in the token's version, staged AWSPENDING, keeping the other fields", async () => {
    const { run, secret } = setUp();

    await run("createSecret");

    expect(secret.versionIdsToStages()).toEqual(START_STAGES);
    const [generated] = secret.passwords;
    expect(generated, "the password comes from GetRandomPassword").toBeDefined();
    expect(pendingOf(secret)).toEqual(
      sampleDatabaseSecret({ username: USER, password: generated }),
    );
    expect(secret.valueAt(AWSCURRENT), "AWSCURRENT is untouched").toBe(
      credentials(CURRENT_PASSWORD),
    );
  });

  it("sends exactly the GetRandomPassword and PutSecretValue requests of the README", async () => {
    const { run, secret } = setUp();

    await run("createSecret");

    expect(inputsOf(GetRandomPasswordCommand)).toEqual([
      { PasswordLength: DEFAULT_PASSWORD_LENGTH, ExcludeCharacters: DEFAULT_EXCLUDE_CHARACTERS },
    ]);
    expect(DEFAULT_PASSWORD_LENGTH).toBe(32);
    expect(DEFAULT_EXCLUDE_CHARACTERS).toBe("/@\"'\\");
    expect(inputsOf(PutSecretValueCommand)).toEqual([
      {
        SecretId: secret.arn,
        ClientRequestToken: TOKEN,
        SecretString: expect.any(String),
        VersionStages: [AWSPENDING],
      },
    ]);
  });

  it("generates 32 characters by default, none of them / @ \" ' or \\", async () => {
    const { run, secret } = setUp();

    await run("createSecret");

    const password = String(pendingOf(secret).password);
    expect(password).toHaveLength(32);
    expect(password).not.toMatch(/[/@"'\\]/);
  });

  it("uses the passwordLength and excludeCharacters options", async () => {
    const { run, secret } = setUp({ handler: { passwordLength: 48, excludeCharacters: "aeiou0" } });

    await run("createSecret");

    expect(inputsOf(GetRandomPasswordCommand)).toEqual([
      { PasswordLength: 48, ExcludeCharacters: "aeiou0" },
    ]);
    const password = String(pendingOf(secret).password);
    expect(password).toHaveLength(48);
    expect(password).not.toMatch(/[aeiou0]/);
  });

  it.each([
    ["an empty excludeCharacters, which excludes nothing", "", ""],
    [
      "excludeCharacters: undefined, which takes the default",
      undefined,
      DEFAULT_EXCLUDE_CHARACTERS,
    ],
    ["excludeCharacters: null, which takes the default", null, DEFAULT_EXCLUDE_CHARACTERS],
  ])("sends %s as it is", async (_label, excludeCharacters, expected) => {
    const { run } = setUp({ handler: { excludeCharacters: excludeCharacters as string } });

    await run("createSecret");

    expect(inputsOf(GetRandomPasswordCommand)).toEqual([
      { PasswordLength: DEFAULT_PASSWORD_LENGTH, ExcludeCharacters: expected },
    ]);
  });

  it.each([
    ["a number", 42],
    ["an array", ["/", "@"]],
    ["true", true],
  ])(
    "does not check an excludeCharacters that is %s: it goes to GetRandomPassword as it is",
    async (_label, excludeCharacters) => {
      const { run } = setUp({
        handler: { excludeCharacters: excludeCharacters as unknown as string },
      });

      // The service decides what it accepts: the invocation may fail there, but not before.
      await run("createSecret").catch(() => {});

      expect(
        inputsOf(GetRandomPasswordCommand),
        "the README: any other excludeCharacters is not checked, and is sent as it is",
      ).toEqual([
        { PasswordLength: DEFAULT_PASSWORD_LENGTH, ExcludeCharacters: excludeCharacters },
      ]);
    },
  );

  it("reads AWSCURRENT, then this rotation's version, with exactly the README's inputs", async () => {
    const { run, secret } = setUp();

    await run("createSecret");

    const { current, pending } = reads(secret.arn);
    expect(inputsOf(GetSecretValueCommand)).toEqual([current, pending]);
  });

  it("reads AWSCURRENT first on a retry too: the same two reads, in the same order", async () => {
    const { run, secret } = setUp();
    await run("createSecret");
    sm.resetHistory();

    await run("createSecret");

    const { current, pending } = reads(secret.arn);
    expect(inputsOf(GetSecretValueCommand)).toEqual([current, pending]);
    expect(sent()).not.toContain("PutSecretValue");
  });

  it("keeps every other field of the AWSCURRENT value, nested ones included", async () => {
    const value = {
      engine: "postgres",
      username: USER,
      password: CURRENT_PASSWORD,
      port: 5432,
      options: { sslmode: "require", replicas: ["a", "b"] },
      proxy: null,
    };
    const { run, secret } = setUp({ current: JSON.stringify(value) });

    await run("createSecret");

    const [generated] = secret.passwords;
    expect(pendingOf(secret), "only password replaced (compared as parsed JSON)").toEqual({
      ...value,
      password: generated,
    });
  });

  it("accepts empty strings as username and password", async () => {
    const { run, secret } = setUp({ current: JSON.stringify({ username: "", password: "" }) });

    await run("createSecret");

    const [generated] = secret.passwords;
    expect(pendingOf(secret)).toEqual({ username: "", password: generated });
  });

  it.each([
    ["undefined", undefined],
    ["null", null],
  ])("takes the default passwordLength for passwordLength: %s", async (_label, passwordLength) => {
    const { run } = setUp({ handler: { passwordLength: passwordLength as unknown as number } });

    await run("createSecret");

    expect(inputsOf(GetRandomPasswordCommand)[0]?.PasswordLength).toBe(32);
  });

  it.each([
    ["undefined", undefined],
    ["null", null],
  ])("is silent with log: %s, and every step still does its work", async (_label, log) => {
    const { run, secret, db } = setUp({ handler: { log: log as unknown as undefined } });

    for (const step of ROTATION_STEPS) {
      await expect(
        run(step),
        `the README: log: ${String(log)} takes the default (silent); ${step} must resolve`,
      ).resolves.toBeUndefined();
    }
    expect(db.passwordOf(USER), "the rotation went through").toBe(pendingOf(secret).password);
    expect(secret.versionIdsToStages()[TOKEN]).toEqual([AWSCURRENT]);
  });

  it.each([
    ["left out", {}],
    ["undefined", { log: undefined }],
    ["null", { log: null }],
  ])("prints nothing to the console with log %s", async (_label, handler) => {
    const methods = ["log", "info", "warn", "error", "debug", "trace"] as const;
    const spies = methods.map((method) => vi.spyOn(console, method).mockImplementation(() => {}));
    try {
      const { secret, db } = setUp();
      const rotate = createRotationHandler({
        secretsManager: client,
        database: db,
        ...(handler as Partial<RotationOptions>),
      });
      for (const Step of ROTATION_STEPS) {
        await rotate({ SecretId: secret.arn, ClientRequestToken: TOKEN, Step });
      }
      for (const [index, spy] of spies.entries()) {
        expect(
          spy,
          `the README: log defaults to none (silent), so console.${methods[index]} is never called`,
        ).not.toHaveBeenCalled();
      }
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it.each([8, 4096])("accepts a passwordLength of %d", async (passwordLength) => {
    const { run } = setUp({ handler: { passwordLength } });

    await run("createSecret");

    expect(inputsOf(GetRandomPasswordCommand)[0]?.PasswordLength).toBe(passwordLength);
  });

  it.each([7, 4097, 12.5, 0, -32, Number.NaN, Number.POSITIVE_INFINITY])(
    "refuses a passwordLength of %d with a RangeError",
    (passwordLength) => {
      const options = {
        secretsManager: client,
        database: new FakeUserDatabase({}),
        passwordLength,
      };
      expect(() => createRotationHandler(options)).toThrow(RangeError);
      expect(() => createRotationHandler(options)).toThrow(/passwordLength/);
    },
  );

  it.each(["32", "8"])(
    "refuses a passwordLength given as the string %j with a RangeError: no coercion",
    (passwordLength) => {
      const options = {
        secretsManager: client,
        database: new FakeUserDatabase({}),
        passwordLength: passwordLength as unknown as number,
      };
      expect(
        () => createRotationHandler(options),
        "the README: a string is not an integer, even one that reads as one",
      ).toThrow(RangeError);
      expect(() => createRotationHandler(options)).toThrow(/passwordLength/);
    },
  );

  it("does nothing more when the token's version already has a value (a retry)", async () => {
    const { run, secret } = setUp();
    await run("createSecret");
    const first = secret.valueOf(TOKEN);

    await run("createSecret");

    expect(secret.valueOf(TOKEN), "the first value stays").toBe(first);
    expect(inputsOf(GetRandomPasswordCommand), "one password generated in all").toHaveLength(1);
    expect(inputsOf(PutSecretValueCommand), "one value put in all").toHaveLength(1);
  });

  it.each([
    ["credentials", credentials("Put-by-an-earlier-try")],
    ["a value that is not JSON", "Put-by-an-earlier-try, not JSON"],
    ["JSON without a password", JSON.stringify({ username: USER })],
    ["the empty string", ""],
  ])("keeps a value an earlier try put, whatever it is: %s", async (_label, earlier) => {
    const { run, secret } = setUp({ pending: earlier });

    await run("createSecret");

    expect(secret.valueOf(TOKEN)).toBe(earlier);
    expect(sent()).not.toContain("PutSecretValue");
    expect(sent()).not.toContain("GetRandomPassword");
  });

  it.each([
    [
      "a plain Error",
      () => Object.assign(new Error("no value yet"), { name: "ResourceNotFoundException" }),
    ],
    [
      "a SecretsManagerServiceException (a wrapper, another copy of the SDK)",
      () =>
        new SecretsManagerServiceException({
          name: "ResourceNotFoundException",
          $fault: "client",
          $metadata: { httpStatusCode: 400 },
          message: "Secrets Manager can't find the specified secret value for VersionId",
        }),
    ],
  ])(
    "takes a pending lookup's error named ResourceNotFoundException as no value yet: %s",
    async (_label, make) => {
      const { run, secret } = setUp();
      secret.failNext(
        "GetSecretValue",
        make(),
        (input) => input.VersionStage === AWSPENDING || input.VersionId === TOKEN,
      );

      await run("createSecret");

      expect(sent(), "the README: the error's name decides, not instanceof").toContain(
        "PutSecretValue",
      );
      expect(pendingOf(secret).username).toBe(USER);
    },
  );

  it("propagates a pending lookup that rejects with null unchanged: no name, no ResourceNotFoundException", async () => {
    const { run, secret } = setUp();
    secret.failNext(
      "GetSecretValue",
      null as unknown as Error,
      (input) => input.VersionStage === AWSPENDING || input.VersionId === TOKEN,
    );

    expect(await rejectionOf(run("createSecret")), "the rejection value itself").toBeNull();
    expect(sent()).not.toContain("PutSecretValue");
  });

  it("propagates any other error of the pending lookup, and puts nothing", async () => {
    const { run, secret } = setUp();
    const throttled = secretsManagerErrors.throttling();
    secret.failNext(
      "GetSecretValue",
      throttled,
      (input) => input.VersionStage === AWSPENDING || input.VersionId === TOKEN,
    );

    expect(await rejectionOf(run("createSecret")), "the same error object").toBe(throttled);

    expect(sent()).not.toContain("PutSecretValue");
    expect(secret.valueOf(TOKEN), "a throttled lookup is not a missing value").toBeUndefined();
  });

  it.each([
    ["not JSON", "orders_app:Curr-pw-N0w-L1ve"],
    ["JSON without a password", JSON.stringify({ username: USER })],
    ["a numeric username", JSON.stringify({ username: 42, password: CURRENT_PASSWORD })],
    ["a JSON array", JSON.stringify([USER, CURRENT_PASSWORD])],
    ["JSON null", "null"],
  ])("refuses an AWSCURRENT value that is %s, without quoting it", async (_label, current) => {
    const { run, secret } = setUp({ current });

    const error = await refusal(run("createSecret"));

    expect(error.message).toBe(
      `createSecret: the AWSCURRENT value of secret ${secret.arn} is not JSON with a string username and password`,
    );
    expect("cause" in error, "no cause: JSON.parse's SyntaxError quotes the value").toBe(false);
    expect(inspect(error, { depth: 10 })).not.toContain(CURRENT_PASSWORD);
    expect(sent()).not.toContain("PutSecretValue");
  });

  it("refuses an AWSCURRENT version that has only a SecretBinary, even one holding credentials JSON", async () => {
    const { run, secret } = setUp();
    sm.on(GetSecretValueCommand, { VersionStage: AWSCURRENT }).resolves({
      ARN: secret.arn,
      Name: secret.name,
      VersionId: CURRENT_ID,
      SecretBinary: new TextEncoder().encode(credentials(CURRENT_PASSWORD)),
      VersionStages: [AWSCURRENT],
    });

    const error = await refusal(run("createSecret"));

    expect(
      error.message,
      "the README: a version's value is its SecretString; a SecretBinary is never read as credentials",
    ).toBe(
      `createSecret: the AWSCURRENT value of secret ${secret.arn} is not JSON with a string username and password`,
    );
    expect(sent()).not.toContain("PutSecretValue");
    expect(secret.valueOf(TOKEN)).toBeUndefined();
  });

  it.each([
    ["an empty RandomPassword", { RandomPassword: "" }],
    ["no RandomPassword", {}],
  ])("refuses %s from GetRandomPassword", async (_label, answer) => {
    const { run, secret } = setUp();
    sm.on(GetRandomPasswordCommand).resolves(answer);

    const error = await refusal(run("createSecret"));

    expect(error.message).toBe("createSecret: GetRandomPassword returned no password");
    expect(secret.valueOf(TOKEN)).toBeUndefined();
  });

  it("puts a RandomPassword of spaces only as it is: only an empty one is refused", async () => {
    const { run, secret } = setUp();
    const blank = " ".repeat(DEFAULT_PASSWORD_LENGTH);
    sm.on(GetRandomPasswordCommand).resolves({ RandomPassword: blank });

    await run("createSecret");

    expect(
      pendingOf(secret).password,
      "the README: a RandomPassword of spaces only is a password, never trimmed or refused",
    ).toBe(blank);
  });

  it("never calls the database", async () => {
    const { run, secret, db } = setUp();

    await run("createSecret");

    expect(secret.valueOf(TOKEN)).toBeDefined();
    expect(db.calls).toEqual([]);
  });
});

describe("step 3 — setting the password", () => {
  /** A rotation whose createSecret has run: the token's version has its new password. */
  async function afterCreate(options: SetUp = {}) {
    const rotation = setUp(options);
    await rotation.run("createSecret");
    sm.resetHistory();
    rotation.db.calls.length = 0;
    return { ...rotation, newPassword: String(pendingOf(rotation.secret).password) };
  }

  it("changes the user's password from the AWSCURRENT one to the AWSPENDING one", async () => {
    const { run, db, newPassword } = await afterCreate();

    await run("setSecret");

    expect(db.passwordOf(USER)).toBe(newPassword);
    expect(db.calls.filter((call) => call.startsWith("changePassword"))).toEqual([
      `changePassword ${USER}`,
    ]);
  });

  it("changes it once: a retry finds that the AWSPENDING password already works", async () => {
    const { run, db, newPassword } = await afterCreate();

    await run("setSecret");
    await run("setSecret");

    expect(db.passwordOf(USER)).toBe(newPassword);
    expect(db.calls.filter((call) => call.startsWith("changePassword"))).toHaveLength(1);
  });

  it("does nothing when the database already accepts the AWSPENDING password", async () => {
    const { run, db, newPassword } = await afterCreate();
    db.setPassword(USER, newPassword);

    await run("setSecret");

    expect(db.calls).toContain(`canLogin ${USER}`);
    expect(db.calls).not.toContain(`changePassword ${USER}`);
  });

  it("uses the AWSPREVIOUS password when the AWSCURRENT one no longer works", async () => {
    const { run, db, newPassword } = await afterCreate({ databasePassword: PREVIOUS_PASSWORD });

    await run("setSecret");

    expect(db.passwordOf(USER), "changed with the password the database still had").toBe(
      newPassword,
    );
  });

  it("asks the AWSPREVIOUS login even when its password is the AWSCURRENT one just refused", async () => {
    const { run, db, newPassword } = await afterCreate({ previous: credentials(CURRENT_PASSWORD) });
    // The database refuses the AWSPENDING login, then the AWSCURRENT one (an admin changed it and
    // set it back meanwhile), and accepts the same password when it is asked again.
    const canLogin = vi
      .spyOn(db, "canLogin")
      .mockResolvedValueOnce(false)
      .mockResolvedValueOnce(false);

    await run("setSecret");

    expect(
      canLogin.mock.calls.map(([, password]) => password),
      "the README: canLogin with the AWSPENDING, AWSCURRENT, then AWSPREVIOUS password, each asked (never assumed)",
    ).toEqual([newPassword, CURRENT_PASSWORD, CURRENT_PASSWORD]);
    expect(db.passwordOf(USER), "changed with the AWSPREVIOUS password the database accepted").toBe(
      newPassword,
    );
  });

  it("works on a first rotation, which has no AWSPREVIOUS version", async () => {
    const { run, db, newPassword, secret } = await afterCreate({ previous: null });
    expect(secret.valueAt(AWSPREVIOUS)).toBeUndefined();

    await run("setSecret");

    expect(db.passwordOf(USER)).toBe(newPassword);
  });

  it.each([
    { label: "with an AWSPREVIOUS version", previous: undefined },
    { label: "on a first rotation", previous: null },
    { label: "with an AWSPREVIOUS value that is not credentials", previous: "not-json-at-all" },
  ])("refuses when no known password works, $label", async ({ previous }) => {
    const { run, db } = await afterCreate({
      previous,
      databasePassword: "changed-by-someone-else",
    });

    const error = await refusal(run("setSecret"));

    expect(error.message).toBe(
      `setSecret: cannot log in as "${USER}" with the AWSPENDING, AWSCURRENT or AWSPREVIOUS password`,
    );
    expect(error.step).toBe("setSecret");
    expect(db.passwordOf(USER), "the database is left as it was").toBe("changed-by-someone-else");
  });

  it.each(["admin", "ORDERS_APP"])(
    "never uses an AWSPREVIOUS password that belongs to another user (%s)",
    async (other) => {
      const { run, db } = await afterCreate({
        previous: JSON.stringify({ username: other, password: PREVIOUS_PASSWORD }),
        databasePassword: PREVIOUS_PASSWORD,
      });
      // The trap: that password logs in as the rotated user and as the other user alike, so
      // skipping the username check, whichever user it then logs in as, goes on to change it.
      db.setPassword(other, PREVIOUS_PASSWORD);

      const error = await refusal(run("setSecret"));

      expect(error.message).toBe(
        `setSecret: cannot log in as "${USER}" with the AWSPENDING, AWSCURRENT or AWSPREVIOUS password`,
      );
      expect(db.passwordOf(USER), "the database is left as it was").toBe(PREVIOUS_PASSWORD);
      expect(db.passwordOf(other)).toBe(PREVIOUS_PASSWORD);
    },
  );

  it.each([
    {
      label: "the AWSPREVIOUS password is the one that works",
      databasePassword: PREVIOUS_PASSWORD,
      retry: false,
      expected: ["pending", "current", "previous"] as const,
      logins: 3,
    },
    {
      label: "the AWSCURRENT password works: AWSPREVIOUS is never read",
      databasePassword: CURRENT_PASSWORD,
      retry: false,
      expected: ["pending", "current"] as const,
      logins: 2,
    },
    {
      label: "a retry, whose AWSPENDING password already works: nothing else is read",
      databasePassword: CURRENT_PASSWORD,
      retry: true,
      expected: ["pending"] as const,
      logins: 1,
    },
  ])(
    "reads the values in the README's order, each only when needed, with its exact input: $label",
    async ({ databasePassword, retry, expected, logins }) => {
      const { run, secret, db, newPassword } = await afterCreate({ databasePassword });
      if (retry) {
        await run("setSecret");
        sm.resetHistory();
        db.calls.length = 0;
      }

      await run("setSecret");

      expect(db.passwordOf(USER)).toBe(newPassword);
      const inputs = reads(secret.arn);
      expect(inputsOf(GetSecretValueCommand)).toEqual(expected.map((value) => inputs[value]));
      expect(db.calls, "the logins, then the one change (none on a retry)").toEqual([
        ...Array(logins).fill(`canLogin ${USER}`),
        ...(retry ? [] : [`changePassword ${USER}`]),
      ]);
    },
  );

  it("sends the AWSPREVIOUS read on a first rotation too, even though DescribeSecret shows no AWSPREVIOUS", async () => {
    const { run, secret, db } = await afterCreate({
      previous: null,
      databasePassword: "changed-by-someone-else",
    });
    const labels = Object.values(
      secret.describeSecret({ SecretId: secret.arn }).VersionIdsToStages ?? {},
    );
    expect(labels.flat(), "the set-up: no version carries AWSPREVIOUS").not.toContain(AWSPREVIOUS);
    sm.resetHistory();

    const error = await refusal(run("setSecret"));

    expect(error.message).toBe(
      `setSecret: cannot log in as "${USER}" with the AWSPENDING, AWSCURRENT or AWSPREVIOUS password`,
    );
    const inputs = reads(secret.arn);
    expect(
      inputsOf(GetSecretValueCommand),
      "the README: the AWSPREVIOUS read is what says there is none (its ResourceNotFoundException), not DescribeSecret's answer",
    ).toEqual([inputs.pending, inputs.current, inputs.previous]);
    expect(db.calls, "two logins (AWSPENDING, AWSCURRENT), no change").toEqual([
      `canLogin ${USER}`,
      `canLogin ${USER}`,
    ]);
  });

  it.each([
    ["AWSCURRENT", CURRENT_PASSWORD],
    ["AWSPREVIOUS", PREVIOUS_PASSWORD],
  ])(
    "propagates a canLogin that rejects on the %s login unchanged: a database error, not a refused login",
    async (_stage, failingPassword) => {
      const down = new Error("connect ETIMEDOUT 10.0.12.7:5432");
      class FlakyLoginDatabase extends FakeUserDatabase {
        override async canLogin(username: string, password: string): Promise<boolean> {
          if (password === failingPassword) {
            this.calls.push(`canLogin ${username}`);
            throw down;
          }
          return super.canLogin(username, password);
        }
      }
      const db = new FlakyLoginDatabase({ [USER]: failingPassword });
      const { run, secret } = setUp({ handler: { database: db } });
      await run("createSecret");
      const pendingPassword = pendingOf(secret).password;

      expect(
        await rejectionOf(run("setSecret")),
        "the README: a canLogin that rejects is a database error, and it propagates unchanged",
      ).toBe(down);
      expect(db.calls, "no changePassword after the failed login").not.toContain(
        `changePassword ${USER}`,
      );
      expect(db.passwordOf(USER)).not.toBe(pendingPassword);
    },
  );

  it.each([
    [
      "another host",
      { host: "orders-db-replica.cluster-ro-c9akciq32.us-east-1.rds.amazonaws.com" },
    ],
    ["no host", { host: undefined }],
  ])(
    "compares the username only: an AWSPENDING value with %s is set like any other",
    async (_label, overrides) => {
      const pending = credentials("Pending-pw-H0st-D1ff", overrides);
      const { run, db } = setUp({ pending });

      await expect(
        run("setSecret"),
        "the README: no other condition is refused (the host is not compared)",
      ).resolves.toBeUndefined();
      expect(db.passwordOf(USER)).toBe("Pending-pw-H0st-D1ff");
    },
  );

  it("changes an empty AWSCURRENT password: the empty string is a password", async () => {
    const { run, db, newPassword } = await afterCreate({
      current: credentials(""),
      databasePassword: "",
    });

    await run("setSecret");

    expect(db.passwordOf(USER)).toBe(newPassword);
  });

  it("quotes the username as JSON.stringify does when no known password works", async () => {
    const odd = 'ops "blue"';
    const { run } = await afterCreate({
      current: JSON.stringify({ username: odd, password: CURRENT_PASSWORD }),
    });

    const error = await refusal(run("setSecret"));

    expect(error.message).toBe(
      `setSecret: cannot log in as "ops \\"blue\\"" with the AWSPENDING, AWSCURRENT or AWSPREVIOUS password`,
    );
  });

  it("refuses an AWSPENDING user other than the AWSCURRENT one, and changes nothing", async () => {
    const { run, db } = setUp({
      pending: JSON.stringify({ username: "intruder", password: "Pending-for-intruder" }),
    });

    const error = await refusal(run("setSecret"));

    expect(error.message).toBe(
      `setSecret: the AWSPENDING user "intruder" is not the AWSCURRENT user "${USER}"`,
    );
    expect(db.calls.filter((call) => call.startsWith("changePassword"))).toEqual([]);
    expect(db.passwordOf(USER)).toBe(CURRENT_PASSWORD);
  });

  it("refuses a user mismatch before any other login or read: no AWSCURRENT login, no AWSPREVIOUS read", async () => {
    // The database takes only the AWSPREVIOUS password: trying the others first would log in with
    // AWSCURRENT's, then read AWSPREVIOUS and log in with it, all before the user check.
    const { run, secret, db } = setUp({
      pending: JSON.stringify({ username: "intruder", password: "Pending-for-intruder" }),
      databasePassword: PREVIOUS_PASSWORD,
    });

    const error = await refusal(run("setSecret"));

    expect(error.message).toBe(
      `setSecret: the AWSPENDING user "intruder" is not the AWSCURRENT user "${USER}"`,
    );
    expect(
      db.calls,
      "the README: the user check (2) comes before any login with the AWSCURRENT or AWSPREVIOUS password (3)",
    ).toEqual(["canLogin intruder"]);
    const read = reads(secret.arn);
    expect(inputsOf(GetSecretValueCommand), "the pending and current reads only").toEqual([
      read.pending,
      read.current,
    ]);
  });

  it("compares the usernames exactly: one that differs in case only is another user", async () => {
    const { run, db } = setUp({
      pending: JSON.stringify({ username: "Orders_App", password: "Pending-for-Orders_App" }),
    });

    const error = await refusal(run("setSecret"));

    expect(error.message).toBe(
      `setSecret: the AWSPENDING user "Orders_App" is not the AWSCURRENT user "${USER}"`,
    );
    expect(db.calls.filter((call) => call.startsWith("changePassword"))).toEqual([]);
    expect(db.passwordOf(USER)).toBe(CURRENT_PASSWORD);
  });

  it.each([
    ["a trailing space", "orders_app "],
    ["a leading space", " orders_app"],
    ["a trailing newline", "orders_app\n"],
  ])(
    "compares the usernames exactly: one that differs by %s is another user (never trimmed)",
    async (_label, username) => {
      const { run, db } = setUp({
        pending: JSON.stringify({ username, password: "Pending-for-spaced-user" }),
      });

      const error = await refusal(run("setSecret"));

      expect(
        error.message,
        "the README: the pending username must be exactly the AWSCURRENT one, spaces included",
      ).toBe(
        `setSecret: the AWSPENDING user ${JSON.stringify(username)} is not the AWSCURRENT user "${USER}"`,
      );
      expect(db.calls.filter((call) => call.startsWith("changePassword"))).toEqual([]);
      expect(db.passwordOf(USER)).toBe(CURRENT_PASSWORD);
    },
  );

  it("quotes both usernames as JSON.stringify does", async () => {
    const { run } = setUp({
      pending: JSON.stringify({ username: 'intruder\\"x', password: "Pending-for-intruder" }),
    });

    const error = await refusal(run("setSecret"));

    expect(error.message).toBe(
      `setSecret: the AWSPENDING user "intruder\\\\\\"x" is not the AWSCURRENT user "${USER}"`,
    );
  });

  it("refuses an AWSPENDING version that has only a SecretBinary, even one holding credentials JSON", async () => {
    const { run, secret, db } = setUp({ pending: credentials("Pending-as-bytes") });
    sm.on(GetSecretValueCommand, { VersionStage: AWSPENDING }).resolves({
      ARN: secret.arn,
      Name: secret.name,
      VersionId: TOKEN,
      SecretBinary: new TextEncoder().encode(credentials("Pending-as-bytes")),
      VersionStages: [AWSPENDING],
    });

    const error = await refusal(run("setSecret"));

    expect(
      error.message,
      "the README: a version's value is its SecretString; a SecretBinary is never read as credentials",
    ).toBe(
      `setSecret: the AWSPENDING value of secret ${secret.arn} is not JSON with a string username and password`,
    );
    expect(db.calls, "refused before any login").toEqual([]);
    expect(db.passwordOf(USER)).toBe(CURRENT_PASSWORD);
  });

  it("refuses an AWSPENDING value that is not credentials JSON", async () => {
    const { run, secret, db } = setUp({ pending: "Pending-but-not-json" });

    const error = await refusal(run("setSecret"));

    expect(error.message).toBe(
      `setSecret: the AWSPENDING value of secret ${secret.arn} is not JSON with a string username and password`,
    );
    expect(db.passwordOf(USER)).toBe(CURRENT_PASSWORD);
  });

  it.each([
    ["AWSPENDING (setSecret before createSecret)", AWSPENDING],
    [AWSCURRENT, AWSCURRENT],
  ])(
    "propagates a ResourceNotFoundException of the %s read unchanged: it means nothing here",
    async (_label, stage) => {
      const { run, secret, db } = setUp();
      if (stage === AWSCURRENT) await run("createSecret");
      const notFound = secretsManagerErrors.secretNotFound();
      secret.failNext("GetSecretValue", notFound, (input) => input.VersionStage === stage);

      expect(
        await rejectionOf(run("setSecret")),
        "the README: only createSecret's lookup and the AWSPREVIOUS read give a ResourceNotFoundException a meaning",
      ).toBe(notFound);
      expect(db.calls).not.toContain(`changePassword ${USER}`);
    },
  );

  it("propagates the ResourceNotFoundException of a version without a value (setSecret before createSecret)", async () => {
    const { run, db } = setUp();

    const error = await rejectionOf(run("setSecret"));

    expect(
      error,
      "the SDK error, unchanged: not a RotationError about the value",
    ).not.toBeInstanceOf(RotationError);
    expect((error as Error).name).toBe("ResourceNotFoundException");
    expect(db.calls).toEqual([]);
  });

  it("changes nothing in Secrets Manager", async () => {
    const { run, db, secret, newPassword } = await afterCreate();

    await run("setSecret");

    expect(db.passwordOf(USER)).toBe(newPassword);
    expect(sent()).not.toContain("PutSecretValue");
    expect(sent()).not.toContain("UpdateSecretVersionStage");
    expect(secret.versionIdsToStages()).toEqual(START_STAGES);
  });
});

describe("step 4 — testing the new password", () => {
  it("resolves when the AWSPENDING credentials log in, and only logs in", async () => {
    const { run, db } = setUp();
    await run("createSecret");
    await run("setSecret");
    db.calls.length = 0;
    sm.resetHistory();

    await run("testSecret");

    expect(db.calls).toEqual([`canLogin ${USER}`]);
    expect(sent()).not.toContain("PutSecretValue");
    expect(sent()).not.toContain("UpdateSecretVersionStage");
  });

  it("reads only this rotation's version, with exactly the README's input", async () => {
    const { run, secret } = setUp();
    await run("createSecret");
    await run("setSecret");
    sm.resetHistory();

    await run("testSecret");

    expect(inputsOf(GetSecretValueCommand)).toEqual([reads(secret.arn).pending]);
  });

  it("quotes the username as JSON.stringify does when the login fails", async () => {
    const { run } = setUp({
      current: JSON.stringify({ username: 'ops "blue"', password: CURRENT_PASSWORD }),
    });
    await run("createSecret");

    const error = await refusal(run("testSecret"));

    expect(error.message).toBe(
      'testSecret: cannot log in as "ops \\"blue\\"" with the AWSPENDING password',
    );
  });

  it("refuses when they do not log in, and does not fix it by changing the password", async () => {
    const { run, db } = setUp();
    await run("createSecret");

    const error = await refusal(run("testSecret"));

    expect(error.message).toBe(
      `testSecret: cannot log in as "${USER}" with the AWSPENDING password`,
    );
    expect(error.step).toBe("testSecret");
    expect(db.calls).not.toContain(`changePassword ${USER}`);
    expect(db.passwordOf(USER)).toBe(CURRENT_PASSWORD);
  });

  it("propagates the ResourceNotFoundException of a version without a value unchanged (before createSecret)", async () => {
    const { run, secret, db } = setUp();
    const notFound = secretsManagerErrors.secretNotFound();
    secret.failNext("GetSecretValue", notFound, (input) => input.VersionStage === AWSPENDING);

    expect(
      await rejectionOf(run("testSecret")),
      "the README: a ResourceNotFoundException means nothing to testSecret: it propagates unchanged",
    ).toBe(notFound);
    expect(
      await rejectionOf(run("testSecret")),
      "and the fake's own not-found error too",
    ).not.toBeInstanceOf(RotationError);
    expect(db.calls).toEqual([]);
  });

  it("refuses an AWSPENDING value that is not credentials JSON", async () => {
    const { run, secret } = setUp({ pending: JSON.stringify({ user: USER, pass: "x" }) });

    const error = await refusal(run("testSecret"));

    expect(error.message).toBe(
      `testSecret: the AWSPENDING value of secret ${secret.arn} is not JSON with a string username and password`,
    );
  });
});

describe("step 5 — finishing", () => {
  /** A rotation whose first three steps have run. */
  async function afterTest(options: SetUp = {}) {
    const rotation = setUp(options);
    for (const step of ["createSecret", "setSecret", "testSecret"]) await rotation.run(step);
    sm.resetHistory();
    rotation.db.calls.length = 0;
    return rotation;
  }

  it("moves AWSCURRENT to the token's version; Secrets Manager moves AWSPREVIOUS to the old one", async () => {
    const { run, secret } = await afterTest();
    const newValue = secret.valueOf(TOKEN);

    await run("finishSecret");

    expect(secret.versionIdsToStages(), "the oldest version has no label left").toEqual({
      [TOKEN]: [AWSCURRENT],
      [CURRENT_ID]: [AWSPREVIOUS],
    });
    expect(secret.valueAt(AWSCURRENT)).toBe(newValue);
  });

  it("sends exactly the two UpdateSecretVersionStage requests of the README, in order", async () => {
    const { run, secret } = await afterTest();

    await run("finishSecret");

    expect(inputsOf(UpdateSecretVersionStageCommand)).toEqual([
      {
        SecretId: secret.arn,
        VersionStage: AWSCURRENT,
        MoveToVersionId: TOKEN,
        RemoveFromVersionId: CURRENT_ID,
      },
      { SecretId: secret.arn, VersionStage: AWSPENDING, RemoveFromVersionId: TOKEN },
    ]);
  });

  it("takes AWSCURRENT from a version that carries labels of its own next to it", async () => {
    const secret = new FakeSecret().install(sm);
    secret.addVersion(CURRENT_ID, credentials(CURRENT_PASSWORD), ["ACTIVE", AWSCURRENT, "v7"]);
    secret.addVersion(TOKEN, credentials("Pending-pw-L4bel"), [AWSPENDING]);
    const rotate = createRotationHandler({
      secretsManager: client,
      database: new FakeUserDatabase({ [USER]: "Pending-pw-L4bel" }),
    });

    await rotate({ SecretId: secret.arn, ClientRequestToken: TOKEN, Step: "finishSecret" });

    expect(
      inputsOf(UpdateSecretVersionStageCommand)[0],
      "the README: the version that carries AWSCURRENT, wherever the label is in its list",
    ).toEqual({
      SecretId: secret.arn,
      VersionStage: AWSCURRENT,
      MoveToVersionId: TOKEN,
      RemoveFromVersionId: CURRENT_ID,
    });
    expect(secret.versionIdsToStages()).toEqual({
      [CURRENT_ID]: ["ACTIVE", AWSPREVIOUS, "v7"],
      [TOKEN]: [AWSCURRENT],
    });
  });

  it("reads no value: DescribeSecret and the two stage moves are all it sends", async () => {
    const { run } = await afterTest();

    await run("finishSecret");

    expect(
      sent(),
      "the README: finishSecret reads no value (no GetSecretValue) and sends no second DescribeSecret",
    ).toEqual(["DescribeSecret", "UpdateSecretVersionStage", "UpdateSecretVersionStage"]);
  });

  it("finishes a first rotation too", async () => {
    const { run, secret } = await afterTest({ previous: null });

    await run("finishSecret");

    expect(secret.versionIdsToStages()).toEqual({
      [TOKEN]: [AWSCURRENT],
      [CURRENT_ID]: [AWSPREVIOUS],
    });
  });

  it("sends no RemoveFromVersionId when no version carries AWSCURRENT", async () => {
    const secret = new FakeSecret().install(sm);
    secret.addVersion(TOKEN, credentials("Pending-only"), [AWSPENDING]);
    const rotate = createRotationHandler({
      secretsManager: client,
      database: new FakeUserDatabase({}),
    });

    await rotate({ SecretId: secret.arn, ClientRequestToken: TOKEN, Step: "finishSecret" });

    expect(
      inputsOf(UpdateSecretVersionStageCommand),
      "the field left out or undefined: the same request",
    ).toEqual([
      { SecretId: secret.arn, VersionStage: AWSCURRENT, MoveToVersionId: TOKEN },
      { SecretId: secret.arn, VersionStage: AWSPENDING, RemoveFromVersionId: TOKEN },
    ]);
    expect(secret.versionIdsToStages()).toEqual({ [TOKEN]: [AWSCURRENT] });
  });

  it("does nothing the second time", async () => {
    const { run, secret } = await afterTest();
    await run("finishSecret");
    sm.resetHistory();

    await run("finishSecret");

    expect(sent()).toEqual(["DescribeSecret"]);
    expect(secret.versionIdsToStages()).toEqual({
      [TOKEN]: [AWSCURRENT],
      [CURRENT_ID]: [AWSPREVIOUS],
    });
  });

  it("never calls the database", async () => {
    const { run, db, secret } = await afterTest();

    await run("finishSecret");

    expect(secret.valueAt(AWSCURRENT)).toBe(secret.valueOf(TOKEN));
    expect(db.calls).toEqual([]);
  });
});

describe("step 6 — a whole rotation, retried", () => {
  it("rotates end to end with every step invoked twice", async () => {
    const { run, secret, db } = setUp();

    for (const step of ROTATION_STEPS) {
      await run(step);
      await run(step);
    }

    expect(secret.versionIdsToStages()).toEqual({
      [TOKEN]: [AWSCURRENT],
      [CURRENT_ID]: [AWSPREVIOUS],
    });
    const current = JSON.parse(secret.valueAt(AWSCURRENT) ?? "null");
    expect(db.passwordOf(USER), "the database has the new AWSCURRENT password").toBe(
      current.password,
    );
    expect(current.password).not.toBe(CURRENT_PASSWORD);
    expect(inputsOf(GetRandomPasswordCommand)).toHaveLength(1);
    expect(inputsOf(PutSecretValueCommand)).toHaveLength(1);
    expect(inputsOf(UpdateSecretVersionStageCommand)).toHaveLength(2);
    expect(db.calls.filter((call) => call.startsWith("changePassword"))).toHaveLength(1);
  });

  it("runs a second rotation after the first: AWSPREVIOUS moves along", async () => {
    const { run, secret, db } = setUp();
    for (const step of ROTATION_STEPS) await run(step);
    const first = JSON.parse(secret.valueAt(AWSCURRENT) ?? "null").password;

    secret.startRotation(NEXT_TOKEN);
    for (const step of ROTATION_STEPS) await run(step, NEXT_TOKEN);

    expect(secret.versionIdsToStages()).toEqual({
      [NEXT_TOKEN]: [AWSCURRENT],
      [TOKEN]: [AWSPREVIOUS],
    });
    const second = JSON.parse(secret.valueAt(AWSCURRENT) ?? "null").password;
    expect(second).not.toBe(first);
    expect(db.passwordOf(USER)).toBe(second);
  });

  it("gets through a setSecret whose Lambda timed out after changing the password", async () => {
    const { run, secret, db } = setUp();
    await run("createSecret");
    await run("setSecret"); // changed the password, then the invocation "timed out"
    await run("setSecret"); // Secrets Manager tries again
    await run("testSecret");
    await run("finishSecret");

    expect(db.calls.filter((call) => call.startsWith("changePassword"))).toHaveLength(1);
    expect(db.passwordOf(USER)).toBe(JSON.parse(secret.valueAt(AWSCURRENT) ?? "null").password);
  });

  it("rotates a database that was restored with the AWSPREVIOUS password", async () => {
    const { run, secret, db } = setUp({ databasePassword: PREVIOUS_PASSWORD });

    for (const step of ROTATION_STEPS) await run(step);

    expect(db.passwordOf(USER)).toBe(JSON.parse(secret.valueAt(AWSCURRENT) ?? "null").password);
    expect(secret.versionIdsToStages()).toEqual({
      [TOKEN]: [AWSCURRENT],
      [CURRENT_ID]: [AWSPREVIOUS],
    });
  });
});

describe("step 7 — failures and leaks", () => {
  it("propagates a throttled DescribeSecret unchanged", async () => {
    const { run, secret } = setUp();
    const throttled = secretsManagerErrors.throttling();
    secret.failNext("DescribeSecret", throttled);

    expect(await rejectionOf(run("createSecret"))).toBe(throttled);
    expect(secret.valueOf(TOKEN)).toBeUndefined();
  });

  it("propagates a failed PutSecretValue unchanged; the retry completes createSecret", async () => {
    const { run, secret } = setUp();
    const failure = secretsManagerErrors.internalServiceError();
    secret.failNext("PutSecretValue", failure);

    expect(await rejectionOf(run("createSecret"))).toBe(failure);
    expect(secret.valueOf(TOKEN)).toBeUndefined();

    await run("createSecret");
    expect(pendingOf(secret).username).toBe(USER);
  });

  it("propagates a throttled AWSPREVIOUS lookup: only ResourceNotFoundException means none", async () => {
    const { run, secret, db } = setUp({ databasePassword: PREVIOUS_PASSWORD });
    await run("createSecret");
    const throttled = secretsManagerErrors.throttling();
    secret.failNext("GetSecretValue", throttled, (input) => input.VersionStage === AWSPREVIOUS);

    expect(await rejectionOf(run("setSecret"))).toBe(throttled);
    expect(db.passwordOf(USER)).toBe(PREVIOUS_PASSWORD);
  });

  it("propagates database errors unchanged, in setSecret and testSecret", async () => {
    const { run, db } = setUp();
    await run("createSecret");
    const refused = new Error("connect ECONNREFUSED 10.0.12.7:5432");

    db.failNext(refused);
    expect(await rejectionOf(run("setSecret"))).toBe(refused);
    await run("setSecret");
    db.failNext(refused);
    expect(await rejectionOf(run("testSecret"))).toBe(refused);
  });

  it("recovers from a finishSecret that failed before moving anything", async () => {
    const { run, secret } = setUp();
    for (const step of ["createSecret", "setSecret", "testSecret"]) await run(step);
    const throttled = secretsManagerErrors.throttling();
    secret.failNext("UpdateSecretVersionStage", throttled);

    expect(await rejectionOf(run("finishSecret"))).toBe(throttled);
    expect(secret.versionIdsToStages(), "nothing moved").toEqual(START_STAGES);

    await run("finishSecret");
    expect(secret.versionIdsToStages()).toEqual({
      [TOKEN]: [AWSCURRENT],
      [CURRENT_ID]: [AWSPREVIOUS],
    });
  });

  it("ends in an allowed state when finishSecret failed between its two requests", async () => {
    const { run, secret } = setUp();
    for (const step of ["createSecret", "setSecret", "testSecret"]) await run(step);
    const throttled = secretsManagerErrors.throttling();
    secret.failNext(
      "UpdateSecretVersionStage",
      throttled,
      (input) => input.VersionStage === AWSPENDING,
    );

    expect(await rejectionOf(run("finishSecret"))).toBe(throttled);
    expect(secret.versionIdsToStages(), "AWSCURRENT moved, AWSPENDING still on it").toEqual({
      [TOKEN]: [AWSCURRENT, AWSPENDING],
      [CURRENT_ID]: [AWSPREVIOUS],
    });
    sm.resetHistory();

    await run("finishSecret");
    expect(sent(), "the rotation is over: AWSPENDING on the AWSCURRENT version is allowed").toEqual(
      ["DescribeSecret"],
    );
  });

  it("logs at least one line per resolved invocation, each starting with its step", async () => {
    const { run, lines } = setUp();

    for (const step of ROTATION_STEPS) {
      for (let attempt = 1; attempt <= 2; attempt++) {
        const before = lines.length;
        await run(step);
        expect(lines.length, `${step}, attempt ${attempt}: a line was logged`).toBeGreaterThan(
          before,
        );
        for (const line of lines.slice(before))
          expect(line.startsWith(`${step}: `), line).toBe(true);
      }
    }
  });

  it("never puts a password in a log line or a RotationError's message, stack or inspection", async () => {
    const messages: string[] = [];
    const logs: string[] = [];
    const collect = async (rotation: ReturnType<typeof setUp>, steps: string[]) => {
      for (const step of steps) {
        const before = rotation.lines.length;
        try {
          await rotation.run(step);
        } catch (error) {
          expect(error, "these scenarios fail with RotationErrors").toBeInstanceOf(RotationError);
          expect("cause" in (error as object), "a RotationError has no cause").toBe(false);
          const { message, stack } = error as RotationError;
          messages.push(message, stack ?? "", inspect(error, { depth: 10, showHidden: true }));
        }
        for (const line of rotation.lines.slice(before))
          expect(line.startsWith(`${step}: `), `every line starts with its step: ${line}`).toBe(
            true,
          );
      }
      logs.push(...rotation.lines);
      return rotation.secret.passwords;
    };

    const generated = [
      ...(await collect(setUp(), [...ROTATION_STEPS, ...ROTATION_STEPS])),
      ...(await collect(setUp({ databasePassword: "Someone-Else-Set-This" }), [
        "createSecret",
        "setSecret",
        "testSecret",
      ])),
      ...(await collect(
        setUp({
          current: `{"username": "${USER}", "password": ${JSON.stringify(CURRENT_PASSWORD)}`,
        }),
        ["createSecret"],
      )),
      ...(await collect(
        setUp({
          pending: JSON.stringify({ username: "intruder", password: "Intruder-Pending-Pw" }),
        }),
        ["setSecret", "testSecret"],
      )),
    ];

    expect(messages.length, "the failing scenarios did fail").toBeGreaterThanOrEqual(4 * 3);
    expect(logs.length).toBeGreaterThan(0);
    const passwords = [
      PREVIOUS_PASSWORD,
      CURRENT_PASSWORD,
      "Someone-Else-Set-This",
      "Intruder-Pending-Pw",
      ...generated,
    ];
    for (const text of [...messages, ...logs]) {
      for (const password of passwords)
        expect(text, `a password in: ${text}`).not.toContain(password);
    }
  });
});
