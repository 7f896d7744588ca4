/**
 * Security group audit — reference solution.
 *
 * Reads every security group and every network interface of a region (all pages), and reports
 * ingress open to the whole internet on sensitive ports or on all traffic, each with a narrower
 * rule to replace it, and the groups nothing uses.
 */
import { isIPv4, isIPv6 } from "node:net";
import {
  type DescribeNetworkInterfacesCommandOutput,
  type DescribeSecurityGroupsCommandOutput,
  type EC2Client,
  type IpPermission,
  type NetworkInterface,
  paginateDescribeNetworkInterfaces,
  paginateDescribeSecurityGroups,
  type SecurityGroup,
} from "@aws-sdk/client-ec2";

// ---------------------------------------------------------------------------------------------
// Types and constants

export type Severity = "critical" | "high" | "low";

export interface SensitivePort {
  port: number;
  protocol: "tcp" | "udp";
  service: string;
  severity: "critical" | "high";
}

/**
 * Ports that must never be open to the internet: remote administration (high) and data stores
 * (critical: an exposed database is a breach waiting for a scanner).
 */
export const SENSITIVE_PORTS: readonly SensitivePort[] = [
  { port: 22, protocol: "tcp", service: "SSH", severity: "high" },
  { port: 23, protocol: "tcp", service: "Telnet", severity: "high" },
  { port: 3389, protocol: "tcp", service: "RDP", severity: "high" },
  { port: 3389, protocol: "udp", service: "RDP", severity: "high" },
  { port: 1433, protocol: "tcp", service: "SQL Server", severity: "critical" },
  { port: 1521, protocol: "tcp", service: "Oracle", severity: "critical" },
  { port: 3306, protocol: "tcp", service: "MySQL", severity: "critical" },
  { port: 5432, protocol: "tcp", service: "PostgreSQL", severity: "critical" },
  { port: 6379, protocol: "tcp", service: "Redis", severity: "critical" },
  { port: 9200, protocol: "tcp", service: "Elasticsearch", severity: "critical" },
  { port: 11211, protocol: "tcp", service: "Memcached", severity: "critical" },
  { port: 11211, protocol: "udp", service: "Memcached", severity: "critical" },
  { port: 27017, protocol: "tcp", service: "MongoDB", severity: "critical" },
];

/** Where the suggested rules let traffic in from instead of the internet. */
export interface TrustedSources {
  /** An IPv4 CIDR, for rules that were open to an IPv4 /0. */
  ipv4: string;
  /** An IPv6 CIDR, for rules that were open to an IPv6 /0. */
  ipv6: string;
}

/** The private ranges: RFC 1918's 10/8 and IPv6 unique local addresses. */
export const DEFAULT_TRUSTED_SOURCES: TrustedSources = { ipv4: "10.0.0.0/8", ipv6: "fd00::/8" };

interface GroupRef {
  groupId: string;
  groupName: string;
}

export type SecurityGroupFinding =
  | (GroupRef & {
      kind: "all-traffic";
      severity: "critical";
      /** The world CIDR as the rule has it. */
      source: string;
      suggestion: IpPermission;
    })
  | (GroupRef & {
      kind: "sensitive-port";
      severity: "critical" | "high";
      source: string;
      protocol: "tcp" | "udp";
      /** The rule's port range (0–65535 when the rule gives none). */
      fromPort: number;
      toPort: number;
      /** The sensitive port inside that range, and its service. */
      port: number;
      service: string;
      suggestion: IpPermission;
    })
  | (GroupRef & { kind: "unused"; severity: "low" });

export interface AuditOptions {
  /** MaxResults of both listings: an integer from 5 to 1000. Default 1000. */
  pageSize?: number;
  /** Default DEFAULT_TRUSTED_SOURCES. */
  trustedSources?: TrustedSources;
}

/** A listing that failed: the audit reports nothing rather than half an inventory. */
export class AuditError extends Error {
  override readonly name = "AuditError";

  constructor(
    readonly operation: string,
    readonly code: string,
    cause: Error,
  ) {
    super(`${operation} failed: ${code}: ${cause.message}`, { cause });
  }
}

// ---------------------------------------------------------------------------------------------
// CIDRs

/** Family and prefix length of a CIDR, or null when it is not one. */
function parseCidr(cidr: string): { family: 4 | 6; prefixLength: number } | null {
  // Without a "/", the "prefix" is the whole text and the address is not one: null below.
  const slash = cidr.lastIndexOf("/");
  const address = cidr.slice(0, slash);
  const prefix = cidr.slice(slash + 1);
  if (!/^\d+$/.test(prefix)) return null;
  const prefixLength = Number(prefix);
  if (isIPv4(address) && prefixLength <= 32) return { family: 4, prefixLength };
  if (isIPv6(address) && prefixLength <= 128) return { family: 6, prefixLength };
  return null;
}

