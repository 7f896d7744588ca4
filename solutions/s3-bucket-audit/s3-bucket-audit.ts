/**
 * S3 bucket audit — reference solution.
 *
 * Lists every bucket (all pages), finds the region of each, and runs four checks per bucket
 * against that region: the public access block (merged with the account's), the bucket policy's
 * public status, default encryption and versioning. A check S3 refuses or fails is a finding of
 * its own, never a crash; a bucket deleted during the audit is left out.
 */
import {
  GetBucketEncryptionCommand,
  GetBucketLocationCommand,
  GetBucketPolicyStatusCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  type ListBucketsCommandOutput,
  type PublicAccessBlockConfiguration,
  paginateListBuckets,
  S3Client,
} from "@aws-sdk/client-s3";

// ---------------------------------------------------------------------------------------------
// Types and constants

export type Severity = "critical" | "high" | "medium" | "low";

/** The checks, in the order a bucket's findings are listed. */
export const CHECKS = [
  "location",
  "public-access-block",
  "policy-status",
  "encryption",
  "versioning",
] as const;
export type Check = (typeof CHECKS)[number];

export type Issue =
  | "not-fully-blocked"
  | "public"
  | "public-but-restricted"
  | "not-encrypted"
  | "versioning-off"
  | "versioning-suspended"
  | "access-denied"
  | "check-failed";

/** The four settings of a public access block, in the order S3 documents them. */
export const PUBLIC_ACCESS_BLOCK_FLAGS = [
  "BlockPublicAcls",
  "IgnorePublicAcls",
  "BlockPublicPolicy",
  "RestrictPublicBuckets",
] as const;
export type PublicAccessBlockFlag = (typeof PUBLIC_ACCESS_BLOCK_FLAGS)[number];

/** Each setting is in force or not (S3 applies a setting when the bucket or the account sets it). */
export type EffectiveBlock = Record<PublicAccessBlockFlag, boolean>;

export interface BucketFinding {
  bucket: string;
  /** The bucket's region; null when it could not be read. */
  region: string | null;
  check: Check;
  issue: Issue;
  severity: Severity;
  /** not-fully-blocked only: the settings not in force, in PUBLIC_ACCESS_BLOCK_FLAGS order. */
  missingFlags?: PublicAccessBlockFlag[];
  /** access-denied and check-failed only: the S3 error's name. */
  errorCode?: string;
}

export interface AuditedBucket {
  name: string;
  region: string | null;
}

export interface S3AuditReport {
  /** In ListBuckets order, without the buckets deleted during the audit. */
  buckets: AuditedBucket[];
  /** Most severe first, then by bucket name, then in CHECKS order. */
  findings: BucketFinding[];
}

export interface S3AuditOptions {
  /**
   * The account's public access block (S3 Control `GetPublicAccessBlock`), or null when the
   * account has none. Default null.
   */
  accountPublicAccessBlock?: PublicAccessBlockConfiguration | null;
  /**
   * The client for a region's buckets. Default: a new S3Client for that region with the
   * credentials of the client given to the audit. Called once per region.
   */
  clientForRegion?: (region: string) => S3Client;
  /** MaxBuckets of every ListBuckets request: an integer from 1 to 10000. Default 1000. */
  pageSize?: number;
}

export const SEVERITY_OF: Readonly<Record<Issue, Severity>> = {
  public: "critical",
  "not-fully-blocked": "high",
  "not-encrypted": "medium",
  "access-denied": "medium",
  "check-failed": "medium",
  "public-but-restricted": "low",
  "versioning-off": "low",
  "versioning-suspended": "low",
};

// ---------------------------------------------------------------------------------------------
// Regions and the public access block

/**
 * The region of a GetBucketLocation answer: no constraint means us-east-1 (S3's XML has an empty
 * element, which the SDK leaves out), and the legacy "EU" means eu-west-1.
 */
export function regionFromLocation(locationConstraint: string | null | undefined): string {
  if (!locationConstraint) return "us-east-1";
  if (locationConstraint === "EU") return "eu-west-1";
  return locationConstraint;
}

