// Mistake: checks each batch's size only when its turn comes, so the batches before an invalid
// one have already been sent (for real, with apply: true) when the error is thrown.
import { CreateTagsCommand, type EC2Client } from "@aws-sdk/client-ec2";
import type { BatchResult, RemediateOptions, RemediationPlan } from "../tag-compliance";

export * from "../tag-compliance";

export async function remediate(
  ec2: EC2Client,
  plan: RemediationPlan,
  options: RemediateOptions = {},
): Promise<BatchResult[]> {
  const apply = options.apply === true;
  const results: BatchResult[] = [];
  for (const batch of plan.batches) {
    const count = batch.resourceIds.length;
    if (count === 0 || count > 1000) {
      throw new RangeError(`a CreateTags batch takes 1 to 1000 resource ids, got ${count}`);
    }
    try {
      const input = { Resources: batch.resourceIds, Tags: batch.tags, DryRun: !apply };
      await ec2.send(new CreateTagsCommand(input));
      results.push({ batch, status: "applied" });
    } catch (caught) {
      const { name: code, message } = caught as Error;
      if (code === "DryRunOperation") results.push({ batch, status: "would-apply" });
      else {
        const status = code === "UnauthorizedOperation" ? "not-permitted" : "failed";
        results.push({ batch, status, error: { code, message } });
      }
    }
  }
  return results;
}
