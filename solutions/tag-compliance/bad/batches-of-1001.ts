// Mistake: opens a new batch only once the current one holds MORE than 1000 ids (`> 1000` where
// `>= 1000` was meant), so a full batch takes a 1001st id and CreateTags would reject it.
import type { ComplianceReport, ManualFix, RemediationPlan, TagBatch } from "../tag-compliance";

export * from "../tag-compliance";

export function planRemediation(
  report: ComplianceReport,
  defaults: Readonly<Record<string, string>>,
): RemediationPlan {
  for (const [key, value] of Object.entries(defaults)) {
    if (value.trim() === "") throw new TypeError(`default for "${key}" must not be empty`);
  }
  const open = new Map<string, TagBatch>();
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
    if (tags.length === 0) continue;
    const groupKey = JSON.stringify(tags);
    let batch = open.get(groupKey);
    if (batch === undefined || batch.resourceIds.length > 1000) {
      batch = { resourceIds: [], tags };
      open.set(groupKey, batch);
      batches.push(batch);
    }
    batch.resourceIds.push(resourceId);
  }
  return { batches, manual };
}
