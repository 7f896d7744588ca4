// Mistake: only checks whether the snapshot's volume still exists. A snapshot an AMI is built from
// has usually outlived its volume too, so the AMI's root snapshot is reported as an orphan (and
// DeleteSnapshot would fail with InvalidSnapshot.InUse).
import {
  type EC2Client,
  paginateDescribeSnapshots,
  paginateDescribeVolumes,
  type Snapshot,
} from "@aws-sdk/client-ec2";
import {
  COPIED_SNAPSHOT_VOLUME_ID,
  type OrphanedSnapshot,
  type ScanOptions,
  SNAPSHOT_PRICE_PER_GIB_MONTH,
} from "../orphaned-ebs-finder";

export * from "../orphaned-ebs-finder";

export async function findOrphanedSnapshots(
  ec2: EC2Client,
  options: ScanOptions = {},
): Promise<OrphanedSnapshot[]> {
  const pageSize = options.pageSize ?? 500;
  const snapshots: Snapshot[] = [];
  for await (const page of paginateDescribeSnapshots(
    { client: ec2, pageSize },
    { OwnerIds: ["self"] },
  )) {
    snapshots.push(...(page.Snapshots ?? []));
  }
  const liveVolumeIds = new Set<string | undefined>();
  for await (const page of paginateDescribeVolumes({ client: ec2, pageSize }, {})) {
    for (const volume of page.Volumes ?? []) liveVolumeIds.add(volume.VolumeId);
  }
  return snapshots
    .filter((snapshot) => !liveVolumeIds.has(snapshot.VolumeId))
    .map((snapshot) => ({
      snapshotId: snapshot.SnapshotId ?? "",
      volumeId: snapshot.VolumeId ?? "",
      sizeGiB: snapshot.VolumeSize ?? 0,
      startTime: snapshot.StartTime ?? new Date(0),
      reason: snapshot.VolumeId === COPIED_SNAPSHOT_VOLUME_ID ? "copied" : "volume-deleted",
      storageTier: "standard" as const,
      monthlyCostUsd:
        Math.round((snapshot.VolumeSize ?? 0) * SNAPSHOT_PRICE_PER_GIB_MONTH * 10_000) / 10_000,
    }));
}
