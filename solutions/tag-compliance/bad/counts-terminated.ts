// Mistake: checks every instance DescribeInstances returns, terminated and shutting-down ones
// included, so instances on their way out drag the figures down and get "fixed" for nothing.
import {
  type EC2Client,
  paginateDescribeInstances,
  paginateDescribeVolumes,
} from "@aws-sdk/client-ec2";
import {
  type ComplianceFigures,
  type ComplianceReport,
  checkTags,
  type ResourceCompliance,
  type TagPolicy,
} from "../tag-compliance";

export * from "../tag-compliance";

export async function scanCompliance(ec2: EC2Client, policy: TagPolicy): Promise<ComplianceReport> {
  checkTags([], policy);
  const resources: ResourceCompliance[] = [];
  for await (const page of paginateDescribeInstances({ client: ec2 }, {})) {
    for (const reservation of page.Reservations ?? []) {
      for (const { InstanceId, Tags } of reservation.Instances ?? []) {
        const violations = checkTags(Tags, policy);
        resources.push({ resourceId: String(InstanceId), resourceType: "instance", violations });
      }
    }
  }
  for await (const page of paginateDescribeVolumes({ client: ec2 }, {})) {
    for (const { VolumeId, Tags } of page.Volumes ?? []) {
      const violations = checkTags(Tags, policy);
      resources.push({ resourceId: String(VolumeId), resourceType: "volume", violations });
    }
  }
  const figures = (subset: ResourceCompliance[]): ComplianceFigures => {
    const compliant = subset.filter(({ violations }) => violations.length === 0).length;
    const percent = subset.length === 0 ? 100 : Math.floor((compliant * 1000) / subset.length) / 10;
    return { total: subset.length, compliant, percent };
  };
  const ofType = (type: string) => resources.filter(({ resourceType }) => resourceType === type);
  return {
    resources,
    summary: {
      instance: figures(ofType("instance")),
      volume: figures(ofType("volume")),
      overall: figures(resources),
    },
  };
}
