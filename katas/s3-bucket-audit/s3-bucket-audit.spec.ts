import {
  type Bucket,
  GetBucketEncryptionCommand,
  GetBucketLocationCommand,
  GetBucketPolicyStatusCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  ListBucketsCommand,
  type PublicAccessBlockConfiguration,
  S3Client,
} from "@aws-sdk/client-s3";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { useMockedClient } from "../../fixtures/helpers/aws/client";
import { answerExactly, mockPagesExactly, RequestLog } from "../../fixtures/helpers/aws/exact";
import {
  s3Error,
  s3Errors,
  sampleBucket,
  sampleEncryption,
  samplePublicAccessBlock,
} from "../../fixtures/helpers/aws/s3";
import {
  auditBucket,
  auditBuckets,
  type BucketFinding,
  effectivePublicAccessBlock,
  regionFromLocation,
  type S3AuditOptions,
} from "./s3-bucket-audit";

const s3Mock = useMockedClient(S3Client);
const CREDENTIALS = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};
const s3 = new S3Client({ region: "us-east-1", credentials: CREDENTIALS });

const CHECK_COMMANDS = {
  "public-access-block": GetPublicAccessBlockCommand,
  "policy-status": GetBucketPolicyStatusCommand,
  encryption: GetBucketEncryptionCommand,
  versioning: GetBucketVersioningCommand,
} as const;
type CheckName = keyof typeof CHECK_COMMANDS;

/**
 * Every request, its input copied when it is sent (a paginator changes one input object between
 * pages, and a solution may reuse one for several buckets: recorded calls cannot be read later).
 */
const log = new RequestLog();

beforeEach(() => {
  log.clear();
  // Any request that no test set up fails loudly, with the input it was sent.
  const commands = [ListBucketsCommand, GetBucketLocationCommand, ...Object.values(CHECK_COMMANDS)];
  for (const command of commands as (typeof GetBucketLocationCommand)[]) {
    s3Mock.on(command).callsFake((input: object, getClient: () => unknown) => {
      log.record(command.name, input, getClient());
      throw new Error(`unexpected ${command.name} input: ${JSON.stringify(input)}`);
    });
  }
});

/** What S3 answers one bucket's four checks; the defaults are a well-configured bucket. */
interface BucketState {
  /** Its own public access block; null: NoSuchPublicAccessBlockConfiguration. */
  block?: PublicAccessBlockConfiguration | null | Error;
  /**
   * PolicyStatus.IsPublic; null: NoSuchBucketPolicy (no policy at all); "absent": no PolicyStatus;
   * any other value is sent as it is (a loose mock's "true").
   */
  isPublic?: boolean | null | "absent" | Error | string | number;
  /** The GetBucketEncryption answer; null: ServerSideEncryptionConfigurationNotFoundError. */
  encryption?: object | null | Error;
  /** The versioning Status; null: never enabled (S3 answers without a Status). */
  versioning?: string | null | Error;
}

/**
 * Sets up S3's answers to the four checks of `name`. A request for `name` that is not exactly
 * `{ Bucket: name }` when it is sent is refused with an error that names it.
 */
function answers(name: string, state: BucketState = {}) {
  const {
    block = samplePublicAccessBlock(),
    isPublic = false,
    encryption = sampleEncryption(),
    versioning = "Enabled",
  } = state;
  const answer = (check: CheckName, outcome: object) =>
    answerExactly(
      s3Mock,
      CHECK_COMMANDS[check] as typeof GetPublicAccessBlockCommand,
      { Bucket: name },
      outcome,
      log,
    );

  if (block instanceof Error) answer("public-access-block", block);
  else if (block === null)
    answer("public-access-block", s3Errors.noSuchPublicAccessBlockConfiguration(name));
  else answer("public-access-block", { PublicAccessBlockConfiguration: block });

  if (isPublic === null) answer("policy-status", s3Errors.noSuchBucketPolicy(name));
  else if (isPublic === "absent") answer("policy-status", {});
  else if (isPublic instanceof Error) answer("policy-status", isPublic);
  else answer("policy-status", { PolicyStatus: { IsPublic: isPublic } });

  if (encryption === null)
    answer("encryption", s3Errors.serverSideEncryptionConfigurationNotFound(name));
  else answer("encryption", encryption);

  answer(
    "versioning",
    versioning === null ? {} : versioning instanceof Error ? versioning : { Status: versioning },
  );
}

/** Answers GetBucketLocation for `bucket` (sent exactly `{ Bucket }`) with a constraint or an error. */
const location = (bucket: string, outcome: { LocationConstraint?: string | null } | Error) =>
  answerExactly(s3Mock, GetBucketLocationCommand, { Bucket: bucket }, outcome as never, log);

const finding = (
  bucket: string,
  check: BucketFinding["check"],
  issue: BucketFinding["issue"],
  severity: BucketFinding["severity"],
  extra: Partial<BucketFinding> = {},
): BucketFinding => ({ bucket, region: "us-east-1", check, issue, severity, ...extra });

