// Mistake: trims a value before comparing it with the allowed list and the pattern, so "prod "
// passes for "prod" — yet it is a different value to EC2 and a separate cost-allocation bucket.
import type { Tag } from "@aws-sdk/client-ec2";
import { checkTags as checkWithReference, type TagPolicy, type Violation } from "../tag-compliance";

export * from "../tag-compliance";

export function checkTags(tags: readonly Tag[] | undefined, policy: TagPolicy): Violation[] {
  checkWithReference([], policy); // policy validation is not the mistake here
  const violations: Violation[] = [];
  for (const { key, allowed, pattern } of policy) {
    const tag = (tags ?? []).find(({ Key }) => Key === key);
    const variant = (tags ?? []).find(({ Key }) => Key?.toLowerCase() === key.toLowerCase());
    const value = (tag?.Value ?? "").trim();
    if (tag === undefined && variant !== undefined) {
      const hint = `rename "${variant.Key}" to "${key}"`;
      violations.push({ kind: "wrong-case", key, value: variant.Value ?? "", hint });
    } else if (tag === undefined) violations.push({ kind: "missing", key });
    else if (value === "") violations.push({ kind: "empty", key, value: tag.Value ?? "" });
    else if ((allowed || pattern) && !allowed?.includes(value) && !pattern?.test(value)) {
      violations.push({ kind: "not-allowed", key, value });
    }
  }
  return violations;
}
