// Mistake: trusts the server-side status=available filter and never looks at State or
// Attachments, so a volume the response shows as attached (or attaching) is reported, and later
// deleted, anyway.
import { type EC2Client, paginateDescribeVolumes } from "@aws-sdk/client-ec2";
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
  const orphans: OrphanedVolume[] = [];
  const pages = paginateDescribeVolumes(
    { client: ec2, pageSize },
    { Filters: [{ Name: "status", Values: ["available"] }] },
  );
  for await (const page of pages) {
    for (const volume of page.Volumes ?? []) {
      if (volume.Tags?.some((tag) => tag.Key === keepTag.key && tag.Value === keepTag.value)) {
        continue;
      }
      const createTime = volume.CreateTime ?? now;
      const ageMs = now.getTime() - createTime.getTime();
      if (ageMs < minAgeDays * DAY_MS) continue;
      const sizeGiB = volume.Size ?? 0;
      const volumeType = volume.VolumeType ?? "gp2";
      orphans.push({
        volumeId: volume.VolumeId ?? "",
        volumeType,
        sizeGiB,
        availabilityZone: volume.AvailabilityZone ?? "",
        createTime,
        ageDays: Math.floor(ageMs / DAY_MS),
        monthlyCostUsd: monthlyCost({ sizeGiB, volumeType }, options.prices ?? US_EAST_1_PRICES),
      });
    }
  }
  return orphans;
}