/** A CIDR that covers every address of its family: any valid address with a prefix length of 0. */
export function isWorldCidr(cidr: string): boolean {
  return parseCidr(cidr)?.prefixLength === 0;
}

function checkTrustedSources(trusted: TrustedSources): void {
  // From plain JavaScript (or a parsed config file) anything can come: null holds no range, and a
  // missing or non-string range holds no CIDR. A RangeError either way, never a TypeError.
  const given: { ipv4?: unknown; ipv6?: unknown } = trusted ?? {};
  for (const family of ["ipv4", "ipv6"] as const) {
    if (typeof given[family] !== "string") {
      throw new RangeError(
        `trustedSources.${family} must be a CIDR string, got ${String(given[family])}`,
      );
    }
  }
  const ipv4 = parseCidr(trusted.ipv4);
  const ipv6 = parseCidr(trusted.ipv6);
  if (ipv4?.family !== 4 || ipv4.prefixLength === 0) {
    throw new RangeError(
      `trustedSources.ipv4 must be an IPv4 CIDR narrower than /0, got "${trusted.ipv4}"`,
    );
  }
  if (ipv6?.family !== 6 || ipv6.prefixLength === 0) {
    throw new RangeError(
      `trustedSources.ipv6 must be an IPv6 CIDR narrower than /0, got "${trusted.ipv6}"`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// One group's ingress

/** EC2 may leave out a list it has nothing for. */
const listOf = <T>(items: readonly T[] | undefined): readonly T[] => items ?? [];

/**
 * What a rule lets through: all traffic, or the ports of one protocol (icmp, gre… reach no entry
 * of SENSITIVE_PORTS, so they never give a finding).
 */
type Reach =
  | { all: true }
  | { all: false; protocol: string | undefined; fromPort: number; toPort: number };

function reachOf(permission: IpPermission): Reach {
  const written = permission.IpProtocol?.toLowerCase();
  if (written === "-1") return { all: true };
  const protocol = written === "6" ? "tcp" : written === "17" ? "udp" : written;
  // EC2 always sends a range for tcp/udp; without one, assume the worst rather than skip the rule.
  return {
    all: false,
    protocol,
    fromPort: permission.FromPort ?? 0,
    toPort: permission.ToPort ?? 65535,
  };
}

const isWorld = (cidr: string | undefined): cidr is string =>
  cidr !== undefined && isWorldCidr(cidr);

/** The world sources of a rule: IPv4 ranges first, then IPv6, in the rule's order. */
function worldSources(permission: IpPermission): { source: string; family: 4 | 6 }[] {
  const ipv4 = listOf(permission.IpRanges).map((range) => range.CidrIp);
  const ipv6 = listOf(permission.Ipv6Ranges).map((range) => range.CidrIpv6);
  return [
    ...ipv4.filter(isWorld).map((source) => ({ source, family: 4 as const })),
    ...ipv6.filter(isWorld).map((source) => ({ source, family: 6 as const })),
  ];
}

/** The same traffic, but only from the trusted range of the source's family. */
function narrowed(base: IpPermission, family: 4 | 6, trusted: TrustedSources): IpPermission {
  return family === 4
    ? { ...base, IpRanges: [{ CidrIp: trusted.ipv4 }] }
    : { ...base, Ipv6Ranges: [{ CidrIpv6: trusted.ipv6 }] };
}

/** The ingress findings of one group, in rule order (prefix lists and group pairs are not the world). */
export function checkGroup(
  group: SecurityGroup,
  trustedSources: TrustedSources = DEFAULT_TRUSTED_SOURCES,
): SecurityGroupFinding[] {
  checkTrustedSources(trustedSources);
  const ref = groupRef(group);
  const findings: SecurityGroupFinding[] = [];
  for (const permission of listOf(group.IpPermissions)) {
    const reach = reachOf(permission);
    for (const { source, family } of worldSources(permission)) {
      if (reach.all) {
        findings.push({
          ...ref,
          kind: "all-traffic",
          severity: "critical",
          source,
          suggestion: narrowed({ IpProtocol: "-1" }, family, trustedSources),
        });
        continue;
      }
      for (const sensitive of SENSITIVE_PORTS) {
        const inRange = reach.fromPort <= sensitive.port && sensitive.port <= reach.toPort;
        if (sensitive.protocol !== reach.protocol || !inRange) continue;
        findings.push({
          ...ref,
          kind: "sensitive-port",
          severity: sensitive.severity,
          source,
          protocol: sensitive.protocol,
          fromPort: reach.fromPort,
          toPort: reach.toPort,
          port: sensitive.port,
          service: sensitive.service,
          suggestion: narrowed(
            { IpProtocol: sensitive.protocol, FromPort: sensitive.port, ToPort: sensitive.port },
            family,
            trustedSources,
          ),
        });
      }
    }
  }
  return findings;
}

/** GroupId and GroupName, which EC2 always sends: a group without them is a broken response. */
function groupRef(group: SecurityGroup): GroupRef {
  for (const field of ["GroupId", "GroupName"] as const) {
    // Non-empty strings: a number or an object is as broken as a missing field.
    if (typeof group[field] !== "string" || group[field] === "") {
      throw new Error(`DescribeSecurityGroups returned a group without ${field}`);
    }
  }
  return { groupId: group.GroupId as string, groupName: group.GroupName as string };
}

// ---------------------------------------------------------------------------------------------
// Unused groups

/**
 * Groups that no network interface uses, that no *other* group's rule refers to (EC2 refuses to
 * delete those), and that are not a VPC's `default` group (which cannot be deleted).
 */
export function findUnusedGroups(
  groups: readonly SecurityGroup[],
  interfaces: readonly NetworkInterface[],
): SecurityGroupFinding[] {
  // Every group is checked, used or not: a broken response must not pass because of its contents.
  const refs = groups.map(groupRef);
  const inUse = new Set(
    interfaces.flatMap((eni) => listOf(eni.Groups).map((group) => group.GroupId)),
  );
  for (const group of groups) {
    const rules = [...listOf(group.IpPermissions), ...listOf(group.IpPermissionsEgress)];
    for (const pair of rules.flatMap((rule) => listOf(rule.UserIdGroupPairs))) {
      // A group that allows traffic from itself is not "used" by that rule.
      if (pair.GroupId !== group.GroupId) inUse.add(pair.GroupId);
    }
  }
  return refs
    .filter((ref) => ref.groupName !== "default" && !inUse.has(ref.groupId))
    .map((ref) => ({ ...ref, kind: "unused" as const, severity: "low" as const }));
}

// ---------------------------------------------------------------------------------------------
// The audit

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, low: 2 };

/** Every security group and network interface of the client's region, and what is wrong. */
export async function auditSecurityGroups(
  ec2: EC2Client,
  options: AuditOptions = {},
): Promise<SecurityGroupFinding[]> {
  const { pageSize = 1000, trustedSources = DEFAULT_TRUSTED_SOURCES } = options;
  if (!Number.isInteger(pageSize) || pageSize < 5 || pageSize > 1000) {
    throw new RangeError(`pageSize must be an integer from 5 to 1000, got ${pageSize}`);
  }
  checkTrustedSources(trustedSources);

  const paging = { client: ec2, pageSize };
  const groups = await listAll(
    "DescribeSecurityGroups",
    paginateDescribeSecurityGroups(paging, {}),
    (page: DescribeSecurityGroupsCommandOutput) => page.SecurityGroups,
  );
  const interfaces = await listAll(
    "DescribeNetworkInterfaces",
    paginateDescribeNetworkInterfaces(paging, {}),
    (page: DescribeNetworkInterfacesCommandOutput) => page.NetworkInterfaces,
  );

  const findings = [
    ...groups.flatMap((group) => checkGroup(group, trustedSources)),
    ...findUnusedGroups(groups, interfaces),
  ];
  // Array.prototype.sort is stable: equal severities keep the order they were found in.
  return findings.sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
}

/**
 * Every item of every page. A failed page fails the listing: with half the interfaces, a group
 * used only by the missing ones would be reported as unused — and then deleted by someone.
 */
async function listAll<TPage, TItem>(
  operation: string,
  pages: AsyncIterable<TPage>,
  itemsOf: (page: TPage) => TItem[] | undefined,
): Promise<TItem[]> {
  const items: TItem[] = [];
  try {
    for await (const page of pages) items.push(...(itemsOf(page) ?? []));
  } catch (thrown) {
    // The SDK rejects with an Error; anything else (a bare string from a wrapper) is wrapped.
    const error = thrown instanceof Error ? thrown : new Error(String(thrown));
    throw new AuditError(operation, error.name, error);
  }
  return items;
}
