// Mistake: retries a throttled listing by starting the paginator over from page 1 while keeping
// what it had already collected: the volumes of the pages read before the throttle come out twice
// (and a large account is re-read from the start on every throttle).
import { type EC2Client, paginateDescribeVolumes, type Volume } from "@aws-sdk/client-ec2";
import {
  DEFAULT_KEEP_TAG,
  DEFAULT_RETRY,
  monthlyCost,
  type OrphanedVolume,
  ScanError,
  US_EAST_1_PRICES,
  type VolumeScanOptions,
} from "../orphaned-ebs-finder";

export * from "../orphaned-ebs-finder";

const DAY_MS = 86_400_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function findOrphanedVolumes(
  ec2: EC2Client,
  options: VolumeScanOptions = {},
): Promise<OrphanedVolume[]> {
  const { now = new Date(), minAgeDays = 7, keepTag = DEFAULT_KEEP_TAG } = options;
  const { pageSize = 500, retry = DEFAULT_RETRY } = options;
  const volumes: Volume[] = [];
  for (let attempt = 1; ; attempt++) {
    try {
      const pages = paginateDescribeVolumes(
        { client: ec2, pageSize },
        { Filters: [{ Name: "status", Values: ["available"] }] },
      );
      for await (const page of pages) volumes.push(...(page.Volumes ?? []));
      break;
    } catch (thrown) {
      const error = thrown as Error;
      if (error.name !== "RequestLimitExceeded" || attempt === retry.attempts) {
        throw new ScanError("DescribeVolumes", error.name, attempt, retry.attempts, error);
      }
      await sleep(retry.baseDelayMs * 2 ** (attempt - 1));
    }
  }

  const orphans: OrphanedVolume[] = [];
  for (const volume of volumes) {
    if (volume.State !== "available" || volume.Attachments?.length) continue;
    if (volume.Tags?.some((tag) => tag.Key === keepTag.key && tag.Value === keepTag.value))
      continue;
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
  return orphans;
}
