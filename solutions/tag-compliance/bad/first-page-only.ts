// Mistake: sends one DescribeInstances and one DescribeVolumes and never follows NextToken, so
// every resource after the first page is silently left out of the report.
import {
  DescribeInstancesCommand,
  DescribeVolumesCommand,
  type EC2Client,
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
  const instances = await ec2.send(new DescribeInstancesCommand({}));
  for (const reservation of instances.Reservations ?? []) {
    for (const { InstanceId, State, Tags } of reservation.Instances ?? []) {
      if (State?.Name === "terminated" || State?.Name === "shutting-down") continue;
      const violations = checkTags(Tags, policy);
      resources.push({ resourceId: String(InstanceId), resourceType: "instance", violations });
    }
  }
  const volumes = await ec2.send(new DescribeVolumesCommand({}));
  for (const { VolumeId, Tags } of volumes.Volumes ?? []) {
    const violations = checkTags(Tags, policy);
    resources.push({ resourceId: String(VolumeId), resourceType: "volume", violations });
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
