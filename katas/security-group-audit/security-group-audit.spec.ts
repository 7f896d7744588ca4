import {
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  type IpPermission,
  type NetworkInterface,
  type SecurityGroup,
} from "@aws-sdk/client-ec2";
import { beforeEach, describe, expect, it } from "vitest";
import { useMockedClient, withOwnSend } from "../../fixtures/helpers/aws/client";
import {
  ec2Error,
  ec2Errors,
  sampleIpPermission,
  sampleNetworkInterface,
  sampleSecurityGroup,
} from "../../fixtures/helpers/aws/ec2";
import { mockPagesExactly, RequestLog } from "../../fixtures/helpers/aws/exact";
import {
  AuditError,
  auditSecurityGroups,
  checkGroup,
  findUnusedGroups,
  isWorldCidr,
  type SecurityGroupFinding,
} from "./security-group-audit";

const ec2Mock = useMockedClient(EC2Client);
const ec2 = new EC2Client({ region: "us-east-1" });

const WORLD = "0.0.0.0/0";
const WORLD6 = "::/0";

/** An ingress rule for a protocol and port range, from these IPv4 and IPv6 CIDRs. */
function rule(
  IpProtocol: string,
  FromPort: number | undefined,
  ToPort: number | undefined,
  cidrs: string[] = [WORLD],
  cidrs6: string[] = [],
  extra: IpPermission = {},
): IpPermission {
  return sampleIpPermission({
    IpProtocol,
    FromPort,
    ToPort,
    IpRanges: cidrs.map((CidrIp) => ({ CidrIp })),
    Ipv6Ranges: cidrs6.map((CidrIpv6) => ({ CidrIpv6 })),
    ...extra,
  });
}
/** An all-traffic rule, as EC2 returns it: IpProtocol "-1" and no ports at all. */
function allTraffic(cidrs: string[] = [WORLD], cidrs6: string[] = []): IpPermission {
  const permission = rule("-1", undefined, undefined, cidrs, cidrs6);
  delete permission.FromPort;
  delete permission.ToPort;
  return permission;
}
const group = (groupId: string, ...IpPermissions: IpPermission[]) =>
  sampleSecurityGroup(groupId, { IpPermissions });

// The findings a correct audit returns, built from the README (never from the module under test).
const TRUSTED4 = [{ CidrIp: "10.0.0.0/8" }];
const TRUSTED6 = [{ CidrIpv6: "fd00::/8" }];

function sensitive(
  groupId: string,
  port: number,
  service: string,
  severity: "critical" | "high",
  extra: Partial<{
    source: string;
    protocol: "tcp" | "udp";
    fromPort: number;
    toPort: number;
  }> = {},
): SecurityGroupFinding {
  const { source = WORLD, protocol = "tcp", fromPort = port, toPort = port } = extra;
  const narrowed = source.includes(":") ? { Ipv6Ranges: TRUSTED6 } : { IpRanges: TRUSTED4 };
  return {
    groupId,
    groupName: `sample-${groupId}`,
    kind: "sensitive-port",
    severity,
    source,
    protocol,
    fromPort,
    toPort,
    port,
    service,
    suggestion: { IpProtocol: protocol, FromPort: port, ToPort: port, ...narrowed },
  };
}
function wideOpen(groupId: string, source = WORLD): SecurityGroupFinding {
  const narrowed = source.includes(":") ? { Ipv6Ranges: TRUSTED6 } : { IpRanges: TRUSTED4 };
  return {
    groupId,
    groupName: `sample-${groupId}`,
    kind: "all-traffic",
    severity: "critical",
    source,
    suggestion: { IpProtocol: "-1", ...narrowed },
  };
}
const unused = (groupId: string, groupName = `sample-${groupId}`): SecurityGroupFinding => ({
  groupId,
  groupName,
  kind: "unused",
  severity: "low",
});
const ssh = (groupId: string, extra = {}) => sensitive(groupId, 22, "SSH", "high", extra);

/** The TCP ports of SENSITIVE_PORTS, in the README's order. */
const TCP_PORTS: [number, string, "critical" | "high"][] = [
  [22, "SSH", "high"],
  [23, "Telnet", "high"],
  [3389, "RDP", "high"],
  [1433, "SQL Server", "critical"],
  [1521, "Oracle", "critical"],
  [3306, "MySQL", "critical"],
  [5432, "PostgreSQL", "critical"],
  [6379, "Redis", "critical"],
  [9200, "Elasticsearch", "critical"],
  [11211, "Memcached", "critical"],
  [27017, "MongoDB", "critical"],
];

describe("step 1 — the world, in CIDR", () => {
  it.each([
    ["0.0.0.0/0"],
    ["::/0"],
    ["10.1.2.3/0"],
    ["2001:db8::/0"],
    ["0:0:0:0:0:0:0:0/0"],
    ["fe80::1%eth0/0"],
  ])("counts %s as the whole internet", (cidr) => {
    expect(isWorldCidr(cidr)).toBe(true);
  });

  it.each([["0.0.0.0/00"], ["::/000"], ["0.0.0.0/0000"], ["::/00000"]])(
    "reads the prefix of %s as a decimal number: leading zeros are allowed",
    (cidr) => {
      expect(isWorldCidr(cidr), "00 is 0").toBe(true);
    },
  );

  it.each([
    ["0.0.0.0/1", "half the internet is not all of it"],
    ["::/1", "nor is half of IPv6"],
    ["10.0.0.0/8", "a private range"],
    ["0.0.0.0", "a bare address is a /32"],
    ["::", "a bare IPv6 address is a /128"],
    [" 0.0.0.0/0", "text around the CIDR"],
    ["0.0.0.0/0 ", "text around the CIDR"],
    ["300.0.0.0/0", "an octet above 255"],
    ["0.0.0/0", "three octets"],
    ["::g/0", "not hexadecimal"],
    ["0.0.0.0/-0", "a signed prefix"],
    ["0.0.0.0/+0", "a signed prefix"],
    ["0.0.0.0/0/0", "two prefixes"],
    ["0.0.0.0/", "an empty prefix"],
    ["0.0.0.0/0x0", "a hexadecimal prefix: digits only"],
    ["0.0.0.0/0b0", "a binary prefix: digits only"],
    ["::/0o0", "an octal prefix: digits only"],
    ["0.0.0.0/0e1", "an exponent: digits only"],
    ["::/0.0", "a decimal point: digits only"],
    ["", "an empty string"],
  ])("does not count %j (%s)", (cidr) => {
    expect(isWorldCidr(cidr)).toBe(false);
  });
});