const ALL_FLAGS = [
  "BlockPublicAcls",
  "IgnorePublicAcls",
  "BlockPublicPolicy",
  "RestrictPublicBuckets",
];
const notBlocked = (bucket: string, missingFlags = ALL_FLAGS, extra: Partial<BucketFinding> = {}) =>
  finding(bucket, "public-access-block", "not-fully-blocked", "high", {
    missingFlags,
    ...extra,
  } as Partial<BucketFinding>);
const denied = (
  bucket: string,
  check: BucketFinding["check"],
  extra: Partial<BucketFinding> = {},
) => finding(bucket, check, "access-denied", "medium", { errorCode: "AccessDenied", ...extra });

/** The requests of one command, as they were when sent. */
const sentOf = (command: { name: string }) =>
  log.sent.filter((request) => request.command === command.name);

describe("step 1 — where a bucket lives", () => {
  it.each([
    [null, "us-east-1"],
    [undefined, "us-east-1"],
    ["", "us-east-1"],
    ["EU", "eu-west-1"],
    ["eu-west-1", "eu-west-1"],
    ["ap-southeast-2", "ap-southeast-2"],
    ["us-east-2", "us-east-2"],
  ])("reads the LocationConstraint %j as %s", (constraint, region) => {
    expect(regionFromLocation(constraint)).toBe(region);
  });
});

describe("step 2 — the effective public access block", () => {
  const none = {
    BlockPublicAcls: false,
    IgnorePublicAcls: false,
    BlockPublicPolicy: false,
    RestrictPublicBuckets: false,
  };
  const all = {
    BlockPublicAcls: true,
    IgnorePublicAcls: true,
    BlockPublicPolicy: true,
    RestrictPublicBuckets: true,
  };

  it("has nothing in force without a bucket block or an account block", () => {
    expect(effectivePublicAccessBlock(null, null)).toEqual(none);
    expect(effectivePublicAccessBlock(undefined, undefined)).toEqual(none);
    expect(effectivePublicAccessBlock({}, {})).toEqual(none);
  });

  it("applies a full block from either the bucket or the account", () => {
    expect(effectivePublicAccessBlock(samplePublicAccessBlock(), null)).toEqual(all);
    expect(effectivePublicAccessBlock(null, samplePublicAccessBlock())).toEqual(all);
  });

  it("puts a setting in force when either of them sets it, setting by setting", () => {
    const bucket = { BlockPublicAcls: true, IgnorePublicAcls: false };
    const account = {
      IgnorePublicAcls: true,
      BlockPublicPolicy: false,
      RestrictPublicBuckets: true,
    };

    expect(effectivePublicAccessBlock(bucket, account)).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: false,
      RestrictPublicBuckets: true,
    });
  });

  it("lets a false in the account not undo a true in the bucket", () => {
    const account = samplePublicAccessBlock({
      BlockPublicAcls: false,
      IgnorePublicAcls: false,
      BlockPublicPolicy: false,
      RestrictPublicBuckets: false,
    });

    expect(effectivePublicAccessBlock(samplePublicAccessBlock(), account)).toEqual(all);
  });

  it("counts only true as set (a string or a 1 read from a config file is not)", () => {
    const loose = {
      BlockPublicAcls: "true",
      IgnorePublicAcls: 1,
    } as unknown as PublicAccessBlockConfiguration;

    expect(effectivePublicAccessBlock(loose, loose)).toEqual(none);
  });
});

