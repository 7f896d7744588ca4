/**
 * Security group audit — your file. The types, constants and AuditError are written; the
 * functions are yours (README.md, "API"). Run `npm run kata -- run security-group-audit`.
 *
 * Reads every security group and every network interface of a region (all pages), and reports
 * ingress open to the whole internet on sensitive ports or on all traffic, each with a narrower
 * rule to replace it, and the groups nothing uses.
 */
import type { EC2Client, IpPermission, NetworkInterface, SecurityGroup } from "@aws-sdk/client-ec2";
// Useful here: paginateDescribeSecurityGroups and paginateDescribeNetworkInterfaces from
// "@aws-sdk/client-ec2", and isIPv4 / isIPv6 from "node:net".

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
// Your code

/** A CIDR that covers every address of its family: a valid address with a prefix length of 0. */
export function isWorldCidr(_cidr: string): boolean {
  // TODO: start here (step 1)
  throw new Error("TODO: implement isWorldCidr()");
}

/** The ingress findings of one group, in rule order (steps 2 and 3). */
export function checkGroup(
  _group: SecurityGroup,
  _trustedSources: TrustedSources = DEFAULT_TRUSTED_SOURCES,
): SecurityGroupFinding[] {
  throw new Error("TODO: implement checkGroup()");
}

/** Groups no interface uses, no other group refers to, and not named "default" (step 5). */
export function findUnusedGroups(
  _groups: readonly SecurityGroup[],
  _interfaces: readonly NetworkInterface[],
): SecurityGroupFinding[] {
  throw new Error("TODO: implement findUnusedGroups()");
}

/** Every security group and network interface of the client's region, and what is wrong. */
export async function auditSecurityGroups(
  _ec2: EC2Client,
  _options: AuditOptions = {},
): Promise<SecurityGroupFinding[]> {
  throw new Error("TODO: implement auditSecurityGroups()");
}