/** A setting is in force when the bucket's block or the account's sets it to true. */
export function effectivePublicAccessBlock(
  bucket: PublicAccessBlockConfiguration | null | undefined,
  account: PublicAccessBlockConfiguration | null | undefined,
): EffectiveBlock {
  const inForce = (flag: PublicAccessBlockFlag) =>
    bucket?.[flag] === true || account?.[flag] === true;
  return {
    BlockPublicAcls: inForce("BlockPublicAcls"),
    IgnorePublicAcls: inForce("IgnorePublicAcls"),
    BlockPublicPolicy: inForce("BlockPublicPolicy"),
    RestrictPublicBuckets: inForce("RestrictPublicBuckets"),
  };
}

// ---------------------------------------------------------------------------------------------
// One bucket

/** The answer to one check, or the error that stopped it. */
type Outcome<T> = { ok: Partial<T> } | { failed: Error };

/** S3 said the bucket does not exist (any more). */
const GONE = Symbol("bucket gone");

/**
 * Runs one check. `notConfiguredCode` is the error that means "this bucket has no such
 * configuration" for this check (each check has its own, or none): it becomes an empty answer,
 * which reads exactly like an answer with nothing configured in it.
 */
async function attempt<T extends object>(
  notConfiguredCode: string | null,
  call: () => Promise<T>,
): Promise<Outcome<T> | typeof GONE> {
  try {
    return { ok: await call() };
  } catch (thrown) {
    const error = thrown as Error; // the SDK (and its mock) reject with an Error
    if (error.name === "NoSuchBucket") return GONE;
    if (error.name === notConfiguredCode) return { ok: {} };
    return { failed: error };
  }
}

/**
 * The findings of one bucket, in CHECKS order, from the client of its region; null when S3 says
 * the bucket no longer exists.
 */
export async function auditBucket(
  client: S3Client,
  bucket: string,
  region: string,
  accountBlock: PublicAccessBlockConfiguration | null = null,
): Promise<BucketFinding[] | null> {
  const input = { Bucket: bucket };
  const block = await attempt("NoSuchPublicAccessBlockConfiguration", () =>
    client.send(new GetPublicAccessBlockCommand(input)),
  );
  if (block === GONE) return null;
  const policy = await attempt("NoSuchBucketPolicy", () =>
    client.send(new GetBucketPolicyStatusCommand(input)),
  );
  if (policy === GONE) return null;
  const encryption = await attempt("ServerSideEncryptionConfigurationNotFoundError", () =>
    client.send(new GetBucketEncryptionCommand(input)),
  );
  if (encryption === GONE) return null;
  const versioning = await attempt(null, () => client.send(new GetBucketVersioningCommand(input)));
  if (versioning === GONE) return null;

  const found: [Check, Issue, Partial<BucketFinding>?][] = [];
  // A bucket block that could not be read counts as none: better a false alarm than a miss.
  const bucketBlock = "failed" in block ? null : block.ok.PublicAccessBlockConfiguration;
  const effective = effectivePublicAccessBlock(bucketBlock, accountBlock);

  if ("failed" in block) found.push(failure("public-access-block", block.failed));
  else {
    const missingFlags = PUBLIC_ACCESS_BLOCK_FLAGS.filter((flag) => !effective[flag]);
    if (missingFlags.length > 0) {
      found.push(["public-access-block", "not-fully-blocked", { missingFlags }]);
    }
  }

  if ("failed" in policy) found.push(failure("policy-status", policy.failed));
  else if (policy.ok.PolicyStatus?.IsPublic === true) {
    // RestrictPublicBuckets keeps anonymous and cross-account callers out despite the policy.
    const issue = effective.RestrictPublicBuckets ? "public-but-restricted" : "public";
    found.push(["policy-status", issue]);
  }

  if ("failed" in encryption) found.push(failure("encryption", encryption.failed));
  else {
    // Encrypted by default when some rule names an algorithm (AES256, aws:kms, aws:kms:dsse).
    const rules = encryption.ok.ServerSideEncryptionConfiguration?.Rules;
    const encrypted = rules?.some((rule) =>
      Boolean(rule.ApplyServerSideEncryptionByDefault?.SSEAlgorithm),
    );
    if (encrypted !== true) found.push(["encryption", "not-encrypted"]);
  }

  if ("failed" in versioning) found.push(failure("versioning", versioning.failed));
  else if (versioning.ok.Status === "Suspended") found.push(["versioning", "versioning-suspended"]);
  else if (versioning.ok.Status !== "Enabled") found.push(["versioning", "versioning-off"]);

  return found.map(([check, issue, extra]) => finding(bucket, region, check, issue, extra));
}

