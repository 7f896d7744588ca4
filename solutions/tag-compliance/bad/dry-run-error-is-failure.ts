// Mistake: treats every error from CreateTags as a failure, forgetting that EC2 answers a
// successful DryRun with the DryRunOperation error: every dry run then looks like it failed.
import { CreateTagsCommand, type EC2Client } from "@aws-sdk/client-ec2";
import type { BatchResult, RemediateOptions, RemediationPlan } from "../tag-compliance";

export * from "../tag-compliance";

export async function remediate(
  ec2: EC2Client,
  plan: RemediationPlan,
  options: RemediateOptions = {},
): Promise<BatchResult[]> {
  const apply = options.apply === true;
  for (const { resourceIds } of plan.batches) {
    const count = resourceIds.length;
    if (count === 0 || count > 1000) {
      throw new RangeError(`a CreateTags batch takes 1 to 1000 resource ids, got ${count}`);
    }
  }
  const results: BatchResult[] = [];
  for (const batch of plan.batches) {
    try {
      const input = { Resources: batch.resourceIds, Tags: batch.tags, DryRun: !apply };
      await ec2.send(new CreateTagsCommand(input));
      results.push({ batch, status: apply ? "applied" : "would-apply" });
    } catch (caught) {
      const { name: code, message } = caught as Error;
      const status = code === "UnauthorizedOperation" ? "not-permitted" : "failed";
      results.push({ batch, status, error: { code, message } });
    }
  }
  return results;
}
