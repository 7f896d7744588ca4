/**
 * Tag compliance for EC2: check tags against a policy, scan every instance and volume, plan the
 * safe fixes, and apply them with CreateTags (dry run unless asked otherwise).
 *
 * The README states every rule the spec checks. Work through the steps in order:
 * checkTags → scanCompliance → planRemediation → remediate.
 */
import type { EC2Client, Tag } from "@aws-sdk/client-ec2";
// You will want these too (import them as values, not types):
//   CreateTagsCommand, paginateDescribeInstances, paginateDescribeVolumes

// ── Types (complete: you should not need to change them) ────────────────────────────────────

/** One key the policy requires, optionally restricted to a list of values and/or a pattern. */
export interface RequiredTag {
  readonly key: string;
  /** The value must be one of these (exact, case-sensitive, untrimmed comparison). */
  readonly allowed?: readonly string[];
  /** The value must satisfy `pattern.test(value)`; no g or y flag. */
  readonly pattern?: RegExp;
}

/** The required keys, in the order violations are reported. */
export type TagPolicy = readonly RequiredTag[];

export type Violation =
  /** No tag has this key, in any letter case. */
  | { kind: "missing"; key: string }
  /** The key is there, but its value is empty or only whitespace (`value` as found). */
  | { kind: "empty"; key: string; value: string }
  /** The value is in neither the allowed list nor matched by the pattern. */
  | { kind: "not-allowed"; key: string; value: string }
  /** Only a different letter case of the key is there: `hint` is `rename "owner" to "Owner"`. */
  | { kind: "wrong-case"; key: string; value: string; hint: string };

export type ResourceType = "instance" | "volume";

export interface ResourceCompliance {
  resourceId: string;
  resourceType: ResourceType;
  /** `[]` means the resource complies. */
  violations: Violation[];
}

export interface ComplianceFigures {
  total: number;
  compliant: number;
  /** compliant / total × 100, rounded DOWN to one decimal; 100 when total is 0. */
  percent: number;
}

export interface ComplianceReport {
  /** Instances first (API order), then volumes (API order). */
  resources: ResourceCompliance[];
  summary: { instance: ComplianceFigures; volume: ComplianceFigures; overall: ComplianceFigures };
}

/** CreateTags takes up to 1000 resource ids per request. */
export const MAX_RESOURCES_PER_CREATE_TAGS = 1000;

/** One CreateTags request: the same tags for every resource in it. */
export interface TagBatch {
  resourceIds: string[];
  tags: { Key: string; Value: string }[];
}

/** A violation that needs a human. */
export interface ManualFix {
  resourceId: string;
  resourceType: ResourceType;
  violation: Violation;
}

export interface RemediationPlan {
  batches: TagBatch[];
  manual: ManualFix[];
}

/** applied: tagged for real · would-apply: DryRunOperation · not-permitted: UnauthorizedOperation */
export type BatchStatus = "applied" | "would-apply" | "not-permitted" | "failed";

export interface BatchResult {
  batch: TagBatch;
  status: BatchStatus;
  /** Only for not-permitted and failed: the error's `name` as code, and its `message`. */
  error?: { code: string; message: string };
}

export interface RemediateOptions {
  /** false (the default) sends every request with DryRun: true. */
  apply?: boolean;
}

// ── Functions ────────────────────────────────────────────────────────────────────────────────

// TODO: start here (step 1), then work down the file.

/**
 * The policy's violations for one resource's tags, in policy order; `[]` means compliant.
 * Throws a TypeError for an invalid policy (see the README for the messages).
 */
export function checkTags(_tags: readonly Tag[] | undefined, _policy: TagPolicy): Violation[] {
  throw new Error("TODO: implement checkTags()");
}

/**
 * Checks every instance (all DescribeInstances pages, terminated and shutting-down skipped) and
 * every volume (all DescribeVolumes pages). Rejects with the EC2 error if any page fails, and
 * with a TypeError for an invalid policy before sending anything.
 */
export async function scanCompliance(
  _ec2: EC2Client,
  _policy: TagPolicy,
): Promise<ComplianceReport> {
  throw new Error("TODO: implement scanCompliance()");
}

/**
 * Default values for missing keys, grouped into CreateTags batches of at most 1000 ids; every
 * other violation goes to `manual`. Throws a TypeError for an empty or blank default.
 */
export function planRemediation(
  _report: ComplianceReport,
  _defaults: Readonly<Record<string, string>>,
): RemediationPlan {
  throw new Error("TODO: implement planRemediation()");
}

/**
 * One CreateTags request per batch, in plan order, DryRun unless `apply: true`; a failed batch is
 * reported and the next one still goes. Rejects with a RangeError, before sending anything, if
 * a batch holds 0 or more than 1000 ids.
 */
export async function remediate(
  _ec2: EC2Client,
  _plan: RemediationPlan,
  _options: RemediateOptions = {},
): Promise<BatchResult[]> {
  throw new Error("TODO: implement remediate()");
}