describe("step 2 — sensitive ports in a rule", () => {
  it("finds nothing in a group without ingress rules", () => {
    expect(checkGroup(group("sg-01"))).toEqual([]);
  });

  it("reports SSH open to 0.0.0.0/0, with a rule narrowed to the trusted range", () => {
    expect(checkGroup(group("sg-01", rule("tcp", 22, 22)))).toEqual([
      {
        groupId: "sg-01",
        groupName: "sample-sg-01",
        kind: "sensitive-port",
        severity: "high",
        source: "0.0.0.0/0",
        protocol: "tcp",
        fromPort: 22,
        toPort: 22,
        port: 22,
        service: "SSH",
        suggestion: {
          IpProtocol: "tcp",
          FromPort: 22,
          ToPort: 22,
          IpRanges: [{ CidrIp: "10.0.0.0/8" }],
        },
      },
    ]);
  });

  it.each(TCP_PORTS)("reports tcp %i (%s) open to the world as %s", (port, service, severity) => {
    expect(checkGroup(group("sg-01", rule("tcp", port, port)))).toEqual([
      sensitive("sg-01", port, service, severity),
    ]);
  });

  it("reports a range that contains a sensitive port, counting both ends in", () => {
    const findings = checkGroup(
      group(
        "sg-01",
        rule("tcp", 20, 30),
        rule("tcp", 21, 22),
        rule("tcp", 22, 23),
        rule("tcp", 3388, 3389),
      ),
    );

    expect(findings).toEqual([
      ssh("sg-01", { fromPort: 20, toPort: 30 }),
      sensitive("sg-01", 23, "Telnet", "high", { fromPort: 20, toPort: 30 }),
      ssh("sg-01", { fromPort: 21, toPort: 22 }),
      ssh("sg-01", { fromPort: 22, toPort: 23 }),
      sensitive("sg-01", 23, "Telnet", "high", { fromPort: 22, toPort: 23 }),
      sensitive("sg-01", 3389, "RDP", "high", { fromPort: 3388, toPort: 3389 }),
    ]);
  });

  it("does not report ranges that stop just short of a sensitive port", () => {
    const findings = checkGroup(
      group(
        "sg-01",
        rule("tcp", 1434, 1520),
        rule("tcp", 24, 1432),
        rule("tcp", 80, 80),
        rule("tcp", 443, 443),
      ),
    );

    expect(findings).toEqual([]);
  });

  it("reports every sensitive TCP port of 0–65535, in the list's order, each narrowed to its port", () => {
    const findings = checkGroup(group("sg-01", rule("tcp", 0, 65535)));

    expect(findings).toEqual(
      TCP_PORTS.map(([port, service, severity]) =>
        sensitive("sg-01", port, service, severity, { fromPort: 0, toPort: 65535 }),
      ),
    );
  });

  it("matches the protocol: udp 0–65535 exposes only the UDP entries, udp 22 is not SSH", () => {
    const findings = checkGroup(group("sg-01", rule("udp", 0, 65535), rule("udp", 22, 22)));

    expect(findings).toEqual([
      sensitive("sg-01", 3389, "RDP", "high", { protocol: "udp", fromPort: 0, toPort: 65535 }),
      sensitive("sg-01", 11211, "Memcached", "critical", {
        protocol: "udp",
        fromPort: 0,
        toPort: 65535,
      }),
    ]);
  });

  it("reads the protocol numbers 6 and 17 as tcp and udp, and names in any letter case", () => {
    const findings = checkGroup(
      group(
        "sg-01",
        rule("6", 22, 22),
        rule("17", 11211, 11211),
        rule("TCP", 5432, 5432),
        rule("Udp", 3389, 3389),
      ),
    );

    expect(findings).toEqual([
      ssh("sg-01"),
      sensitive("sg-01", 11211, "Memcached", "critical", { protocol: "udp" }),
      sensitive("sg-01", 5432, "PostgreSQL", "critical"),
      sensitive("sg-01", 3389, "RDP", "high", { protocol: "udp" }),
    ]);
  });

  it.each([
    ["06"],
    [" 6"],
    ["6 "],
    ["6.0"],
    ["+6"],
    ["6tcp"],
    ["017"],
    ["17.0"],
    ["-01"],
    ["-1.5"],
    [" -1"],
    ["-1\n"],
  ])(
    "reads the protocol %j as anything else: the numbers count only written exactly",
    (IpProtocol) => {
      const odd = group("sg-01", rule(IpProtocol, 22, 22), rule(IpProtocol, 11211, 11211));

      expect(
        checkGroup(odd),
        `only "6", "17" and "-1" are the numbers: ${JSON.stringify(IpProtocol)} is no TCP/UDP protocol, no all-traffic rule, never a finding`,
      ).toEqual([]);
    },
  );

  it("ignores protocols without TCP/UDP ports: icmp, icmpv6, ESP, GRE", () => {
    const findings = checkGroup(
      group(
        "sg-01",
        rule("icmp", -1, -1),
        rule("icmpv6", -1, -1, [], [WORLD6]),
        rule("58", 22, 22),
        rule("50", undefined, undefined),
        rule("47", undefined, undefined),
      ),
    );

    expect(findings).toEqual([]);
  });

  it.each([[" tcp"], ["tcp\n"], [" udp "], ["\tTCP"]])(
    "reads the protocol %j as anything else: a name is compared in any case, but never trimmed",
    (IpProtocol) => {
      const odd = group("sg-01", rule(IpProtocol, 22, 22), rule(IpProtocol, 11211, 11211));

      expect(
        checkGroup(odd),
        `${JSON.stringify(IpProtocol)} is not "tcp" or "udp": spaces around a name make it anything else, never a finding`,
      ).toEqual([]);
    },
  );

  it("skips a rule without IpProtocol, and reads missing lists and CIDRs as no source", () => {
    const noProtocol = rule("tcp", 22, 22);
    delete noProtocol.IpProtocol;
    const noLists = rule("tcp", 22, 22);
    delete noLists.IpRanges;
    delete noLists.Ipv6Ranges;
    const noCidrs = rule("tcp", 22, 22, [], [], {
      IpRanges: [{ Description: "office" }],
      Ipv6Ranges: [{ Description: "office v6" }],
    });
    const noRules = sampleSecurityGroup("sg-02");
    delete noRules.IpPermissions;

    expect(checkGroup(group("sg-01", noProtocol, noLists, noCidrs))).toEqual([]);
    expect(checkGroup(noRules)).toEqual([]);
  });

  it("assumes the whole range when a tcp rule has no FromPort or no ToPort", () => {
    const noPorts = rule("tcp", undefined, undefined);
    delete noPorts.FromPort;
    delete noPorts.ToPort;
    const noEnd = rule("tcp", 27000, undefined);
    delete noEnd.ToPort;

    const findings = checkGroup(group("sg-01", noPorts, noEnd));

    expect(
      findings.filter((found) => found.kind === "sensitive-port" && found.port === 22),
    ).toEqual([ssh("sg-01", { fromPort: 0, toPort: 65535 })]);
    expect(findings.slice(-1), "27000 up to 65535 holds MongoDB").toEqual([
      sensitive("sg-01", 27017, "MongoDB", "critical", { fromPort: 27000, toPort: 65535 }),
    ]);
    expect(findings).toHaveLength(TCP_PORTS.length + 1);
  });

  it("counts from 0 when only FromPort is missing, not from ToPort", () => {
    const noStart = rule("tcp", undefined, 3389);
    delete noStart.FromPort;

    expect(
      checkGroup(group("sg-01", noStart)),
      "a rule up to 3389 without FromPort reaches every sensitive port from 0 to 3389",
    ).toEqual(
      TCP_PORTS.filter(([port]) => port <= 3389).map(([port, service, severity]) =>
        sensitive("sg-01", port, service, severity, { fromPort: 0, toPort: 3389 }),
      ),
    );
  });

  it("reads a port of 0 as port 0, not as a missing port", () => {
    const findings = checkGroup(group("sg-01", rule("tcp", 0, 0), rule("tcp", 0, 22)));

    expect(findings, "tcp 0-0 reaches no sensitive port; 0-22 reaches SSH only").toEqual([
      ssh("sg-01", { fromPort: 0, toPort: 22 }),
    ]);
  });

  it("reports ::/0 with a rule narrowed to the trusted IPv6 range", () => {
    expect(checkGroup(group("sg-01", rule("tcp", 22, 22, [], [WORLD6])))).toEqual([
      ssh("sg-01", { source: WORLD6 }),
    ]);
  });

  it("reports each world source of a rule, the IPv4 ones first, and leaves narrower ones alone", () => {
    const findings = checkGroup(
      group(
        "sg-01",
        rule(
          "tcp",
          22,
          22,
          ["10.0.0.0/8", "0.0.0.0/0", "203.0.113.0/24"],
          ["2001:db8::/32", "::/0"],
        ),
      ),
    );

    expect(findings).toEqual([ssh("sg-01"), ssh("sg-01", { source: WORLD6 })]);
  });

  it("reports every world source of a family, not only the first one", () => {
    const findings = checkGroup(
      group("sg-01", rule("tcp", 22, 22, [WORLD, "10.0.0.0/8", "192.0.2.1/0"], [WORLD6, "0::/0"])),
    );

    expect(findings).toEqual([
      ssh("sg-01"),
      ssh("sg-01", { source: "192.0.2.1/0" }),
      ssh("sg-01", { source: WORLD6 }),
      ssh("sg-01", { source: "0::/0" }),
    ]);
  });

  it("counts the same world CIDR listed twice as two sources: nothing is de-duplicated", () => {
    const findings = checkGroup(
      group("sg-01", rule("tcp", 22, 22, [WORLD, WORLD], [WORLD6, WORLD6])),
    );

    expect(
      findings,
      "two entries with the same text are two sources, each with its findings",
    ).toEqual([
      ssh("sg-01"),
      ssh("sg-01"),
      ssh("sg-01", { source: WORLD6 }),
      ssh("sg-01", { source: WORLD6 }),
    ]);
  });

  it("gives every finding of one world source before those of the next source", () => {
    const findings = checkGroup(group("sg-01", rule("tcp", 22, 23, [WORLD], [WORLD6])));
    const telnet = (source: string) =>
      sensitive("sg-01", 23, "Telnet", "high", { source, fromPort: 22, toPort: 23 });

    expect(findings).toEqual([
      ssh("sg-01", { fromPort: 22, toPort: 23 }),
      telnet(WORLD),
      ssh("sg-01", { source: WORLD6, fromPort: 22, toPort: 23 }),
      telnet(WORLD6),
    ]);
  });

  it("keeps the source as written, so another spelling of the world is reported as it is", () => {
    const findings = checkGroup(
      group("sg-01", rule("tcp", 22, 22, ["192.0.2.1/0"], ["0:0:0:0:0:0:0:0/0"])),
    );

    expect(findings).toEqual([
      ssh("sg-01", { source: "192.0.2.1/0" }),
      ssh("sg-01", { source: "0:0:0:0:0:0:0:0/0" }),
    ]);
  });

  it("does not count security group references or prefix lists as the world", () => {
    const findings = checkGroup(
      group(
        "sg-01",
        rule("tcp", 22, 22, [], [], {
          UserIdGroupPairs: [{ GroupId: "sg-0bastion", UserId: "123456789012" }],
          PrefixListIds: [{ PrefixListId: "pl-0123456789abcdef0" }],
        }),
      ),
    );

    expect(findings).toEqual([]);
  });

  it("audits ingress only: an egress rule to the world on 22 is not a finding", () => {
    const outbound = sampleSecurityGroup("sg-01", { IpPermissionsEgress: [rule("tcp", 22, 22)] });

    expect(checkGroup(outbound)).toEqual([]);
  });

  it("reports the rules of a group in their order", () => {
    const findings = checkGroup(group("sg-01", rule("tcp", 5432, 5432), rule("tcp", 22, 22)));

    expect(findings).toEqual([sensitive("sg-01", 5432, "PostgreSQL", "critical"), ssh("sg-01")]);
  });

  it.each([
    ["GroupId", undefined],
    ["GroupId", ""],
    ["GroupName", undefined],
    ["GroupName", ""],
  ] as const)("throws on a group whose %s is %j, with or without rules", (field, value) => {
    for (const broken of [group("sg-01", rule("tcp", 22, 22)), group("sg-01")]) {
      if (value === undefined) delete broken[field];
      else broken[field] = value;

      expect(() => checkGroup(broken)).toThrow(
        `DescribeSecurityGroups returned a group without ${field}`,
      );
    }
  });

  it.each([
    ["GroupId", 123],
    ["GroupId", { id: "sg-01" }],
    ["GroupId", ["sg-01"]],
    ["GroupName", true],
    ["GroupName", {}],
  ] as const)("throws on a group whose %s is %j, not a string", (field, value) => {
    const broken = group("sg-01", rule("tcp", 22, 22));
    (broken as Record<string, unknown>)[field] = value;
    const message = `DescribeSecurityGroups returned a group without ${field}`;

    expect(() => checkGroup(broken), "a non-string is no GroupId / GroupName").toThrow(message);
    expect(() => findUnusedGroups([broken], []), "findUnusedGroups checks the same").toThrow(
      message,
    );
  });

  it("accepts any non-empty GroupId and GroupName, even one that is only a space", () => {
    const odd = sampleSecurityGroup(" ", { GroupName: " ", IpPermissions: [rule("tcp", 22, 22)] });

    expect(
      checkGroup(odd),
      "a non-empty string is enough: ' ' is not blank-checked (no trim)",
    ).toEqual([{ ...ssh("sg-01"), groupId: " ", groupName: " " }]);
  });

  it("names GroupId first when a group has neither GroupId nor GroupName", () => {
    const broken = group("sg-01");
    delete broken.GroupId;
    delete broken.GroupName;

    expect(() => checkGroup(broken)).toThrow(
      "DescribeSecurityGroups returned a group without GroupId",
    );
  });
  it("takes the port numbers as they are: an inverted range reaches nothing, -1 is below 0", () => {
    const inverted = group("sg-01", rule("tcp", 3389, 22));
    const fromMinusOne = group("sg-02", rule("tcp", -1, 22));

    expect(checkGroup(inverted), "FromPort 3389 … ToPort 22 contains no port").toEqual([]);
    expect(
      checkGroup(fromMinusOne),
      "-1 … 22 reaches 22 (and is reported as written, from -1)",
    ).toEqual([ssh("sg-02", { fromPort: -1, toPort: 22 })]);
  });
});

