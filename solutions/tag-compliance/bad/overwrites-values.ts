// Mistake: applies a default to every key that has one, whatever the violation, so CreateTags
// overwrites values people typed (empty, not-allowed) and papers over mis-cased keys.
import type { ComplianceReport, ManualFix, RemediationPlan, TagBatch } from "../tag-compliance";

export * from "../tag-compliance";

export function planRemediation(
  report: ComplianceReport,
  defaults: Readonly<Record<string, string>>,
): RemediationPlan {
  for (const [key, value] of Object.entries(defaults)) {
    if (value.trim() === "") throw new TypeError(`default for "${key}" must not be empty`);
  }
  const groups = new Map<string, TagBatch>();
  const manual: ManualFix[] = [];
  for (const { resourceId, resourceType, violations } of report.resources) {
    const tags: TagBatch["tags"] = [];
    for (const violation of violations) {
      const value = defaults[violation.key];
      if (value === undefined) manual.push({ resourceId, resourceType, violation });
      else tags.push({ Key: violation.key, Value: value });
    }
    if (tags.length === 0) continue;
    const groupKey = JSON.stringify(tags);
    const group = groups.get(groupKey) ?? { resourceIds: [], tags };
    groups.set(groupKey, group);
    group.resourceIds.push(resourceId);
  }
  const batches = [...groups.values()].flatMap(({ resourceIds, tags }) => {
    const chunks: TagBatch[] = [];
    for (let i = 0; i < resourceIds.length; i += 1000) {
      chunks.push({ resourceIds: resourceIds.slice(i, i + 1000), tags });
    }
    return chunks;
  });
  return { batches, manual };
}
