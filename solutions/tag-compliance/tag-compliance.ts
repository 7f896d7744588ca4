/**
 * Tag compliance for EC2: check tags against a policy, scan every instance and volume, plan the
 * safe fixes, and apply them with CreateTags (dry run unless asked otherwise).
 */
import {
  CreateTagsCommand,
  type EC2Client,
  type InstanceStateName,
  paginateDescribeInstances,
  paginateDescribeVolumes,
  type Tag,
} from "@aws-sdk/client-ec2";

// ── Types ────────────────────────────────────────────────────────────────────────────────────

/** One key the policy requires, optionally restricted to a list of values and/or a pattern. */
export interface RequiredTag {
  readonly key: string;
  readonly allowed?: readonly string[];
  readonly pattern?: RegExp;
}

/** The required keys, in the order violations are reported. */
export type TagPolicy = readonly RequiredTag[];

export type Violation =
  | { kind: "missing"; key: string }
  | { kind: "empty"; key: string; value: string }
  | { kind: "not-allowed"; key: string; value: string }
  | { kind: "wrong-case"; key: string; value: string; hint: string };

export type ResourceType = "instance" | "volume";

export interface ResourceCompliance {
  resourceId: string;
  resourceType: ResourceType;
  violations: Violation[];
}

export interface ComplianceFigures {
  total: number;
  compliant: number;
  percent: number;
}

export interface ComplianceReport {
  resources: ResourceCompliance[];
  summary: { instance: ComplianceFigures; volume: ComplianceFigures; overall: ComplianceFigures };
}

/** CreateTags takes up to 1000 resource ids per request (EC2 API reference, CreateTags). */
export const MAX_RESOURCES_PER_CREATE_TAGS = 1000;

export interface TagBatch {
  resourceIds: string[];
  tags: { Key: string; Value: string }[];
}

export interface ManualFix {
  resourceId: string;
  resourceType: ResourceType;
  violation: Violation;
}

export interface RemediationPlan {
  batches: TagBatch[];
  manual: ManualFix[];
}

export type BatchStatus = "applied" | "would-apply" | "not-permitted" | "failed";

export interface BatchResult {
  batch: TagBatch;
  status: BatchStatus;
  error?: { code: string; message: string };
}

export interface RemediateOptions {
  apply?: boolean;
}

// ── Step 1–3: one resource's tags ────────────────────────────────────────────────────────────

/** AWS reserves this prefix (any case) for its own tags; users can neither set nor require them. */
const RESERVED_PREFIX = "aws:";

/** The policy's violations for one resource's tags, in policy order; `[]` means compliant. */
export function checkTags(tags: readonly Tag[] | undefined, policy: TagPolicy): Violation[] {
  validatePolicy(policy);
  return policy.flatMap((rule) => {
    const violation = checkKey(tags ?? [], rule);
    return violation === undefined ? [] : [violation];
  });
}

function validatePolicy(policy: TagPolicy): void {
  const seen = new Set<string>();
  for (const { key, allowed, pattern } of policy) {
    if (key.trim() === "") throw new TypeError("policy key must be a non-empty string");
    if (key.toLowerCase().startsWith(RESERVED_PREFIX)) {
      throw new TypeError(`policy key "${key}" uses the reserved aws: prefix`);
    }
    if (seen.has(key)) throw new TypeError(`policy key "${key}" appears more than once`);
    seen.add(key);
    if (allowed?.length === 0) throw new TypeError(`allowed values for "${key}" must not be empty`);
    // A g or y RegExp remembers lastIndex between test() calls: the same value would pass, then fail.
    if (pattern?.global || pattern?.sticky) {
      throw new TypeError(`pattern for "${key}" must not use the g or y flag`);
    }
  }
}

function checkKey(tags: readonly Tag[], rule: RequiredTag): Violation | undefined {
  const tag = tags.find(({ Key }) => Key === rule.key);
  if (tag === undefined) return missingOrWrongCase(tags, rule.key);
  const value = tag.Value ?? "";
  if (value.trim() === "") return { kind: "empty", key: rule.key, value };
  // Values are compared exactly, untrimmed: "prod " is a different cost-allocation bucket.
  if (!isAllowed(value, rule)) return { kind: "not-allowed", key: rule.key, value };
  return undefined;
}

/** Keys are case-sensitive, so `owner` does not satisfy `Owner`, but it deserves a better hint. */
function missingOrWrongCase(tags: readonly Tag[], key: string): Violation {
  const variant = tags.find(({ Key }) => Key?.toLowerCase() === key.toLowerCase());
  if (variant === undefined) return { kind: "missing", key };
  const value = variant.Value ?? "";
  return { kind: "wrong-case", key, value, hint: `rename "${variant.Key}" to "${key}"` };
}

function isAllowed(value: string, { allowed, pattern }: RequiredTag): boolean {
  if (allowed === undefined && pattern === undefined) return true;
  return (allowed?.includes(value) ?? false) || (pattern?.test(value) ?? false);
}

// ── Steps 4–5: scanning the account ──────────────────────────────────────────────────────────

/** Instances on their way out: tagging them is pointless and they would skew the figures. */
const GONE: ReadonlySet<InstanceStateName | undefined> = new Set(["shutting-down", "terminated"]);

/** Checks every live instance, then every volume, across all pages; rejects if any page fails. */
export async function scanCompliance(ec2: EC2Client, policy: TagPolicy): Promise<ComplianceReport> {
  validatePolicy(policy); // before any request: a typo in the policy should not cost an API call
  const resources: ResourceCompliance[] = [];
  for await (const page of paginateDescribeInstances({ client: ec2 }, {})) {
    for (const { Instances } of page.Reservations ?? []) {
      for (const { InstanceId, State, Tags } of Instances ?? []) {
        if (GONE.has(State?.Name)) continue;
        resources.push(assess(InstanceId as string, "instance", Tags, policy));
      }
    }
  }
  for await (const page of paginateDescribeVolumes({ client: ec2 }, {})) {
    for (const { VolumeId, Tags } of page.Volumes ?? []) {
      resources.push(assess(VolumeId as string, "volume", Tags, policy));
    }
  }
  return { resources, summary: summarize(resources) };
}