describe("step 3 — one bucket's checks", () => {
  it("finds nothing in a well-configured bucket, asking about that bucket only", async () => {
    answers("reports");

    await expect(auditBucket(s3, "reports", "us-east-1")).resolves.toEqual([]);
    for (const command of Object.values(CHECK_COMMANDS)) {
      expect(log.inputsOf(command), `one ${command.name} request, exactly { Bucket }`).toEqual([
        { Bucket: "reports" },
      ]);
      expect(sentOf(command)[0]?.client, "sent through the client given").toBe(s3);
    }
  });

  it("reports a bucket without a public access block as not fully blocked, listing the four settings", async () => {
    answers("reports", { block: null });

    await expect(auditBucket(s3, "reports", "us-east-1")).resolves.toEqual([notBlocked("reports")]);
  });

  it("lists the settings not in force, in S3's order", async () => {
    answers("reports", {
      block: { RestrictPublicBuckets: false, BlockPublicPolicy: true, IgnorePublicAcls: true },
    });

    await expect(auditBucket(s3, "reports", "us-east-1")).resolves.toEqual([
      notBlocked("reports", ["BlockPublicAcls", "RestrictPublicBuckets"]),
    ]);
  });

  it("honours the account's block: it fills the gaps of the bucket's", async () => {
    answers("open", { block: null });
    answers("half", { block: { BlockPublicAcls: true, IgnorePublicAcls: true } });
    const account = { BlockPublicPolicy: true, RestrictPublicBuckets: true };

    await expect(auditBucket(s3, "open", "us-east-1", samplePublicAccessBlock())).resolves.toEqual(
      [],
    );
    await expect(auditBucket(s3, "half", "us-east-1", account)).resolves.toEqual([]);
    await expect(auditBucket(s3, "open", "us-east-1", account)).resolves.toEqual([
      notBlocked("open", ["BlockPublicAcls", "IgnorePublicAcls"]),
    ]);
  });

  it("reports a public bucket policy as critical when RestrictPublicBuckets is not in force", async () => {
    answers("website", {
      isPublic: true,
      block: samplePublicAccessBlock({ RestrictPublicBuckets: false }),
    });

    await expect(auditBucket(s3, "website", "us-east-1")).resolves.toEqual([
      notBlocked("website", ["RestrictPublicBuckets"]),
      finding("website", "policy-status", "public", "critical"),
    ]);
  });

  it("reports a public policy that RestrictPublicBuckets neutralises as low, from the bucket or the account", async () => {
    answers("restricted", { isPublic: true });
    answers("by-account", { isPublic: true, block: null });

    await expect(auditBucket(s3, "restricted", "us-east-1")).resolves.toEqual([
      finding("restricted", "policy-status", "public-but-restricted", "low"),
    ]);
    await expect(
      auditBucket(s3, "by-account", "us-east-1", { RestrictPublicBuckets: true }),
    ).resolves.toEqual([
      notBlocked("by-account", ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy"]),
      finding("by-account", "policy-status", "public-but-restricted", "low"),
    ]);
  });

  it("finds nothing about a policy that is not public, or no policy at all", async () => {
    answers("private", { isPublic: false });
    answers("no-policy", { isPublic: null });
    answers("no-status", { isPublic: "absent" });

    await expect(auditBucket(s3, "private", "us-east-1")).resolves.toEqual([]);
    await expect(auditBucket(s3, "no-policy", "us-east-1")).resolves.toEqual([]);
    await expect(auditBucket(s3, "no-status", "us-east-1")).resolves.toEqual([]);
  });

  it("counts a policy as public only when IsPublic is exactly true", async () => {
    answers("loose-string", { isPublic: "true", block: null });
    answers("loose-number", { isPublic: 1, block: null });

    await expect(auditBucket(s3, "loose-string", "us-east-1")).resolves.toEqual([
      notBlocked("loose-string"),
    ]);
    await expect(auditBucket(s3, "loose-number", "us-east-1")).resolves.toEqual([
      notBlocked("loose-number"),
    ]);
  });

  it("accepts SSE-S3 and SSE-KMS default encryption", async () => {
    answers("s3-managed", { encryption: sampleEncryption("AES256") });
    answers("kms", { encryption: sampleEncryption("aws:kms") });

    await expect(auditBucket(s3, "s3-managed", "us-east-1")).resolves.toEqual([]);
    await expect(auditBucket(s3, "kms", "us-east-1")).resolves.toEqual([]);
  });

  it("accepts default encryption in any rule, not only the first", async () => {
    const secondRule = {
      ServerSideEncryptionConfiguration: {
        Rules: [
          { BucketKeyEnabled: true },
          { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms" } },
        ],
      },
    };
    answers("second-rule", { encryption: secondRule });

    await expect(auditBucket(s3, "second-rule", "us-east-1")).resolves.toEqual([]);
  });

  it.each([
    ["ServerSideEncryptionConfigurationNotFoundError", null],
    ["an answer without a configuration", {}],
    ["a configuration without rules", { ServerSideEncryptionConfiguration: { Rules: [] } }],
    [
      "rules without a default algorithm",
      { ServerSideEncryptionConfiguration: { Rules: [{ BucketKeyEnabled: true }] } },
    ],
    [
      "an empty SSEAlgorithm",
      {
        ServerSideEncryptionConfiguration: {
          Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "" } }],
        },
      },
    ],
  ])("reports a bucket without default encryption (%s) as medium", async (_, encryption) => {
    answers("legacy", { encryption });

    await expect(auditBucket(s3, "legacy", "us-east-1")).resolves.toEqual([
      finding("legacy", "encryption", "not-encrypted", "medium"),
    ]);
  });

  it("reports versioning never enabled and versioning suspended, both low", async () => {
    answers("never", { versioning: null });
    answers("paused", { versioning: "Suspended" });

    await expect(auditBucket(s3, "never", "us-east-1")).resolves.toEqual([
      finding("never", "versioning", "versioning-off", "low"),
    ]);
    await expect(auditBucket(s3, "paused", "us-east-1")).resolves.toEqual([
      finding("paused", "versioning", "versioning-suspended", "low"),
    ]);
  });

  it.each([[""], ["Disabled"], ["enabled"], ["SUSPENDED"]])(
    "reports the versioning Status %j as versioning-off (only Enabled and Suspended are known)",
    async (Status) => {
      answers("odd", { versioning: Status });

      await expect(auditBucket(s3, "odd", "us-east-1")).resolves.toEqual([
        finding("odd", "versioning", "versioning-off", "low"),
      ]);
    },
  );

  it("lists a bucket's findings in check order, with the region it was given", async () => {
    answers("everything-wrong", {
      block: null,
      isPublic: true,
      encryption: null,
      versioning: null,
    });

    await expect(auditBucket(s3, "everything-wrong", "eu-west-1")).resolves.toEqual([
      notBlocked("everything-wrong", ALL_FLAGS, { region: "eu-west-1" }),
      finding("everything-wrong", "policy-status", "public", "critical", { region: "eu-west-1" }),
      finding("everything-wrong", "encryption", "not-encrypted", "medium", { region: "eu-west-1" }),
      finding("everything-wrong", "versioning", "versioning-off", "low", { region: "eu-west-1" }),
    ]);
  });
});

