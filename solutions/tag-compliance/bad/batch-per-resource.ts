// Mistake: plans one CreateTags batch per resource instead of grouping resources that need the
// same tags: a thousand untagged instances become a thousand requests (and a throttling storm).
import type { ComplianceReport, ManualFix, RemediationPlan, TagBatch } from "../tag-compliance";

export * from "../tag-compliance";

export function planRemediation(
  report: ComplianceReport,
  defaults: Readonly<Record<string, string>>,
): RemediationPlan {
  for (const [key, value] of Object.entries(defaults)) {
    if (value.trim() === "") throw new TypeError(`default for "${key}" must not be empty`);
  }
  const batches: TagBatch[] = [];
  const manual: ManualFix[] = [];
  for (const { resourceId, resourceType, violations } of report.resources) {
    const tags: TagBatch["tags"] = [];
    for (const violation of violations) {
      const value =
        violation.kind === "missing" && Object.hasOwn(defaults, violation.key)
          ? defaults[violation.key]
          : undefined;
      if (value === undefined) manual.push({ resourceId, resourceType, violation });
      else tags.push({ Key: violation.key, Value: value });
    }
    if (tags.length > 0) batches.push({ resourceIds: [resourceId], tags });
  }
  return { batches, manual };
}
