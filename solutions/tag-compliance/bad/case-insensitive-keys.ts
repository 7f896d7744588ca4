// Mistake: compares tag keys case-insensitively, so `owner` quietly satisfies `Owner` (and is
// never reported as wrong-case), although EC2 tag keys are case-sensitive.
import type { Tag } from "@aws-sdk/client-ec2";
import { checkTags as checkWithReference, type TagPolicy, type Violation } from "../tag-compliance";

export * from "../tag-compliance";

export function checkTags(tags: readonly Tag[] | undefined, policy: TagPolicy): Violation[] {
  checkWithReference([], policy); // policy validation is not the mistake here
  const violations: Violation[] = [];
  for (const { key, allowed, pattern } of policy) {
    const tag = (tags ?? []).find(({ Key }) => Key?.toLowerCase() === key.toLowerCase());
    const value = tag?.Value ?? "";
    if (tag === undefined) violations.push({ kind: "missing", key });
    else if (value.trim() === "") violations.push({ kind: "empty", key, value });
    else if ((allowed || pattern) && !allowed?.includes(value) && !pattern?.test(value)) {
      violations.push({ kind: "not-allowed", key, value });
    }
  }
  return violations;
}
