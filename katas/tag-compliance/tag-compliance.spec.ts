import {
  CreateTagsCommand,
  DescribeInstancesCommand,
  DescribeVolumesCommand,
  EC2Client,
  type Instance,
  type Reservation,
  type Volume,
} from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { mockPages, useMockedClient, withOwnSend } from "../../fixtures/helpers/aws/client";
import { ec2Errors } from "../../fixtures/helpers/aws/ec2";
import {
  instance,
  reservation,
  serveInstancePages,
  serveVolumePages,
  tagList,
  volume,
} from "../../fixtures/katas/tag-compliance/inventory";
import {
  type ComplianceReport,
  checkTags,
  MAX_RESOURCES_PER_CREATE_TAGS,
  planRemediation,
  type RemediationPlan,
  type ResourceCompliance,
  remediate,
  scanCompliance,
  type TagBatch,
  type TagPolicy,
} from "./tag-compliance";

const ec2Mock = useMockedClient(EC2Client);

/** Owner: anything non-blank; CostCenter: CC- and four digits; Environment: one of three. */
const policy: TagPolicy = [
  { key: "Owner" },
  { key: "CostCenter", pattern: /^CC-\d{4}$/ },
  { key: "Environment", allowed: ["prod", "staging", "dev"] },
];

const compliant = { Owner: "ana", CostCenter: "CC-1234", Environment: "prod" } as const;
const withTags = (overrides: Record<string, string>) => tagList({ ...compliant, ...overrides });

/** Serves an inventory of instance pages and volume pages (one empty page each by default). */
function serveInventory(inventory: { instances?: Reservation[][]; volumes?: Volume[][] }) {
  serveInstancePages(ec2Mock, inventory.instances ?? [[]]);
  serveVolumePages(ec2Mock, inventory.volumes ?? [[]]);
}

const ids = (report: ComplianceReport) => report.resources.map(({ resourceId }) => resourceId);

/** The inputs of every CreateTags request sent, in order. */
const sentCreateTags = () =>
  ec2Mock.commandCalls(CreateTagsCommand).map((call) => call.args[0].input);

/** A report built by hand, for the planning step (planRemediation reads only `resources`). */
function reportOf(resources: ResourceCompliance[]): ComplianceReport {
  const figures = { total: 0, compliant: 0, percent: 100 };
  return { resources, summary: { instance: figures, volume: figures, overall: figures } };
}

const missingOwner = (resourceId: string): ResourceCompliance => ({
  resourceId,
  resourceType: resourceId.startsWith("vol-") ? "volume" : "instance",
  violations: [{ kind: "missing", key: "Owner" }],
});

