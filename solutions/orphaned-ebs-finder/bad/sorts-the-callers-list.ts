// Mistake: sorts the arrays it was given in place. The report looks right, but the caller's lists
// are silently reordered (Array.prototype.sort mutates; Python's sorted() does not).
import type { OrphanedSnapshot, OrphanedVolume, OrphanReport } from "../orphaned-ebs-finder";

export * from "../orphaned-ebs-finder";

export function buildReport(
  volumes: readonly OrphanedVolume[],
  snapshots: readonly OrphanedSnapshot[],
): OrphanReport {
  const sortedVolumes = (volumes as OrphanedVolume[]).sort(
    (a, b) => b.monthlyCostUsd - a.monthlyCostUsd || (a.volumeId < b.volumeId ? -1 : 1),
  );
  const sortedSnapshots = (snapshots as OrphanedSnapshot[]).sort(
    (a, b) => b.monthlyCostUsd - a.monthlyCostUsd || (a.snapshotId < b.snapshotId ? -1 : 1),
  );
  const total = [...sortedVolumes, ...sortedSnapshots].reduce(
    (sum, item) => sum + item.monthlyCostUsd,
    0,
  );
  return {
    volumes: sortedVolumes,
    snapshots: sortedSnapshots,
    totalMonthlyCostUsd: Math.round(total * 10_000) / 10_000,
    archivedSnapshots: [],
    archivedMonthlyCostUsd: 0,
  };
}
