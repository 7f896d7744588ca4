// Mistake: sends one DescribeVolumes request and never looks at NextToken. With more volumes than
// MaxResults (or an empty first page, which filtered listings can return) orphans go unseen.
import { DescribeVolumesCommand, type EC2Client } from "@aws-sdk/client-ec2";
import {
  DEFAULT_KEEP_TAG,
  monthlyCost,
  type OrphanedVolume,
  US_EAST_1_PRICES,
  type VolumeScanOptions,
} from "../orphaned-ebs-finder";

export * from "../orphaned-ebs-finder";

const DAY_MS = 86_400_000;

export async function findOrphanedVolumes(
  ec2: EC2Client,
  options: VolumeScanOptions = {},
): Promise<OrphanedVolume[]> {
  const { now = new Date(), minAgeDays = 7, keepTag = DEFAULT_KEEP_TAG, pageSize = 500 } = options;
  const page = await ec2.send(
    new DescribeVolumesCommand({
      Filters: [{ Name: "status", Values: ["available"] }],
      MaxResults: pageSize,
    }),
  );
  const orphans: OrphanedVolume[] = [];
  for (const volume of page.Volumes ?? []) {
    if (volume.State !== "available" || volume.Attachments?.length) continue;
    if (volume.Tags?.some((tag) => tag.Key === keepTag.key && tag.Value === keepTag.value))
      continue;
    const ageMs = now.getTime() - (volume.CreateTime?.getTime() ?? 0);
    if (ageMs < minAgeDays * DAY_MS) continue;
    const sizeGiB = volume.Size ?? 0;
    const volumeType = volume.VolumeType ?? "gp2";
    orphans.push({
      volumeId: volume.VolumeId ?? "",
      volumeType,
      sizeGiB,
      availabilityZone: volume.AvailabilityZone ?? "",
      createTime: volume.CreateTime ?? now,
      ageDays: Math.floor(ageMs / DAY_MS),
      monthlyCostUsd: monthlyCost({ sizeGiB, volumeType }, options.prices ?? US_EAST_1_PRICES),
    });
  }
  return orphans;
}