function assess(
  resourceId: string,
  resourceType: ResourceType,
  tags: Tag[] | undefined,
  policy: TagPolicy,
): ResourceCompliance {
  return { resourceId, resourceType, violations: checkTags(tags, policy) };
}

function summarize(resources: readonly ResourceCompliance[]): ComplianceReport["summary"] {
  return {
    instance: figures(resources.filter(({ resourceType }) => resourceType === "instance")),
    volume: figures(resources.filter(({ resourceType }) => resourceType === "volume")),
    overall: figures(resources),
  };
}

/**
 * Percent compliant, rounded DOWN to one decimal, so 1999 of 2000 reads 99.9, never 100. Nothing
 * to check is nothing out of policy: 0 resources give 100. Integer maths first, one division last,
 * so no float noise (0.1 + 0.2) leaks into the figure.
 */
function figures(resources: readonly ResourceCompliance[]): ComplianceFigures {
  const total = resources.length;
  const compliant = resources.filter(({ violations }) => violations.length === 0).length;
  const percent = total === 0 ? 100 : Math.floor((compliant * 1000) / total) / 10;
  return { total, compliant, percent };
}

// ── Step 6: planning ─────────────────────────────────────────────────────────────────────────

/**
 * Only a missing key with a default is fixed automatically; every other violation already has a
 * value (or a mis-cased key) that a human must look at. Resources needing the very same tags share
 * batches of at most 1000 ids, in the order they first appear in the report.
 */
export function planRemediation(
  report: ComplianceReport,
  defaults: Readonly<Record<string, string>>,
): RemediationPlan {
  validateDefaults(defaults);
  const groups = new Map<string, TagBatch>();
  const manual: ManualFix[] = [];
  for (const { resourceId, resourceType, violations } of report.resources) {
    const tags: TagBatch["tags"] = [];
    for (const violation of violations) {
      // Own keys only: a missing key "constructor" must not find Object.prototype.constructor.
      const value =
        violation.kind === "missing" && Object.hasOwn(defaults, violation.key)
          ? defaults[violation.key]
          : undefined;
      if (value === undefined) manual.push({ resourceId, resourceType, violation });
      else tags.push({ Key: violation.key, Value: value });
    }
    if (tags.length > 0) groupFor(groups, tags).resourceIds.push(resourceId);
  }
  return { batches: [...groups.values()].flatMap(splitIntoBatches), manual };
}

function validateDefaults(defaults: Readonly<Record<string, string>>): void {
  for (const [key, value] of Object.entries(defaults)) {
    if (value.trim() === "") throw new TypeError(`default for "${key}" must not be empty`);
  }
}

/** Tags are listed in policy order, so the same set always serializes to the same group key. */
function groupFor(groups: Map<string, TagBatch>, tags: TagBatch["tags"]): TagBatch {
  const groupKey = JSON.stringify(tags);
  let group = groups.get(groupKey);
  if (group === undefined) {
    group = { resourceIds: [], tags };
    groups.set(groupKey, group);
  }
  return group;
}

function splitIntoBatches({ resourceIds, tags }: TagBatch): TagBatch[] {
  const batches: TagBatch[] = [];
  for (let start = 0; start < resourceIds.length; start += MAX_RESOURCES_PER_CREATE_TAGS) {
    batches.push({
      resourceIds: resourceIds.slice(start, start + MAX_RESOURCES_PER_CREATE_TAGS),
      tags,
    });
  }
  return batches;
}

// ── Step 7: applying ─────────────────────────────────────────────────────────────────────────

/**
 * Sends one CreateTags per batch, in order, as a dry run unless `apply` is exactly `true`. A
 * failed batch is reported and the next one still goes; the whole plan is checked before the
 * first request.
 */
export async function remediate(
  ec2: EC2Client,
  plan: RemediationPlan,
  options: RemediateOptions = {},
): Promise<BatchResult[]> {
  // Exactly true: a truthy "false" or 1 from a CLI flag or a JSON file must not tag for real.
  const apply = options.apply === true;
  for (const { resourceIds } of plan.batches) {
    const count = resourceIds.length;
    if (count === 0 || count > MAX_RESOURCES_PER_CREATE_TAGS) {
      throw new RangeError(
        `a CreateTags batch takes 1 to ${MAX_RESOURCES_PER_CREATE_TAGS} resource ids, got ${count}`,
      );
    }
  }
  const results: BatchResult[] = [];
  for (const batch of plan.batches) results.push(await sendBatch(ec2, batch, apply));
  return results;
}

async function sendBatch(ec2: EC2Client, batch: TagBatch, apply: boolean): Promise<BatchResult> {
  try {
    await ec2.send(
      new CreateTagsCommand({ Resources: batch.resourceIds, Tags: batch.tags, DryRun: !apply }),
    );
    return { batch, status: "applied" };
  } catch (caught) {
    // EC2 answers every DryRun with an error: DryRunOperation means "you could have done it".
    // A wrapper may throw what is not an Error (a string): read it as new Error(String(value)).
    const { name: code, message } = caught instanceof Error ? caught : new Error(String(caught));
    if (code === "DryRunOperation") return { batch, status: "would-apply" };
    const status = code === "UnauthorizedOperation" ? "not-permitted" : "failed";
    return { batch, status, error: { code, message } };
  }
}