function failure(check: Check, error: Error): [Check, Issue, Partial<BucketFinding>] {
  return [
    check,
    error.name === "AccessDenied" ? "access-denied" : "check-failed",
    { errorCode: error.name },
  ];
}

function finding(
  bucket: string,
  region: string | null,
  check: Check,
  issue: Issue,
  extra: Partial<BucketFinding> = {},
): BucketFinding {
  return { bucket, region, check, issue, severity: SEVERITY_OF[issue], ...extra };
}

// ---------------------------------------------------------------------------------------------
// Every bucket

/** A string with something in it: what a Name or a BucketRegion must be to be used. */
function nonEmpty(value: unknown): value is string {
  return typeof value === "string" && value !== "";
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };

/** Every bucket of the account, each checked from a client of its own region. */
export async function auditBuckets(
  s3: S3Client,
  options: S3AuditOptions = {},
): Promise<S3AuditReport> {
  // `??`, not destructuring defaults: an option passed as null takes its default too.
  const accountPublicAccessBlock = options.accountPublicAccessBlock ?? null;
  const clientForRegion =
    options.clientForRegion ??
    ((region: string) => new S3Client({ region, credentials: s3.config.credentials }));
  const pageSize = options.pageSize ?? 1000;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 10_000) {
    throw new RangeError(`pageSize must be an integer from 1 to 10000, got ${pageSize}`);
  }

  // One client per region, made the first time a bucket of that region is met.
  const clients = new Map<string, S3Client>();
  const clientFor = (region: string) => {
    let client = clients.get(region);
    if (client === undefined) {
      client = clientForRegion(region);
      clients.set(region, client);
    }
    return client;
  };

  // Per bucket in listing order; bucket names are unique in an account (and in S3).
  const audited: (AuditedBucket & { findings: BucketFinding[] })[] = [];
  for await (const page of paginateListBuckets({ client: s3, pageSize }, {})) {
    for (const item of (page as ListBucketsCommandOutput).Buckets ?? []) {
      // Checked as the page is read: the next page is not requested after a broken one.
      if (!nonEmpty(item.Name)) throw new Error("ListBuckets returned a bucket without Name");
      const name = item.Name;
      const located = nonEmpty(item.BucketRegion)
        ? { region: item.BucketRegion }
        : await locate(s3, name);
      if (located === null) continue; // deleted since the listing
      if ("failed" in located) {
        // Without a region there is no endpoint for the other checks.
        const unlocated = finding(name, null, ...failure("location", located.failed));
        audited.push({ name, region: null, findings: [unlocated] });
        continue;
      }
      const { region } = located;
      const findings = await auditBucket(clientFor(region), name, region, accountPublicAccessBlock);
      if (findings !== null) audited.push({ name, region, findings });
    }
  }

  // Bucket by bucket in name order (code units, as sort() compares), each bucket's findings in
  // CHECKS order; then a stable sort by severity keeps that order among equal severities.
  const findingsOf = new Map(audited.map((entry) => [entry.name, entry.findings]));
  const byName = [...findingsOf.keys()]
    .sort()
    .flatMap((name) => findingsOf.get(name) as BucketFinding[]);
  return {
    buckets: audited.map(({ name, region }) => ({ name, region })),
    findings: byName.sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]),
  };
}

/** The bucket's region from GetBucketLocation (sent with the audit's own client). */
async function locate(
  s3: S3Client,
  bucket: string,
): Promise<{ region: string } | { failed: Error } | null> {
  try {
    const answer = await s3.send(new GetBucketLocationCommand({ Bucket: bucket }));
    return { region: regionFromLocation(answer.LocationConstraint) };
  } catch (thrown) {
    const error = thrown as Error;
    if (error.name === "NoSuchBucket") return null;
    return { failed: error };
  }
}
