// Mistake: rounds the percentage to the nearest tenth (toFixed), so 1999 compliant resources out
// of 2000 read as 100 % and a dashboard shows "all green" while one resource is out of policy.
import type { EC2Client } from "@aws-sdk/client-ec2";
import {
  type ComplianceFigures,
  type ComplianceReport,
  scanCompliance as scanExactly,
  type TagPolicy,
} from "../tag-compliance";

export * from "../tag-compliance";

export async function scanCompliance(ec2: EC2Client, policy: TagPolicy): Promise<ComplianceReport> {
  const report = await scanExactly(ec2, policy);
  const rounded = ({ total, compliant }: ComplianceFigures): ComplianceFigures => ({
    total,
    compliant,
    percent: total === 0 ? 100 : Number(((compliant / total) * 100).toFixed(1)),
  });
  const { instance, volume, overall } = report.summary;
  return {
    ...report,
    summary: { instance: rounded(instance), volume: rounded(volume), overall: rounded(overall) },
  };
}
