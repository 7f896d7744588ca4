/**
 * S3 bucket audit — your file. The types and constants are written; the functions are yours
 * (README.md, "API"). Run `npm run kata -- run s3-bucket-audit` to see what is left.
 *
 * Lists every bucket (all pages), finds the region of each, and runs four checks per bucket
 * against that region: the public access block (merged with the account's), the bucket policy's
 * public status, default encryption and versioning. A check S3 refuses or fails is a finding of
 * its own, never a crash; a bucket deleted during the audit is left out.
 */
import type { PublicAccessBlockConfiguration, S3Client } from "@aws-sdk/client-s3";
// Useful here, from "@aws-sdk/client-s3": paginateListBuckets, GetBucketLocationCommand,
// GetPublicAccessBlockCommand, GetBucketPolicyStatusCommand, GetBucketEncryptionCommand,
// GetBucketVersioningCommand (and S3Client itself as a value, for the default clientForRegion).

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
// Your code

/** The region of a GetBucketLocation answer (step 1). */
export function regionFromLocation(_locationConstraint: string | null | undefined): string {
  // TODO: start here
  throw new Error("TODO: implement regionFromLocation()");
}

/** Which public access block settings are in force for a bucket (step 2). */
export function effectivePublicAccessBlock(
  _bucket: PublicAccessBlockConfiguration | null | undefined,
  _account: PublicAccessBlockConfiguration | null | undefined,
): EffectiveBlock {
  throw new Error("TODO: implement effectivePublicAccessBlock()");
}

/** The findings of one bucket, in CHECKS order; null when the bucket no longer exists (steps 3–4). */
export async function auditBucket(
  _client: S3Client,
  _bucket: string,
  _region: string,
  _accountBlock: PublicAccessBlockConfiguration | null = null,
): Promise<BucketFinding[] | null> {
  throw new Error("TODO: implement auditBucket()");
}

/** Every bucket of the account, each checked from a client of its own region (steps 5–7). */
export async function auditBuckets(
  _s3: S3Client,
  _options: S3AuditOptions = {},
): Promise<S3AuditReport> {
  throw new Error("TODO: implement auditBuckets()");
}
