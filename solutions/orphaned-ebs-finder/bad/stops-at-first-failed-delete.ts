// Mistake: deletes all volumes with one Promise.all and only expects the DryRun "errors": the
// first VolumeInUse or InvalidVolume.NotFound rejects the whole batch, and nobody learns which
// volumes were deleted.
import { DeleteVolumeCommand, type EC2Client } from "@aws-sdk/client-ec2";
import type { DeleteOptions, DeleteOutcome, OrphanReport } from "../orphaned-ebs-finder";

export * from "../orphaned-ebs-finder";

export function deleteOrphans(
  ec2: EC2Client,
  report: OrphanReport,
  options: DeleteOptions = {},
): Promise<DeleteOutcome[]> {
  const dryRun = options.apply !== true;
  return Promise.all(
    report.volumes.map(async ({ volumeId }): Promise<DeleteOutcome> => {
      try {
        await ec2.send(new DeleteVolumeCommand({ VolumeId: volumeId, DryRun: dryRun }));
        return { volumeId, status: "deleted" };
      } catch (error) {
        if ((error as Error).name === "DryRunOperation")
          return { volumeId, status: "would-delete" };
        if ((error as Error).name === "UnauthorizedOperation") {
          return { volumeId, status: "not-permitted" };
        }
        throw error;
      }
    }),
  );
}