const numbered = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(5, "0")}`);

const ownerBatch = (resourceIds: string[]): TagBatch => ({
  resourceIds,
  tags: [{ Key: "Owner", Value: "platform-team" }],
});

describe("step 1 — required keys", () => {
  it("finds nothing wrong when every required key has an acceptable value", () => {
    expect(checkTags(tagList(compliant), policy)).toEqual([]);
  });

  it("reports a missing key as { kind: 'missing', key }", () => {
    const tags = tagList({ CostCenter: "CC-1234", Environment: "prod" });
    expect(checkTags(tags, policy)).toEqual([{ kind: "missing", key: "Owner" }]);
  });

  it("reports an empty value as { kind: 'empty', key, value }", () => {
    expect(checkTags(withTags({ Owner: "" }), policy)).toEqual([
      { kind: "empty", key: "Owner", value: "" },
    ]);
  });

  it("treats a whitespace-only value as empty, and reports it as found (untrimmed)", () => {
    expect(checkTags(withTags({ Owner: " \t " }), policy)).toEqual([
      { kind: "empty", key: "Owner", value: " \t " },
    ]);
  });

  it("treats a tag without a Value as empty, reported with value ''", () => {
    const tags = [{ Key: "Owner" }, ...tagList({ CostCenter: "CC-1234", Environment: "dev" })];
    expect(checkTags(tags, policy)).toEqual([{ kind: "empty", key: "Owner", value: "" }]);
  });

  it("treats a resource without a Tags field (undefined) as missing every key, in policy order", () => {
    expect(checkTags(undefined, policy)).toEqual([
      { kind: "missing", key: "Owner" },
      { kind: "missing", key: "CostCenter" },
      { kind: "missing", key: "Environment" },
    ]);
  });

  it("lists violations in policy order, whatever the order of the tags", () => {
    const tags = tagList({ Environment: "", Owner: "" });
    expect(checkTags(tags, policy)).toEqual([
      { kind: "empty", key: "Owner", value: "" },
      { kind: "missing", key: "CostCenter" },
      { kind: "empty", key: "Environment", value: "" },
    ]);
  });

  it("judges the first tag with the exact key when the list holds it twice", () => {
    const ownerOnly: TagPolicy = [{ key: "Owner" }];
    expect(
      checkTags(
        [
          { Key: "Owner", Value: "ana" },
          { Key: "Owner", Value: "" },
        ],
        ownerOnly,
      ),
      "the first Owner tag (ana) decides",
    ).toEqual([]);
    expect(
      checkTags(
        [
          { Key: "Owner", Value: "" },
          { Key: "Owner", Value: "ana" },
        ],
        ownerOnly,
      ),
      "the first Owner tag (empty) decides",
    ).toEqual([{ kind: "empty", key: "Owner", value: "" }]);
  });

  it("ignores tags the policy does not mention, AWS-managed ones included", () => {
    const tags = withTags({ Name: "web-1", "aws:cloudformation:stack-name": "web" });
    expect(checkTags(tags, policy)).toEqual([]);
  });
});

describe("step 2 — allowed values and patterns", () => {
  it("accepts every value in the allowed list", () => {
    for (const Environment of ["prod", "staging", "dev"]) {
      expect(checkTags(withTags({ Environment }), policy), Environment).toEqual([]);
    }
  });

  it("reports a value outside the list as { kind: 'not-allowed', key, value }", () => {
    expect(checkTags(withTags({ Environment: "production" }), policy)).toEqual([
      { kind: "not-allowed", key: "Environment", value: "production" },
    ]);
  });

  it("compares values case-sensitively: 'Prod' is not 'prod'", () => {
    expect(checkTags(withTags({ Environment: "Prod" }), policy)).toEqual([
      { kind: "not-allowed", key: "Environment", value: "Prod" },
    ]);
  });

  it("compares values untrimmed: 'prod ' (trailing space) is not 'prod'", () => {
    expect(checkTags(withTags({ Environment: "prod " }), policy)).toEqual([
      { kind: "not-allowed", key: "Environment", value: "prod " },
    ]);
  });

  it("accepts a value the pattern matches and reports one it does not", () => {
    expect(checkTags(withTags({ CostCenter: "CC-0042" }), policy)).toEqual([]);
    for (const CostCenter of ["CC-12345", "cc-1234", "1234"]) {
      expect(checkTags(withTags({ CostCenter }), policy), CostCenter).toEqual([
        { kind: "not-allowed", key: "CostCenter", value: CostCenter },
      ]);
    }
  });

  it("tests the pattern on the untrimmed value: 'CC-1234 ' does not match /^CC-\\d{4}$/", () => {
    for (const CostCenter of ["CC-1234 ", " CC-1234"]) {
      expect(checkTags(withTags({ CostCenter }), policy), JSON.stringify(CostCenter)).toEqual([
        { kind: "not-allowed", key: "CostCenter", value: CostCenter },
      ]);
    }
  });

  it("uses the pattern as given, with RegExp.test: an unanchored pattern matches anywhere", () => {
    const teamPolicy: TagPolicy = [{ key: "Team", pattern: /platform/ }];
    expect(checkTags(tagList({ Team: "data-platform-eu" }), teamPolicy)).toEqual([]);
  });

  it("accepts a value that either the list or the pattern accepts, when a rule has both", () => {
    const envPolicy: TagPolicy = [{ key: "Env", allowed: ["prod"], pattern: /^feature-/ }];
    expect(checkTags(tagList({ Env: "prod" }), envPolicy), "in the list").toEqual([]);
    expect(checkTags(tagList({ Env: "feature-login" }), envPolicy), "matches").toEqual([]);
    expect(checkTags(tagList({ Env: "qa" }), envPolicy), "neither").toEqual([
      { kind: "not-allowed", key: "Env", value: "qa" },
    ]);
  });

  it("reports a blank value as empty, never as not-allowed", () => {
    expect(checkTags(withTags({ Environment: "  ", CostCenter: "" }), policy)).toEqual([
      { kind: "empty", key: "CostCenter", value: "" },
      { kind: "empty", key: "Environment", value: "  " },
    ]);
  });

  it("reports a blank value as empty even when the rule would accept it", () => {
    const lenient: TagPolicy = [
      { key: "Owner", allowed: [" ", "ana"] },
      { key: "CostCenter", pattern: /.*/ },
      { key: "Environment", allowed: ["prod"], pattern: /^\s*$/ },
    ];
    const tags = [
      { Key: "Owner", Value: " " },
      { Key: "CostCenter", Value: "" },
      { Key: "Environment" },
    ];
    expect(
      checkTags(tags, lenient),
      "the blank check comes first in the table: a blank value is empty whatever allowed/pattern accept",
    ).toEqual([
      { kind: "empty", key: "Owner", value: " " },
      { kind: "empty", key: "CostCenter", value: "" },
      { kind: "empty", key: "Environment", value: "" },
    ]);
  });
});

describe("step 3 — letter case and a bad policy", () => {
  it("reports 'owner' for 'Owner' as wrong-case, with its value and a hint naming the key", () => {
    const tags = tagList({ owner: "ana", CostCenter: "CC-1234", Environment: "prod" });
    expect(checkTags(tags, policy)).toEqual([
      { kind: "wrong-case", key: "Owner", value: "ana", hint: 'rename "owner" to "Owner"' },
    ]);
  });

  it("reports a mis-cased key as wrong-case whatever its value", () => {
    const tags = tagList({ Owner: "ana", COSTCENTER: "", environment: "nonsense" });
    expect(checkTags(tags, policy)).toEqual([
      {
        kind: "wrong-case",
        key: "CostCenter",
        value: "",
        hint: 'rename "COSTCENTER" to "CostCenter"',
      },
      {
        kind: "wrong-case",
        key: "Environment",
        value: "nonsense",
        hint: 'rename "environment" to "Environment"',
      },
    ]);
  });

  it("reports a mis-cased tag without a Value as wrong-case with value ''", () => {
    const tags = [{ Key: "owner" }, ...tagList({ CostCenter: "CC-1234", Environment: "dev" })];
    expect(checkTags(tags, policy)).toEqual([
      { kind: "wrong-case", key: "Owner", value: "", hint: 'rename "owner" to "Owner"' },
    ]);
  });

  it("takes the first mis-cased variant in tag order for the value and the hint", () => {
    const tags = tagList({ OWNER: "bob", owner: "ana", CostCenter: "CC-1234", Environment: "dev" });
    expect(checkTags(tags, policy)).toEqual([
      { kind: "wrong-case", key: "Owner", value: "bob", hint: 'rename "OWNER" to "Owner"' },
    ]);
  });

  it("treats policy keys that differ only in case as two different keys", () => {
    const both: TagPolicy = [{ key: "Owner" }, { key: "owner" }];
    expect(checkTags(tagList({ owner: "ana" }), both), "only owner is present").toEqual([
      { kind: "wrong-case", key: "Owner", value: "ana", hint: 'rename "owner" to "Owner"' },
    ]);
    expect(checkTags(tagList({ owner: "ana", Owner: "bob" }), both), "both present").toEqual([]);
  });

  it("compares letter case with toLowerCase() on both sides: the Kelvin sign is a k, ß is not SS", () => {
    const kind: TagPolicy = [{ key: "Kind" }];
    expect(checkTags(tagList({ "\u212Aind": "web" }), kind), "\u212A lower-cases to k").toEqual([
      { kind: "wrong-case", key: "Kind", value: "web", hint: 'rename "\u212Aind" to "Kind"' },
    ]);
    const street: TagPolicy = [{ key: "Straße" }];
    expect(
      checkTags(tagList({ STRASSE: "Main" }), street),
      "STRASSE lower-cases to strasse, not straße (upper-casing or case folding would match them)",
    ).toEqual([{ kind: "missing", key: "Straße" }]);
  });

  it("is satisfied by the exact key even when a mis-cased copy comes first", () => {
    const tags = tagList({ owner: "bob", Owner: "ana", CostCenter: "CC-1234", Environment: "dev" });
    expect(checkTags(tags, policy)).toEqual([]);
  });

  it("rejects an empty or blank policy key with a TypeError", () => {
    for (const key of ["", "   "]) {
      expect(() => checkTags([], [{ key }]), JSON.stringify(key)).toThrow(TypeError);
      expect(() => checkTags([], [{ key }])).toThrow("policy key must be a non-empty string");
    }
  });

  it("rejects a policy key with the reserved aws: prefix, in any letter case", () => {
    for (const key of ["aws:createdBy", "AWS:Owner"]) {
      expect(() => checkTags([], [{ key }]), key).toThrow(TypeError);
      expect(() => checkTags([], [{ key }])).toThrow(
        `policy key "${key}" uses the reserved aws: prefix`,
      );
    }
  });

  it("rejects a policy that lists the same key twice", () => {
    const twice: TagPolicy = [{ key: "Owner" }, { key: "Team" }, { key: "Owner" }];
    expect(() => checkTags([], twice)).toThrow(TypeError);
    expect(() => checkTags([], twice)).toThrow('policy key "Owner" appears more than once');
  });

  it("rejects an empty allowed list, which no value could ever satisfy", () => {
    const none: TagPolicy = [{ key: "Env", allowed: [] }];
    expect(() => checkTags([], none)).toThrow(TypeError);
    expect(() => checkTags([], none)).toThrow('allowed values for "Env" must not be empty');
  });

  it("reports the first invalid rule in policy order, and within a rule the table's first problem", () => {
    expect(
      () => checkTags([], [{ key: "Owner", allowed: [] }, { key: "aws:x" }]),
      "rule 0 is invalid before rule 1: rules are checked one by one",
    ).toThrow('allowed values for "Owner" must not be empty');
    expect(
      () => checkTags([], [{ key: "Env", pattern: /x/g }, { key: " " }]),
      "rule 0's bad flag is found before rule 1's blank key",
    ).toThrow('pattern for "Env" must not use the g or y flag');
    expect(
      () => checkTags([], [{ key: "Team" }, { key: "Env", allowed: [] }, { key: "Team" }]),
      "the duplicate is the third rule: the second rule's empty list comes first",
    ).toThrow('allowed values for "Env" must not be empty');
    expect(
      () => checkTags([], [{ key: "aws:env", allowed: [], pattern: /x/y }]),
      "within one rule, the reserved prefix comes before the empty list and the flag",
    ).toThrow('policy key "aws:env" uses the reserved aws: prefix');
    expect(
      () => checkTags([], [{ key: "Env" }, { key: "Env", allowed: [], pattern: /x/g }]),
      "within one rule, the duplicate comes before the empty list and the flag",
    ).toThrow('policy key "Env" appears more than once');
    expect(
      () => checkTags([], [{ key: "Env", allowed: [], pattern: /x/g }]),
      "within one rule, the empty list comes before the flag",
    ).toThrow('allowed values for "Env" must not be empty');
  });

  it("checks the policy first, even for an untagged resource (tags undefined)", () => {
    expect(() => checkTags(undefined, [{ key: "aws:Owner" }])).toThrow(
      'policy key "aws:Owner" uses the reserved aws: prefix',
    );
    expect(() => checkTags(undefined, [{ key: "Owner" }, { key: "Owner" }])).toThrow(TypeError);
    expect(() => checkTags(undefined, [{ key: "Env", allowed: [] }])).toThrow(
      'allowed values for "Env" must not be empty',
    );
  });

  it("rejects a pattern with the g or y flag (RegExp.test would remember lastIndex)", () => {
    for (const pattern of [/^CC-/g, /^CC-/y]) {
      const flagged: TagPolicy = [{ key: "CostCenter", pattern }];
      expect(() => checkTags([], flagged), String(pattern)).toThrow(TypeError);
      expect(() => checkTags([], flagged)).toThrow(
        'pattern for "CostCenter" must not use the g or y flag',
      );
    }
  });
});

describe("step 4 — scanning every page", () => {
  it("checks the instances of every DescribeInstances page, reservations flattened, in order", async () => {
    serveInventory({
      instances: [
        [
          reservation(instance("i-1", compliant), instance("i-2", compliant)),
          reservation(instance("i-3", compliant)),
        ],
        [reservation(instance("i-4", compliant))],
        [reservation(instance("i-5", compliant))],
      ],
    });
    const report = await scanCompliance(new EC2Client({}), policy);
    expect(ids(report)).toEqual(["i-1", "i-2", "i-3", "i-4", "i-5"]);
  });

  it("skips terminated and shutting-down instances, and checks every other state", async () => {
    serveInventory({
      instances: [
        [
          reservation(
            instance("i-pending", compliant, "pending"),
            instance("i-running", compliant, "running"),
            instance("i-shutting-down", {}, "shutting-down"),
          ),
          reservation(
            instance("i-terminated", {}, "terminated"),
            instance("i-stopping", compliant, "stopping"),
          ),
        ],
        [reservation(instance("i-stopped", compliant, "stopped"))],
      ],
    });
    const report = await scanCompliance(new EC2Client({}), policy);
    expect(ids(report)).toEqual(["i-pending", "i-running", "i-stopping", "i-stopped"]);
  });

  it("checks an instance that has no State at all", async () => {
    const { State: _, ...stateless } = instance("i-stateless", compliant);
    serveInventory({ instances: [[reservation(stateless, instance("i-running", compliant))]] });
    const report = await scanCompliance(new EC2Client({}), policy);
    expect(ids(report)).toEqual(["i-stateless", "i-running"]);
  });

  it("checks the volumes of every DescribeVolumes page, after the instances", async () => {
    serveInventory({
      instances: [[reservation(instance("i-1", compliant))]],
      volumes: [
        [volume("vol-1", compliant), volume("vol-2", compliant)],
        [volume("vol-3", compliant)],
      ],
    });
    const report = await scanCompliance(new EC2Client({}), policy);
    expect(ids(report)).toEqual(["i-1", "vol-1", "vol-2", "vol-3"]);
  });

  it("checks every volume, whatever its State: only instances are filtered by state", async () => {
    const states = ["creating", "available", "in-use", "deleting", "deleted", "error"] as const;
    serveInventory({
      volumes: [states.map((State, i) => ({ ...volume(`vol-${i}`, compliant), State }))],
    });
    const report = await scanCompliance(new EC2Client({}), policy);
    expect(ids(report), "a deleting (or deleted) volume is still checked").toEqual(
      states.map((_, i) => `vol-${i}`),
    );
  });

  it("reports each resource as { resourceId, resourceType, violations }", async () => {
    serveInventory({
      instances: [
        [reservation(instance("i-1", compliant), instance("i-2", { ...compliant, Owner: "" }))],
      ],
      volumes: [[volume("vol-1", { owner: "ana", CostCenter: "CC-1234", Environment: "qa" })]],
    });
    const report = await scanCompliance(new EC2Client({}), policy);
    expect(report.resources).toEqual([
      { resourceId: "i-1", resourceType: "instance", violations: [] },
      {
        resourceId: "i-2",
        resourceType: "instance",
        violations: [{ kind: "empty", key: "Owner", value: "" }],
      },
      {
        resourceId: "vol-1",
        resourceType: "volume",
        violations: [
          { kind: "wrong-case", key: "Owner", value: "ana", hint: 'rename "owner" to "Owner"' },
          { kind: "not-allowed", key: "Environment", value: "qa" },
        ],
      },
    ]);
  });

  it("copes with untagged resources and with empty pages that still carry a NextToken", async () => {
    // The SDK types every list as optional: a page may come without one at all.
    const lastInstancePage = { Reservations: [reservation(instance("i-bare", undefined))] };
    mockPages(ec2Mock, DescribeInstancesCommand, {}, [{}, { Reservations: [] }, lastInstancePage]);
    mockPages(ec2Mock, DescribeVolumesCommand, {}, [
      {},
      { Volumes: [volume("vol-bare", undefined)] },
    ]);
    const report = await scanCompliance(new EC2Client({}), [{ key: "Owner" }]);
    expect(report.resources).toEqual([
      {
        resourceId: "i-bare",
        resourceType: "instance",
        violations: [{ kind: "missing", key: "Owner" }],
      },
      {
        resourceId: "vol-bare",
        resourceType: "volume",
        violations: [{ kind: "missing", key: "Owner" }],
      },
    ]);
  });

  it("rejects with EC2's error when a later page fails, rather than return a partial report", async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves({
      Reservations: [reservation(instance("i-1", compliant))],
      NextToken: "page-2",
    });
    ec2Mock
      .on(DescribeInstancesCommand, { NextToken: "page-2" })
      .rejects(ec2Errors.requestLimitExceeded());
    serveVolumePages(ec2Mock, [[volume("vol-1", compliant)]]);
    await expect(scanCompliance(new EC2Client({}), policy)).rejects.toMatchObject({
      name: "RequestLimitExceeded",
    });
  });

  it("rejects with the thrown value itself, unwrapped, even one that is not an Error", async () => {
    const ec2 = withOwnSend(new EC2Client({}), () => Promise.reject("connection reset"));
    await expect(
      scanCompliance(ec2, policy),
      "what the request threw is passed on as it is (no new Error around it)",
    ).rejects.toBe("connection reset");
  });

  it("lists the volumes only once every instance page is read, and not at all when that fails", async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves({
      Reservations: [reservation(instance("i-1", compliant))],
      NextToken: "page-2",
    });
    ec2Mock
      .on(DescribeInstancesCommand, { NextToken: "page-2" })
      .rejects(ec2Errors.requestLimitExceeded());
    serveVolumePages(ec2Mock, [[volume("vol-1", compliant)]]);
    await expect(scanCompliance(new EC2Client({}), policy)).rejects.toMatchObject({
      name: "RequestLimitExceeded",
    });
    expect(
      ec2Mock.commandCalls(DescribeVolumesCommand),
      "DescribeVolumes is sent after the instances are listed, so never when that fails",
    ).toHaveLength(0);
  });

  it("rejects with EC2's error when the volumes cannot be listed", async () => {
    serveInstancePages(ec2Mock, [[reservation(instance("i-1", compliant))]]);
    ec2Mock.on(DescribeVolumesCommand).rejects(ec2Errors.unauthorizedOperation());
    await expect(scanCompliance(new EC2Client({}), policy)).rejects.toMatchObject({
      name: "UnauthorizedOperation",
    });
  });

  it("rejects an invalid policy with a TypeError before sending any request", async () => {
    serveInventory({ instances: [[reservation(instance("i-1", compliant))]] });
    await expect(scanCompliance(new EC2Client({}), [{ key: "aws:Owner" }])).rejects.toThrow(
      TypeError,
    );
    expect(
      ec2Mock.calls(),
      "no request may be sent for a policy that cannot be right",
    ).toHaveLength(0);
  });
});

describe("step 5 — the compliance summary", () => {
  const bad = { ...compliant, Owner: "" };

  it("counts total, compliant and percent per resource type and overall", async () => {
    serveInventory({
      instances: [
        [
          reservation(instance("i-1", compliant), instance("i-2", bad)),
          reservation(instance("i-3", compliant)),
        ],
        [reservation(instance("i-4", compliant))],
      ],
      volumes: [[volume("vol-1", compliant)], [volume("vol-2", bad)]],
    });
    const { summary } = await scanCompliance(new EC2Client({}), policy);
    expect(summary).toEqual({
      instance: { total: 4, compliant: 3, percent: 75 },
      volume: { total: 2, compliant: 1, percent: 50 },
      overall: { total: 6, compliant: 4, percent: 66.6 },
    });
  });

  it("rounds the percentage down to one decimal: 1 of 3 is 33.3 and 2 of 3 is 66.6", async () => {
    serveInventory({
      instances: [
        [reservation(instance("i-1", compliant), instance("i-2", bad), instance("i-3", bad))],
      ],
      volumes: [[volume("vol-1", compliant), volume("vol-2", compliant), volume("vol-3", bad)]],
    });
    const { summary } = await scanCompliance(new EC2Client({}), policy);
    expect(summary.instance).toEqual({ total: 3, compliant: 1, percent: 33.3 });
    expect(summary.volume).toEqual({ total: 3, compliant: 2, percent: 66.6 });
  });

  it("computes compliant / total × 100 without float noise: 57 of 100 is 57, 29 of 50 is 58", async () => {
    serveInventory({
      instances: [
        [reservation(...numbered("i", 100).map((id, i) => instance(id, i < 57 ? compliant : bad)))],
      ],
      volumes: [numbered("vol", 50).map((id, i) => volume(id, i < 29 ? compliant : bad))],
    });
    const { summary } = await scanCompliance(new EC2Client({}), policy);
    expect(summary.instance, "0.57 * 100 is 56.99999999999999 in floating point").toEqual({
      total: 100,
      compliant: 57,
      percent: 57,
    });
    expect(summary.volume, "29 / 50 * 100 is 57.99999999999999 in floating point").toEqual({
      total: 50,
      compliant: 29,
      percent: 58,
    });
  });

  it("never shows 100 while something is out of policy: 1999 of 2000 is 99.9", async () => {
    const instances: Instance[] = numbered("i", 2000).map((id, i) =>
      instance(id, i === 1234 ? bad : compliant),
    );
    serveInventory({
      instances: [
        [reservation(...instances.slice(0, 1000))],
        [reservation(...instances.slice(1000))],
      ],
    });
    const { summary } = await scanCompliance(new EC2Client({}), policy);
    expect(summary.instance).toEqual({ total: 2000, compliant: 1999, percent: 99.9 });
  });

  it("gives 100 for a resource type with nothing to check", async () => {
    serveInventory({ volumes: [[volume("vol-1", compliant), volume("vol-2", bad)]] });
    const { summary } = await scanCompliance(new EC2Client({}), policy);
    expect(summary).toEqual({
      instance: { total: 0, compliant: 0, percent: 100 },
      volume: { total: 2, compliant: 1, percent: 50 },
      overall: { total: 2, compliant: 1, percent: 50 },
    });
  });

  it("gives 100 everywhere for an account with no instances and no volumes", async () => {
    serveInventory({});
    const report = await scanCompliance(new EC2Client({}), policy);
    const none = { total: 0, compliant: 0, percent: 100 };
    expect(report).toEqual({
      resources: [],
      summary: { instance: none, volume: none, overall: none },
    });
  });

  it("leaves terminated and shutting-down instances out of the figures", async () => {
    serveInventory({
      instances: [
        [
          reservation(
            instance("i-live", compliant),
            instance("i-gone", {}, "terminated"),
            instance("i-going", {}, "shutting-down"),
          ),
        ],
      ],
    });
    const { summary } = await scanCompliance(new EC2Client({}), policy);
    expect(summary.instance).toEqual({ total: 1, compliant: 1, percent: 100 });
  });
});

describe("step 6 — planning the fix", () => {
  const defaults = { Owner: "platform-team", CostCenter: "CC-0000", Environment: "dev" };

  it("adds the default value for a missing key, as one CreateTags batch", () => {
    const plan = planRemediation(reportOf([missingOwner("i-1")]), defaults);
    expect(plan).toEqual({ batches: [ownerBatch(["i-1"])], manual: [] });
  });

  it("groups resources needing the same tags into one batch, instances and volumes together", () => {
    const report = reportOf([
      missingOwner("i-1"),
      {
        resourceId: "i-2",
        resourceType: "instance",
        violations: [
          { kind: "missing", key: "Owner" },
          { kind: "missing", key: "CostCenter" },
        ],
      },
      { resourceId: "i-3", resourceType: "instance", violations: [] },
      missingOwner("vol-1"),
      missingOwner("i-4"),
    ]);
    expect(planRemediation(report, defaults)).toEqual({
      batches: [
        ownerBatch(["i-1", "vol-1", "i-4"]),
        {
          resourceIds: ["i-2"],
          tags: [
            { Key: "Owner", Value: "platform-team" },
            { Key: "CostCenter", Value: "CC-0000" },
          ],
        },
      ],
      manual: [],
    });
  });

  it("never overwrites a value: empty, not-allowed and wrong-case keys are left to a human", () => {
    const violations = [
      { kind: "wrong-case", key: "Owner", value: "ana", hint: 'rename "owner" to "Owner"' },
      { kind: "empty", key: "CostCenter", value: "" },
      { kind: "not-allowed", key: "Environment", value: "qa" },
    ] as const;
    const report = reportOf([
      { resourceId: "vol-1", resourceType: "volume", violations: [...violations] },
    ]);
    expect(planRemediation(report, defaults)).toEqual({
      batches: [],
      manual: violations.map((violation) => ({
        resourceId: "vol-1",
        resourceType: "volume",
        violation,
      })),
    });
  });

  it("leaves a missing key without a default to a human", () => {
    const report = reportOf([
      {
        resourceId: "i-1",
        resourceType: "instance",
        violations: [{ kind: "missing", key: "Team" }],
      },
    ]);
    expect(planRemediation(report, defaults)).toEqual({
      batches: [],
      manual: [
        {
          resourceId: "i-1",
          resourceType: "instance",
          violation: { kind: "missing", key: "Team" },
        },
      ],
    });
  });

  it("uses only the defaults' own keys: a missing key named like an Object.prototype member has no default", () => {
    const keys = ["constructor", "toString", "valueOf", "hasOwnProperty", "__proto__"];
    const violations = keys.map((key) => ({ kind: "missing", key }) as const);
    const report = reportOf([{ resourceId: "i-1", resourceType: "instance", violations }]);
    expect(planRemediation(report, { Owner: "platform-team" })).toEqual({
      batches: [],
      manual: violations.map((violation) => ({
        resourceId: "i-1",
        resourceType: "instance",
        violation,
      })),
    });
  });

  it("fixes what it can on a resource and hands the rest over, in report order", () => {
    const report = reportOf([
      {
        resourceId: "i-1",
        resourceType: "instance",
        violations: [
          { kind: "missing", key: "Owner" },
          { kind: "empty", key: "Environment", value: " " },
        ],
      },
      {
        resourceId: "i-2",
        resourceType: "instance",
        violations: [{ kind: "missing", key: "Team" }],
      },
    ]);
    expect(planRemediation(report, defaults)).toEqual({
      batches: [ownerBatch(["i-1"])],
      manual: [
        {
          resourceId: "i-1",
          resourceType: "instance",
          violation: { kind: "empty", key: "Environment", value: " " },
        },
        {
          resourceId: "i-2",
          resourceType: "instance",
          violation: { kind: "missing", key: "Team" },
        },
      ],
    });
  });

  it("puts exactly 1000 resources in one batch", () => {
    expect(MAX_RESOURCES_PER_CREATE_TAGS).toBe(1000);
    const resourceIds = numbered("i", 1000);
    const plan = planRemediation(reportOf(resourceIds.map(missingOwner)), defaults);
    expect(plan.batches).toEqual([ownerBatch(resourceIds)]);
  });

  it("splits 1001 resources needing the same tags into batches of 1000 and 1, after earlier groups", () => {
    const resourceIds = numbered("i", 1001);
    const costCenterOnly: ResourceCompliance = {
      resourceId: "vol-first",
      resourceType: "volume",
      violations: [{ kind: "missing", key: "CostCenter" }],
    };
    const plan = planRemediation(
      reportOf([costCenterOnly, ...resourceIds.map(missingOwner)]),
      defaults,
    );
    expect(plan.batches).toEqual([
      { resourceIds: ["vol-first"], tags: [{ Key: "CostCenter", Value: "CC-0000" }] },
      ownerBatch(resourceIds.slice(0, 1000)),
      ownerBatch(resourceIds.slice(1000)),
    ]);
  });

  it("keeps the batches of one tag set together: 1000 then 1, before a set first seen in between", () => {
    const resourceIds = numbered("i", 1001);
    const costCenterOnly: ResourceCompliance = {
      resourceId: "vol-between",
      resourceType: "volume",
      violations: [{ kind: "missing", key: "CostCenter" }],
    };
    const resources = resourceIds.map(missingOwner);
    resources.splice(1000, 0, costCenterOnly);
    const plan = planRemediation(reportOf(resources), defaults);
    expect(
      plan.batches,
      "Owner first appears first, so both its batches (1000, then 1) come before the CostCenter one",
    ).toEqual([
      ownerBatch(resourceIds.slice(0, 1000)),
      ownerBatch(resourceIds.slice(1000)),
      { resourceIds: ["vol-between"], tags: [{ Key: "CostCenter", Value: "CC-0000" }] },
    ]);
  });

  it("gives an empty plan for a compliant report", () => {
    const report = reportOf([{ resourceId: "i-1", resourceType: "instance", violations: [] }]);
    expect(planRemediation(report, defaults)).toEqual({ batches: [], manual: [] });
  });

  it("rejects an empty or blank default with a TypeError, since it would create an empty tag", () => {
    for (const Owner of ["", "  "]) {
      expect(() => planRemediation(reportOf([]), { Owner }), JSON.stringify(Owner)).toThrow(
        TypeError,
      );
      expect(() => planRemediation(reportOf([]), { Owner })).toThrow(
        'default for "Owner" must not be empty',
      );
    }
  });
});

describe("step 7 — applying it, dry run first", () => {
  const envBatch: TagBatch = {
    resourceIds: ["vol-1", "vol-2"],
    tags: [{ Key: "Environment", Value: "dev" }],
  };
  const planOf = (...batches: TagBatch[]): RemediationPlan => ({ batches, manual: [] });
  const input = (batch: TagBatch, DryRun: boolean) => ({
    Resources: batch.resourceIds,
    Tags: batch.tags,
    DryRun,
  });

  it("is a dry run by default: DryRun: true, and DryRunOperation means would-apply", async () => {
    ec2Mock.on(CreateTagsCommand).rejects(ec2Errors.dryRunOperation());
    const batch = ownerBatch(["i-1", "vol-1"]);
    await expect(remediate(new EC2Client({}), planOf(batch))).resolves.toEqual([
      { batch, status: "would-apply" },
    ]);
    expect(sentCreateTags()).toEqual([input(batch, true)]);
  });

  it("is a dry run with { apply: false } and with {} too", async () => {
    ec2Mock.on(CreateTagsCommand).rejects(ec2Errors.dryRunOperation());
    const batch = ownerBatch(["i-1"]);
    for (const options of [{ apply: false }, {}]) {
      await expect(remediate(new EC2Client({}), planOf(batch), options)).resolves.toEqual([
        { batch, status: "would-apply" },
      ]);
    }
    expect(sentCreateTags()).toEqual([input(batch, true), input(batch, true)]);
  });

  it.each([["false"], [1], ["true"], [null]])(
    "is a dry run unless apply is exactly true: apply: %j sends DryRun: true",
    async (apply) => {
      ec2Mock.on(CreateTagsCommand).rejects(ec2Errors.dryRunOperation());
      const batch = ownerBatch(["i-1"]);
      const options = { apply } as unknown as { apply: boolean };
      await expect(remediate(new EC2Client({}), planOf(batch), options)).resolves.toEqual([
        { batch, status: "would-apply" },
      ]);
      expect(sentCreateTags(), "only apply: true may tag for real").toEqual([input(batch, true)]);
    },
  );

  it("reports a success as applied even for a dry run: the status is what EC2 answered", async () => {
    ec2Mock.on(CreateTagsCommand).resolves({});
    const batch = ownerBatch(["i-1"]);
    await expect(remediate(new EC2Client({}), planOf(batch))).resolves.toEqual([
      { batch, status: "applied" },
    ]);
    expect(sentCreateTags()).toEqual([input(batch, true)]);
  });

  it("sends one batch at a time: the next only once the previous one is answered", async () => {
    let inFlight = 0;
    let most = 0;
    ec2Mock.on(CreateTagsCommand).callsFake(async () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
      throw ec2Errors.dryRunOperation();
    });
    const batches = [ownerBatch(["i-1"]), envBatch, ownerBatch(["i-3"])];
    const results = await remediate(new EC2Client({}), planOf(...batches));
    expect(results.map(({ status }) => status)).toEqual([
      "would-apply",
      "would-apply",
      "would-apply",
    ]);
    expect(most, "CreateTags requests in flight at once").toBe(1);
    expect(sentCreateTags()).toEqual(batches.map((batch) => input(batch, true)));
  });

  it("tags for real with { apply: true }: DryRun: false, and success means applied", async () => {
    ec2Mock.on(CreateTagsCommand).resolves({});
    const batch = ownerBatch(["i-1"]);
    await expect(remediate(new EC2Client({}), planOf(batch), { apply: true })).resolves.toEqual([
      { batch, status: "applied" },
    ]);
    expect(sentCreateTags()).toEqual([input(batch, false)]);
  });

  it("reports UnauthorizedOperation as not-permitted, with EC2's code and message", async () => {
    ec2Mock.on(CreateTagsCommand).rejects(ec2Errors.unauthorizedOperation());
    const batch = ownerBatch(["i-1"]);
    await expect(remediate(new EC2Client({}), planOf(batch))).resolves.toEqual([
      {
        batch,
        status: "not-permitted",
        error: {
          code: "UnauthorizedOperation",
          message: "You are not authorized to perform this operation.",
        },
      },
    ]);
  });

  it("gives applied and would-apply results no error key at all, not even error: undefined", async () => {
    ec2Mock.on(CreateTagsCommand).rejects(ec2Errors.dryRunOperation());
    ec2Mock.on(CreateTagsCommand, { DryRun: false }).resolves({});
    const batch = ownerBatch(["i-1"]);
    const [wouldApply] = await remediate(new EC2Client({}), planOf(batch));
    const [applied] = await remediate(new EC2Client({}), planOf(batch), { apply: true });

    expect(wouldApply, "exactly { batch, status }").toStrictEqual({ batch, status: "would-apply" });
    expect(applied, "exactly { batch, status }").toStrictEqual({ batch, status: "applied" });
    expect(Object.keys(applied ?? {}), "no error key").toEqual(["batch", "status"]);
    expect(Object.keys(wouldApply ?? {}), "no error key").toEqual(["batch", "status"]);
  });

  it("reads a thrown value that is not an Error as new Error(String(value)): failed, code Error", async () => {
    // The mocked stub would turn the value into an Error itself: this client's own send throws it.
    const client = withOwnSend(new EC2Client({}), async () => {
      throw "socket hang up";
    });
    const batch = ownerBatch(["i-1"]);
    await expect(remediate(client, planOf(batch, envBatch))).resolves.toStrictEqual([
      { batch, status: "failed", error: { code: "Error", message: "socket hang up" } },
      { batch: envBatch, status: "failed", error: { code: "Error", message: "socket hang up" } },
    ]);
  });

  it("reports a failed batch and still sends the ones after it", async () => {
    ec2Mock.on(CreateTagsCommand).resolves({});
    ec2Mock
      .on(CreateTagsCommand, { Resources: ["i-2"] })
      .rejects(ec2Errors.instanceNotFound("i-2"));
    const [first, second, third] = [ownerBatch(["i-1"]), ownerBatch(["i-2"]), envBatch];
    const results = await remediate(new EC2Client({}), planOf(first, second, third), {
      apply: true,
    });
    expect(results).toEqual([
      { batch: first, status: "applied" },
      {
        batch: second,
        status: "failed",
        error: {
          code: "InvalidInstanceID.NotFound",
          message: "The instance ID 'i-2' does not exist",
        },
      },
      { batch: third, status: "applied" },
    ]);
    expect(sentCreateTags()).toEqual([
      input(first, false),
      input(second, false),
      input(third, false),
    ]);
  });

  it("reports throttling (RequestLimitExceeded) as failed, and dry-runs the next batch", async () => {
    ec2Mock.on(CreateTagsCommand).rejects(ec2Errors.dryRunOperation());
    ec2Mock.on(CreateTagsCommand, { Resources: ["i-1"] }).rejects(ec2Errors.requestLimitExceeded());
    const batch = ownerBatch(["i-1"]);
    await expect(remediate(new EC2Client({}), planOf(batch, envBatch))).resolves.toEqual([
      {
        batch,
        status: "failed",
        error: { code: "RequestLimitExceeded", message: "Request limit exceeded." },
      },
      { batch: envBatch, status: "would-apply" },
    ]);
  });

  it("sends one request per batch: a throttled batch is failed, never retried", async () => {
    ec2Mock
      .on(CreateTagsCommand)
      .rejectsOnce(ec2Errors.requestLimitExceeded())
      .resolves({ $metadata: { httpStatusCode: 200 } });
    const batch = ownerBatch(["i-1"]);
    const results = await remediate(new EC2Client({}), planOf(batch), { apply: true });
    expect(sentCreateTags(), "exactly one CreateTags request for one batch").toEqual([
      input(batch, false),
    ]);
    expect(results).toEqual([
      {
        batch,
        status: "failed",
        error: { code: "RequestLimitExceeded", message: "Request limit exceeded." },
      },
    ]);
  });

  it("sends a batch of exactly 1000 ids as one request", async () => {
    ec2Mock.on(CreateTagsCommand).rejects(ec2Errors.dryRunOperation());
    const batch = ownerBatch(numbered("i", 1000));
    await expect(remediate(new EC2Client({}), planOf(batch))).resolves.toEqual([
      { batch, status: "would-apply" },
    ]);
    expect(sentCreateTags()).toEqual([input(batch, true)]);
  });

  it("rejects a batch of more than 1000 ids with a RangeError before sending anything", async () => {
    ec2Mock.on(CreateTagsCommand).rejects(ec2Errors.dryRunOperation());
    const plan = planOf(envBatch, ownerBatch(numbered("i", 1001)));
    await expect(remediate(new EC2Client({}), plan)).rejects.toThrow(RangeError);
    await expect(remediate(new EC2Client({}), plan)).rejects.toThrow(
      "a CreateTags batch takes 1 to 1000 resource ids, got 1001",
    );
    expect(sentCreateTags(), "no batch may be sent when the plan is invalid").toEqual([]);
  });

  it("rejects an empty batch with a RangeError before sending anything", async () => {
    ec2Mock.on(CreateTagsCommand).rejects(ec2Errors.dryRunOperation());
    const plan = planOf(envBatch, ownerBatch([]));
    await expect(remediate(new EC2Client({}), plan)).rejects.toThrow(
      "a CreateTags batch takes 1 to 1000 resource ids, got 0",
    );
    expect(sentCreateTags(), "no batch may be sent when the plan is invalid").toEqual([]);
  });

  it("sends nothing and returns [] for an empty plan", async () => {
    await expect(remediate(new EC2Client({}), planOf(), { apply: true })).resolves.toEqual([]);
    expect(ec2Mock.calls()).toHaveLength(0);
  });
});
