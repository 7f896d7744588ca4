// Mistake: treats "apply" as opt-out instead of opt-in. `DryRun: options.apply === false` is a dry
// run only when the caller explicitly passes apply: false; the default call deletes for real.
import { DeleteVolumeCommand, type EC2Client } from "@aws-sdk/client-ec2";
import type { DeleteOptions, DeleteOutcome, OrphanReport } from "../orphaned-ebs-finder";

export * from "../orphaned-ebs-finder";

export async function deleteOrphans(
  ec2: EC2Client,
  report: OrphanReport,
  options: DeleteOptions = {},
): Promise<DeleteOutcome[]> {
  const outcomes: DeleteOutcome[] = [];
  for (const { volumeId } of report.volumes) {
    try {
      await ec2.send(
        new DeleteVolumeCommand({ VolumeId: volumeId, DryRun: options.apply === false }),
      );
      outcomes.push({ volumeId, status: "deleted" });
    } catch (thrown) {
      const error = thrown as Error;
      if (error.name === "DryRunOperation") outcomes.push({ volumeId, status: "would-delete" });
      else if (error.name === "UnauthorizedOperation")
        outcomes.push({ volumeId, status: "not-permitted" });
      else outcomes.push({ volumeId, status: "failed", code: error.name, message: error.message });
    }
  }
  return outcomes;
}