describe("step 4 — when a check fails", () => {
  it.each(Object.keys(CHECK_COMMANDS) as CheckName[])(
    "reports AccessDenied on %s as a medium finding of its own, and still runs the other checks",
    async (check) => {
      const state: BucketState = { versioning: null };
      if (check === "public-access-block") state.block = s3Errors.accessDenied();
      if (check === "policy-status") state.isPublic = s3Errors.accessDenied();
      if (check === "encryption") state.encryption = s3Errors.accessDenied();
      if (check === "versioning") state.versioning = s3Errors.accessDenied();
      answers("locked", state);

      const findings = await auditBucket(s3, "locked", "us-east-1");

      const expected = [denied("locked", check)];
      if (check !== "versioning")
        expected.push(finding("locked", "versioning", "versioning-off", "low"));
      expect(findings).toEqual(expected);
    },
  );

  it("knows AccessDenied by its name, whatever the error's class", async () => {
    const plain = s3Error("AccessDenied", "Access Denied", 403);
    answers("plain", { encryption: plain });

    await expect(
      auditBucket(s3, "plain", "us-east-1"),
      "an S3ServiceException named AccessDenied",
    ).resolves.toEqual([denied("plain", "encryption")]);
  });

  it.each([
    ["throttling the SDK gave up on", s3Errors.slowDown(), "SlowDown"],
    ["a 5xx", s3Errors.internalError(), "InternalError"],
    [
      "a request sent to the wrong region",
      s3Errors.permanentRedirect("flaky"),
      "PermanentRedirect",
    ],
    [
      "an AccessDeniedException (the name other services use)",
      s3Error("AccessDeniedException", "User is not authorized to perform this action", 403),
      "AccessDeniedException",
    ],
    [
      "another 403 than AccessDenied",
      s3Error("AllAccessDisabled", "All access to this Amazon S3 resource has been disabled.", 403),
      "AllAccessDisabled",
    ],
  ])("reports %s as check-failed with the error's name", async (_, error, errorCode) => {
    answers("flaky", { encryption: error });

    await expect(auditBucket(s3, "flaky", "us-east-1")).resolves.toEqual([
      finding("flaky", "encryption", "check-failed", "medium", { errorCode }),
    ]);
  });

  it("reads each 'not configured' error only for its own check", async () => {
    answers("mixed-up", {
      block: s3Errors.noSuchBucketPolicy("mixed-up"),
      isPublic: s3Errors.serverSideEncryptionConfigurationNotFound("mixed-up"),
      encryption: s3Errors.noSuchPublicAccessBlockConfiguration("mixed-up"),
      versioning: s3Errors.noSuchBucketPolicy("mixed-up"),
    });

    await expect(auditBucket(s3, "mixed-up", "us-east-1")).resolves.toEqual([
      finding("mixed-up", "public-access-block", "check-failed", "medium", {
        errorCode: "NoSuchBucketPolicy",
      }),
      finding("mixed-up", "policy-status", "check-failed", "medium", {
        errorCode: "ServerSideEncryptionConfigurationNotFoundError",
      }),
      finding("mixed-up", "encryption", "check-failed", "medium", {
        errorCode: "NoSuchPublicAccessBlockConfiguration",
      }),
      finding("mixed-up", "versioning", "check-failed", "medium", {
        errorCode: "NoSuchBucketPolicy",
      }),
    ]);
  });

  it.each(Object.keys(CHECK_COMMANDS) as CheckName[])(
    "returns null when %s answers NoSuchBucket (the bucket was deleted meanwhile)",
    async (check) => {
      const gone = s3Errors.noSuchBucket("gone");
      const state: BucketState = {
        block: null,
        isPublic: true,
        encryption: null,
        versioning: null,
      };
      if (check === "public-access-block") state.block = gone;
      if (check === "policy-status") state.isPublic = gone;
      if (check === "encryption") state.encryption = gone;
      if (check === "versioning") state.versioning = gone;
      answers("gone", state);

      await expect(auditBucket(s3, "gone", "us-east-1")).resolves.toBeNull();
    },
  );

  it("counts an unreadable bucket block as none when judging a public policy", async () => {
    answers("unknown", { block: s3Errors.accessDenied(), isPublic: true });
    answers("unknown-but-account", { block: s3Errors.internalError(), isPublic: true });

    await expect(auditBucket(s3, "unknown", "us-east-1")).resolves.toEqual([
      denied("unknown", "public-access-block"),
      finding("unknown", "policy-status", "public", "critical"),
    ]);
    await expect(
      auditBucket(s3, "unknown-but-account", "us-east-1", { RestrictPublicBuckets: true }),
    ).resolves.toEqual([
      finding("unknown-but-account", "public-access-block", "check-failed", "medium", {
        errorCode: "InternalError",
      }),
      finding("unknown-but-account", "policy-status", "public-but-restricted", "low"),
    ]);
  });

  it("leaves missingFlags and errorCode out of the findings they do not belong to (no key set to undefined)", async () => {
    answers("mixed", {
      block: { ...samplePublicAccessBlock(), RestrictPublicBuckets: false },
      isPublic: true,
      encryption: s3Errors.accessDenied(),
      versioning: s3Errors.slowDown(),
    });

    const findings = (await auditBucket(s3, "mixed", "us-east-1")) ?? [];

    const base = ["bucket", "check", "issue", "region", "severity"];
    const keysOf = (issue: string) =>
      [
        ...base,
        ...(issue === "not-fully-blocked" ? ["missingFlags"] : []),
        ...(issue === "access-denied" || issue === "check-failed" ? ["errorCode"] : []),
      ].sort();
    expect(findings.map((found) => found.issue)).toEqual([
      "not-fully-blocked",
      "public",
      "access-denied",
      "check-failed",
    ]);
    for (const found of findings) {
      expect(
        Object.keys(found).sort(),
        `the README: a ${found.issue} finding has no other optional key, not even one set to undefined`,
      ).toEqual(keysOf(found.issue));
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The whole account

const LIST = { MaxBuckets: 1000 };
const S3_TOKENS = { tokenField: "ContinuationToken" };
/** One page of ListBuckets with these buckets. */
const listed = (...buckets: Bucket[]) =>
  mockPagesExactly(s3Mock, ListBucketsCommand, LIST, [{ Buckets: buckets }], S3_TOKENS, log);

describe("step 5 — every bucket, every page", () => {
  it("audits the buckets of every page, following ContinuationToken, one request per page", async () => {
    mockPagesExactly(
      s3Mock,
      ListBucketsCommand,
      LIST,
      [
        { Buckets: [sampleBucket("a-logs")] },
        { Buckets: [sampleBucket("b-site"), sampleBucket("c-data")] },
        { Buckets: [sampleBucket("d-tmp")] },
      ],
      S3_TOKENS,
      log,
    );
    answers("a-logs");
    answers("b-site", { versioning: null });
    answers("c-data");
    answers("d-tmp", { versioning: "Suspended" });

    const report = await auditBuckets(s3);

    expect(report.buckets).toEqual([
      { name: "a-logs", region: "us-east-1" },
      { name: "b-site", region: "us-east-1" },
      { name: "c-data", region: "us-east-1" },
      { name: "d-tmp", region: "us-east-1" },
    ]);
    expect(report.findings).toEqual([
      finding("b-site", "versioning", "versioning-off", "low"),
      finding("d-tmp", "versioning", "versioning-suspended", "low"),
    ]);
    expect(
      log.inputsOf(ListBucketsCommand),
      "one request per page, each exactly MaxBuckets and the ContinuationToken of the page before",
    ).toEqual([
      LIST,
      { ...LIST, ContinuationToken: "page-2" },
      { ...LIST, ContinuationToken: "page-3" },
    ]);
  });

  it("goes on past an empty page that carries a token, and reads a page without Buckets as empty", async () => {
    mockPagesExactly(
      s3Mock,
      ListBucketsCommand,
      LIST,
      [{}, { Buckets: [] }, { Buckets: [sampleBucket("late")] }],
      S3_TOKENS,
      log,
    );
    answers("late");

    await expect(auditBuckets(s3)).resolves.toEqual({
      buckets: [{ name: "late", region: "us-east-1" }],
      findings: [],
    });
  });

  it("returns an empty report for an account without buckets", async () => {
    listed();

    await expect(auditBuckets(s3)).resolves.toEqual({ buckets: [], findings: [] });
  });

  it.each([1, 250, 10_000])("sends pageSize %i as MaxBuckets", async (pageSize) => {
    mockPagesExactly(
      s3Mock,
      ListBucketsCommand,
      { MaxBuckets: pageSize },
      [{ Buckets: [sampleBucket("one")] }, { Buckets: [sampleBucket("two")] }],
      S3_TOKENS,
      log,
    );
    answers("one");
    answers("two");

    const report = await auditBuckets(s3, { pageSize });

    expect(report.buckets.map((bucket) => bucket.name)).toEqual(["one", "two"]);
    expect(log.inputsOf(ListBucketsCommand)).toEqual([
      { MaxBuckets: pageSize },
      { MaxBuckets: pageSize, ContinuationToken: "page-2" },
    ]);
  });

  it.each([0, 10_001, 2.5, -1, Number.NaN])(
    "rejects pageSize %s with a RangeError before sending any request",
    async (pageSize) => {
      await expect(auditBuckets(s3, { pageSize })).rejects.toThrow(RangeError);
      await expect(auditBuckets(s3, { pageSize })).rejects.toThrow(/pageSize/);
      expect(s3Mock.calls()).toHaveLength(0);
    },
  );

  it("rejects with S3's own error when ListBuckets fails, on any page", async () => {
    const refused = s3Errors.accessDenied();
    s3Mock.on(ListBucketsCommand).rejects(refused);

    await expect(auditBuckets(s3)).rejects.toBe(refused);

    s3Mock.reset();
    const broken = s3Errors.internalError();
    mockPagesExactly(
      s3Mock,
      ListBucketsCommand,
      LIST,
      [{ Buckets: [sampleBucket("first")] }, { Buckets: [sampleBucket("second")] }],
      { ...S3_TOKENS, errorsBefore: { 2: [broken] } },
      log,
    );
    answers("first");

    await expect(auditBuckets(s3)).rejects.toBe(broken);
  });

  it("rejects a listed bucket whose Name is missing or empty", async () => {
    const nameless = sampleBucket("x");
    delete nameless.Name;
    listed(nameless);

    await expect(auditBuckets(s3)).rejects.toThrow("ListBuckets returned a bucket without Name");

    s3Mock.reset();
    listed(sampleBucket(""));

    await expect(auditBuckets(s3)).rejects.toThrow("ListBuckets returned a bucket without Name");
  });

  it("rejects a listed bucket whose Name is not a string (a hand-made mock's number)", async () => {
    listed({ ...sampleBucket("x"), Name: 42 as unknown as string });

    await expect(
      auditBuckets(s3),
      "the README: a Name that is not a non-empty string is no Name",
    ).rejects.toThrow("ListBuckets returned a bucket without Name");
  });

  it("takes the defaults for options passed as null", async () => {
    listed(sampleBucket("plain", { BucketRegion: "us-east-1" }));
    answers("plain", { block: { ...samplePublicAccessBlock(), RestrictPublicBuckets: false } });

    const report = await auditBuckets(s3, {
      pageSize: null,
      clientForRegion: null,
      accountPublicAccessBlock: null,
    } as unknown as S3AuditOptions);

    expect(log.inputsOf(ListBucketsCommand), "pageSize: null is 1000").toEqual([LIST]);
    expect(report.findings, "clientForRegion: null is the default client").toEqual([
      notBlocked("plain", ["RestrictPublicBuckets"]),
    ]);
  });

  it("rejects at a nameless bucket before asking for the next page", async () => {
    const nameless = sampleBucket("x");
    delete nameless.Name;
    mockPagesExactly(
      s3Mock,
      ListBucketsCommand,
      LIST,
      [{ Buckets: [sampleBucket("first"), nameless] }, { Buckets: [sampleBucket("later")] }],
      { ...S3_TOKENS, errorsBefore: { 2: [s3Errors.internalError()] } },
      log,
    );
    answers("first");

    await expect(auditBuckets(s3)).rejects.toThrow("ListBuckets returned a bucket without Name");
    expect(log.inputsOf(ListBucketsCommand), "page 2 is never requested").toEqual([LIST]);
  });

  it("leaves out a bucket deleted between the listing and its checks", async () => {
    listed(
      sampleBucket("kept"),
      sampleBucket("deleted"),
      sampleBucket("also-kept", { BucketRegion: "eu-west-1" }),
    );
    answers("kept", { versioning: null });
    answers("deleted", { encryption: s3Errors.noSuchBucket("deleted"), versioning: null });
    answers("also-kept");

    await expect(auditBuckets(s3)).resolves.toEqual({
      buckets: [
        { name: "kept", region: "us-east-1" },
        { name: "also-kept", region: "eu-west-1" },
      ],
      findings: [finding("kept", "versioning", "versioning-off", "low")],
    });
  });

  it("honours the account's public access block given as an option, none by default", async () => {
    listed(sampleBucket("bare"));
    answers("bare", { block: null });

    await expect(auditBuckets(s3)).resolves.toMatchObject({ findings: [notBlocked("bare")] });
    await expect(
      auditBuckets(s3, { accountPublicAccessBlock: samplePublicAccessBlock() }),
    ).resolves.toMatchObject({
      findings: [],
    });
    await expect(auditBuckets(s3, { accountPublicAccessBlock: null })).resolves.toMatchObject({
      findings: [notBlocked("bare")],
    });
  });
});

describe("step 6 — buckets in other regions", () => {
  /** A clientForRegion that hands out one recorded client per region. */
  function regionalClients() {
    const made = new Map<string, S3Client>();
    const clientForRegion = vi.fn((region: string) => {
      const client = new S3Client({ region, credentials: CREDENTIALS });
      made.set(region, client);
      return client;
    });
    return { made, clientForRegion };
  }
  /** The client each check request for `bucket` was sent through. */
  const clientsUsedFor = (bucket: string) =>
    Object.values(CHECK_COMMANDS).flatMap((command) =>
      sentOf(command)
        .filter((request) => request.input.Bucket === bucket)
        .map((request) => request.client as S3Client),
    );

  it("uses ListBuckets' BucketRegion when it is there, without asking GetBucketLocation", async () => {
    listed(sampleBucket("tokyo", { BucketRegion: "ap-northeast-1" }));
    answers("tokyo");
    const { made, clientForRegion } = regionalClients();

    const report = await auditBuckets(s3, { clientForRegion });

    expect(report.buckets).toEqual([{ name: "tokyo", region: "ap-northeast-1" }]);
    expect(sentOf(GetBucketLocationCommand)).toHaveLength(0);
    expect(clientsUsedFor("tokyo")).toEqual(Array(4).fill(made.get("ap-northeast-1")));
  });

  it.each([
    [undefined, "us-east-1"],
    [null, "us-east-1"],
    ["EU", "eu-west-1"],
    ["ap-south-1", "ap-south-1"],
  ])(
    "asks GetBucketLocation, with the audit's own client, when BucketRegion is missing (constraint %j: %s)",
    async (LocationConstraint, region) => {
      const bucket = sampleBucket("old-bucket");
      delete bucket.BucketRegion;
      listed(bucket);
      location("old-bucket", { LocationConstraint });
      answers("old-bucket", { versioning: null });
      const { made, clientForRegion } = regionalClients();

      const report = await auditBuckets(s3, { clientForRegion });

      expect(report).toEqual({
        buckets: [{ name: "old-bucket", region }],
        findings: [finding("old-bucket", "versioning", "versioning-off", "low", { region })],
      });
      expect(sentOf(GetBucketLocationCommand).map((request) => request.client)).toEqual([s3]);
      expect(log.inputsOf(GetBucketLocationCommand)).toEqual([{ Bucket: "old-bucket" }]);
      expect(clientsUsedFor("old-bucket")).toEqual(Array(4).fill(made.get(region)));
    },
  );

  it("treats an empty BucketRegion as missing", async () => {
    listed(sampleBucket("blank", { BucketRegion: "" }));
    location("blank", { LocationConstraint: "eu-north-1" });
    answers("blank");

    const report = await auditBuckets(s3, { clientForRegion: regionalClients().clientForRegion });

    expect(report.buckets).toEqual([{ name: "blank", region: "eu-north-1" }]);
  });

  it("treats a BucketRegion that is not a string (a hand-made mock's number) as missing", async () => {
    listed({ ...sampleBucket("odd"), BucketRegion: 42 as unknown as string });
    location("odd", { LocationConstraint: "eu-north-1" });
    answers("odd");

    const report = await auditBuckets(s3, { clientForRegion: regionalClients().clientForRegion });

    expect(
      report.buckets,
      "the README: BucketRegion counts only when it is a non-empty string",
    ).toEqual([{ name: "odd", region: "eu-north-1" }]);
  });

  it("asks clientForRegion once per region, in the order the regions are met", async () => {
    listed(
      sampleBucket("a", { BucketRegion: "eu-west-1" }),
      sampleBucket("b", { BucketRegion: "us-east-1" }),
      sampleBucket("c", { BucketRegion: "eu-west-1" }),
      sampleBucket("d", { BucketRegion: "us-east-1" }),
    );
    for (const name of ["a", "b", "c", "d"]) answers(name);
    const { made, clientForRegion } = regionalClients();

    await auditBuckets(s3, { clientForRegion });

    expect(clientForRegion.mock.calls).toEqual([["eu-west-1"], ["us-east-1"]]);
    expect(clientsUsedFor("c")).toEqual(Array(4).fill(made.get("eu-west-1")));
    expect(clientsUsedFor("d")).toEqual(Array(4).fill(made.get("us-east-1")));
  });

  it("by default checks a bucket with a new client of its region and the audit client's credentials", async () => {
    listed(sampleBucket("sydney", { BucketRegion: "ap-southeast-2" }));
    answers("sydney");

    await auditBuckets(s3);

    const used = clientsUsedFor("sydney");
    expect(used).toHaveLength(4);
    for (const client of used) {
      expect(client, "not the audit's us-east-1 client").not.toBe(s3);
      await expect(client.config.region()).resolves.toBe("ap-southeast-2");
      await expect(client.config.credentials()).resolves.toMatchObject(CREDENTIALS);
    }
  });

  it("reports an unreadable location as the bucket's only finding, with no region and no other request", async () => {
    const denied403 = sampleBucket("secret");
    delete denied403.BucketRegion;
    const flaky = sampleBucket("flaky");
    delete flaky.BucketRegion;
    listed(denied403, flaky);
    location("secret", s3Errors.accessDenied());
    location("flaky", s3Errors.slowDown());

    const report = await auditBuckets(s3);

    expect(report).toEqual({
      buckets: [
        { name: "secret", region: null },
        { name: "flaky", region: null },
      ],
      findings: [
        finding("flaky", "location", "check-failed", "medium", {
          region: null,
          errorCode: "SlowDown",
        }),
        denied("secret", "location", { region: null }),
      ],
    });
    expect(clientsUsedFor("secret")).toEqual([]);
    expect(clientsUsedFor("flaky")).toEqual([]);
  });

  it("leaves out a bucket whose GetBucketLocation answers NoSuchBucket", async () => {
    const gone = sampleBucket("gone");
    delete gone.BucketRegion;
    listed(gone, sampleBucket("here"));
    location("gone", s3Errors.noSuchBucket("gone"));
    answers("here");

    await expect(auditBuckets(s3)).resolves.toEqual({
      buckets: [{ name: "here", region: "us-east-1" }],
      findings: [],
    });
  });
});

describe("step 7 — the report", () => {
  it("sorts findings by severity, then bucket name, then check order", async () => {
    listed(
      sampleBucket("zeta", { BucketRegion: "eu-west-1" }),
      sampleBucket("alpha"),
      sampleBucket("mid", { BucketRegion: "eu-west-1" }),
    );
    answers("zeta", { isPublic: true, block: null, versioning: null });
    answers("alpha", {
      encryption: null,
      versioning: "Suspended",
      isPublic: s3Errors.accessDenied(),
    });
    answers("mid", {
      block: { BlockPublicAcls: true },
      isPublic: true,
      encryption: s3Errors.internalError(),
    });

    const report = await auditBuckets(s3);

    const eu = { region: "eu-west-1" };
    expect(report.findings).toEqual([
      finding("mid", "policy-status", "public", "critical", eu),
      finding("zeta", "policy-status", "public", "critical", eu),
      notBlocked("mid", ["IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"], eu),
      notBlocked("zeta", ALL_FLAGS, eu),
      denied("alpha", "policy-status"),
      finding("alpha", "encryption", "not-encrypted", "medium"),
      finding("mid", "encryption", "check-failed", "medium", { ...eu, errorCode: "InternalError" }),
      finding("alpha", "versioning", "versioning-suspended", "low"),
      finding("zeta", "versioning", "versioning-off", "low", eu),
    ]);
    expect(report.buckets, "buckets stay in ListBuckets order").toEqual([
      { name: "zeta", region: "eu-west-1" },
      { name: "alpha", region: "us-east-1" },
      { name: "mid", region: "eu-west-1" },
    ]);
  });

  it("lists the buckets in ListBuckets order, not in the order their audits end", async () => {
    const located = sampleBucket("first-located");
    delete located.BucketRegion;
    listed(located, sampleBucket("second-known"), sampleBucket("third-known"));
    location("first-located", { LocationConstraint: "eu-west-1" });
    for (const name of ["first-located", "second-known", "third-known"]) answers(name);

    const report = await auditBuckets(s3);

    expect(
      report.buckets,
      "the first bucket needs one request more, and still comes first",
    ).toEqual([
      { name: "first-located", region: "eu-west-1" },
      { name: "second-known", region: "us-east-1" },
      { name: "third-known", region: "us-east-1" },
    ]);
  });

  it("keeps each bucket's findings of one severity in check order while sorting by name", async () => {
    const names = ["delta", "charlie", "bravo", "alpha"];
    listed(...names.map((name) => sampleBucket(name)));
    for (const name of names) answers(name, { isPublic: true, versioning: null });

    const report = await auditBuckets(s3);

    expect(report.findings).toEqual(
      [...names]
        .reverse()
        .flatMap((name) => [
          finding(name, "policy-status", "public-but-restricted", "low"),
          finding(name, "versioning", "versioning-off", "low"),
        ]),
    );
  });

  it("compares bucket names character by character (digits and punctuation included)", async () => {
    listed(sampleBucket("logs.2026"), sampleBucket("logs2026"), sampleBucket("logs-2026"));
    for (const name of ["logs.2026", "logs2026", "logs-2026"]) answers(name, { versioning: null });

    const report = await auditBuckets(s3);

    expect(report.findings.map((found) => found.bucket)).toEqual([
      "logs-2026",
      "logs.2026",
      "logs2026",
    ]);
  });

  it("compares legacy names (capitals, underscores) by code unit too, not by locale", async () => {
    // us-east-1 accepted capitals and underscores in bucket names until 2018.
    const names = ["archive", "logs_old", "Legacy-Logs", "logs-old"];
    listed(...names.map((name) => sampleBucket(name)));
    for (const name of names) answers(name, { versioning: null });

    const report = await auditBuckets(s3);

    expect(report.findings.map((found) => found.bucket)).toEqual([
      "Legacy-Logs",
      "archive",
      "logs-old",
      "logs_old",
    ]);
  });
});