describe("step 3 — all traffic and narrower rules", () => {
  it("reports an all-traffic rule from the world once, as critical, and no port findings", () => {
    expect(checkGroup(group("sg-01", allTraffic()))).toEqual([wideOpen("sg-01")]);
  });

  it("reads a -1 rule that carries ports as all traffic, and suggests it without the ports", () => {
    const findings = checkGroup(
      group("sg-01", rule("-1", 22, 22), rule("-1", 3389, 22, [], [WORLD6]), rule("-1", 0, 0)),
    );

    expect(
      findings,
      'each is one all-traffic finding whose suggestion is exactly { IpProtocol: "-1", …narrowed source }',
    ).toEqual([wideOpen("sg-01"), wideOpen("sg-01", WORLD6), wideOpen("sg-01")]);
  });

  it.each([["all"], ["ALL"]])(
    "reads the protocol %j (Terraform's word for -1, not EC2's) as anything else: no finding",
    (IpProtocol) => {
      const odd = group(
        "sg-01",
        rule(IpProtocol, undefined, undefined),
        rule(IpProtocol, 0, 65535, [WORLD], [WORLD6]),
      );

      expect(checkGroup(odd), 'only "-1" is all traffic; "all" is no protocol EC2 knows').toEqual(
        [],
      );
    },
  );

  it("narrows an all-traffic rule from ::/0 to the trusted IPv6 range", () => {
    expect(checkGroup(group("sg-01", allTraffic([], [WORLD6])))).toEqual([
      wideOpen("sg-01", WORLD6),
    ]);
  });

  it("does not report all traffic from the group itself (the default group's rule)", () => {
    const selfReference = allTraffic([], []);
    selfReference.UserIdGroupPairs = [{ GroupId: "sg-01", UserId: "123456789012" }];

    expect(checkGroup(group("sg-01", selfReference, allTraffic(["10.20.0.0/16"])))).toEqual([]);
  });

  it("uses the trusted sources it is given in every suggestion", () => {
    const trusted = { ipv4: "198.51.100.0/24", ipv6: "2001:db8:1234::/48" };
    const findings = checkGroup(
      group("sg-01", allTraffic([WORLD], [WORLD6]), rule("tcp", 20, 22, [WORLD], [WORLD6])),
      trusted,
    );

    expect(findings.map((found) => "suggestion" in found && found.suggestion)).toEqual([
      { IpProtocol: "-1", IpRanges: [{ CidrIp: "198.51.100.0/24" }] },
      { IpProtocol: "-1", Ipv6Ranges: [{ CidrIpv6: "2001:db8:1234::/48" }] },
      { IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "198.51.100.0/24" }] },
      {
        IpProtocol: "tcp",
        FromPort: 22,
        ToPort: 22,
        Ipv6Ranges: [{ CidrIpv6: "2001:db8:1234::/48" }],
      },
    ]);
  });

  it("narrows to a range that holds only the trusted CIDR: the world range's Description is not carried over", () => {
    const labelled = {
      IpRanges: [{ CidrIp: WORLD, Description: "ssh for a minute" }],
      Ipv6Ranges: [{ CidrIpv6: WORLD6, Description: "ssh for a minute, v6" }],
    };
    const findings = checkGroup(
      group(
        "sg-01",
        rule("tcp", 22, 22, [], [], labelled),
        rule("-1", undefined, undefined, [], [], labelled),
      ),
    );

    expect(
      findings,
      "each suggestion's range is exactly { CidrIp: trusted } or { CidrIpv6: trusted }",
    ).toEqual([
      ssh("sg-01"),
      ssh("sg-01", { source: WORLD6 }),
      wideOpen("sg-01"),
      wideOpen("sg-01", WORLD6),
    ]);
  });

  it.each([
    [{ ipv4: "0.0.0.0/0", ipv6: "fd00::/8" }, "the world is not a trusted source"],
    [
      { ipv4: "10.0.0.0/00", ipv6: "fd00::/8" },
      "the world, its prefix written with a leading zero",
    ],
    [
      { ipv4: "10.0.0.0/8", ipv6: "::/000" },
      "the IPv6 world, its prefix written with leading zeros",
    ],
    [{ ipv4: "10.0.0.0", ipv6: "fd00::/8" }, "no prefix length"],
    [{ ipv4: "fd00::/8", ipv6: "fd00::/8" }, "an IPv6 range as ipv4"],
    [{ ipv4: "10.0.0.0/33", ipv6: "fd00::/8" }, "a prefix above 32"],
    [{ ipv4: "10.0.0.0/8", ipv6: "::/0" }, "the IPv6 world"],
    [{ ipv4: "10.0.0.0/8", ipv6: "10.0.0.0/8" }, "an IPv4 range as ipv6"],
    [{ ipv4: "10.0.0.0/8", ipv6: "fd00::/129" }, "a prefix above 128"],
  ])("throws a RangeError for trusted sources %j (%s)", (trusted, why) => {
    const safe = group("sg-01");
    expect(() => checkGroup(safe, trusted), `${why}: a RangeError`).toThrow(RangeError);
    expect(() => checkGroup(safe, trusted)).toThrow(/trustedSources/);
  });

  it.each([
    [{ ipv4: "10.0.0.0/8" }, "no ipv6"],
    [{ ipv6: "fd00::/8" }, "no ipv4"],
    [{ ipv4: 10, ipv6: "fd00::/8" }, "a number as ipv4"],
    [{ ipv4: "10.0.0.0/8", ipv6: null }, "null as ipv6"],
    [{ ipv4: ["10.0.0.0/8"], ipv6: "fd00::/8" }, "a list as ipv4"],
    [{}, "an empty object"],
    [null, "null: only undefined takes the default"],
    ["10.0.0.0/8", "a string, not an object"],
  ])("throws a RangeError, not a TypeError, for trusted sources %j (%s)", (trusted, why) => {
    const safe = group("sg-01");
    const call = () => checkGroup(safe, trusted as never);

    expect(call, `${why}: a RangeError naming trustedSources`).toThrow(RangeError);
    expect(call, `${why}: a RangeError naming trustedSources`).toThrow(/trustedSources/);
  });

  it("checks the trusted sources before the group itself", () => {
    const broken = group("sg-01");
    delete broken.GroupId;

    expect(() => checkGroup(broken, { ipv4: "0.0.0.0/0", ipv6: "fd00::/8" })).toThrow(RangeError);
  });

  it("reads trusted prefixes as isWorldCidr does: leading zeros, host bits, kept as written", () => {
    const trusted = { ipv4: "10.1.2.3/0008", ipv6: "fd00::1/008" };
    const findings = checkGroup(group("sg-01", rule("tcp", 22, 22, [WORLD], [WORLD6])), trusted);

    expect(findings.map((found) => "suggestion" in found && found.suggestion)).toEqual([
      { IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "10.1.2.3/0008" }] },
      { IpProtocol: "tcp", FromPort: 22, ToPort: 22, Ipv6Ranges: [{ CidrIpv6: "fd00::1/008" }] },
    ]);
  });

  it("accepts single-address trusted sources, /32 and /128", () => {
    const findings = checkGroup(group("sg-01", rule("tcp", 22, 22)), {
      ipv4: "198.51.100.7/32",
      ipv6: "2001:db8::7/128",
    });

    expect(findings).toEqual([
      {
        ...ssh("sg-01"),
        suggestion: {
          IpProtocol: "tcp",
          FromPort: 22,
          ToPort: 22,
          IpRanges: [{ CidrIp: "198.51.100.7/32" }],
        },
      },
    ]);
  });
  it("takes a source's family from its list, not from its text: ::/0 in IpRanges is an IPv4 source", () => {
    const mixedUp = group("sg-01", rule("tcp", 22, 22, [WORLD6], [WORLD]));
    const narrowedTo = (source: string, narrowed: IpPermission) => ({
      ...ssh("sg-01", { source }),
      suggestion: { IpProtocol: "tcp", FromPort: 22, ToPort: 22, ...narrowed },
    });

    expect(
      checkGroup(mixedUp),
      "the IpRanges source first, narrowed with IpRanges (ipv4); then the Ipv6Ranges one, with Ipv6Ranges (ipv6)",
    ).toEqual([
      narrowedTo(WORLD6, { IpRanges: TRUSTED4 }),
      narrowedTo(WORLD, { Ipv6Ranges: TRUSTED6 }),
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// The audit: both listings are mocked; any request that is not exactly one a page expects fails
// loudly, and every input is copied when it is sent (the paginators change one input object
// between pages, so the recorded calls cannot be read afterwards).

const LIST = { MaxResults: 1000 };
const log = new RequestLog();

beforeEach(() => {
  log.clear();
  for (const [name, command] of [
    ["DescribeSecurityGroups", DescribeSecurityGroupsCommand],
    ["DescribeNetworkInterfaces", DescribeNetworkInterfacesCommand],
  ] as const) {
    ec2Mock.on(command).callsFake((input: unknown) => {
      throw new Error(`unexpected ${name} input: ${JSON.stringify(input)}`);
    });
  }
});

/** One page of groups and one of network interfaces. */
function account(groups: SecurityGroup[], interfaces: NetworkInterface[] = []) {
  mockPagesExactly(
    ec2Mock,
    DescribeSecurityGroupsCommand,
    LIST,
    [{ SecurityGroups: groups }],
    {},
    log,
  );
  mockPagesExactly(
    ec2Mock,
    DescribeNetworkInterfacesCommand,
    LIST,
    [{ NetworkInterfaces: interfaces }],
    {},
    log,
  );
}
/** A network interface in these groups (they are then in use). */
const eni = (id: string, ...groupIds: string[]) => sampleNetworkInterface(id, groupIds);

describe("step 4 — every page of groups", () => {
  it("audits the groups of every page, in order, with one request per page", async () => {
    mockPagesExactly(
      ec2Mock,
      DescribeSecurityGroupsCommand,
      LIST,
      [
        { SecurityGroups: [group("sg-01", rule("tcp", 22, 22))] },
        {
          SecurityGroups: [
            group("sg-02", rule("tcp", 22, 22)),
            group("sg-03", rule("tcp", 22, 22)),
          ],
        },
        { SecurityGroups: [group("sg-04", rule("tcp", 22, 22))] },
      ],
      {},
      log,
    );
    mockPagesExactly(
      ec2Mock,
      DescribeNetworkInterfacesCommand,
      LIST,
      [{ NetworkInterfaces: [eni("eni-01", "sg-01", "sg-02", "sg-03", "sg-04")] }],
      {},
      log,
    );

    const findings = await auditSecurityGroups(ec2);

    expect(findings).toEqual([ssh("sg-01"), ssh("sg-02"), ssh("sg-03"), ssh("sg-04")]);
    expect(
      log.inputsOf(DescribeSecurityGroupsCommand),
      "one request per page, each exactly MaxResults and the NextToken of the page before",
    ).toEqual([LIST, { ...LIST, NextToken: "page-2" }, { ...LIST, NextToken: "page-3" }]);
  });

  it("goes on past an empty page that carries a NextToken, and reads a page without SecurityGroups as empty", async () => {
    mockPagesExactly(
      ec2Mock,
      DescribeSecurityGroupsCommand,
      LIST,
      [{}, { SecurityGroups: [] }, { SecurityGroups: [group("sg-03", allTraffic())] }],
      {},
      log,
    );
    mockPagesExactly(
      ec2Mock,
      DescribeNetworkInterfacesCommand,
      LIST,
      [{ NetworkInterfaces: [eni("eni-01", "sg-03")] }],
      {},
      log,
    );

    await expect(auditSecurityGroups(ec2)).resolves.toEqual([wideOpen("sg-03")]);
  });

  it("returns no findings for an account without groups", async () => {
    account([]);

    await expect(auditSecurityGroups(ec2)).resolves.toEqual([]);
  });

  it.each([5, 137, 1000])("sends pageSize %i as MaxResults of both listings", async (pageSize) => {
    mockPagesExactly(
      ec2Mock,
      DescribeSecurityGroupsCommand,
      { MaxResults: pageSize },
      [
        { SecurityGroups: [group("sg-01", rule("tcp", 22, 22))] },
        { SecurityGroups: [group("sg-02")] },
      ],
      {},
      log,
    );
    mockPagesExactly(
      ec2Mock,
      DescribeNetworkInterfacesCommand,
      { MaxResults: pageSize },
      [
        { NetworkInterfaces: [eni("eni-01", "sg-01")] },
        { NetworkInterfaces: [eni("eni-02", "sg-02")] },
      ],
      {},
      log,
    );

    await expect(auditSecurityGroups(ec2, { pageSize })).resolves.toEqual([ssh("sg-01")]);
    const sent = [{ MaxResults: pageSize }, { MaxResults: pageSize, NextToken: "page-2" }];
    expect(log.inputsOf(DescribeSecurityGroupsCommand)).toEqual(sent);
    expect(log.inputsOf(DescribeNetworkInterfacesCommand)).toEqual(sent);
  });

  it.each([4, 1001, 12.5, 0, Number.NaN])(
    "rejects pageSize %s with a RangeError before sending any request",
    async (pageSize) => {
      await expect(auditSecurityGroups(ec2, { pageSize })).rejects.toThrow(RangeError);
      await expect(auditSecurityGroups(ec2, { pageSize })).rejects.toThrow(/pageSize/);
      expect(ec2Mock.calls()).toHaveLength(0);
    },
  );

  it.each([["50"], [[50]]])(
    "rejects pageSize %j, a number's look-alike, with a RangeError: it is not coerced",
    async (pageSize) => {
      const audit = () => auditSecurityGroups(ec2, { pageSize } as never);

      await expect(audit(), "pageSize must be a number, not converted to one").rejects.toThrow(
        RangeError,
      );
      await expect(audit()).rejects.toThrow(/pageSize/);
      expect(ec2Mock.calls(), "no request is sent").toHaveLength(0);
    },
  );

  it("rejects bad trusted sources with a RangeError before sending any request", async () => {
    const trustedSources = { ipv4: "0.0.0.0/0", ipv6: "fd00::/8" };

    await expect(auditSecurityGroups(ec2, { trustedSources })).rejects.toThrow(/trustedSources/);
    expect(ec2Mock.calls()).toHaveLength(0);
  });

  it.each([
    [{ trustedSources: null }, /trustedSources/],
    [{ trustedSources: { ipv4: "10.0.0.0/8" } }, /trustedSources/],
    [{ pageSize: null }, /pageSize/],
  ])(
    "rejects the options %j with a RangeError before sending any request: null is not undefined",
    async (options, names) => {
      const audit = () => auditSecurityGroups(ec2, options as never);

      await expect(audit(), "null takes no default; a range missing is no CIDR").rejects.toThrow(
        RangeError,
      );
      await expect(audit()).rejects.toThrow(names);
      expect(ec2Mock.calls(), "no request is sent").toHaveLength(0);
    },
  );

  it("narrows with the trusted sources it is given", async () => {
    account([group("sg-01", allTraffic())], [eni("eni-01", "sg-01")]);

    const findings = await auditSecurityGroups(ec2, {
      trustedSources: { ipv4: "192.168.0.0/16", ipv6: "fd00::/8" },
    });

    expect(findings).toEqual([
      {
        ...wideOpen("sg-01"),
        suggestion: { IpProtocol: "-1", IpRanges: [{ CidrIp: "192.168.0.0/16" }] },
      },
    ]);
  });

  it("checks pageSize first: with both options invalid, the RangeError is about pageSize", async () => {
    const failure = await auditSecurityGroups(ec2, {
      pageSize: 0,
      trustedSources: null,
    } as never).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(RangeError);
    expect((failure as Error).message, "pageSize is checked before trustedSources").toMatch(
      /pageSize/,
    );
    expect((failure as Error).message).not.toMatch(/trustedSources/);
    expect(ec2Mock.calls(), "no request is sent").toHaveLength(0);
  });

  it("rejects options that are null (no options object) with a TypeError before sending any request", async () => {
    await expect(
      auditSecurityGroups(ec2, null as never),
      "only a missing or undefined options object is {}",
    ).rejects.toBeInstanceOf(TypeError);
    expect(ec2Mock.calls(), "no request is sent").toHaveLength(0);
  });

  it("rejects with an AuditError naming the operation and the code when a page fails", async () => {
    const denied = ec2Errors.unauthorizedOperation();
    ec2Mock.on(DescribeSecurityGroupsCommand).rejects(denied);

    const failure = await auditSecurityGroups(ec2).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(AuditError);
    expect(failure).toMatchObject({
      name: "AuditError",
      operation: "DescribeSecurityGroups",
      code: "UnauthorizedOperation",
      cause: denied,
      message: `DescribeSecurityGroups failed: UnauthorizedOperation: ${denied.message}`,
    });
  });

  it("takes the code from the SDK error's name, not from a Code field that says otherwise", async () => {
    const denied = Object.assign(ec2Errors.unauthorizedOperation(), { Code: "AuthFailure" });
    ec2Mock.on(DescribeSecurityGroupsCommand).rejects(denied);

    const failure = await auditSecurityGroups(ec2).catch((error: unknown) => error);

    expect(failure, "code is error.name, whatever error.Code says").toMatchObject({
      name: "AuditError",
      code: "UnauthorizedOperation",
      cause: denied,
      message: `DescribeSecurityGroups failed: UnauthorizedOperation: ${denied.message}`,
    });
  });

  it("takes an empty error name as the code too: no fallback to Error for an Error", async () => {
    const nameless = Object.assign(new Error("request signature mismatch"), { name: "" });
    ec2Mock.on(DescribeSecurityGroupsCommand).rejects(nameless);

    const failure = await auditSecurityGroups(ec2).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(AuditError);
    expect(
      failure,
      'code is error.name even when it is "": "Error" is only for non-Errors',
    ).toMatchObject({
      name: "AuditError",
      operation: "DescribeSecurityGroups",
      code: "",
      cause: nameless,
      message: "DescribeSecurityGroups failed: : request signature mismatch",
    });
  });

  it("keeps the message's template when the error's message is empty: `…: code: ` with its trailing space", async () => {
    const denied = ec2Error("UnauthorizedOperation", "", 403);
    ec2Mock.on(DescribeSecurityGroupsCommand).rejects(denied);

    const failure = await auditSecurityGroups(ec2).catch((error: unknown) => error);

    expect(
      (failure as AuditError).message,
      'operation, " failed: ", code, ": " and the message, even when cause.message is empty',
    ).toBe("DescribeSecurityGroups failed: UnauthorizedOperation: ");

    const client = withOwnSend(new EC2Client({ region: "us-east-1" }), async () => {
      throw "";
    });
    const wrapped = await auditSecurityGroups(client).catch((error: unknown) => error);
    expect(
      (wrapped as AuditError).message,
      'a thrown empty string becomes new Error(""): code Error, empty message',
    ).toBe("DescribeSecurityGroups failed: Error: ");
  });

  it.each([
    [
      "still throttled after the SDK's own retries",
      ec2Errors.requestLimitExceeded(),
      "RequestLimitExceeded",
    ],
    ["a 5xx", ec2Errors.internalError(), "InternalError"],
  ])("reports nothing when page 2 fails (%s)", async (_, error, code) => {
    mockPagesExactly(
      ec2Mock,
      DescribeSecurityGroupsCommand,
      LIST,
      [
        { SecurityGroups: [group("sg-01", rule("tcp", 22, 22))] },
        { SecurityGroups: [group("sg-02")] },
      ],
      { errorsBefore: { 2: [error] } },
      log,
    );
    mockPagesExactly(
      ec2Mock,
      DescribeNetworkInterfacesCommand,
      LIST,
      [{ NetworkInterfaces: [] }],
      {},
      log,
    );

    await expect(auditSecurityGroups(ec2)).rejects.toMatchObject({
      name: "AuditError",
      operation: "DescribeSecurityGroups",
      code,
    });
  });

  it.each([
    ["a string", "connection reset", "connection reset"],
    [
      "an object with a name, but no Error",
      { name: "Throttling", message: "slow down" },
      "[object Object]",
    ],
    [
      "a Symbol, which String converts and a template literal cannot",
      Symbol("boom"),
      "Symbol(boom)",
    ],
  ])(
    "wraps a thrown value that is not an Error (%s) as new Error(String(value)), with the code Error",
    async (_, thrown, text) => {
      // The mocked stub would turn the value into an Error itself: this client's own send throws it.
      const client = withOwnSend(new EC2Client({ region: "us-east-1" }), async () => {
        throw thrown;
      });

      const failure = await auditSecurityGroups(client).catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(AuditError);
      expect(failure).toMatchObject({
        operation: "DescribeSecurityGroups",
        code: "Error",
        message: `DescribeSecurityGroups failed: Error: ${text}`,
      });
      const { cause } = failure as AuditError;
      expect(cause, "cause: new Error(String(value)), not the value").toBeInstanceOf(Error);
      expect(cause).not.toBe(thrown);
      expect(cause).toMatchObject({ name: "Error", message: text });
    },
  );

  it("wraps a non-Error thrown by the interface listing too", async () => {
    const client = withOwnSend(new EC2Client({ region: "us-east-1" }), async (command) => {
      if (command instanceof DescribeSecurityGroupsCommand) return { SecurityGroups: [] };
      throw "socket hang up";
    });

    await expect(auditSecurityGroups(client)).rejects.toMatchObject({
      name: "AuditError",
      operation: "DescribeNetworkInterfaces",
      code: "Error",
      message: "DescribeNetworkInterfaces failed: Error: socket hang up",
    });
  });

  it("rejects with String's own TypeError when a thrown value cannot be converted to a string", async () => {
    const client = withOwnSend(new EC2Client({ region: "us-east-1" }), async () => {
      throw Object.create(null);
    });

    const failure = await auditSecurityGroups(client).catch((error: unknown) => error);

    expect(
      failure,
      "String(Object.create(null)) throws a TypeError: that is the rejection",
    ).toBeInstanceOf(TypeError);
    expect(failure).not.toBeInstanceOf(AuditError);
  });

  it("lists the groups to the end first, then the interfaces: never both at once", async () => {
    mockPagesExactly(
      ec2Mock,
      DescribeSecurityGroupsCommand,
      LIST,
      [{ SecurityGroups: [group("sg-01")] }, { SecurityGroups: [group("sg-02")] }],
      {},
      log,
    );
    mockPagesExactly(
      ec2Mock,
      DescribeNetworkInterfacesCommand,
      LIST,
      [{ NetworkInterfaces: [eni("eni-01", "sg-01", "sg-02")] }, {}],
      {},
      log,
    );

    await expect(auditSecurityGroups(ec2)).resolves.toEqual([]);
    expect(log.sent.map((request) => request.command)).toEqual([
      DescribeSecurityGroupsCommand.name,
      DescribeSecurityGroupsCommand.name,
      DescribeNetworkInterfacesCommand.name,
      DescribeNetworkInterfacesCommand.name,
    ]);
  });

  it("sends no interface request once the group listing has failed, so its error is the one reported", async () => {
    ec2Mock.on(DescribeSecurityGroupsCommand).rejects(ec2Errors.unauthorizedOperation());
    ec2Mock.on(DescribeNetworkInterfacesCommand).rejects(ec2Errors.internalError());

    await expect(auditSecurityGroups(ec2)).rejects.toMatchObject({
      name: "AuditError",
      operation: "DescribeSecurityGroups",
      code: "UnauthorizedOperation",
    });
    expect(ec2Mock.commandCalls(DescribeNetworkInterfacesCommand)).toHaveLength(0);
  });

  it("reads both listings to the end before checking a group: a failed page wins over a malformed group", async () => {
    const broken = group("sg-01");
    delete broken.GroupId;
    mockPagesExactly(
      ec2Mock,
      DescribeSecurityGroupsCommand,
      LIST,
      [{ SecurityGroups: [broken] }, { SecurityGroups: [group("sg-02")] }],
      { errorsBefore: { 2: [ec2Errors.unauthorizedOperation()] } },
      log,
    );

    await expect(auditSecurityGroups(ec2)).rejects.toMatchObject({
      name: "AuditError",
      operation: "DescribeSecurityGroups",
    });

    ec2Mock.reset();
    account([broken]);
    ec2Mock.on(DescribeNetworkInterfacesCommand).rejects(ec2Errors.internalError());

    await expect(auditSecurityGroups(ec2)).rejects.toMatchObject({
      name: "AuditError",
      operation: "DescribeNetworkInterfaces",
      code: "InternalError",
    });
  });

  it("rejects a malformed group with checkGroup's plain Error, not an AuditError", async () => {
    const broken = group("sg-01");
    delete broken.GroupName;
    account([broken]);

    const error = await auditSecurityGroups(ec2).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error, "the listings succeeded: the error is checkGroup's own").toBeInstanceOf(Error);
    expect(error, "only a failed page is an AuditError").not.toBeInstanceOf(AuditError);
    expect((error as Error).message).toBe(
      "DescribeSecurityGroups returned a group without GroupName",
    );
  });

  it("takes an option set to undefined as absent: its default", async () => {
    account([group("sg-01", rule("tcp", 22, 22))], [eni("eni-01", "sg-01")]);

    await expect(
      auditSecurityGroups(ec2, { pageSize: undefined, trustedSources: undefined }),
    ).resolves.toEqual([ssh("sg-01")]);
    expect(log.inputsOf(DescribeSecurityGroupsCommand), "pageSize: undefined is 1000").toEqual([
      LIST,
    ]);
  });

  it("rejects a group without GroupId, naming the field", async () => {
    const broken = group("sg-01");
    delete broken.GroupId;
    account([broken]);

    await expect(auditSecurityGroups(ec2)).rejects.toThrow(
      "DescribeSecurityGroups returned a group without GroupId",
    );
  });
});

describe("step 5 — unused groups", () => {
  it("reports a group no network interface uses, as low", async () => {
    account(
      [group("sg-01"), group("sg-02"), group("sg-03")],
      [eni("eni-01", "sg-02"), eni("eni-02", "sg-01", "sg-02")],
    );

    await expect(auditSecurityGroups(ec2)).resolves.toEqual([unused("sg-03")]);
  });

  it("reads every page of network interfaces before calling a group unused", async () => {
    mockPagesExactly(
      ec2Mock,
      DescribeSecurityGroupsCommand,
      LIST,
      [{ SecurityGroups: [group("sg-01"), group("sg-02")] }],
      {},
      log,
    );
    mockPagesExactly(
      ec2Mock,
      DescribeNetworkInterfacesCommand,
      LIST,
      [
        { NetworkInterfaces: [eni("eni-01", "sg-01")] },
        {},
        { NetworkInterfaces: [] },
        { NetworkInterfaces: [eni("eni-04", "sg-02")] },
      ],
      {},
      log,
    );

    await expect(auditSecurityGroups(ec2)).resolves.toEqual([]);
    expect(log.inputsOf(DescribeNetworkInterfacesCommand), "one request per page").toEqual([
      LIST,
      { ...LIST, NextToken: "page-2" },
      { ...LIST, NextToken: "page-3" },
      { ...LIST, NextToken: "page-4" },
    ]);
  });

  it("reports nothing at all when a page of network interfaces fails", async () => {
    mockPagesExactly(
      ec2Mock,
      DescribeSecurityGroupsCommand,
      LIST,
      [{ SecurityGroups: [group("sg-01"), group("sg-02", allTraffic())] }],
      {},
      log,
    );
    mockPagesExactly(
      ec2Mock,
      DescribeNetworkInterfacesCommand,
      LIST,
      [
        { NetworkInterfaces: [eni("eni-01", "sg-01")] },
        { NetworkInterfaces: [eni("eni-02", "sg-02")] },
      ],
      { errorsBefore: { 2: [ec2Errors.requestLimitExceeded()] } },
      log,
    );

    await expect(auditSecurityGroups(ec2)).rejects.toMatchObject({
      name: "AuditError",
      operation: "DescribeNetworkInterfaces",
      code: "RequestLimitExceeded",
    });
  });

  it("never reports a VPC's default group, which cannot be deleted (the name is exact)", async () => {
    const defaultGroup = sampleSecurityGroup("sg-0default", { GroupName: "default" });
    const lookalike = sampleSecurityGroup("sg-0lookalike", { GroupName: "Default" });
    account([defaultGroup, lookalike]);

    await expect(auditSecurityGroups(ec2)).resolves.toEqual([unused("sg-0lookalike", "Default")]);
  });

  it("does not report a group another group's ingress or egress rule refers to", async () => {
    const fromApp = rule("tcp", 5432, 5432, [], [], {
      UserIdGroupPairs: [{ GroupId: "sg-0app", UserId: "123456789012" }],
    });
    const toCache = rule("tcp", 6379, 6379, [], [], {
      UserIdGroupPairs: [{ GroupId: "sg-0cache", UserId: "123456789012" }],
    });
    const database = group("sg-0db", fromApp);
    const app = sampleSecurityGroup("sg-0app", { IpPermissionsEgress: [toCache] });
    account([database, app, group("sg-0cache")], [eni("eni-01", "sg-0db")]);

    await expect(auditSecurityGroups(ec2)).resolves.toEqual([]);
  });

  it("counts a reference from a group that is itself unused: only the referring group is reported", async () => {
    const fromOld = rule("tcp", 5432, 5432, [], [], {
      UserIdGroupPairs: [{ GroupId: "sg-0target", UserId: "123456789012" }],
    });
    account([group("sg-0old", fromOld), group("sg-0target")], [eni("eni-01", "sg-0other")]);

    await expect(
      auditSecurityGroups(ec2),
      "EC2 refuses to delete sg-0target while sg-0old's rule names it, even though sg-0old is unused",
    ).resolves.toEqual([unused("sg-0old")]);
    const egress = sampleSecurityGroup("sg-0old", { IpPermissionsEgress: [fromOld] });
    expect(findUnusedGroups([group("sg-0target"), egress], [])).toEqual([unused("sg-0old")]);
  });

  it("still reports a group whose only reference is its own rule", async () => {
    const fromItself = allTraffic([], []);
    fromItself.UserIdGroupPairs = [{ GroupId: "sg-0lonely", UserId: "123456789012" }];
    account([group("sg-0lonely", fromItself)]);

    await expect(auditSecurityGroups(ec2)).resolves.toEqual([unused("sg-0lonely")]);
  });

  it("counts a pair that names a group by GroupName only as no reference", async () => {
    const byName = rule("tcp", 5432, 5432, [], [], {
      UserIdGroupPairs: [{ GroupName: "sample-sg-0target", UserId: "123456789012" }],
    });
    const referrer = sampleSecurityGroup("sg-0app", {
      IpPermissions: [byName],
      IpPermissionsEgress: [byName],
    });
    account([referrer, group("sg-0target")], [eni("eni-01", "sg-0app")]);

    await expect(
      auditSecurityGroups(ec2),
      "only a pair's GroupId refers to a group: one with a GroupName alone refers to none",
    ).resolves.toEqual([unused("sg-0target")]);
  });

  it("handles groups and rules without their lists", async () => {
    const bare = sampleSecurityGroup("sg-01");
    delete bare.IpPermissions;
    delete bare.IpPermissionsEgress;
    const noPairs = rule("tcp", 443, 443, ["10.0.0.0/8"]);
    delete noPairs.UserIdGroupPairs;
    account([bare, group("sg-02", noPairs)], [eni("eni-01", "sg-02")]);

    await expect(auditSecurityGroups(ec2)).resolves.toEqual([unused("sg-01")]);
  });

  it("handles interfaces without Groups", async () => {
    const bare = eni("eni-01");
    delete bare.Groups;
    account([group("sg-01")], [bare]);

    await expect(auditSecurityGroups(ec2)).resolves.toEqual([unused("sg-01")]);
  });

  it("counts every interface, whatever its Status: a detached (available) one still uses its groups", async () => {
    const detached = sampleNetworkInterface("eni-01", ["sg-01"], { Status: "available" });
    delete detached.Attachment;
    account([group("sg-01"), group("sg-02")], [detached]);

    await expect(
      auditSecurityGroups(ec2),
      "EC2 refuses to delete a group an available interface holds: it is not unused",
    ).resolves.toEqual([unused("sg-02")]);
  });

  it("throws on any group without GroupId or GroupName, used or not, default or not", () => {
    const noName = group("sg-01");
    delete noName.GroupName;
    const defaultWithoutId = sampleSecurityGroup("sg-02", { GroupName: "default" });
    delete defaultWithoutId.GroupId;
    const emptyId = group("");
    const anonymousEni = eni("eni-02");
    anonymousEni.Groups = [{ GroupName: "sample-sg-03" }];
    const withoutId = group("sg-03");
    delete withoutId.GroupId;

    expect(() => findUnusedGroups([noName], [eni("eni-01", "sg-01")])).toThrow(
      "DescribeSecurityGroups returned a group without GroupName",
    );
    expect(() => findUnusedGroups([defaultWithoutId], [])).toThrow(
      "DescribeSecurityGroups returned a group without GroupId",
    );
    expect(() => findUnusedGroups([emptyId], [])).toThrow(
      "DescribeSecurityGroups returned a group without GroupId",
    );
    expect(() => findUnusedGroups([withoutId], [anonymousEni])).toThrow(
      "DescribeSecurityGroups returned a group without GroupId",
    );
  });

  it("does not count a second copy of a group as another group: its own rule still leaves it unused", async () => {
    const fromItself = allTraffic([], []);
    fromItself.UserIdGroupPairs = [{ GroupId: "sg-0lonely", UserId: "123456789012" }];
    const lonely = group("sg-0lonely", fromItself);
    const copy = group("sg-0lonely", fromItself);
    account([lonely, copy]);

    await expect(
      auditSecurityGroups(ec2),
      "another group is one with a different GroupId, not another entry of the list",
    ).resolves.toEqual([unused("sg-0lonely"), unused("sg-0lonely")]);
    expect(findUnusedGroups([lonely, lonely], [])).toEqual([
      unused("sg-0lonely"),
      unused("sg-0lonely"),
    ]);
  });

  it("takes the groups as given: a group listed twice is judged and reported twice", async () => {
    const twice = group("sg-01", rule("tcp", 22, 22));
    account([twice, twice]);

    await expect(auditSecurityGroups(ec2)).resolves.toEqual([
      ssh("sg-01"),
      ssh("sg-01"),
      unused("sg-01"),
      unused("sg-01"),
    ]);
  });

  it("finds unused groups from given lists too (findUnusedGroups), in the groups' order", () => {
    const found = findUnusedGroups(
      [group("sg-03"), group("sg-01"), group("sg-02")],
      [eni("eni-01", "sg-01")],
    );

    expect(found).toEqual([unused("sg-03"), unused("sg-02")]);
  });
});

describe("step 6 — the report order", () => {
  it("puts critical findings first, then high, then low, keeping the order they were found in", async () => {
    const second = group("sg-0b", rule("tcp", 22, 22), rule("tcp", 3306, 3306, [WORLD], [WORLD6]));
    const first = group("sg-0c", rule("tcp", 23, 23), allTraffic());
    const last = group("sg-0a");
    account([second, first, last], [eni("eni-01", "sg-0b", "sg-0c")]);

    const findings = await auditSecurityGroups(ec2);

    expect(findings).toEqual([
      sensitive("sg-0b", 3306, "MySQL", "critical"),
      sensitive("sg-0b", 3306, "MySQL", "critical", { source: WORLD6 }),
      wideOpen("sg-0c"),
      ssh("sg-0b"),
      sensitive("sg-0c", 23, "Telnet", "high"),
      unused("sg-0a"),
    ]);
  });

  it("lists unused groups after every ingress finding, in the groups' order", async () => {
    account([group("sg-09"), group("sg-01", rule("tcp", 22, 22)), group("sg-05")]);

    const findings = await auditSecurityGroups(ec2);

    expect(findings).toEqual([ssh("sg-01"), unused("sg-09"), unused("sg-01"), unused("sg-05")]);
  });
});
