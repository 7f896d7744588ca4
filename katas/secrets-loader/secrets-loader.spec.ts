import { Console } from "node:console";
import { Writable } from "node:stream";
import { inspect } from "node:util";
import {
  GetSecretValueCommand,
  type GetSecretValueResponse,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from "@aws-sdk/client-secrets-manager";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { awsServiceError, useMockedClient } from "../../fixtures/helpers/aws/client";
import {
  sampleDatabaseSecret,
  sampleSecretArn,
  sampleSecretValue,
  secretsManagerError,
  secretsManagerErrors,
} from "../../fixtures/helpers/aws/secrets-manager";
import {
  DEFAULT_TTL_MS,
  REDACTED,
  Secret,
  SecretAccessDeniedError,
  SecretDecryptionError,
  SecretFormatError,
  SecretNotFoundError,
  SecretsLoader,
  SecretsLoaderError,
  type SecretsLoaderOptions,
  SecretThrottledError,
} from "./secrets-loader";

const sm = useMockedClient(SecretsManagerClient);
const client = new SecretsManagerClient({ region: "us-east-1" });

const SECRET_ID = "prod/orders/db";
/** Values easy to find in any output: no test may ever print one of them. */
const PLAIN = "s3cr3t-PLAIN-value";
const PASSWORD = "hunter2-JSON-password";
const DB_SECRET = sampleDatabaseSecret({ password: PASSWORD });

beforeEach(() => {
  // A request the test did not expect fails loudly, with the input it was sent.
  sm.on(GetSecretValueCommand).callsFake((input: unknown) => {
    throw new Error(
      `unexpected GetSecretValue input: ${JSON.stringify(input)} (the mock answers exactly { SecretId }, as the README's step 2 says, and only for the secrets a test set up)`,
    );
  });
});

afterEach(() => {
  vi.useRealTimers();
});

/** GetSecretValue with exactly `{ SecretId: secretId }` answers `response` (every time). */
function answer(secretId: string, response: Partial<GetSecretValueResponse>) {
  sm.on(GetSecretValueCommand, { SecretId: secretId }, true).resolves({
    ...sampleSecretValue(secretId),
    ...response,
  });
}

/** GetSecretValue with exactly `{ SecretId: secretId }` rejects with `error` (every time). */
function fail(secretId: string, error: Error) {
  sm.on(GetSecretValueCommand, { SecretId: secretId }, true).rejects(error);
}

interface Held {
  resolve(response: Partial<GetSecretValueResponse>): void;
  reject(error: unknown): void;
  settled: boolean;
}

/**
 * GetSecretValue for `secretId` stays in flight until the test settles it: returns the requests
 * received so far, in order (each one `resolve`d or `reject`ed by hand).
 */
function hold(secretId: string): Held[] {
  const requests: Held[] = [];
  sm.on(GetSecretValueCommand, { SecretId: secretId }, true).callsFake(
    () =>
      new Promise((resolve, reject) => {
        const held: Held = {
          settled: false,
          resolve: (response) => {
            held.settled = true;
            resolve({ ...sampleSecretValue(secretId), ...response });
          },
          reject: (error) => {
            held.settled = true;
            reject(error);
          },
        };
        requests.push(held);
      }),
  );
  return requests;
}

const requests = () => sm.commandCalls(GetSecretValueCommand).length;
const inFlight = (held: Held[]) => held.filter((request) => !request.settled).length;
/** Lets every pending promise callback run (real macrotask; these tests use no fake timers). */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** `a + b`, the operator itself (ToPrimitive with hint "default"), kept out of reach of template-literal rewrites. */
const plus = (a: unknown, b: unknown): unknown => (a as string) + (b as string);

/** A clock the test moves by hand. */
function manualClock(start = 0) {
  const clock = { time: start, now: () => clock.time };
  return clock;
}

function recordingLogger() {
  const lines: Array<["info" | "warn", string]> = [];
  return {
    lines,
    logger: {
      info: (message: string) => lines.push(["info", message]),
      warn: (message: string) => lines.push(["warn", message]),
    },
  };
}

function loader(options: Partial<SecretsLoaderOptions> = {}) {
  return new SecretsLoader({ client, env: {}, ...options });
}

/** Every way a value ends up in a log: the renderings a leak test looks through. */
function renderings(value: unknown): string[] {
  const views = [
    String(value),
    inspect(value, { depth: 10 }),
    inspect(value, { depth: 10, showHidden: true }),
    inspect(value, { depth: 10, customInspect: false, showHidden: true }),
    JSON.stringify(value) ?? "",
  ];
  if (value instanceof Error) {
    views.push(
      value.message,
      value.stack ?? "",
      JSON.stringify(value, Object.getOwnPropertyNames(value)),
    );
    views.push(inspect(value.cause, { depth: 10 }));
  }
  return views;
}

function expectNoLeak(value: unknown, ...secrets: string[]) {
  for (const view of renderings(value)) {
    for (const secret of secrets) {
      expect(view, `the value ${JSON.stringify(secret)} must not appear here`).not.toContain(
        secret,
      );
    }
  }
}

/** What `console.log` and `console.error` write, through a real Console. */
function capturedConsole() {
  let output = "";
  const stream = new Writable({
    write(chunk, _encoding, done) {
      output += String(chunk);
      done();
    },
  });
  return { console: new Console({ stdout: stream, stderr: stream }), output: () => output };
}

/** The error a promise rejects with (the test fails if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the promise to reject, but it resolved");
}

describe("step 1 — a value that never prints", () => {
  it("reveals the text it holds and keeps its source", () => {
    const fromEnv = new Secret(PLAIN, "env");
    const fromAws = new Secret(PASSWORD, "secrets-manager");

    expect(fromEnv.reveal()).toBe(PLAIN);
    expect(fromEnv.source).toBe("env");
    expect(fromAws.reveal()).toBe(PASSWORD);
    expect(fromAws.source).toBe("secrets-manager");
  });

  it("reveals exactly the string it was given: a leading BOM and a lone surrogate are kept", () => {
    const bom = "\uFEFFpw";
    const lone = "a\uD800b";

    expect(
      new Secret(bom, "env").reveal(),
      "the README: reveal() returns the string given, never re-decoded (a TextDecoder drops the BOM)",
    ).toBe("\uFEFFpw");
    expect(
      new Secret(lone, "secrets-manager").reveal(),
      "the README: reveal() returns the string given, never re-decoded (a lone surrogate is not U+FFFD)",
    ).toBe("a\uD800b");
  });

  it("gives the UTF-8 bytes of a text value", () => {
    const secret = new Secret("pé€", "env");

    expect([...secret.revealBytes()]).toEqual([0x70, 0xc3, 0xa9, 0xe2, 0x82, 0xac]);
    expect(secret.revealBytes()).toBeInstanceOf(Uint8Array);
  });

  it("holds binary values: revealBytes gives them back, reveal refuses with a TypeError", () => {
    const secret = new Secret(new Uint8Array([0, 255, 7, 128]), "secrets-manager");

    expect([...secret.revealBytes()]).toEqual([0, 255, 7, 128]);
    expect(() => secret.reveal()).toThrow(TypeError);
    expect(() => secret.reveal()).toThrow(/revealBytes/);
  });

  it("keeps its own copy of the bytes: neither the caller's array nor a revealed one changes it", () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const secret = new Secret(bytes, "secrets-manager");
    bytes.fill(0);
    expect([...secret.revealBytes()], "changing the array given to the constructor").toEqual([
      1, 2, 3,
    ]);

    secret.revealBytes().fill(9);
    expect([...secret.revealBytes()], "changing an array revealBytes returned").toEqual([1, 2, 3]);

    const text = new Secret("abc", "env");
    text.revealBytes().fill(0);
    expect([...text.revealBytes()]).toEqual([97, 98, 99]);
    expect(text.reveal()).toBe("abc");
  });

  it("holds exactly the bytes a view shows: a subarray, a Buffer cut out of Node's pool", () => {
    const whole = new Uint8Array([9, 9, 1, 2, 3, 9]);
    const sub = new Secret(whole.subarray(2, 5), "secrets-manager");
    const pooled = Buffer.from("pw");
    expect(pooled.buffer.byteLength, "the Buffer is a view into a larger pool").toBeGreaterThan(2);
    const fromBuffer = new Secret(pooled, "env");

    expect([...sub.revealBytes()], "the view's bytes, from its byteOffset").toEqual([1, 2, 3]);
    expect([...fromBuffer.revealBytes()], "byteLength bytes, not the pool behind them").toEqual([
      0x70, 0x77,
    ]);
    whole.fill(0);
    pooled.fill(0);
    expect([...sub.revealBytes()], "a copy of the view, not of the buffer").toEqual([1, 2, 3]);
    expect([...fromBuffer.revealBytes()]).toEqual([0x70, 0x77]);
  });

  it("reveals bytes in a fresh array of their own: never a Buffer cut out of Node's pool", () => {
    const text = new Secret("pw", "env");
    const binary = new Secret(new Uint8Array([1, 2, 3]), "secrets-manager");

    for (const [label, secret] of [
      ["a text value", text],
      ["a binary value", binary],
    ] as const) {
      const bytes = secret.revealBytes();
      expect(
        bytes.byteOffset,
        `${label}: the README, byteOffset 0 (a pooled Buffer has another)`,
      ).toBe(0);
      expect(
        bytes.buffer.byteLength,
        `${label}: the README, a buffer holding those bytes and nothing else (not Node's 8 KB pool)`,
      ).toBe(bytes.length);
      expect(secret.revealBytes().buffer, `${label}: a fresh array at each call`).not.toBe(
        bytes.buffer,
      );
    }
  });

  it("reveals a view's bytes in a fresh array of their own: a subarray, a pooled Buffer", () => {
    const whole = new Uint8Array([9, 9, 1, 2, 3, 9]);
    const pooled = Buffer.from("pw");
    for (const [label, view, length] of [
      ["a subarray", whole.subarray(2, 5), 3],
      ["a Buffer cut out of Node's pool", pooled, 2],
    ] as const) {
      const bytes = new Secret(view, "secrets-manager").revealBytes();
      expect(bytes.byteOffset, `${label}: the README, byteOffset 0 (not the view's)`).toBe(0);
      expect(
        bytes.buffer.byteLength,
        `${label}: the README, a buffer holding those ${length} bytes and nothing else (not the buffer behind the view)`,
      ).toBe(length);
    }
  });

  it("turns into [REDACTED] as a string, however it is converted", () => {
    const secret = new Secret(PLAIN, "env");

    expect(String(secret)).toBe(REDACTED);
    expect(`${secret}`).toBe("[REDACTED]");
    expect(secret.toString()).toBe("[REDACTED]");
    expect(`password=${secret}`).toBe("password=[REDACTED]");
    expect(
      plus("password: ", secret),
      "the README: + concatenation (ToPrimitive with hint default, valueOf first) gives [REDACTED] too",
    ).toBe("password: [REDACTED]");
    expect(plus(secret, ""), 'secret + "" is [REDACTED]').toBe(REDACTED);
  });

  it("hides a numeric value from Number() and unary +: no ToPrimitive hint hands it out", () => {
    const cases: Array<[string, Secret]> = [
      ["a port", new Secret("5432", "env")],
      ["zero", new Secret("0", "secrets-manager")],
      ["a negative fraction", new Secret("-1.5", "env")],
      ["binary digits", new Secret(new TextEncoder().encode("5432"), "secrets-manager")],
    ];
    for (const [label, secret] of cases) {
      expect(
        Number(secret),
        `${label}: the README, no valueOf or Symbol.toPrimitive hands the value out, for any hint ("[REDACTED]" reads as NaN)`,
      ).toBeNaN();
      expect(
        +(secret as unknown as number),
        `${label}: unary + is the "number" hint too`,
      ).toBeNaN();
    }
  });

  it("serialises to [REDACTED] in JSON, alone and inside an object", () => {
    const secret = new Secret(PLAIN, "secrets-manager");

    expect(secret.toJSON()).toBe("[REDACTED]");
    expect(JSON.stringify(secret)).toBe('"[REDACTED]"');
    expect(JSON.stringify({ user: "app", password: secret })).toBe(
      '{"user":"app","password":"[REDACTED]"}',
    );
  });

  it("prints as Secret([REDACTED]) in util.inspect, alone and nested", () => {
    const secret = new Secret(PLAIN, "env");

    expect(inspect(secret)).toBe("Secret([REDACTED])");
    expect(inspect({ db: secret })).toBe("{ db: Secret([REDACTED]) }");
    expect(inspect([secret], { showHidden: true })).toContain("Secret([REDACTED])");
  });

  it("never reaches console.log or console.error, whatever the format", () => {
    const secret = new Secret(PLAIN, "env");
    const binary = new Secret(new TextEncoder().encode(PASSWORD), "secrets-manager");
    const { console: out, output } = capturedConsole();

    out.log(secret);
    out.log({ config: { password: secret, binary } });
    out.log("%s %o %O %j %d", secret, secret, binary, secret, secret);
    out.error("failed with", secret, [binary]);

    expect(output()).toContain("Secret([REDACTED])");
    expect(output()).not.toContain(PLAIN);
    expect(output()).not.toContain(PASSWORD);
  });

  it("is no own property: spread, Object.values and inspect without custom hooks do not show it", () => {
    const text = new Secret(PLAIN, "env");
    const binary = new Secret(new Uint8Array([0xde, 0xad, 0xbe, 0xef]), "secrets-manager");
    expect(text.reveal(), "the holder still has its value").toBe(PLAIN);

    expect(Object.values({ ...text })).not.toContain(PLAIN);
    expect(Object.values(text)).not.toContain(PLAIN);
    const names = Object.getOwnPropertyNames(text) as Array<keyof Secret>;
    expect(names.map((name) => text[name])).not.toContain(PLAIN);
    expect(inspect(text, { customInspect: false, showHidden: true })).not.toContain(PLAIN);
    const raw = inspect(binary, { customInspect: false, showHidden: true });
    expect(raw, "the bytes are not an inspectable Uint8Array property").not.toMatch(
      /Uint8Array|222|0xde/i,
    );
  });
});

describe("step 2 — the environment first", () => {
  it("reads a variable from an env object with a null prototype", async () => {
    const env = Object.assign(Object.create(null) as Record<string, string>, {
      DB_PASSWORD: "from-a-null-prototype-env",
    });

    const secret = await loader({ env }).get({ secretId: SECRET_ID, env: "DB_PASSWORD" });

    expect(
      secret.source,
      "the README: any object is an env, Object.create(null) included (Object.hasOwn, not env.hasOwnProperty(name))",
    ).toBe("env");
    expect(secret.reveal()).toBe("from-a-null-prototype-env");
    expect(requests()).toBe(0);
  });

  it('reads a variable named "hasOwnProperty" that the env object holds', async () => {
    const secret = await loader({ env: { hasOwnProperty: "pw-named-hasOwnProperty" } }).get({
      secretId: SECRET_ID,
      env: "hasOwnProperty",
    });

    expect(
      secret.source,
      'the README: { hasOwnProperty: "pw" } with env: "hasOwnProperty" is "pw", a variable like any other',
    ).toBe("env");
    expect(secret.reveal()).toBe("pw-named-hasOwnProperty");
    expect(requests()).toBe(0);
  });

  it("takes the value of the environment variable and sends no request", async () => {
    const secrets = loader({ env: { DB_PASSWORD: PLAIN } });

    const secret = await secrets.get({ secretId: SECRET_ID, env: "DB_PASSWORD" });

    expect(secret.reveal()).toBe(PLAIN);
    expect(secret.source).toBe("env");
    expect(requests(), "the environment wins: Secrets Manager is not asked").toBe(0);
  });

  it("uses the variable's value as it is: key does not apply to it", async () => {
    const secrets = loader({ env: { DB_PASSWORD: PLAIN } });

    const secret = await secrets.get({ secretId: SECRET_ID, key: "password", env: "DB_PASSWORD" });

    expect(secret.reveal()).toBe(PLAIN);
  });

  it("returns a variable that holds JSON whole, even when key names one of its fields", async () => {
    const json = JSON.stringify({ username: "env_user", password: PLAIN });
    const secrets = loader({ env: { DB_SECRET: json } });

    const secret = await secrets.get({ secretId: SECRET_ID, key: "password", env: "DB_SECRET" });

    expect(secret.reveal(), "key does not apply to an environment value: the whole text").toBe(
      json,
    );
    expect(secret.source).toBe("env");
    expect(requests()).toBe(0);
  });

  it("keeps the variable's value exactly, spaces included: only the empty string counts as not set", async () => {
    const secrets = loader({
      env: { PADDED: "  p4ss  ", SPACES: "   ", LINE: "p4ss\n", CRLF: "\tp4ss\r\n" },
    });

    expect((await secrets.get({ secretId: SECRET_ID, env: "PADDED" })).reveal()).toBe("  p4ss  ");
    const line = await secrets.get({ secretId: SECRET_ID, env: "LINE" });
    expect(line.reveal(), "never trimmed: the newline is part of the value").toBe("p4ss\n");
    expect((await secrets.get({ secretId: SECRET_ID, env: "CRLF" })).reveal()).toBe("\tp4ss\r\n");
    const spaces = await secrets.get({ secretId: SECRET_ID, env: "SPACES" });
    expect(spaces.reveal()).toBe("   ");
    expect(spaces.source).toBe("env");
    expect(requests()).toBe(0);
  });

  it("asks Secrets Manager when the variable is empty or not set", async () => {
    answer(SECRET_ID, { SecretString: PLAIN });
    const secrets = loader({ env: { EMPTY: "" }, ttlMs: 0 });

    const empty = await secrets.get({ secretId: SECRET_ID, env: "EMPTY" });
    const missing = await secrets.get({ secretId: SECRET_ID, env: "NOT_SET" });

    expect(empty.source, "an empty variable counts as not set").toBe("secrets-manager");
    expect(empty.reveal()).toBe(PLAIN);
    expect(missing.source).toBe("secrets-manager");
    expect(requests()).toBe(2);
  });

  it("looks the name up exactly: db_password is not DB_PASSWORD", async () => {
    answer(SECRET_ID, { SecretString: PLAIN });
    const secrets = loader({ env: { db_password: "lower-case-value", Db_Password: "mixed" } });

    const secret = await secrets.get({ secretId: SECRET_ID, env: "DB_PASSWORD" });

    expect(secret.source).toBe("secrets-manager");
    expect(secret.reveal()).toBe(PLAIN);
  });

  it.each(["constructor", "toString", "hasOwnProperty", "__proto__"])(
    "counts own properties only: %s, inherited by {}, is no variable",
    async (name) => {
      answer(SECRET_ID, { SecretString: PLAIN });

      const secret = await loader({ env: {} }).get({ secretId: SECRET_ID, env: name });

      expect(secret.source, `env.${name} is inherited from Object.prototype`).toBe(
        "secrets-manager",
      );
      expect(secret.reveal()).toBe(PLAIN);
    },
  );

  it.each(["hasOwnProperty", "constructor"])(
    "counts own properties of process.env only: %s is no variable",
    async (name) => {
      answer(SECRET_ID, { SecretString: PLAIN });

      const secret = await new SecretsLoader({ client }).get({ secretId: SECRET_ID, env: name });

      expect(secret.source, `process.env.${name} is an inherited function`).toBe("secrets-manager");
      expect(secret.reveal()).toBe(PLAIN);
    },
  );

  it("counts own properties only: a string on the env object's prototype is no variable", async () => {
    answer(SECRET_ID, { SecretString: PLAIN });
    const env = Object.create({ DB_PASSWORD: "from-the-prototype" }) as Record<string, string>;

    const secret = await loader({ env }).get({ secretId: SECRET_ID, env: "DB_PASSWORD" });

    expect(secret.source, "an inherited property is not a variable").toBe("secrets-manager");
    expect(secret.reveal()).toBe(PLAIN);
  });

  it.each([
    ["the empty string", ""],
    ["a number", 42],
    ["null", null],
  ])("names no variable with an env that is %s: the request is sent", async (_label, name) => {
    answer(SECRET_ID, { SecretString: PLAIN });
    const env = { "": "by-empty-name", "42": "by-number", null: "by-null" };

    const secret = await loader({ env }).get({
      secretId: SECRET_ID,
      env: name as string,
    });

    expect(
      secret.source,
      "the README: ref.env names a variable only when it is a non-empty string",
    ).toBe("secrets-manager");
    expect(secret.reveal()).toBe(PLAIN);
    expect(requests()).toBe(1);
  });

  it("counts a variable whose value is not a string as not set", async () => {
    answer(SECRET_ID, { SecretString: PLAIN });
    const env = { PORT: 5432, TLS: true } as unknown as Record<string, string>;
    const secrets = loader({ env, ttlMs: 0 });

    expect((await secrets.get({ secretId: SECRET_ID, env: "PORT" })).source).toBe(
      "secrets-manager",
    );
    expect((await secrets.get({ secretId: SECRET_ID, env: "TLS" })).reveal()).toBe(PLAIN);
  });

  it("reads the environment on every call and never caches what it found there", async () => {
    answer(SECRET_ID, { SecretString: PLAIN });
    const env: Record<string, string | undefined> = {};
    const secrets = loader({ env });
    const ref = { secretId: SECRET_ID, env: "DB_PASSWORD" };

    expect((await secrets.get(ref)).reveal()).toBe(PLAIN);
    env.DB_PASSWORD = "set-later";
    expect((await secrets.get(ref)).reveal(), "a variable set after the first call").toBe(
      "set-later",
    );
    env.DB_PASSWORD = "changed";
    expect((await secrets.get(ref)).reveal(), "a changed variable").toBe("changed");
    delete env.DB_PASSWORD;
    const back = await secrets.get(ref);
    expect(back.reveal(), "a removed variable: back to the cached Secrets Manager value").toBe(
      PLAIN,
    );
    expect(back.source).toBe("secrets-manager");
    expect(requests(), "the Secrets Manager value itself stayed cached").toBe(1);
  });

  it("reads the environment first even while a request is in flight for that secretId", async () => {
    const held = hold(SECRET_ID);
    const env: Record<string, string | undefined> = {};
    const secrets = loader({ env });
    const ref = { secretId: SECRET_ID, env: "DB_PASSWORD" };

    const first = secrets.get(ref);
    await flush();
    expect(inFlight(held), "the first get, with no variable set, sends a request").toBe(1);
    env.DB_PASSWORD = "set-meanwhile";
    const second = await Promise.race([
      secrets.get(ref),
      flush().then(() => "still waiting" as const),
    ]);

    expect(
      second === "still waiting" ? second : [second.reveal(), second.source],
      "the README (1): the environment is read first on every call, even while a request is in flight: no waiting for it",
    ).toEqual(["set-meanwhile", "env"]);
    held[0]?.resolve({ SecretString: PLAIN });
    expect((await first).reveal()).toBe(PLAIN);
    expect(requests()).toBe(1);
  });

  it("serves a variable set while a request is in flight even when that request then fails", async () => {
    const held = hold(SECRET_ID);
    const env: Record<string, string | undefined> = {};
    const secrets = loader({ env });
    const ref = { secretId: SECRET_ID, env: "DB_PASSWORD" };

    const first = secrets.get(ref);
    const firstFails = expect(
      first,
      "the get that sent the request rejects with its error",
    ).rejects.toBeInstanceOf(SecretNotFoundError);
    await flush();
    expect(inFlight(held), "the first get, with no variable set, sends a request").toBe(1);
    env.DB_PASSWORD = "set-meanwhile";
    const second = secrets.get(ref).then(
      (secret) => [secret.reveal(), secret.source],
      (error: unknown) => ["rejected", error],
    );
    await flush();
    held[0]?.reject(secretsManagerErrors.secretNotFound());

    expect(
      await second,
      "the README (1): a get that finds its variable set never waits for the request in flight, so its failure is not that get's",
    ).toEqual(["set-meanwhile", "env"]);
    await firstFails;
  });

  it.each([
    ["changed", "changed-later"],
    ["removed", undefined],
  ])(
    "uses the variable as it was when get was called, even when it is %s before that get settles",
    async (_label, later) => {
      const env: Record<string, string | undefined> = { DB_PASSWORD: "at-the-call" };
      const secrets = loader({ env });

      const pending = secrets.get({ secretId: SECRET_ID, env: "DB_PASSWORD" });
      env.DB_PASSWORD = later;
      const secret = await pending;

      expect(
        [secret.reveal(), secret.source],
        "the README (1): the environment is read when get is called, before it awaits anything",
      ).toEqual(["at-the-call", "env"]);
      expect(requests(), "a variable set at the call sends no request").toBe(0);
    },
  );

  it("reads process.env by default, at the time of each call", async () => {
    const secrets = new SecretsLoader({ client });
    vi.stubEnv("KATA_SECRETS_LOADER_DB_PASSWORD", "from-process-env");

    const secret = await secrets.get({
      secretId: SECRET_ID,
      env: "KATA_SECRETS_LOADER_DB_PASSWORD",
    });

    expect(secret.reveal()).toBe("from-process-env");
    expect(secret.source).toBe("env");
  });

  it.each([
    ["undefined", undefined],
    ["null", null],
  ])(
    "looks up process.env at each call (env: %s), even after process.env itself was replaced",
    async (_label, env) => {
      const secrets = new SecretsLoader({ client, env: env as undefined });
      const original = process.env;
      try {
        process.env = { ...original, KATA_SECRETS_LOADER_REPLACED: "from-the-new-process-env" };

        const secret = await secrets.get({
          secretId: SECRET_ID,
          env: "KATA_SECRETS_LOADER_REPLACED",
        });

        expect(secret.reveal(), "the process.env of the call, not the one of the constructor").toBe(
          "from-the-new-process-env",
        );
      } finally {
        process.env = original;
      }
      expect(requests()).toBe(0);
    },
  );

  it("looks only in the env option when one is given, never in process.env as well", async () => {
    vi.stubEnv("KATA_SECRETS_LOADER_ONLY_IN_PROCESS", "from-process-env");
    answer(SECRET_ID, { SecretString: PLAIN });

    const secret = await loader({ env: { OTHER: "x" } }).get({
      secretId: SECRET_ID,
      env: "KATA_SECRETS_LOADER_ONLY_IN_PROCESS",
    });

    expect(
      secret.source,
      "the README: env is where ref.env is looked up (process.env only without the option), never both layered",
    ).toBe("secrets-manager");
    expect(secret.reveal()).toBe(PLAIN);
    expect(requests()).toBe(1);
  });

  it.each([
    ["undefined", undefined],
    ["null", null],
    ["a string (no get(secretId) shorthand)", SECRET_ID],
    ["a number", 42],
  ])("rejects a ref that is %s with a TypeError mentioning secretId", async (_label, ref) => {
    const secrets = loader();

    const error = await rejection(secrets.get(ref as unknown as { secretId: string }));
    expect(
      error,
      "the README: a ref that is not an object is refused like a bad secretId",
    ).toBeInstanceOf(TypeError);
    expect(error.message).toMatch(/secretId/);
    expect(requests()).toBe(0);
  });

  it("sends a secretId of spaces only as it is: only the empty string is refused", async () => {
    fail("   ", secretsManagerErrors.secretNotFound());

    const error = await rejection(loader().get({ secretId: "   " }));

    expect(error, "a non-empty string: sent, and Secrets Manager does not know it").toBeInstanceOf(
      SecretNotFoundError,
    );
    expect(error.message).toBe('secret "   " was not found (ResourceNotFoundException)');
    expect(sm.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({ SecretId: "   " });
  });

  it.each([
    ["an empty string", ""],
    ["undefined", undefined],
    ["a number", 42],
  ])(
    "rejects %s as secretId with a TypeError, before looking anywhere",
    async (_label, secretId) => {
      const secrets = loader({ env: { DB_PASSWORD: PLAIN } });

      await expect(
        secrets.get({ secretId: secretId as unknown as string, env: "DB_PASSWORD" }),
      ).rejects.toThrow(TypeError);
      await expect(secrets.get({ secretId: secretId as unknown as string })).rejects.toThrow(
        /secretId/,
      );
      expect(requests()).toBe(0);
    },
  );
});

describe("step 3 — reading Secrets Manager", () => {
  it.each([
    ["a string", "socket hang up"],
    ["null", null],
    ["a plain object", { code: "ECONNRESET", message: "read ECONNRESET" }],
  ])("keeps what was thrown as the cause, even %s (no Error)", async (_label, thrown) => {
    sm.on(GetSecretValueCommand, { SecretId: SECRET_ID }, true).callsFake(() =>
      Promise.reject(thrown),
    );

    const error = await rejection(loader().get({ secretId: SECRET_ID }));

    expect(error.constructor).toBe(SecretsLoaderError);
    expect("cause" in error, "the README: a failed request keeps what was thrown as cause").toBe(
      true,
    );
    expect(error.cause, "the very value the client threw, whatever it is").toBe(thrown);
  });

  it("keeps a thrown undefined as an undefined cause: no cause property, error.cause is undefined", async () => {
    sm.on(GetSecretValueCommand, { SecretId: SECRET_ID }, true).callsFake(() =>
      Promise.reject(undefined),
    );

    const error = await rejection(loader().get({ secretId: SECRET_ID }));

    expect(error.constructor).toBe(SecretsLoaderError);
    expect(error.message).toBe(`could not load secret "${SECRET_ID}" (Error)`);
    expect(error.cause, "the very value the client threw: undefined").toBeUndefined();
    expect(
      "cause" in error,
      "the README: a thrown undefined leaves the cause property out, as the stub's constructor does",
    ).toBe(false);
  });

  it("sends exactly { SecretId } and returns a plain SecretString as it is", async () => {
    answer(SECRET_ID, { SecretString: PLAIN });

    const secret = await loader().get({ secretId: SECRET_ID });

    expect(secret.reveal()).toBe(PLAIN);
    expect(secret.source).toBe("secrets-manager");
    expect(sm).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: SECRET_ID });
    expect(sm.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: SECRET_ID,
    });
    expect(
      Object.keys(sm.commandCalls(GetSecretValueCommand)[0]?.args[0].input ?? {}),
      "the README: the input has the one property SecretId, and no other (not even one set to undefined)",
    ).toEqual(["SecretId"]);
  });

  it.each([
    ["versionStage", { versionStage: "AWSPENDING" }],
    ["VersionStage", { VersionStage: "AWSPENDING" }],
    ["versionId", { versionId: "EXAMPLE1-90ab-cdef-fedc-ba987SECRET1" }],
  ])(
    "ignores an option it does not have (%s): the request is still exactly { SecretId }",
    async (_label, extra) => {
      answer(SECRET_ID, { SecretString: PLAIN });

      const secret = await loader(extra as Partial<SecretsLoaderOptions>).get({
        secretId: SECRET_ID,
      });

      expect(secret.reveal()).toBe(PLAIN);
      const input = sm.commandCalls(GetSecretValueCommand)[0]?.args[0].input ?? {};
      expect(
        [Object.keys(input), input],
        "the README: the options are the five in the table; any other property of options is ignored, and the input is exactly { SecretId }",
      ).toEqual([["SecretId"], { SecretId: SECRET_ID }]);
    },
  );

  it.each([
    ["spaces and a newline around it", "  pw\n"],
    ["spaces only", "   "],
  ])("returns a SecretString exactly as given, never trimmed: %s", async (_label, value) => {
    answer(SECRET_ID, { SecretString: value });

    const secret = await loader().get({ secretId: SECRET_ID });

    expect(
      secret.reveal(),
      `the README: the value is the SecretString as given, never trimmed (${JSON.stringify(value)})`,
    ).toBe(value);
  });

  it("returns a JSON SecretString whole, unparsed, when no key is given", async () => {
    const json = JSON.stringify(DB_SECRET);
    answer(SECRET_ID, { SecretString: json });

    const secret = await loader().get({ secretId: SECRET_ID });

    expect(secret.reveal()).toBe(json);
  });

  it("picks one key out of a JSON SecretString", async () => {
    answer(SECRET_ID, { SecretString: JSON.stringify(DB_SECRET) });
    const secrets = loader();

    const password = await secrets.get({ secretId: SECRET_ID, key: "password" });
    expect(password.reveal()).toBe(PASSWORD);
    expect(password.source).toBe("secrets-manager");
    const username = await secrets.get({ secretId: SECRET_ID, key: "username" });
    expect(username.reveal()).toBe("orders_app");
  });

  it("reads a key that the JSON text repeats as JSON.parse does: the last one wins", async () => {
    answer(SECRET_ID, { SecretString: '{"password":"first-one","password":"last-one"}' });

    const secret = await loader().get({ secretId: SECRET_ID, key: "password" });

    expect(
      secret.reveal(),
      "the README: the text is read with JSON.parse, so of a key given twice the last value counts (no error, not the first)",
    ).toBe("last-one");
  });

  it('reads keys of a JSON object that has its own "hasOwnProperty" field', async () => {
    answer(SECRET_ID, {
      SecretString: JSON.stringify({ hasOwnProperty: "shadowing", password: PASSWORD }),
    });
    const secrets = loader();

    const password = await secrets.get({ secretId: SECRET_ID, key: "password" });
    expect(
      password.reveal(),
      "the README: the key is an own property of the parsed JSON; a field named hasOwnProperty is just a field (Object.hasOwn, not fields.hasOwnProperty(key))",
    ).toBe(PASSWORD);
    const shadow = await secrets.get({ secretId: SECRET_ID, key: "hasOwnProperty" });
    expect(shadow.reveal(), 'the field "hasOwnProperty" is a key like any other').toBe("shadowing");
    const error = await rejection(secrets.get({ secretId: SECRET_ID, key: "token" }));
    expect(error, "a missing key is still a SecretFormatError").toBeInstanceOf(SecretFormatError);
    expect(error.message).toBe('secret "prod/orders/db" has no key "token"');
  });

  it.each([
    ["__proto__", '{"__proto__":"pw"}'],
    ["constructor", '{"constructor":"pw"}'],
    ["prototype", '{"prototype":"pw"}'],
  ])(
    "reads a key named %s that the JSON text gives: JSON.parse makes it an own property",
    async (key, text) => {
      answer(SECRET_ID, { SecretString: text });

      const secret = await loader().get({ secretId: SECRET_ID, key });

      expect(
        secret.reveal(),
        `the README: ${text} with key "${key}" is "pw" (JSON.parse of the text as it is makes "${key}" an own property; no reviver drops it)`,
      ).toBe("pw");
    },
  );

  it('takes key: "" as a key (the property ""), not as no key', async () => {
    answer(SECRET_ID, { SecretString: JSON.stringify({ "": "empty-named", password: PASSWORD }) });
    answer("plain/text", { SecretString: PLAIN });
    const secrets = loader();

    const value = await secrets.get({ secretId: SECRET_ID, key: "" });
    expect(value.reveal(), 'the README: any key but undefined is a key, "" included').toBe(
      "empty-named",
    );
    const error = await rejection(secrets.get({ secretId: "plain/text", key: "" }));
    expect(error, 'a plain-text value has no key, not even the key ""').toBeInstanceOf(
      SecretFormatError,
    );
    expect(error.message).toBe('secret "plain/text" is not a JSON object, so it has no key ""');
  });

  it("takes key: null from untyped code as a key to look up, not as no key", async () => {
    answer(SECRET_ID, { SecretString: JSON.stringify(DB_SECRET) });
    answer("plain/text", { SecretString: PLAIN });
    const secrets = loader();

    const fromObject = await rejection(
      secrets.get({ secretId: SECRET_ID, key: null as unknown as string }),
    );
    expect(
      fromObject,
      "the README: key is given whenever it is not undefined, so key: null must not return the whole value",
    ).toBeInstanceOf(SecretFormatError);
    const fromText = await rejection(
      secrets.get({ secretId: "plain/text", key: null as unknown as string }),
    );
    expect(fromText, "a plain-text value has no key null either").toBeInstanceOf(SecretFormatError);
  });

  it("takes key: undefined as no key: the whole value, text or bytes", async () => {
    const json = JSON.stringify(DB_SECRET);
    answer(SECRET_ID, { SecretString: json });
    answer("prod/binary", { SecretString: undefined, SecretBinary: new Uint8Array([0, 255, 16]) });
    const secrets = loader();
    const config: { key?: string } = {};

    const whole = await secrets.get({ secretId: SECRET_ID, key: config.key });
    expect(
      whole.reveal(),
      'the README: key is given whenever it is not undefined, so a key property set to undefined is no key (the whole value), not the key "undefined"',
    ).toBe(json);
    const bytes = await secrets.get({ secretId: "prod/binary", key: undefined });
    expect(
      [...bytes.revealBytes()],
      "a binary value with key: undefined: its bytes, not 'is binary'",
    ).toEqual([0, 255, 16]);
  });

  it("turns numbers and booleans into text, zero and false included", async () => {
    answer(SECRET_ID, {
      SecretString: JSON.stringify({
        port: 5432,
        retries: 0,
        ratio: 0.25,
        tls: true,
        debug: false,
      }),
    });
    const secrets = loader();
    const value = async (key: string) => (await secrets.get({ secretId: SECRET_ID, key })).reveal();

    expect(await value("port")).toBe("5432");
    expect(await value("retries")).toBe("0");
    expect(await value("ratio")).toBe("0.25");
    expect(await value("tls")).toBe("true");
    expect(await value("debug")).toBe("false");
    expect((await secrets.get({ secretId: SECRET_ID, key: "port" })).source).toBe(
      "secrets-manager",
    );
  });

  it("returns an empty string value as an empty string, not as a missing key", async () => {
    answer(SECRET_ID, { SecretString: JSON.stringify({ password: "", username: "app" }) });

    const secret = await loader().get({ secretId: SECRET_ID, key: "password" });

    expect(secret.reveal()).toBe("");
  });

  it("returns an empty SecretString as the empty text: it is a value, not a missing one", async () => {
    answer(SECRET_ID, { SecretString: "", SecretBinary: undefined });
    const { lines, logger } = recordingLogger();

    const secret = await loader({ logger }).get({ secretId: SECRET_ID });

    expect(secret.reveal()).toBe("");
    expect(secret.source).toBe("secrets-manager");
    expect(lines).toEqual([["info", 'fetched secret "prod/orders/db" from Secrets Manager']]);
  });

  it("takes the SecretString when the response has both, even an empty one", async () => {
    answer("prod/both", { SecretString: "text-wins", SecretBinary: new Uint8Array([1, 2, 3]) });
    answer("prod/empty-and-binary", { SecretString: "", SecretBinary: new Uint8Array([1, 2, 3]) });
    const secrets = loader();

    expect((await secrets.get({ secretId: "prod/both" })).reveal()).toBe("text-wins");
    expect((await secrets.get({ secretId: "prod/empty-and-binary" })).reveal()).toBe("");
  });

  it("reads a key from the SecretString when the response has a SecretBinary too", async () => {
    answer("prod/both", {
      SecretString: JSON.stringify(DB_SECRET),
      SecretBinary: new Uint8Array([1, 2, 3]),
    });
    answer("prod/empty-and-binary", { SecretString: "", SecretBinary: new Uint8Array([1, 2, 3]) });
    const secrets = loader();

    const password = await secrets.get({ secretId: "prod/both", key: "password" });
    expect(password.reveal(), "the key of the SecretString, not 'is binary'").toBe(PASSWORD);
    const error = await rejection(
      secrets.get({ secretId: "prod/empty-and-binary", key: "password" }),
    );
    expect(error.message, "the empty SecretString is the value: not JSON").toBe(
      'secret "prod/empty-and-binary" is not a JSON object, so it has no key "password"',
    );
  });

  it("returns a SecretBinary value as bytes", async () => {
    answer(SECRET_ID, { SecretString: undefined, SecretBinary: new Uint8Array([0, 255, 16, 128]) });

    const secret = await loader().get({ secretId: SECRET_ID });

    expect([...secret.revealBytes()]).toEqual([0, 255, 16, 128]);
    expect(() => secret.reveal(), "a binary secret has no text form").toThrow(TypeError);
    expect(secret.source).toBe("secrets-manager");
  });

  it("returns an empty SecretBinary as a value of zero bytes, not as a missing value", async () => {
    answer(SECRET_ID, { SecretString: undefined, SecretBinary: new Uint8Array(0) });
    const { lines, logger } = recordingLogger();

    const secret = await loader({ logger }).get({ secretId: SECRET_ID });

    expect(
      [...secret.revealBytes()],
      "the README: an empty SecretBinary is a value of zero bytes",
    ).toEqual([]);
    expect(() => secret.reveal(), "it is still a binary value").toThrow(TypeError);
    expect(
      lines.map(([level]) => level),
      "a successful request: info, no warn",
    ).toEqual(["info"]);
  });

  it("returns a SecretBinary that is a view into a larger buffer as exactly its bytes", async () => {
    // What the SDK hands over: it decodes the base64 with Buffer.from, which cuts small buffers out
    // of Node's shared pool, and returns a Uint8Array view of that slice.
    const decoded = Buffer.from("3q2+7w==", "base64");
    const view = new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength);
    expect(view.buffer.byteLength, "a view into a larger buffer").toBeGreaterThan(4);
    answer(SECRET_ID, { SecretString: undefined, SecretBinary: view });

    const secret = await loader().get({ secretId: SECRET_ID });

    expect([...secret.revealBytes()]).toEqual([0xde, 0xad, 0xbe, 0xef]);
  });

  it("passes an ARN through as the SecretId, unchanged", async () => {
    const arn = sampleSecretArn(SECRET_ID);
    answer(arn, { SecretString: PLAIN });

    const secret = await loader().get({ secretId: arn });

    expect(secret.reveal()).toBe(PLAIN);
    expect(sm.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({ SecretId: arn });
  });
});

describe("step 4 — malformed values", () => {
  async function formatError(response: Partial<GetSecretValueResponse>, key: string) {
    answer(SECRET_ID, response);
    const error = await rejection(loader().get({ secretId: SECRET_ID, key }));
    expect(error).toBeInstanceOf(SecretFormatError);
    expect(error).toBeInstanceOf(SecretsLoaderError);
    expect("cause" in error, "a SecretFormatError has no cause property at all").toBe(false);
    return error as SecretFormatError;
  }

  it("refuses a key on a binary secret", async () => {
    const error = await formatError(
      { SecretString: undefined, SecretBinary: new TextEncoder().encode(PASSWORD) },
      "password",
    );

    expect(error.message).toBe('secret "prod/orders/db" is binary, so it has no key "password"');
    expect(error.name).toBe("SecretFormatError");
    expect(error.secretId).toBe(SECRET_ID);
    expect(error.retryable).toBe(false);
    expect(error.cause).toBeUndefined();
    expectNoLeak(error, PASSWORD);
  });

  it("refuses a key on a binary secret even when its bytes are a JSON object with that key", async () => {
    const error = await formatError(
      {
        SecretString: undefined,
        SecretBinary: new TextEncoder().encode(JSON.stringify(DB_SECRET)),
      },
      "password",
    );

    expect(
      error.message,
      "the README: SecretBinary only and a key is always this error; binary bytes are never parsed as JSON",
    ).toBe('secret "prod/orders/db" is binary, so it has no key "password"');
    expectNoLeak(error, PASSWORD);
  });

  it("refuses a key on a plain-text secret without quoting it (JSON.parse's message would)", async () => {
    const error = await formatError({ SecretString: PLAIN }, "password");

    expect(error.message).toBe(
      'secret "prod/orders/db" is not a JSON object, so it has no key "password"',
    );
    expect(error.cause, "the SyntaxError quotes the text: it must not be kept").toBeUndefined();
    expect(error.retryable).toBe(false);
    expectNoLeak(error, PLAIN, "s3cr3t");
  });

  it("parses the text as it is: a SecretString with a leading BOM is not a JSON object", async () => {
    const text = `\uFEFF${JSON.stringify({ password: PASSWORD })}`;
    const error = await formatError({ SecretString: text }, "password");

    expect(
      error.message,
      "the README: the text is parsed as it is, a leading BOM is not stripped, and JSON.parse refuses it",
    ).toBe('secret "prod/orders/db" is not a JSON object, so it has no key "password"');
    expect(error.cause).toBeUndefined();
    expectNoLeak(error, PASSWORD);
  });

  it.each([
    ["truncated JSON", `{"username": "app", "password": "${PASSWORD}"`],
    ["JSON with a trailing comma", `{"password": "${PASSWORD}",}`],
    ["a JSON string", JSON.stringify(PASSWORD)],
    ["a JSON array", JSON.stringify([PASSWORD])],
    ["JSON null", "null"],
    ["a JSON number", "20261231"],
    ["an empty string", ""],
  ])("refuses a key on %s: not a JSON object, nothing quoted", async (_label, text) => {
    const error = await formatError({ SecretString: text }, "password");

    expect(error.message).toBe(
      'secret "prod/orders/db" is not a JSON object, so it has no key "password"',
    );
    expect(error.cause).toBeUndefined();
    expectNoLeak(error, PASSWORD, "20261231");
  });

  it.each(["token", "constructor", "hasOwnProperty", "toString"])(
    "says which key is missing (%s), counting only the object's own keys",
    async (key) => {
      const error = await formatError({ SecretString: JSON.stringify(DB_SECRET) }, key);

      expect(error.message).toBe(`secret "prod/orders/db" has no key "${key}"`);
      expect(error.retryable).toBe(false);
      expectNoLeak(error, PASSWORD);
    },
  );

  it.each([
    ["null", null],
    ["an object", { password: PASSWORD }],
    ["an array", [PASSWORD]],
  ])("refuses a key whose value is %s, without printing it", async (_label, nested) => {
    const error = await formatError({ SecretString: JSON.stringify({ db: nested }) }, "db");

    expect(error.message).toBe(
      'key "db" of secret "prod/orders/db" is not a string, number or boolean',
    );
    expect(error.retryable).toBe(false);
    expectNoLeak(error, PASSWORD);
  });

  it("takes a dotted key as one property name, never as a path into nested objects", async () => {
    answer(SECRET_ID, { SecretString: JSON.stringify({ db: { password: PASSWORD } }) });
    const error = await rejection(loader().get({ secretId: SECRET_ID, key: "db.password" }));
    expect(error, "the README: a key is one property name, never a path").toBeInstanceOf(
      SecretFormatError,
    );
    expect(error.message).toBe('secret "prod/orders/db" has no key "db.password"');
    expectNoLeak(error, PASSWORD);

    answer("flat", { SecretString: JSON.stringify({ "db.password": "flat-pw" }) });
    const flat = await loader().get({ secretId: "flat", key: "db.password" });
    expect(flat.reveal(), "the property named db.password itself").toBe("flat-pw");
  });

  it("quotes the secretId and key as JSON.stringify does", async () => {
    const odd = 'team "a"/db';
    answer(odd, { SecretString: JSON.stringify({}) });

    const error = await rejection(loader().get({ secretId: odd, key: 'pass"word' }));

    expect(error.message).toBe('secret "team \\"a\\"/db" has no key "pass\\"word"');
  });

  it("quotes control characters and lone surrogates as JSON.stringify does: \\t, \\n, \\u0000, \\ud800", async () => {
    answer("db\u0001", { SecretString: JSON.stringify({}) });

    const error = await rejection(
      loader().get({ secretId: "db\u0001", key: "a\tb\n\u0000\uD800" }),
    );

    // Written by hand: JSON.stringify escapes a tab, a newline, other control characters and a
    // lone surrogate; a quoter that escapes only " and \ leaves them raw inside the quotes.
    expect(
      error.message,
      "the README: ids and keys are quoted as JSON.stringify quotes them, control characters included",
    ).toBe('secret "db\\u0001" has no key "a\\tb\\n\\u0000\\ud800"');
  });

  it("writes key: null as JSON.stringify does: null, without quotes", async () => {
    answer(SECRET_ID, { SecretString: JSON.stringify(DB_SECRET) });
    answer("plain/text", { SecretString: PLAIN });
    answer("nested/null", { SecretString: JSON.stringify({ null: { password: PASSWORD } }) });
    const secrets = loader();
    const key = null as unknown as string;

    const missing = await rejection(secrets.get({ secretId: SECRET_ID, key }));
    const text = await rejection(secrets.get({ secretId: "plain/text", key }));
    const nested = await rejection(secrets.get({ secretId: "nested/null", key }));

    const quoting =
      'the README: "<key>" stands for JSON.stringify(key), and JSON.stringify(null) is null (no quotes)';
    expect(missing.message, quoting).toBe('secret "prod/orders/db" has no key null');
    expect(text.message, quoting).toBe(
      'secret "plain/text" is not a JSON object, so it has no key null',
    );
    expect(nested.message, quoting).toBe(
      'key null of secret "nested/null" is not a string, number or boolean',
    );
    expectNoLeak(nested, PASSWORD);
  });

  it("keeps the value cached after a key error: other keys still work without a request", async () => {
    answer(SECRET_ID, { SecretString: JSON.stringify({ username: "app", password: null }) });
    const secrets = loader();

    await expect(secrets.get({ secretId: SECRET_ID, key: "password" })).rejects.toThrow(
      SecretFormatError,
    );
    expect((await secrets.get({ secretId: SECRET_ID, key: "username" })).reveal()).toBe("app");
    expect(requests()).toBe(1);
  });

  it.each([
    {
      label: "a key of a binary secret",
      response: { SecretString: undefined, SecretBinary: new Uint8Array([7, 7, 7]) },
      key: "password",
      whole: (secret: Secret) => [...secret.revealBytes()],
      expected: [7, 7, 7],
    },
    {
      label: "a key of a plain-text secret",
      response: { SecretString: PLAIN },
      key: "password",
      whole: (secret: Secret) => secret.reveal(),
      expected: PLAIN,
    },
    {
      label: "a missing key",
      response: { SecretString: JSON.stringify(DB_SECRET) },
      key: "token",
      whole: (secret: Secret) => secret.reveal(),
      expected: JSON.stringify(DB_SECRET),
    },
    {
      label: "a key whose value is an object",
      response: { SecretString: JSON.stringify({ db: { password: PASSWORD } }) },
      key: "db",
      whole: (secret: Secret) => secret.reveal(),
      expected: JSON.stringify({ db: { password: PASSWORD } }),
    },
  ])(
    "fails only the get that asked for $label: the request succeeded, logged info, its value cached",
    async ({ response, key, whole, expected }) => {
      answer(SECRET_ID, response);
      const { lines, logger } = recordingLogger();
      const secrets = loader({ logger });

      await expect(secrets.get({ secretId: SECRET_ID, key })).rejects.toThrow(SecretFormatError);
      expect(whole(await secrets.get({ secretId: SECRET_ID })), "the whole value, cached").toEqual(
        expected,
      );

      expect(requests(), "one request: the key error did not fail it").toBe(1);
      expect(lines, "the request's info line, and no warn").toEqual([
        ["info", 'fetched secret "prod/orders/db" from Secrets Manager'],
      ]);
    },
  );

  it("fails the request when the response has neither SecretString nor SecretBinary: logged, not cached", async () => {
    answer(SECRET_ID, { SecretString: undefined, SecretBinary: undefined });
    const { lines, logger } = recordingLogger();
    const secrets = loader({ logger });
    const message = 'secret "prod/orders/db" has neither SecretString nor SecretBinary';

    const first = await rejection(secrets.get({ secretId: SECRET_ID }));
    expect(first).toBeInstanceOf(SecretFormatError);
    expect(first.message).toBe(message);
    expect((first as SecretFormatError).retryable).toBe(false);
    expect("cause" in first, "a SecretFormatError has no cause property at all").toBe(false);
    expect(lines, "exactly one line for the failed request: its warn, no info").toEqual([
      ["warn", message],
    ]);
    await expect(secrets.get({ secretId: SECRET_ID, key: "password" })).rejects.toThrow(message);

    expect(requests(), "a response without a value is not cached").toBe(2);
    expect(lines, "one line per request").toEqual([
      ["warn", message],
      ["warn", message],
    ]);
  });
});

describe("step 5 — typed errors", () => {
  it.each([
    ["a plain object", () => ({ name: "InternalServiceError", message: "boom", $fault: "server" })],
    [
      "an Error",
      () => Object.assign(new Error("boom"), { name: "InternalServiceError", $fault: "server" }),
    ],
  ])(
    "reads $fault from whatever was thrown: %s from a wrapper client with $fault server is retryable",
    async (_label, make) => {
      const thrown = make();
      const wrapper = { send: () => Promise.reject(thrown) };
      const secrets = loader({ client: wrapper as unknown as SecretsManagerClient });

      const error = await rejection(secrets.get({ secretId: SECRET_ID }));

      expect(error.constructor).toBe(SecretsLoaderError);
      expect(
        (error as SecretsLoaderError).retryable,
        "the README: retryable is true when the $fault of whatever was thrown is server, not only an SDK exception's",
      ).toBe(true);
      expect(error.cause).toBe(thrown);
    },
  );

  it("calls the logger with the message as its one argument", async () => {
    answer(SECRET_ID, { SecretString: PLAIN });
    fail("prod/missing", secretsManagerErrors.secretNotFound());
    const logger = { info: vi.fn(), warn: vi.fn() };
    const secrets = loader({ logger });

    await secrets.get({ secretId: SECRET_ID });
    await rejection(secrets.get({ secretId: "prod/missing" }));

    expect(
      logger.info.mock.calls,
      "the README (5): info(message) with that one argument only, no second argument such as { secretId }",
    ).toEqual([['fetched secret "prod/orders/db" from Secrets Manager']]);
    expect(logger.warn.mock.calls, "warn(message), one argument").toEqual([
      ['secret "prod/missing" was not found (ResourceNotFoundException)'],
    ]);
  });

  it.each([
    {
      label: "a ResourceNotFoundException",
      sdk: secretsManagerErrors.secretNotFound,
      type: SecretNotFoundError,
      name: "SecretNotFoundError",
      message: 'secret "prod/orders/db" was not found (ResourceNotFoundException)',
      retryable: false,
    },
    {
      label: "an AccessDeniedException from IAM",
      sdk: () => secretsManagerErrors.accessDenied(SECRET_ID),
      type: SecretAccessDeniedError,
      name: "SecretAccessDeniedError",
      message: 'access to secret "prod/orders/db" was denied (AccessDeniedException)',
      retryable: false,
    },
    {
      label: "an AccessDeniedException from KMS",
      sdk: secretsManagerErrors.kmsAccessDenied,
      type: SecretAccessDeniedError,
      name: "SecretAccessDeniedError",
      message: 'access to secret "prod/orders/db" was denied (AccessDeniedException)',
      retryable: false,
    },
    {
      label: "a DecryptionFailure",
      sdk: secretsManagerErrors.decryptionFailure,
      type: SecretDecryptionError,
      name: "SecretDecryptionError",
      message: 'secret "prod/orders/db" could not be decrypted (DecryptionFailure)',
      retryable: false,
    },
    {
      label: "a ThrottlingException",
      sdk: secretsManagerErrors.throttling,
      type: SecretThrottledError,
      name: "SecretThrottledError",
      message:
        'Secrets Manager throttled the request for secret "prod/orders/db" (ThrottlingException)',
      retryable: true,
    },
  ])("turns $label into a $name", async ({ sdk, type, name, message, retryable }) => {
    const sdkError = sdk();
    fail(SECRET_ID, sdkError);

    const { lines, logger } = recordingLogger();
    const error = await rejection(loader({ logger }).get({ secretId: SECRET_ID, key: "password" }));

    expect(error).toBeInstanceOf(type);
    expect(error).toBeInstanceOf(SecretsLoaderError);
    expect(error.name).toBe(name);
    expect(error.message, "the README: exactly the table's message, nothing appended").toBe(
      message,
    );
    expect(lines, "the warn line is exactly that message").toEqual([["warn", message]]);
    expect((error as SecretsLoaderError).secretId).toBe(SECRET_ID);
    expect((error as SecretsLoaderError).retryable).toBe(retryable);
    expect(error.cause, "the SDK error itself, for its details").toBe(sdkError);
  });

  it.each([
    [
      "an SDK error with $fault client and no $retryable",
      () => {
        const sdkError = secretsManagerErrors.throttling();
        Object.assign(sdkError, { $fault: "client", $retryable: undefined });
        return sdkError;
      },
    ],
    [
      "an SDK error whose $retryable says throttling: false",
      () => {
        const sdkError = secretsManagerErrors.throttling();
        Object.assign(sdkError, { $fault: "client", $retryable: { throttling: false } });
        return sdkError;
      },
    ],
    ["a wrapper's plain { name } object", () => ({ name: "ThrottlingException" })],
  ] as const)(
    "keeps a ThrottlingException retryable whatever its $fault or $retryable: %s",
    async (_label, thrown) => {
      sm.on(GetSecretValueCommand, { SecretId: SECRET_ID }, true).callsFake(() => {
        throw thrown();
      });

      const error = await rejection(loader().get({ secretId: SECRET_ID }));

      expect(error).toBeInstanceOf(SecretThrottledError);
      expect(
        (error as SecretsLoaderError).retryable,
        "the README's table: a ThrottlingException is retryable: true (whatever its $fault or $retryable)",
      ).toBe(true);
    },
  );

  it.each([
    ["a ResourceNotFoundException", secretsManagerErrors.secretNotFound, SecretNotFoundError],
    [
      "an AccessDeniedException",
      () => secretsManagerErrors.accessDenied(SECRET_ID),
      SecretAccessDeniedError,
    ],
    ["a DecryptionFailure", secretsManagerErrors.decryptionFailure, SecretDecryptionError],
  ] as const)(
    "keeps %s not retryable even when its $fault is server",
    async (_label, sdk, type) => {
      const sdkError = sdk();
      Object.assign(sdkError, { $fault: "server" });
      fail(SECRET_ID, sdkError);

      const error = await rejection(loader().get({ secretId: SECRET_ID }));

      expect(error).toBeInstanceOf(type);
      expect(
        (error as SecretsLoaderError).retryable,
        "the README's table: retryable is false for not found, denied and decryption, whatever $fault says ($fault decides only for anything else)",
      ).toBe(false);
    },
  );

  it.each([
    {
      label: "a SecretsManagerServiceException named ResourceNotFoundException",
      sdk: () =>
        awsServiceError(
          SecretsManagerServiceException,
          "ResourceNotFoundException",
          "Secrets Manager can't find the specified secret.",
        ),
      type: SecretNotFoundError,
      message: 'secret "prod/orders/db" was not found (ResourceNotFoundException)',
    },
    {
      label: "a plain Error named ResourceNotFoundException",
      sdk: () =>
        Object.assign(new Error("Secrets Manager can't find the specified secret."), {
          name: "ResourceNotFoundException",
        }),
      type: SecretNotFoundError,
      message: 'secret "prod/orders/db" was not found (ResourceNotFoundException)',
    },
    {
      label: "a SecretsManagerServiceException named DecryptionFailure",
      sdk: () =>
        awsServiceError(
          SecretsManagerServiceException,
          "DecryptionFailure",
          "Secrets Manager can't decrypt the protected secret text using the provided KMS key.",
        ),
      type: SecretDecryptionError,
      message: 'secret "prod/orders/db" could not be decrypted (DecryptionFailure)',
    },
    {
      label: "a plain Error named DecryptionFailure",
      sdk: () =>
        Object.assign(new Error("Secrets Manager can't decrypt the protected secret text."), {
          name: "DecryptionFailure",
        }),
      type: SecretDecryptionError,
      message: 'secret "prod/orders/db" could not be decrypted (DecryptionFailure)',
    },
  ])("chooses the class by name, not instanceof: $label", async ({ sdk, type, message }) => {
    const sdkError = sdk();
    fail(SECRET_ID, sdkError);

    const error = await rejection(loader().get({ secretId: SECRET_ID }));

    expect(
      error,
      "the README: the class is chosen by the SDK error's name (another copy of the SDK, or a wrapper client, throws errors of other classes)",
    ).toBeInstanceOf(type);
    expect(error.message).toBe(message);
    expect((error as SecretsLoaderError).retryable).toBe(false);
    expect(error.cause).toBe(sdkError);
  });

  it.each([
    {
      label: "an InternalServiceError (a server fault) as retryable",
      sdk: secretsManagerErrors.internalServiceError,
      code: "InternalServiceError",
      retryable: true,
    },
    {
      label: "an unknown 503 server fault as retryable",
      sdk: () => secretsManagerError("ServiceUnavailableException", "Service unavailable.", 503),
      code: "ServiceUnavailableException",
      retryable: true,
    },
    {
      label: "an InvalidRequestException (marked for deletion) as not retryable",
      sdk: secretsManagerErrors.markedForDeletion,
      code: "InvalidRequestException",
      retryable: false,
    },
    {
      label: "an error whose $fault is client as not retryable, though its status is 503",
      sdk: () =>
        awsServiceError(
          SecretsManagerServiceException,
          "ServiceUnavailableException",
          "Service unavailable.",
          503,
          { $fault: "client" },
        ),
      code: "ServiceUnavailableException",
      retryable: false,
    },
    {
      label: "an error whose $fault is server as retryable, though its status is 400",
      sdk: () =>
        awsServiceError(
          SecretsManagerServiceException,
          "InternalFailure",
          "An internal error occurred.",
          400,
          { $fault: "server" },
        ),
      code: "InternalFailure",
      retryable: true,
    },
    {
      label: "a client-fault error the SDK marks $retryable as not retryable: $fault alone decides",
      sdk: () =>
        Object.assign(
          awsServiceError(
            SecretsManagerServiceException,
            "SlowDown",
            "Please reduce your request rate.",
            400,
          ),
          { $retryable: { throttling: true } },
        ),
      code: "SlowDown",
      retryable: false,
    },
    {
      label: "a network TypeError as not retryable",
      sdk: () => new TypeError("fetch failed"),
      code: "TypeError",
      retryable: false,
    },
  ])("reports $label, with the error's name", async ({ sdk, code, retryable }) => {
    const sdkError = sdk();
    fail(SECRET_ID, sdkError);

    const { lines, logger } = recordingLogger();
    const error = await rejection(loader({ logger }).get({ secretId: SECRET_ID }));

    expect(error.constructor, "the base class itself, not one of the typed ones").toBe(
      SecretsLoaderError,
    );
    expect(error.name).toBe("SecretsLoaderError");
    const message = `could not load secret "prod/orders/db" (${code})`;
    expect(error.message, "the README: exactly the table's message, nothing appended").toBe(
      message,
    );
    expect(lines, "the warn line is exactly that message").toEqual([["warn", message]]);
    expect(
      (error as SecretsLoaderError).retryable,
      "the README: retryable is true when $fault is server, else false ($fault alone, not $retryable or the status)",
    ).toBe(retryable);
    expect((error as SecretsLoaderError).secretId).toBe(SECRET_ID);
    expect(error.cause).toBe(sdkError);
  });

  it.each([
    ["Throttling", 400, "client", false],
    ["TooManyRequestsException", 429, "client", false],
    ["RequestLimitExceeded", 400, "client", false],
    ["ThrottledException", 503, "server", true],
  ] as const)(
    "keeps SecretThrottledError for ThrottlingException alone: %s is anything else",
    async (code, status, fault, retryable) => {
      const sdkError = awsServiceError(
        SecretsManagerServiceException,
        code,
        "Rate exceeded",
        status,
        { $fault: fault },
      );
      fail(SECRET_ID, sdkError);

      const error = await rejection(loader().get({ secretId: SECRET_ID }));

      expect(
        error.constructor,
        "the README's table maps only the name ThrottlingException to SecretThrottledError; any other name is a SecretsLoaderError",
      ).toBe(SecretsLoaderError);
      expect(error.message).toBe(`could not load secret "prod/orders/db" (${code})`);
      expect(
        (error as SecretsLoaderError).retryable,
        "for anything else, $fault alone decides retryable",
      ).toBe(retryable);
      expect(error.cause).toBe(sdkError);
    },
  );

  it.each([
    ["a string", "socket hang up"],
    ["null", null],
    ["undefined", undefined],
  ])("names an error that is %s (no name of its own) Error", async (_label, thrown) => {
    sm.on(GetSecretValueCommand, { SecretId: SECRET_ID }, true).callsFake(() =>
      Promise.reject(thrown),
    );

    const error = await rejection(loader().get({ secretId: SECRET_ID }));

    expect(error.constructor).toBe(SecretsLoaderError);
    expect(error.message).toBe('could not load secret "prod/orders/db" (Error)');
    expect((error as SecretsLoaderError).retryable).toBe(false);
  });

  it.each([
    ["an empty string", ""],
    ["a number", 42],
  ])("names an error whose name is %s Error", async (_label, name) => {
    const thrown = Object.assign(new Error("socket closed"), { name });
    fail(SECRET_ID, thrown);

    const error = await rejection(loader().get({ secretId: SECRET_ID }));

    expect(error.constructor).toBe(SecretsLoaderError);
    expect(
      error.message,
      "the README: the error's name when it is a non-empty string, else Error",
    ).toBe('could not load secret "prod/orders/db" (Error)');
  });

  it.each([
    [
      "a SecretNotFoundError",
      () => new SecretNotFoundError("not here", "other/secret", false),
      "SecretNotFoundError",
      false,
    ],
    [
      "a SecretsLoaderError",
      () => new SecretsLoaderError("boom", "other/secret", true),
      "SecretsLoaderError",
      false,
    ],
    [
      "a SecretThrottledError",
      () => new SecretThrottledError("slow down", SECRET_ID, true),
      "SecretThrottledError",
      false,
    ],
  ] as const)(
    "wraps %s thrown by the client like any other error, chosen by its name",
    async (_label, make, name, retryable) => {
      const thrown = make();
      fail(SECRET_ID, thrown);
      const { lines, logger } = recordingLogger();

      const error = await rejection(loader({ logger }).get({ secretId: SECRET_ID }));

      expect(error, "the README: the row is chosen by the name of whatever was thrown").not.toBe(
        thrown,
      );
      expect(error.constructor, `${name} is none of the table's SDK names: anything else`).toBe(
        SecretsLoaderError,
      );
      expect(error.message).toBe(`could not load secret "prod/orders/db" (${name})`);
      expect((error as SecretsLoaderError).secretId, "the ref's secretId").toBe(SECRET_ID);
      expect((error as SecretsLoaderError).retryable, "no $fault: not retryable").toBe(retryable);
      expect(error.cause, "the thrown value is the cause").toBe(thrown);
      expect(lines).toEqual([["warn", error.message]]);
    },
  );

  it("matches AccessDeniedException exactly: AccessDenied (S3, STS, proxies) is anything else", async () => {
    const sdkError = awsServiceError(
      SecretsManagerServiceException,
      "AccessDenied",
      "Access Denied",
      403,
      { $fault: "client" },
    );
    fail(SECRET_ID, sdkError);

    const error = await rejection(loader().get({ secretId: SECRET_ID }));

    expect(
      error.constructor,
      "the README: the names are matched exactly, one per row; AccessDenied is not AccessDeniedException, so it is a SecretsLoaderError",
    ).toBe(SecretsLoaderError);
    expect(error.message).toBe('could not load secret "prod/orders/db" (AccessDenied)');
    expect((error as SecretsLoaderError).retryable).toBe(false);
    expect(error.cause).toBe(sdkError);
  });

  it("names an error by its name alone, never by its code: a Node network error is (Error)", async () => {
    const thrown = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:443"), {
      code: "ECONNREFUSED",
      syscall: "connect",
    });
    fail(SECRET_ID, thrown);

    const error = await rejection(loader().get({ secretId: SECRET_ID }));

    expect(error.constructor).toBe(SecretsLoaderError);
    expect(
      error.message,
      "the README: <name> is the error's name when it is a non-empty string (here Error), never its code",
    ).toBe('could not load secret "prod/orders/db" (Error)');
    expect(error.cause).toBe(thrown);
  });

  it.each([
    ["Code (boto3's Error.Code)", "Code"],
    ["code", "code"],
    ["__type (the JSON body's error type)", "__type"],
  ])(
    "chooses the row by name alone when the error also has a conflicting %s",
    async (_label, property) => {
      const asNamed = Object.assign(new Error("from a wrapper"), {
        name: "SecretsManagerServiceException",
        [property]: "AccessDeniedException",
      });
      const notFound = Object.assign(new Error("from a wrapper"), {
        name: "ResourceNotFoundException",
        [property]: "ThrottlingException",
      });
      fail("prod/a", asNamed);
      fail("prod/b", notFound);
      const secrets = loader();

      const first = await rejection(secrets.get({ secretId: "prod/a" }));
      const second = await rejection(secrets.get({ secretId: "prod/b" }));

      expect(
        [first.constructor, first.message],
        `the README: the row and <name> come from the name alone, never from ${property}`,
      ).toEqual([
        SecretsLoaderError,
        'could not load secret "prod/a" (SecretsManagerServiceException)',
      ]);
      expect(
        [second.constructor, second.message],
        `the README: a ResourceNotFoundException by name is not found, whatever its ${property} says`,
      ).toEqual([SecretNotFoundError, 'secret "prod/b" was not found (ResourceNotFoundException)']);
    },
  );

  it.each([
    ["an SDK error", () => secretsManagerErrors.secretNotFound(), SecretNotFoundError],
    ["a string", () => "socket hang up", SecretsLoaderError],
  ])(
    "treats a send that throws %s synchronously as a failed request: typed, logged, not cached",
    async (_label, makeThrown, type) => {
      const thrown = makeThrown();
      let calls = 0;
      const throwing = {
        send(command: unknown) {
          calls += 1;
          if (calls === 1) throw thrown;
          return client.send(command as GetSecretValueCommand);
        },
      };
      answer(SECRET_ID, { SecretString: PLAIN });
      const { lines, logger } = recordingLogger();
      const secrets = loader({ client: throwing as unknown as SecretsManagerClient, logger });

      const error = await rejection(secrets.get({ secretId: SECRET_ID }));

      expect(
        error,
        "the README: a send that throws instead of returning a rejected promise is a failed request like any other",
      ).toBeInstanceOf(type);
      expect(error.cause, "the thrown value itself").toBe(thrown);
      expect(lines, "a failed request logs one warn line").toEqual([["warn", error.message]]);
      expect((await secrets.get({ secretId: SECRET_ID })).reveal()).toBe(PLAIN);
      expect(calls, "the failure is not cached: the next get sends again").toBe(2);
    },
  );

  it.each([
    ["ResourceNotFoundException", SecretNotFoundError],
    ["AccessDeniedException", SecretAccessDeniedError],
    ["ThrottlingException", SecretThrottledError],
  ])(
    "chooses the row by name when a wrapper client rejects with a plain object named %s",
    async (name, type) => {
      const thrown = { name, message: "from a wrapper", $fault: "client" };
      const wrapper = { send: () => Promise.reject(thrown) };
      const secrets = loader({ client: wrapper as unknown as SecretsManagerClient });

      const error = await rejection(secrets.get({ secretId: SECRET_ID }));

      expect(
        error,
        "the README: the row is chosen by the name of whatever was thrown, not only of an Error",
      ).toBeInstanceOf(type);
      expect(error.message).toContain(`(${name})`);
      expect(error.cause, "the thrown object itself").toBe(thrown);
    },
  );

  it("does not cache a failure: the next get sends a new request", async () => {
    sm.on(GetSecretValueCommand, { SecretId: SECRET_ID }, true)
      .rejectsOnce(secretsManagerErrors.throttling())
      .resolves(sampleSecretValue(SECRET_ID, { SecretString: PLAIN }));
    const secrets = loader();

    await expect(secrets.get({ secretId: SECRET_ID })).rejects.toThrow(SecretThrottledError);
    expect((await secrets.get({ secretId: SECRET_ID })).reveal()).toBe(PLAIN);
    expect(requests()).toBe(2);
  });

  it("logs one info line per successful request, and nothing for cached or environment values", async () => {
    answer(SECRET_ID, { SecretString: JSON.stringify(DB_SECRET) });
    const { lines, logger } = recordingLogger();
    const secrets = loader({ logger, env: { DB_PASSWORD: PLAIN } });

    await secrets.get({ secretId: SECRET_ID, key: "password" });
    await secrets.get({ secretId: SECRET_ID, key: "username" });
    await secrets.get({ secretId: SECRET_ID, env: "DB_PASSWORD" });

    expect(lines).toEqual([["info", 'fetched secret "prod/orders/db" from Secrets Manager']]);
    expect(JSON.stringify(lines)).not.toContain(PASSWORD);
  });

  it("quotes the secretId as JSON.stringify does in error messages and log lines", async () => {
    const missing = 'team "a"\\db';
    const found = 'team "b"/db';
    fail(missing, secretsManagerErrors.secretNotFound());
    answer(found, { SecretString: PLAIN });
    const { lines, logger } = recordingLogger();
    const secrets = loader({ logger });

    const error = await rejection(secrets.get({ secretId: missing }));
    await secrets.get({ secretId: found });

    expect(error.message).toBe(
      'secret "team \\"a\\"\\\\db" was not found (ResourceNotFoundException)',
    );
    expect(lines).toEqual([
      ["warn", 'secret "team \\"a\\"\\\\db" was not found (ResourceNotFoundException)'],
      ["info", 'fetched secret "team \\"b\\"/db" from Secrets Manager'],
    ]);
  });

  it.each([
    ["without a logger", {}],
    ["with logger: null", { logger: null as unknown as undefined }],
  ])("logs nothing %s: not to the console either", async (_label, options) => {
    answer("prod/ok", { SecretString: PLAIN });
    fail("prod/denied", secretsManagerErrors.accessDenied("prod/denied"));
    const methods = ["log", "info", "warn", "error", "debug", "trace"] as const;
    const spies = methods.map((method) => vi.spyOn(console, method).mockImplementation(() => {}));
    const secrets = loader(options);

    expect((await secrets.get({ secretId: "prod/ok" })).reveal()).toBe(PLAIN);
    await expect(secrets.get({ secretId: "prod/denied" })).rejects.toThrow(SecretAccessDeniedError);

    for (const [index, spy] of spies.entries()) {
      expect(spy, `console.${methods[index]} was called`).not.toHaveBeenCalled();
    }
  });

  it("calls info and warn as methods of the logger: a class-based logger works", async () => {
    answer(SECRET_ID, { SecretString: PLAIN });
    fail("missing/one", secretsManagerErrors.secretNotFound());
    class ClassLogger {
      readonly lines: string[] = [];
      info(message: string) {
        this.lines.push(`info ${message}`);
      }
      warn(message: string) {
        this.lines.push(`warn ${message}`);
      }
    }
    const logger = new ClassLogger();
    const secrets = loader({ logger });

    await secrets.get({ secretId: SECRET_ID });
    await rejection(secrets.get({ secretId: "missing/one" }));

    expect(logger.lines, "the README: info and warn are called with this = the logger").toEqual([
      'info fetched secret "prod/orders/db" from Secrets Manager',
      'warn secret "missing/one" was not found (ResourceNotFoundException)',
    ]);
  });

  it("looks info and warn up on the logger at each line: a spy installed after construction sees them", async () => {
    answer(SECRET_ID, { SecretString: PLAIN });
    fail("prod/missing", secretsManagerErrors.secretNotFound());
    const logger = { info(_message: string) {}, warn(_message: string) {} };
    const secrets = loader({ logger });

    const info = vi.spyOn(logger, "info");
    const warn = vi.spyOn(logger, "warn");
    await secrets.get({ secretId: SECRET_ID });
    await secrets.get({ secretId: "prod/missing" }).catch(() => undefined);

    expect(
      info.mock.calls,
      "the README: logger.info is looked up at each line, never kept from the constructor",
    ).toEqual([['fetched secret "prod/orders/db" from Secrets Manager']]);
    expect(warn.mock.calls, "and logger.warn too").toEqual([
      ['secret "prod/missing" was not found (ResourceNotFoundException)'],
    ]);
  });

  it("logs one warn line with the error's message per failed request", async () => {
    fail(SECRET_ID, secretsManagerErrors.accessDenied(SECRET_ID));
    const { lines, logger } = recordingLogger();
    const secrets = loader({ logger });

    await expect(secrets.get({ secretId: SECRET_ID })).rejects.toThrow(SecretAccessDeniedError);

    expect(lines).toEqual([
      ["warn", 'access to secret "prod/orders/db" was denied (AccessDeniedException)'],
    ]);
  });

  it("logs a key error of a successful request as the request's info line only, never the value", async () => {
    answer(SECRET_ID, { SecretString: PLAIN });
    const { lines, logger } = recordingLogger();

    await expect(loader({ logger }).get({ secretId: SECRET_ID, key: "password" })).rejects.toThrow(
      SecretFormatError,
    );

    expect(lines).toEqual([["info", 'fetched secret "prod/orders/db" from Secrets Manager']]);
    expect(JSON.stringify(lines)).not.toContain(PLAIN);
  });
});

describe("step 6 — a cache with a TTL", () => {
  it("keeps a cache per loader even on the same client object", async () => {
    answer(SECRET_ID, { SecretString: PLAIN });
    const first = loader();
    const second = loader();

    await first.get({ secretId: SECRET_ID });
    const secret = await second.get({ secretId: SECRET_ID });

    expect(secret.reveal()).toBe(PLAIN);
    expect(
      requests(),
      "the README (3): two loaders never share a value, not even on the same client object",
    ).toBe(2);
  });

  it("calls the clock given as a plain function, with this undefined", async () => {
    answer(SECRET_ID, { SecretString: PLAIN });
    const receivers: unknown[] = [];
    const now = function (this: unknown) {
      receivers.push(this);
      return 1_000;
    };
    const secrets = loader({ now });

    await secrets.get({ secretId: SECRET_ID });
    const second = await secrets.get({ secretId: SECRET_ID });

    expect(second.reveal()).toBe(PLAIN);
    expect(
      receivers.length,
      "the clock is read when the value arrives and when it is served",
    ).toBeGreaterThan(0);
    expect(
      receivers.every((receiver) => receiver === undefined),
      "the README: now is called as a plain function, now(), with this undefined (never as the loader's or the options' method)",
    ).toBe(true);
    expect(requests()).toBe(1);
  });

  it("works with a bound performance.now", async () => {
    answer(SECRET_ID, { SecretString: PLAIN });
    const secrets = loader({ now: () => performance.now() });

    await secrets.get({ secretId: SECRET_ID });
    const second = await secrets.get({ secretId: SECRET_ID });

    expect(second.reveal()).toBe(PLAIN);
    expect(requests(), "a fractional clock serves the second get from memory").toBe(1);
  });

  it("serves a second get from memory: one request", async () => {
    answer(SECRET_ID, { SecretString: PLAIN });
    const secrets = loader();

    const first = await secrets.get({ secretId: SECRET_ID });
    const second = await secrets.get({ secretId: SECRET_ID });

    expect(second.reveal()).toBe(PLAIN);
    expect(first.reveal()).toBe(PLAIN);
    expect(requests()).toBe(1);
  });

  it.each([1, 100])(
    "serves a get in the very millisecond of the response from memory: an age of 0 is fresh (ttlMs: %i)",
    async (ttlMs) => {
      answer(SECRET_ID, { SecretString: PLAIN });
      const secrets = loader({ ttlMs, now: manualClock(1_000).now }); // the clock never moves

      await secrets.get({ secretId: SECRET_ID });
      expect((await secrets.get({ secretId: SECRET_ID })).reveal()).toBe(PLAIN);
      expect(
        requests(),
        "the README: 0 ≤ now() − fetchedAt < ttlMs, so an age of exactly 0 is served from memory (one request)",
      ).toBe(1);
    },
  );

  it("shares one request between keys of the same secret", async () => {
    answer(SECRET_ID, { SecretString: JSON.stringify(DB_SECRET) });
    const secrets = loader();

    expect((await secrets.get({ secretId: SECRET_ID, key: "username" })).reveal()).toBe(
      "orders_app",
    );
    expect((await secrets.get({ secretId: SECRET_ID, key: "password" })).reveal()).toBe(PASSWORD);
    expect((await secrets.get({ secretId: SECRET_ID })).reveal()).toBe(JSON.stringify(DB_SECRET));
    expect(requests()).toBe(1);
  });

  it("keeps one entry per secretId", async () => {
    answer("prod/a", { SecretString: "value-a" });
    answer("prod/b", { SecretString: "value-b" });
    const secrets = loader();

    expect((await secrets.get({ secretId: "prod/a" })).reveal()).toBe("value-a");
    expect((await secrets.get({ secretId: "prod/b" })).reveal()).toBe("value-b");
    expect((await secrets.get({ secretId: "prod/a" })).reveal()).toBe("value-a");
    expect(requests()).toBe(2);
  });

  it.each([
    ["the name, then the ARN", "name"],
    ["the ARN, then the name", "arn"],
  ] as const)(
    "keeps a name and its ARN as two secretIds: %s sends two requests",
    async (_label, first) => {
      const arn = sampleSecretArn(SECRET_ID);
      // Both responses name the same secret (its Name and ARN), as Secrets Manager's do.
      answer(SECRET_ID, { SecretString: "asked-by-name", Name: SECRET_ID, ARN: arn });
      answer(arn, { SecretString: "asked-by-arn", Name: SECRET_ID, ARN: arn });
      const secrets = loader();
      const order = first === "name" ? [SECRET_ID, arn] : [arn, SECRET_ID];

      const values: string[] = [];
      for (const secretId of order) values.push((await secrets.get({ secretId })).reveal());

      expect(
        sm.commandCalls(GetSecretValueCommand).map((call) => call.args[0].input.SecretId),
        "the README: a name and its ARN are two secretIds, each with its own request and cache entry (the response's Name and ARN are never cache keys)",
      ).toEqual(order);
      expect(values).toEqual(order.map((id) => (id === arn ? "asked-by-arn" : "asked-by-name")));
    },
  );

  it("keeps every secret it fetched while fresh: no size limit evicts one to make room", async () => {
    const ids = Array.from({ length: 150 }, (_, index) => `prod/service-${index}`);
    for (const id of ids) answer(id, { SecretString: `value-of-${id}` });
    const secrets = loader();

    for (const id of ids) await secrets.get({ secretId: id });
    for (const id of ids) {
      expect((await secrets.get({ secretId: id })).reveal()).toBe(`value-of-${id}`);
    }

    expect(
      requests(),
      "the README: the cache keeps each secret's value per secretId: 150 secrets, 150 requests, then memory",
    ).toBe(150);
  });

  it("computes the age as now() − fetchedAt in floating point: a fractional clock at the boundary", async () => {
    // Worked out by hand: 128.2 − 28.2 is 99.99999999999999 in floating point (fresh: < 100),
    // while 28.2 + 100 is 128.2, so the expiry-instant form `now() < fetchedAt + ttlMs` says expired.
    expect(128.2 - 28.2).toBe(99.99999999999999);
    expect(28.2 + 100).toBe(128.2);
    answer(SECRET_ID, { SecretString: PLAIN });
    const clock = manualClock(28.2);
    const secrets = loader({ ttlMs: 100, now: clock.now });
    await secrets.get({ secretId: SECRET_ID });

    clock.time = 128.2;
    expect((await secrets.get({ secretId: SECRET_ID })).reveal()).toBe(PLAIN);
    expect(
      requests(),
      "the README: fresh while now() − fetchedAt < ttlMs, the subtraction as written (99.99999999999999 < 100)",
    ).toBe(1);

    clock.time = 128.20000000000002;
    await secrets.get({ secretId: SECRET_ID });
    expect(
      requests(),
      "the next clock value after 128.2: the age is 100.00000000000003, expired",
    ).toBe(2);
  });

  it.each(["constructor", "toString", "__proto__", "hasOwnProperty"])(
    "sends a request for the secretId %s like any other: no inherited property is a cached value",
    async (secretId) => {
      answer(secretId, { SecretString: PLAIN });
      const secrets = loader();

      const first = await secrets.get({ secretId });
      const second = await secrets.get({ secretId });

      expect(
        first.reveal(),
        `the README: ${JSON.stringify(secretId)} is a secretId, sent as it is`,
      ).toBe(PLAIN);
      expect(second.reveal()).toBe(PLAIN);
      expect(
        sm.commandCalls(GetSecretValueCommand).map((call) => call.args[0].input),
        "one request, then the cache: keyed by the secretId, never by what Object.prototype holds",
      ).toEqual([{ SecretId: secretId }]);
    },
  );

  it.each([
    ["50 then 150: fresh at its one reading", [50, 150], 1],
    ["150 then 50: expired at its one reading", [150, 50], 2],
  ] as const)(
    "reads the clock once per get to judge a cached value: readings %s",
    async (_label, readings, expectedRequests) => {
      answer(SECRET_ID, { SecretString: PLAIN });
      // fetchedAt is 0; afterwards the clock hands out `readings` in turn, then stays at the last.
      const queue: number[] = [0];
      const now = vi.fn(() =>
        queue.length > 1 ? (queue.shift() as number) : (queue[0] as number),
      );
      const secrets = loader({ ttlMs: 100, now });
      await secrets.get({ secretId: SECRET_ID });
      queue.splice(0, queue.length, ...readings);
      const before = now.mock.calls.length;

      const get = secrets.get({ secretId: SECRET_ID });
      const readingsToJudge = now.mock.calls.length - before;
      expect((await get).reveal()).toBe(PLAIN);

      expect(
        readingsToJudge,
        "the README: expired is judged by the now() of each get, read once (one reading for both sides of 0 ≤ age < ttlMs)",
      ).toBe(1);
      expect(
        requests(),
        `the README: the first reading (${readings[0]}) decides, so ${expectedRequests} request(s) in all`,
      ).toBe(expectedRequests);
    },
  );

  it("reads the clock at most once before a cold get's response, and once when it arrives", async () => {
    const held = hold(SECRET_ID);
    const now = vi.fn(() => 0);
    const secrets = loader({ ttlMs: 100, now });

    const get = secrets.get({ secretId: SECRET_ID });
    await flush();
    const beforeResponse = now.mock.calls.length;
    expect(inFlight(held), "the cold get sends its request").toBe(1);
    held[0]?.resolve({ SecretString: PLAIN });
    expect((await get).reveal()).toBe(PLAIN);

    expect(
      [beforeResponse <= 1, now.mock.calls.length - beforeResponse],
      "the README: a get reads now() at most once until its response arrives (a cold one may skip it), then once for fetchedAt",
    ).toEqual([true, 1]);
  });

  it("decides expiry by now() alone: the loader sets no timers", async () => {
    answer(SECRET_ID, { SecretString: PLAIN });
    const setTimeoutSpy = vi.spyOn(globalThis, "setTimeout");
    const setIntervalSpy = vi.spyOn(globalThis, "setInterval");
    try {
      const clock = manualClock(0);
      const secrets = loader({ ttlMs: 1_000, now: clock.now });
      await secrets.get({ secretId: SECRET_ID });
      clock.time = 2_000;
      await secrets.get({ secretId: SECRET_ID });

      expect(
        setTimeoutSpy.mock.calls.length + setIntervalSpy.mock.calls.length,
        "the README: expiry is decided by now() alone; the loader sets no timers",
      ).toBe(0);
      expect(requests()).toBe(2);
    } finally {
      setTimeoutSpy.mockRestore();
      setIntervalSpy.mockRestore();
    }
  });

  it("is fresh until ttlMs after the response arrived, not after the request was sent", async () => {
    const held = hold(SECRET_ID);
    const clock = manualClock(0);
    const secrets = loader({ ttlMs: 5000, now: clock.now });

    const first = secrets.get({ secretId: SECRET_ID });
    await flush();
    clock.time = 1000; // the response takes a second
    held[0]?.resolve({ SecretString: "version-1" });
    expect((await first).reveal()).toBe("version-1");

    clock.time = 5999;
    expect((await secrets.get({ secretId: SECRET_ID })).reveal()).toBe("version-1");
    expect(requests(), "4999 ms after the response: still fresh").toBe(1);

    clock.time = 6000;
    const refreshed = secrets.get({ secretId: SECRET_ID });
    await flush();
    expect(requests(), "5000 ms after the response: expired").toBe(2);
    held[1]?.resolve({ SecretString: "version-2" });
    expect((await refreshed).reveal(), "the refreshed value (a rotation happened)").toBe(
      "version-2",
    );
  });

  it.each([
    ["undefined", undefined],
    ["null", null],
  ])("defaults to a TTL of 300 000 ms (five minutes), for ttlMs: %s", async (_label, ttlMs) => {
    answer(SECRET_ID, { SecretString: PLAIN });
    const clock = manualClock(1_000_000);
    const secrets = loader({ now: clock.now, ttlMs: ttlMs as undefined });

    await secrets.get({ secretId: SECRET_ID });
    clock.time += DEFAULT_TTL_MS - 1;
    await secrets.get({ secretId: SECRET_ID });
    expect(requests(), "one millisecond before five minutes").toBe(1);
    clock.time += 1;
    await secrets.get({ secretId: SECRET_ID });
    expect(requests(), "at five minutes").toBe(2);
    expect(DEFAULT_TTL_MS).toBe(300_000);
  });

  it.each([
    ["undefined", undefined],
    ["null", null],
  ])(
    "reads Date.now by default (now: %s), at each reading: a clock faked after construction is seen",
    async (_label, now) => {
      answer(SECRET_ID, { SecretString: PLAIN });
      const secrets = loader({ ttlMs: 60_000, now: now as undefined });
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(new Date("2026-06-01T12:00:00.000Z"));

      await secrets.get({ secretId: SECRET_ID });
      vi.setSystemTime(new Date("2026-06-01T12:00:59.999Z"));
      await secrets.get({ secretId: SECRET_ID });
      expect(requests()).toBe(1);
      vi.setSystemTime(new Date("2026-06-01T12:01:00.000Z"));
      await secrets.get({ secretId: SECRET_ID });
      expect(requests()).toBe(2);
    },
  );

  it("sends a request for every get with ttlMs: 0", async () => {
    answer(SECRET_ID, { SecretString: PLAIN });
    const secrets = loader({ ttlMs: 0, now: manualClock(5).now });

    for (let i = 0; i < 3; i++)
      expect((await secrets.get({ secretId: SECRET_ID })).reveal()).toBe(PLAIN);

    expect(requests()).toBe(3);
  });

  it.each([
    { label: "ttlMs: 0", ttlMs: 0 },
    { label: "ttlMs: 60000", ttlMs: 60_000 },
  ])(
    "treats a value as expired when the clock goes back past its fetchedAt ($label)",
    async ({ ttlMs }) => {
      answer(SECRET_ID, { SecretString: PLAIN });
      const clock = manualClock(1_000_000);
      const secrets = loader({ ttlMs, now: clock.now });

      await secrets.get({ secretId: SECRET_ID });
      clock.time = 999_999; // stepped back 1 ms: the age is -1, which says nothing about the value
      expect((await secrets.get({ secretId: SECRET_ID })).reveal()).toBe(PLAIN);

      expect(
        requests(),
        "the README: fresh while 0 ≤ now() − fetchedAt < ttlMs; a negative age is expired",
      ).toBe(2);
    },
  );

  it("serves from memory again after the refresh that a clock gone back caused", async () => {
    answer(SECRET_ID, { SecretString: PLAIN });
    const clock = manualClock(1_000_000);
    const secrets = loader({ ttlMs: 60_000, now: clock.now });

    await secrets.get({ secretId: SECRET_ID });
    clock.time = 500_000;
    await secrets.get({ secretId: SECRET_ID });
    clock.time = 559_999; // 59 999 ms after the refresh arrived
    await secrets.get({ secretId: SECRET_ID });

    expect(requests(), "the refreshed value's fetchedAt is the new now()").toBe(2);
  });

  it("accepts any object with a send method as client: a plain object, no instanceof", async () => {
    const inputs: unknown[] = [];
    const plain = {
      async send(command: GetSecretValueCommand) {
        expect(command).toBeInstanceOf(GetSecretValueCommand);
        inputs.push(command.input);
        return sampleSecretValue(SECRET_ID, { SecretString: PLAIN });
      },
    };
    const secrets = new SecretsLoader({
      client: plain as unknown as SecretsManagerClient,
      env: {},
    });

    const secret = await secrets.get({ secretId: SECRET_ID });

    expect(secret.reveal()).toBe(PLAIN);
    expect(inputs, "the plain client was sent the request").toEqual([{ SecretId: SECRET_ID }]);
    expect(requests(), "and the SDK client was not").toBe(0);
  });

  it("calls send as a method of the client: a class-based client whose send uses this works", async () => {
    class WrappingClient {
      readonly inputs: unknown[] = [];
      readonly #answer = sampleSecretValue(SECRET_ID, { SecretString: PLAIN });
      async send(command: GetSecretValueCommand) {
        this.inputs.push(command.input);
        return this.#answer;
      }
    }
    const wrapper = new WrappingClient();
    const secrets = new SecretsLoader({
      client: wrapper as unknown as SecretsManagerClient,
      env: {},
    });

    const secret = await secrets.get({ secretId: SECRET_ID }).catch((error: Error) => {
      throw new Error(
        `the README: send is called as client.send(command), with this the client; get rejected with: ${error.message}`,
      );
    });

    expect(secret.reveal()).toBe(PLAIN);
    expect(wrapper.inputs, "the wrapper's own send, called on the wrapper").toEqual([
      { SecretId: SECRET_ID },
    ]);
  });

  it("accepts a function that has a send method as client", async () => {
    const inputs: unknown[] = [];
    const callable = Object.assign(() => undefined, {
      async send(command: GetSecretValueCommand) {
        inputs.push(command.input);
        return sampleSecretValue(SECRET_ID, { SecretString: PLAIN });
      },
    });
    const secrets = new SecretsLoader({
      client: callable as unknown as SecretsManagerClient,
      env: {},
    });

    const secret = await secrets.get({ secretId: SECRET_ID });

    expect(secret.reveal(), "the README: a function with a send method is a client").toBe(PLAIN);
    expect(inputs).toEqual([{ SecretId: SECRET_ID }]);
  });

  it("keeps a cache per loader: another loader with its own client sends its own request", async () => {
    const clientFor = (value: string) => {
      const inputs: unknown[] = [];
      const own = {
        inputs,
        async send(command: GetSecretValueCommand) {
          inputs.push(command.input);
          return sampleSecretValue(SECRET_ID, { SecretString: value });
        },
      };
      return own;
    };
    const accountA = clientFor("value-from-account-a");
    const accountB = clientFor("value-from-account-b");
    const loaderA = new SecretsLoader({
      client: accountA as unknown as SecretsManagerClient,
      env: {},
    });
    const loaderB = new SecretsLoader({
      client: accountB as unknown as SecretsManagerClient,
      env: {},
    });

    expect((await loaderA.get({ secretId: SECRET_ID })).reveal()).toBe("value-from-account-a");
    const fromB = await loaderB.get({ secretId: SECRET_ID });

    expect(
      fromB.reveal(),
      "the README: each loader has its own cache; loader B never gets the value loader A fetched",
    ).toBe("value-from-account-b");
    expect(accountB.inputs, "loader B sent its own request, through its own client").toEqual([
      { SecretId: SECRET_ID },
    ]);
    expect(accountA.inputs, "loader A's client was asked once, by loader A").toHaveLength(1);
  });

  it("looks send up on the client at each request: a send replaced after construction is called", async () => {
    const calls: string[] = [];
    const wrapper = {
      async send(_command: GetSecretValueCommand): Promise<unknown> {
        calls.push("original");
        return sampleSecretValue(SECRET_ID, { SecretString: "from-the-original" });
      },
    };
    const secrets = new SecretsLoader({
      client: wrapper as unknown as SecretsManagerClient,
      env: {},
      ttlMs: 0,
    });
    await secrets.get({ secretId: SECRET_ID });

    wrapper.send = async () => {
      calls.push("replacement");
      return sampleSecretValue(SECRET_ID, { SecretString: "from-the-replacement" });
    };
    const secret = await secrets.get({ secretId: SECRET_ID });

    expect(
      calls,
      "the README: send is looked up at each request, never kept from the constructor",
    ).toEqual(["original", "replacement"]);
    expect(secret.reveal()).toBe("from-the-replacement");
  });

  it.each([
    ["no client", undefined],
    ["null", null],
    ["an object without send", {}],
    ["an object whose send is a number", { send: 42 }],
    ["an object whose send is undefined", { send: undefined }],
    ["an object whose send is a string", { send: "send" }],
  ])("refuses %s as client with a TypeError naming client", (_label, bad) => {
    const options = { client: bad as unknown as SecretsManagerClient, env: {} };

    expect(() => new SecretsLoader(options)).toThrow(TypeError);
    expect(() => new SecretsLoader(options)).toThrow(/client/);
  });

  it.each([
    ["an object without send", {}],
    ["null", null],
  ])(
    "checks client before ttlMs: %s as client and ttlMs: -1 throw the TypeError",
    (_label, bad) => {
      const options = { client: bad as unknown as SecretsManagerClient, env: {}, ttlMs: -1 };

      expect(
        () => new SecretsLoader(options),
        "the README: client is checked first, so a bad client wins over a bad ttlMs",
      ).toThrow(TypeError);
      expect(() => new SecretsLoader(options)).toThrow(/client/);
    },
  );

  it.each([
    ["Number.MAX_SAFE_INTEGER + 2", Number.MAX_SAFE_INTEGER + 2],
    ["1e300", 1e300],
  ])(
    "accepts an integer ttlMs beyond the safe range (%s): a value kept in practice forever",
    async (_label, ttlMs) => {
      answer(SECRET_ID, { SecretString: PLAIN });
      const clock = manualClock(0);
      const secrets = loader({ ttlMs, now: clock.now });

      await secrets.get({ secretId: SECRET_ID });
      clock.time = 4_000_000_000_000; // about a century and a quarter later
      expect((await secrets.get({ secretId: SECRET_ID })).reveal()).toBe(PLAIN);
      expect(
        requests(),
        "the README: any integer >= 0 is a ttlMs (Number.isInteger), however large",
      ).toBe(1);
    },
  );

  it.each([
    ["no options at all", undefined],
    ["null options", null],
  ])("refuses %s with a TypeError naming client", (_label, options) => {
    expect(() => new SecretsLoader(options as unknown as SecretsLoaderOptions)).toThrow(TypeError);
    expect(() => new SecretsLoader(options as unknown as SecretsLoaderOptions)).toThrow(/client/);
  });

  it("accepts ttlMs: -0 as 0: never served from memory", async () => {
    answer(SECRET_ID, { SecretString: PLAIN });
    let secrets: SecretsLoader | undefined;
    expect(() => {
      secrets = loader({ ttlMs: -0, now: manualClock(5).now });
    }, "the README: -0 is the integer 0, not a negative number").not.toThrow();

    for (let i = 0; i < 3; i++)
      expect((await secrets?.get({ secretId: SECRET_ID }))?.reveal()).toBe(PLAIN);
    expect(requests(), "the README: ttlMs: -0 is ttlMs: 0, so every get sends a request").toBe(3);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0.5])(
    "refuses ttlMs %s with a RangeError naming ttlMs",
    (ttlMs) => {
      expect(() => loader({ ttlMs })).toThrow(RangeError);
      expect(() => loader({ ttlMs })).toThrow(/ttlMs/);
    },
  );

  it.each([
    ['the string "5"', "5"],
    ['the string "0"', "0"],
    ["the empty string", ""],
    ["true", true],
  ])("refuses a ttlMs that is not a number (%s), never converted to one", (_label, ttlMs) => {
    const build = () => loader({ ttlMs: ttlMs as unknown as number });
    expect(build, 'the README: a ttlMs that is not a number ("5") throws a RangeError').toThrow(
      RangeError,
    );
    expect(build).toThrow(/ttlMs/);
  });
});

describe("step 7 — one refresh for many callers", () => {
  it("leaves no unhandled rejection behind when the one request fails for many callers", async () => {
    const held = hold(SECRET_ID);
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", listener);
    try {
      const secrets = loader();
      const callers = [1, 2, 3].map(() => rejection(secrets.get({ secretId: SECRET_ID })));
      await flush();
      held[0]?.reject(secretsManagerErrors.throttling());

      const errors = await Promise.all(callers);
      // Node reports a promise nobody handles once the microtasks are done: wait past that.
      await flush();
      await flush();

      expect(held.length, "one request for the three callers").toBe(1);
      for (const error of errors) expect(error).toBeInstanceOf(SecretThrottledError);
      expect(
        unhandled,
        "the README: a failed request leaves no other rejected promise that nobody handles (a detached request.finally(...) does)",
      ).toEqual([]);
    } finally {
      process.off("unhandledRejection", listener);
    }
  });

  it("keeps the requests in flight per loader: two loaders asking at once send two requests", async () => {
    const heldClient = () => {
      const pending: Array<(value: string) => void> = [];
      return {
        pending,
        send(_command: GetSecretValueCommand) {
          return new Promise((resolve) => {
            pending.push((value) => resolve(sampleSecretValue(SECRET_ID, { SecretString: value })));
          });
        },
      };
    };
    const accountA = heldClient();
    const accountB = heldClient();
    const loaderA = new SecretsLoader({
      client: accountA as unknown as SecretsManagerClient,
      env: {},
    });
    const loaderB = new SecretsLoader({
      client: accountB as unknown as SecretsManagerClient,
      env: {},
    });

    const fromA = loaderA.get({ secretId: SECRET_ID });
    const fromB = loaderB.get({ secretId: SECRET_ID });
    await flush();
    const sentByA = accountA.pending.length;
    const sentByB = accountB.pending.length;
    // Settle whatever was sent before asserting, so a wrong solution leaves nothing in flight.
    for (const settle of accountB.pending) settle("value-from-account-b");
    for (const settle of accountA.pending) settle("value-from-account-a");
    const [secretA, secretB] = await Promise.all([fromA, fromB]);

    expect(sentByA, "loader A sends one request through its client").toBe(1);
    expect(
      sentByB,
      "the README: each loader has its own requests in flight; loader B never joins loader A's request",
    ).toBe(1);
    expect(secretA.reveal()).toBe("value-from-account-a");
    expect(secretB.reveal(), "loader B gets its own client's value").toBe("value-from-account-b");
  });

  it("sends one request for many callers on a cold start, and gives all of them its value", async () => {
    const held = hold(SECRET_ID);
    const secrets = loader();

    const callers = Array.from({ length: 25 }, (_, i) =>
      secrets.get({ secretId: SECRET_ID, key: i % 2 === 0 ? "password" : "username" }),
    );
    await flush();
    expect(requests(), "25 callers at once: one GetSecretValue").toBe(1);
    held[0]?.resolve({ SecretString: JSON.stringify(DB_SECRET) });

    const values = (await Promise.all(callers)).map((secret) => secret.reveal());
    expect(values.filter((value) => value === PASSWORD)).toHaveLength(13);
    expect(values.filter((value) => value === "orders_app")).toHaveLength(12);
  });

  it("reads the clock once when the shared response arrives, however many gets wait: that reading is fetchedAt", async () => {
    const held = hold(SECRET_ID);
    let reading = 0;
    const now = vi.fn(() => {
      reading += 1_000; // every reading differs from the last
      return reading;
    });
    const ttlMs = 10_000;
    const secrets = loader({ ttlMs, now });

    const callers = Array.from({ length: 4 }, () => secrets.get({ secretId: SECRET_ID }));
    await flush();
    expect(inFlight(held), "4 gets at once: one request").toBe(1);
    const beforeResponse = now.mock.calls.length;
    held[0]?.resolve({ SecretString: PLAIN });
    for (const secret of await Promise.all(callers)) expect(secret.reveal()).toBe(PLAIN);

    expect(
      now.mock.calls.length - beforeResponse,
      "the README: the request reads now() exactly once more when its response arrives; no waiting get reads it after that",
    ).toBe(1);
    const fetchedAt = now.mock.results[beforeResponse]?.value as number;

    now.mockImplementation(() => fetchedAt + ttlMs - 1);
    await secrets.get({ secretId: SECRET_ID });
    expect(
      requests(),
      "ttlMs − 1 after the one reading taken when the response arrived: fresh",
    ).toBe(1);
    now.mockImplementation(() => fetchedAt + ttlMs);
    answer(SECRET_ID, { SecretString: PLAIN });
    await secrets.get({ secretId: SECRET_ID });
    expect(
      requests(),
      "ttlMs after that reading: expired (fetchedAt is the request's one reading, not a later get's)",
    ).toBe(2);
  });

  it("refreshes an expired value once, and no caller gets the expired value meanwhile", async () => {
    const held = hold(SECRET_ID);
    const clock = manualClock(0);
    const secrets = loader({ ttlMs: 1000, now: clock.now });
    const warm = secrets.get({ secretId: SECRET_ID });
    await flush();
    held[0]?.resolve({ SecretString: "old-value" });
    await warm;

    clock.time = 1000;
    const settled: string[] = [];
    const early = Array.from({ length: 10 }, () =>
      secrets.get({ secretId: SECRET_ID }).then((secret) => {
        settled.push(secret.reveal());
        return secret;
      }),
    );
    await flush();
    const late = secrets.get({ secretId: SECRET_ID }); // arrives while the refresh is in flight
    await flush();

    expect(requests(), "ten callers after expiry, and one more: one refresh").toBe(2);
    expect(inFlight(held)).toBe(1);
    expect(settled, "while the refresh is in flight, callers wait: no expired value").toEqual([]);

    held[1]?.resolve({ SecretString: "new-value" });
    const values = await Promise.all([...early, late]);
    expect(values.map((secret) => secret.reveal())).toEqual(Array(11).fill("new-value"));
    expect((await secrets.get({ secretId: SECRET_ID })).reveal()).toBe("new-value");
    expect(requests(), "the refreshed value is cached").toBe(2);
  });

  it("rejects every waiting caller when the shared request fails, logs it once, then tries again", async () => {
    const held = hold(SECRET_ID);
    const { lines, logger } = recordingLogger();
    const secrets = loader({ logger });

    const callers = Array.from({ length: 8 }, () =>
      rejection(secrets.get({ secretId: SECRET_ID })),
    );
    await flush();
    expect(requests()).toBe(1);
    held[0]?.reject(secretsManagerErrors.throttling());

    for (const error of await Promise.all(callers))
      expect(error).toBeInstanceOf(SecretThrottledError);
    expect(
      lines.filter(([level]) => level === "warn"),
      "one failed request, one warn",
    ).toHaveLength(1);

    const retry = secrets.get({ secretId: SECRET_ID });
    await flush();
    expect(requests(), "the failure was not cached: a new request").toBe(2);
    held[1]?.resolve({ SecretString: PLAIN });
    expect((await retry).reveal()).toBe(PLAIN);
  });

  it("does not serve the expired value when the refresh fails", async () => {
    sm.on(GetSecretValueCommand, { SecretId: SECRET_ID }, true)
      .resolvesOnce(sampleSecretValue(SECRET_ID, { SecretString: "old-value" }))
      .rejectsOnce(secretsManagerErrors.internalServiceError())
      .resolves(sampleSecretValue(SECRET_ID, { SecretString: "new-value" }));
    const clock = manualClock(0);
    const secrets = loader({ ttlMs: 1000, now: clock.now });
    await secrets.get({ secretId: SECRET_ID });

    clock.time = 1500;
    const error = await rejection(secrets.get({ secretId: SECRET_ID }));
    expect(error).toBeInstanceOf(SecretsLoaderError);
    expect((error as SecretsLoaderError).retryable).toBe(true);

    expect((await secrets.get({ secretId: SECRET_ID })).reveal()).toBe("new-value");
    expect(requests()).toBe(3);
  });

  it("drops the cached value when a refresh fails: a clock stepped back then does not bring it back", async () => {
    sm.on(GetSecretValueCommand, { SecretId: SECRET_ID }, true)
      .resolvesOnce(sampleSecretValue(SECRET_ID, { SecretString: "old-value" }))
      .rejectsOnce(secretsManagerErrors.internalServiceError())
      .resolves(sampleSecretValue(SECRET_ID, { SecretString: "new-value" }));
    const clock = manualClock(0);
    const secrets = loader({ ttlMs: 100, now: clock.now });
    await secrets.get({ secretId: SECRET_ID });

    clock.time = 150;
    await expect(secrets.get({ secretId: SECRET_ID })).rejects.toThrow(SecretsLoaderError);
    clock.time = 50; // the old value's age is 50 ms again, inside ttlMs

    const secret = await secrets.get({ secretId: SECRET_ID });
    expect(
      secret.reveal(),
      "the README: a failed request removes the cached value, so the next get sends a request",
    ).toBe("new-value");
    expect(requests()).toBe(3);
  });

  it("drops the cached value when a refresh answers neither SecretString nor SecretBinary", async () => {
    sm.on(GetSecretValueCommand, { SecretId: SECRET_ID }, true)
      .resolvesOnce(sampleSecretValue(SECRET_ID, { SecretString: "old-value" }))
      .resolvesOnce({
        ...sampleSecretValue(SECRET_ID),
        SecretString: undefined,
        SecretBinary: undefined,
      })
      .resolves(sampleSecretValue(SECRET_ID, { SecretString: "new-value" }));
    const clock = manualClock(0);
    const secrets = loader({ ttlMs: 100, now: clock.now });
    await secrets.get({ secretId: SECRET_ID });

    clock.time = 150;
    await expect(secrets.get({ secretId: SECRET_ID })).rejects.toThrow(SecretFormatError);
    clock.time = 50; // the old value's age is 50 ms again, inside ttlMs

    const secret = await secrets.get({ secretId: SECRET_ID });
    expect(
      secret.reveal(),
      "the README: a response with neither field is a failed request, and a failed request removes the cached value",
    ).toBe("new-value");
    expect(requests()).toBe(3);
  });

  it("gives every caller waiting on a failed request the same error object", async () => {
    const held = hold(SECRET_ID);
    const secrets = loader();
    const callers = Array.from({ length: 3 }, () =>
      rejection(secrets.get({ secretId: SECRET_ID })),
    );
    await flush();
    held[0]?.reject(secretsManagerErrors.secretNotFound());

    const [first, ...others] = await Promise.all(callers);
    for (const other of others) {
      expect(other, "the README: every waiting caller rejects with the same error object").toBe(
        first,
      );
    }
  });

  it("serves the old value without waiting when the clock goes back within ttlMs during a refresh", async () => {
    const held = hold(SECRET_ID);
    const clock = manualClock(0);
    const secrets = loader({ ttlMs: 100, now: clock.now });
    const cold = secrets.get({ secretId: SECRET_ID });
    await flush();
    held[0]?.resolve({ SecretString: "old-value" });
    await cold;

    clock.time = 150;
    const refresh = secrets.get({ secretId: SECRET_ID });
    await flush();
    expect(requests(), "the expired value is refreshed").toBe(2);
    clock.time = 50; // the old value's age is 50 ms again, inside ttlMs

    const during = await secrets.get({ secretId: SECRET_ID });
    expect(
      during.reveal(),
      "the README: expiry is judged by the now() of each get, so a value fresh again is served while the refresh is in flight",
    ).toBe("old-value");
    expect(requests(), "no second request").toBe(2);

    held[1]?.resolve({ SecretString: "new-value" });
    expect((await refresh).reveal(), "the refresh's caller gets the new value").toBe("new-value");
    expect((await secrets.get({ secretId: SECRET_ID })).reveal()).toBe("new-value");
    expect(requests()).toBe(2);
  });

  it("does not make one secret wait for another", async () => {
    const a = hold("prod/a");
    const b = hold("prod/b");
    const secrets = loader();

    const getA = secrets.get({ secretId: "prod/a" });
    const getB = secrets.get({ secretId: "prod/b" });
    await flush();

    expect(inFlight(a) + inFlight(b), "both requests in flight at once").toBe(2);
    b[0]?.resolve({ SecretString: "value-b" });
    expect((await getB).reveal(), "b does not wait for a").toBe("value-b");
    a[0]?.resolve({ SecretString: "value-a" });
    expect((await getA).reveal()).toBe("value-a");
  });

  it("still shares one request between concurrent callers with ttlMs: 0", async () => {
    const held = hold(SECRET_ID);
    const secrets = loader({ ttlMs: 0 });

    const callers = Array.from({ length: 5 }, () => secrets.get({ secretId: SECRET_ID }));
    await flush();
    expect(requests()).toBe(1);
    held[0]?.resolve({ SecretString: PLAIN });
    for (const secret of await Promise.all(callers)) expect(secret.reveal()).toBe(PLAIN);

    const after = secrets.get({ secretId: SECRET_ID });
    await flush();
    expect(requests(), "after it settled, nothing is cached: a new request").toBe(2);
    held[1]?.resolve({ SecretString: PLAIN });
    await after;
  });
});
