import {
  DeleteVolumeCommand,
  DescribeImagesCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  EC2Client,
  type Image,
  type Snapshot,
  type Volume,
} from "@aws-sdk/client-ec2";
import { http } from "msw";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { mockPages, useMockedClient } from "../../fixtures/helpers/aws/client";
import {
  ec2Error,
  ec2Errors,
  sampleAttachment,
  sampleImage,
  sampleSnapshot,
  sampleVolume,
} from "../../fixtures/helpers/aws/ec2";
import {
  EC2_ENDPOINT,
  ec2Action,
  ec2VolumeXml,
  ec2XmlError,
  ec2XmlResponse,
} from "../../fixtures/helpers/aws/ec2-http";
import { useMockServer } from "../../fixtures/helpers/http";
import {
  buildReport,
  deleteOrphans,
  findOrphanedSnapshots,
  findOrphanedVolumes,
  formatReport,
  monthlyCost,
  type OrphanedSnapshot,
  type OrphanedVolume,
  type OrphanReport,
  ScanError,
} from "./orphaned-ebs-finder";

// A client whose own retries are off (maxAttempts 1), so that throttling is the finder's to retry
// (steps 1–7); this one client is mocked. Step 8 uses real clients, answered over HTTP.
const ec2 = new EC2Client({ region: "us-east-1", maxAttempts: 1 });
const ec2Mock = useMockedClient(ec2);

const DAY_MS = 24 * 60 * 60 * 1000;
/** The `now` the scans are given. */
const NOW = new Date("2026-03-01T00:00:00.000Z");
/** The machine's clock in these tests: deliberately not NOW, so `now` must be the one used. */
const CLOCK = new Date("2026-04-15T12:00:00.000Z");
const daysBefore = (time: Date, days: number) => new Date(time.getTime() - days * DAY_MS);
const daysAgo = (days: number) => daysBefore(NOW, days);

// The requests a correct solution sends (responses are chosen by input, at call time).
const AVAILABLE_VOLUMES = { Filters: [{ Name: "status", Values: ["available"] }], MaxResults: 500 };
const ALL_VOLUMES = { Filters: undefined, MaxResults: 500 };
const OWN_SNAPSHOTS = { OwnerIds: ["self"], MaxResults: 500 };
const OWN_IMAGES = { Owners: ["self"], IncludeDisabled: true, MaxResults: 500 };

const throttled = () => ec2Errors.requestLimitExceeded();

/**
 * For a call awaited only after the fake timers have run: marks its promise as handled now, so a
 * rejection in the meantime is not reported as unhandled (awaiting it later still throws).
 */
function later<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}
const describeCalls = () => ec2Mock.commandCalls(DescribeVolumesCommand).length;

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(CLOCK);
  // Any request that does not match a mocked input fails loudly, with the input it was sent.
  for (const [name, command] of [
    ["DescribeVolumes", DescribeVolumesCommand],
    ["DescribeSnapshots", DescribeSnapshotsCommand],
    ["DescribeImages", DescribeImagesCommand],
  ] as const) {
    ec2Mock.on(command).callsFake((input: unknown) => {
      throw new Error(`unexpected ${name} input: ${JSON.stringify(input)}`);
    });
  }
});

afterEach(() => {
  vi.useRealTimers();
});

/** DescribeVolumes with the status=available filter answers these volumes, one page. */
function availableVolumes(...volumes: Volume[]) {
  mockPages(ec2Mock, DescribeVolumesCommand, AVAILABLE_VOLUMES, [{ Volumes: volumes }]);
}

const volumeIds = (found: OrphanedVolume[]) => found.map((volume) => volume.volumeId);
const snapshotIds = (found: OrphanedSnapshot[]) => found.map((snapshot) => snapshot.snapshotId);

describe("step 1 — pricing a volume", () => {
  it("prices 100 GiB of gp3 at 8 USD a month", () => {
    expect(monthlyCost({ sizeGiB: 100, volumeType: "gp3" })).toBe(8);
  });

  it.each([
    ["gp2", 100],
    ["gp3", 80],
    ["io1", 125],
    ["io2", 125],
    ["st1", 45],
    ["sc1", 15],
    ["standard", 50],
  ])("prices 1000 GiB of %s at %d USD with the default us-east-1 table", (volumeType, usd) => {
    expect(monthlyCost({ sizeGiB: 1000, volumeType })).toBe(usd);
  });

  it("rounds to 4 decimals, so 3 GiB of gp2 costs exactly 0.3 (not 0.30000000000000004)", () => {
    expect(monthlyCost({ sizeGiB: 3, volumeType: "gp2" })).toBe(0.3);
    expect(monthlyCost({ sizeGiB: 1, volumeType: "sc1" })).toBe(0.015);
  });

  it("rounds half a ten-thousandth up and less than that down", () => {
    const prices = { gp3: 0.00001 };
    expect(monthlyCost({ sizeGiB: 7, volumeType: "gp3" }, prices)).toBe(0.0001);
    expect(monthlyCost({ sizeGiB: 4, volumeType: "gp3" }, prices)).toBe(0);
  });

  it("rounds half up in decimal, as Math.round does, even where toFixed rounds the binary value down", () => {
    // 1 GiB at 0.30005 is 0.30005: half a ten-thousandth, so 0.3001 (toFixed(4) gives "0.3000").
    expect(monthlyCost({ sizeGiB: 1, volumeType: "x" }, { x: 0.30005 }), "0.30005 rounds up").toBe(
      0.3001,
    );
    // 2 GiB at 1.000025 is 2.00005: 2.0001 (toFixed(4) gives "2.0000").
    expect(monthlyCost({ sizeGiB: 2, volumeType: "x" }, { x: 1.000025 }), "2.00005 rounds up").toBe(
      2.0001,
    );
  });

  it("uses the price table it is given instead of the default", () => {
    expect(monthlyCost({ sizeGiB: 50, volumeType: "gp3" }, { gp3: 0.2 })).toBe(10);
  });

  it("accepts a price of zero (a free type is still a known type)", () => {
    expect(monthlyCost({ sizeGiB: 50, volumeType: "gp3" }, { gp3: 0 })).toBe(0);
  });

  it("reads a price table without a prototype (Object.create(null)): own keys, not its methods", () => {
    const prices: Record<string, number> = Object.assign(Object.create(null), { gp3: 0.08 });
    expect(
      monthlyCost({ sizeGiB: 100, volumeType: "gp3" }, prices),
      "a null-prototype table has no hasOwnProperty method of its own: use Object.hasOwn",
    ).toBe(8);
    expect(() => monthlyCost({ sizeGiB: 8, volumeType: "gp9" }, prices)).toThrow(
      'no price for volume type "gp9"',
    );
  });

  it("throws a RangeError naming a volume type the table has no price for", () => {
    expect(() => monthlyCost({ sizeGiB: 8, volumeType: "gp9" })).toThrow(RangeError);
    expect(() => monthlyCost({ sizeGiB: 8, volumeType: "gp9" })).toThrow(
      'no price for volume type "gp9"',
    );
    expect(() => monthlyCost({ sizeGiB: 8, volumeType: "gp2" }, { gp3: 0.08 })).toThrow(
      'no price for volume type "gp2"',
    );
  });

  it.each(["toString", "constructor", "hasOwnProperty", "__proto__"])(
    'throws the RangeError for a type named like an inherited property ("%s"): only own keys are prices',
    (volumeType) => {
      expect(
        () => monthlyCost({ sizeGiB: 8, volumeType }),
        `"${volumeType}" is not a key of the default table: a RangeError, not NaN`,
      ).toThrow(RangeError);
      expect(() => monthlyCost({ sizeGiB: 8, volumeType }, { gp3: 0.08 })).toThrow(
        `no price for volume type "${volumeType}"`,
      );
    },
  );
});

describe("step 2 — unattached, old enough, not kept", () => {
  it("reports an unattached volume with its type, size, zone, age and monthly cost", async () => {
    availableVolumes(
      sampleVolume({
        VolumeId: "vol-0aaa",
        Size: 100,
        VolumeType: "gp3",
        AvailabilityZone: "us-east-1b",
        CreateTime: daysAgo(30.5),
      }),
    );

    await expect(findOrphanedVolumes(ec2, { now: NOW })).resolves.toEqual([
      {
        volumeId: "vol-0aaa",
        volumeType: "gp3",
        sizeGiB: 100,
        availabilityZone: "us-east-1b",
        createTime: daysAgo(30.5),
        ageDays: 30,
        monthlyCostUsd: 8,
      },
    ]);
  });

  it("asks for status=available volumes, 500 per page (other requests are not answered)", async () => {
    availableVolumes(sampleVolume({ VolumeId: "vol-0aaa", CreateTime: daysAgo(10) }));

    const found = await findOrphanedVolumes(ec2, { now: NOW });

    expect(volumeIds(found)).toEqual(["vol-0aaa"]);
    expect(describeCalls()).toBe(1);
  });

  it("skips volumes the response shows in another state than available", async () => {
    availableVolumes(
      sampleVolume({
        VolumeId: "vol-0in-use",
        State: "in-use",
        Attachments: [sampleAttachment("vol-0in-use")],
        CreateTime: daysAgo(10),
      }),
      sampleVolume({ VolumeId: "vol-0creating", State: "creating", CreateTime: daysAgo(10) }),
      sampleVolume({ VolumeId: "vol-0orphan", CreateTime: daysAgo(10) }),
    );

    const found = await findOrphanedVolumes(ec2, { now: NOW });

    expect(volumeIds(found), "only the available volume is an orphan").toEqual(["vol-0orphan"]);
  });

  it("skips a volume whose Attachments list is not empty, whatever its State says", async () => {
    availableVolumes(
      sampleVolume({
        VolumeId: "vol-0attaching",
        State: "available",
        Attachments: [{ ...sampleAttachment("vol-0attaching"), State: "attaching" }],
        CreateTime: daysAgo(10),
      }),
      sampleVolume({ VolumeId: "vol-0orphan", CreateTime: daysAgo(10) }),
    );

    const found = await findOrphanedVolumes(ec2, { now: NOW });

    expect(volumeIds(found), "the filter ran on the server: check Attachments too").toEqual([
      "vol-0orphan",
    ]);
  });

  it("skips a volume that lists any attachment, even one whose own State is detached", async () => {
    availableVolumes(
      sampleVolume({
        VolumeId: "vol-0detached",
        State: "available",
        Attachments: [{ ...sampleAttachment("vol-0detached"), State: "detached" }],
        CreateTime: daysAgo(10),
      }),
      sampleVolume({ VolumeId: "vol-0orphan", CreateTime: daysAgo(10) }),
    );

    const found = await findOrphanedVolumes(ec2, { now: NOW });

    expect(
      volumeIds(found),
      "Attachments must be empty or absent, whatever each one's State",
    ).toEqual(["vol-0orphan"]);
  });

  it("does not check the fields of a volume it skips: attached, kept or too young", async () => {
    const attached = sampleVolume({
      VolumeId: "vol-0attached",
      State: "in-use",
      Attachments: [sampleAttachment("vol-0attached")],
    });
    const kept = sampleVolume({ VolumeId: "vol-0kept", Tags: [{ Key: "keep", Value: "true" }] });
    const young = sampleVolume({ VolumeId: "vol-0young", CreateTime: daysAgo(1) });
    for (const skipped of [attached, kept, young]) {
      delete skipped.Size;
      delete skipped.VolumeType;
      delete skipped.AvailabilityZone;
    }
    availableVolumes(
      attached,
      kept,
      young,
      sampleVolume({ VolumeId: "vol-0orphan", CreateTime: daysAgo(10) }),
    );

    const found = await findOrphanedVolumes(ec2, { now: NOW });

    expect(volumeIds(found), "only a reported volume must have every field").toEqual([
      "vol-0orphan",
    ]);
  });

  it("accepts a volume whose response has no Attachments and no Tags field at all", async () => {
    const bare = sampleVolume({ VolumeId: "vol-0bare", CreateTime: daysAgo(10) });
    delete bare.Attachments;
    delete bare.Tags;
    availableVolumes(bare);

    const found = await findOrphanedVolumes(ec2, { now: NOW });

    expect(volumeIds(found)).toEqual(["vol-0bare"]);
  });

  it("never reports a volume tagged keep=true, and only that exact key and value protects", async () => {
    const tagged = (id: string, Key: string, Value: string) =>
      sampleVolume({ VolumeId: id, CreateTime: daysAgo(10), Tags: [{ Key, Value }] });
    availableVolumes(
      tagged("vol-0kept", "keep", "true"),
      tagged("vol-0false", "keep", "false"),
      tagged("vol-0capital", "Keep", "true"),
      tagged("vol-0other", "owner", "true"),
      sampleVolume({
        VolumeId: "vol-0many",
        CreateTime: daysAgo(10),
        Tags: [
          { Key: "Name", Value: "scratch" },
          { Key: "keep", Value: "true" },
        ],
      }),
    );

    const found = await findOrphanedVolumes(ec2, { now: NOW });

    expect(volumeIds(found)).toEqual(["vol-0false", "vol-0capital", "vol-0other"]);
  });

  it("compares the keep tag exactly: a key or value with spaces around it does not protect", async () => {
    const tagged = (id: string, Key: string, Value: string) =>
      sampleVolume({ VolumeId: id, CreateTime: daysAgo(10), Tags: [{ Key, Value }] });
    availableVolumes(
      tagged("vol-0keyspace", "keep ", "true"),
      tagged("vol-0valuespace", "keep", " true"),
      tagged("vol-0kept", "keep", "true"),
    );

    const found = await findOrphanedVolumes(ec2, { now: NOW });

    expect(volumeIds(found), '"keep " and " true" are not "keep" and "true": not trimmed').toEqual([
      "vol-0keyspace",
      "vol-0valuespace",
    ]);
  });

  it("compares the keep tag's value case-sensitively too: keep=True and keep=TRUE protect nothing", async () => {
    const tagged = (id: string, Value: string) =>
      sampleVolume({ VolumeId: id, CreateTime: daysAgo(10), Tags: [{ Key: "keep", Value }] });
    availableVolumes(
      tagged("vol-0title", "True"),
      tagged("vol-0upper", "TRUE"),
      tagged("vol-0kept", "true"),
    );

    const found = await findOrphanedVolumes(ec2, { now: NOW });

    expect(volumeIds(found), 'only the exact value "true" protects').toEqual([
      "vol-0title",
      "vol-0upper",
    ]);
  });

  it("uses the keepTag option instead of keep=true when given", async () => {
    availableVolumes(
      sampleVolume({
        VolumeId: "vol-0retained",
        CreateTime: daysAgo(10),
        Tags: [{ Key: "lifecycle", Value: "retain" }],
      }),
      sampleVolume({
        VolumeId: "vol-0keep",
        CreateTime: daysAgo(10),
        Tags: [{ Key: "keep", Value: "true" }],
      }),
    );

    const found = await findOrphanedVolumes(ec2, {
      now: NOW,
      keepTag: { key: "lifecycle", value: "retain" },
    });

    expect(volumeIds(found)).toEqual(["vol-0keep"]);
  });

  it("by default reports a volume exactly 7 days old but not one a millisecond younger", async () => {
    availableVolumes(
      sampleVolume({ VolumeId: "vol-0seven", CreateTime: daysAgo(7) }),
      sampleVolume({
        VolumeId: "vol-0almost",
        CreateTime: new Date(daysAgo(7).getTime() + 1),
      }),
      sampleVolume({ VolumeId: "vol-0fresh", CreateTime: daysAgo(1) }),
    );

    const found = await findOrphanedVolumes(ec2, { now: NOW });

    expect(volumeIds(found), "age ≥ minAgeDays × 24 h").toEqual(["vol-0seven"]);
    expect(found[0]?.ageDays).toBe(7);
  });

  it("uses minAgeDays when given, with the same boundary", async () => {
    availableVolumes(
      sampleVolume({ VolumeId: "vol-0thirty", CreateTime: daysAgo(30) }),
      sampleVolume({ VolumeId: "vol-0almost", CreateTime: new Date(daysAgo(30).getTime() + 1) }),
    );

    const found = await findOrphanedVolumes(ec2, { now: NOW, minAgeDays: 30 });

    expect(volumeIds(found)).toEqual(["vol-0thirty"]);
  });

  it("measures a fractional minAgeDays in milliseconds: 0.5 is 12 hours", async () => {
    availableVolumes(
      sampleVolume({ VolumeId: "vol-0ninetenths", CreateTime: daysAgo(0.9) }),
      sampleVolume({ VolumeId: "vol-0half", CreateTime: daysAgo(0.5) }),
      sampleVolume({ VolumeId: "vol-0young", CreateTime: new Date(daysAgo(0.5).getTime() + 1) }),
    );

    const found = await findOrphanedVolumes(ec2, { now: NOW, minAgeDays: 0.5 });

    expect(volumeIds(found), "0.9 and 0.5 days are old enough, even at 0 whole days").toEqual([
      "vol-0ninetenths",
      "vol-0half",
    ]);
    expect(found.map(({ ageDays }) => ageDays)).toEqual([0, 0]);
  });

  it("with minAgeDays Infinity reports nothing, and does not reject", async () => {
    availableVolumes(sampleVolume({ VolumeId: "vol-0ancient", CreateTime: daysAgo(5000) }));

    await expect(
      findOrphanedVolumes(ec2, { now: NOW, minAgeDays: Number.POSITIVE_INFINITY }),
    ).resolves.toEqual([]);
  });

  it("with minAgeDays 0 reports a volume created this very moment", async () => {
    availableVolumes(sampleVolume({ VolumeId: "vol-0new", CreateTime: NOW }));

    const found = await findOrphanedVolumes(ec2, { now: NOW, minAgeDays: 0 });

    expect(found).toMatchObject([{ volumeId: "vol-0new", ageDays: 0 }]);
  });

  it("measures ages against the given now, not against the machine's clock", async () => {
    availableVolumes(
      sampleVolume({ VolumeId: "vol-0young", CreateTime: daysAgo(3) }),
      sampleVolume({ VolumeId: "vol-0old", CreateTime: daysAgo(8) }),
    );

    const found = await findOrphanedVolumes(ec2, { now: NOW });

    expect(volumeIds(found), `3 days before now, but weeks before the clock`).toEqual(["vol-0old"]);
    expect(found[0]?.ageDays).toBe(8);
  });

  it("measures ages against the current time when no now is given", async () => {
    availableVolumes(
      sampleVolume({ VolumeId: "vol-0seven", CreateTime: daysBefore(CLOCK, 7) }),
      sampleVolume({
        VolumeId: "vol-0almost",
        CreateTime: new Date(daysBefore(CLOCK, 7).getTime() + 1),
      }),
    );

    const found = await findOrphanedVolumes(ec2);

    expect(volumeIds(found)).toEqual(["vol-0seven"]);
  });

  it("prices the volumes with the prices option", async () => {
    availableVolumes(
      sampleVolume({ VolumeId: "vol-0a", Size: 10, VolumeType: "st1", CreateTime: daysAgo(10) }),
    );

    const found = await findOrphanedVolumes(ec2, { now: NOW, prices: { st1: 1.5 } });

    expect(found[0]?.monthlyCostUsd).toBe(15);
  });

  it("rejects with the RangeError of a volume type it has no price for", async () => {
    availableVolumes(
      sampleVolume({ VolumeId: "vol-0a", VolumeType: "gp2", CreateTime: daysAgo(10) }),
    );

    await expect(findOrphanedVolumes(ec2, { now: NOW, prices: { gp3: 0.08 } })).rejects.toThrow(
      'no price for volume type "gp2"',
    );
  });

  it("rejects a malformed response, naming the operation and the missing field", async () => {
    const broken = sampleVolume({ VolumeId: "vol-0broken" });
    delete broken.CreateTime;
    availableVolumes(broken);

    await expect(findOrphanedVolumes(ec2, { now: NOW })).rejects.toThrow(
      "DescribeVolumes returned an item without CreateTime",
    );
  });

  it.each(["CreateTime", "Size", "VolumeType", "VolumeId", "AvailabilityZone"] as const)(
    "rejects a reported volume without %s with a plain Error of exactly that message, not a ScanError",
    async (field) => {
      const broken = sampleVolume({ VolumeId: "vol-0broken", CreateTime: daysAgo(10) });
      delete broken[field];
      availableVolumes(broken);

      const error = await findOrphanedVolumes(ec2, { now: NOW }).catch((thrown: unknown) => thrown);

      expect(error, "the listing did not fail: an item of it is broken").not.toBeInstanceOf(
        ScanError,
      );
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toBe(`DescribeVolumes returned an item without ${field}`);
    },
  );

  it.each(["CreateTime", "Size", "VolumeType", "VolumeId", "AvailabilityZone"] as const)(
    "takes a null %s (a hand-made response) for a missing one: the same plain Error",
    async (field) => {
      const broken = sampleVolume({ VolumeId: "vol-0broken", CreateTime: daysAgo(10) });
      (broken as Record<string, unknown>)[field] = null;
      availableVolumes(broken);

      const error = await findOrphanedVolumes(ec2, { now: NOW }).catch((thrown: unknown) => thrown);

      expect(error, "null is missing too (== null): not a ScanError").not.toBeInstanceOf(ScanError);
      expect(error).toBeInstanceOf(Error);
      expect(
        (error as Error).message,
        "a null field is as missing as an absent one, not a value to read (getTime() of null)",
      ).toBe(`DescribeVolumes returned an item without ${field}`);
    },
  );

  it("names one of the missing fields when a reported volume lacks several", async () => {
    const broken = sampleVolume({ VolumeId: "vol-0broken", CreateTime: daysAgo(10) });
    delete broken.Size;
    delete broken.AvailabilityZone;
    availableVolumes(broken);

    await expect(findOrphanedVolumes(ec2, { now: NOW })).rejects.toThrow(
      /^DescribeVolumes returned an item without (Size|AvailabilityZone)$/,
    );
  });

  it.each([
    ["-1", -1],
    ["NaN", Number.NaN],
    ['"7"', "7"],
    ["null", null],
  ])(
    "rejects minAgeDays %s with a RangeError before sending any request",
    async (_what, minAgeDays) => {
      const options = { now: NOW, minAgeDays: minAgeDays as number };
      await expect(findOrphanedVolumes(ec2, options)).rejects.toThrow(RangeError);
      await expect(findOrphanedVolumes(ec2, options)).rejects.toThrow(/minAgeDays/);
      expect(ec2Mock.calls()).toHaveLength(0);
    },
  );

  it("rejects with a TypeError, never a wrong answer, when keepTag is null and a volume has tags", async () => {
    availableVolumes(
      sampleVolume({
        VolumeId: "vol-0tagged",
        CreateTime: daysAgo(10),
        Tags: [{ Key: "team", Value: "web" }],
      }),
    );
    const options = { now: NOW, keepTag: null as never };
    await expect(
      findOrphanedVolumes(ec2, options),
      "a null keepTag is not the default",
    ).rejects.toThrow(TypeError);
  });

  it("rejects with a TypeError, never a wrong answer, when prices is null and a volume is reported", async () => {
    availableVolumes(sampleVolume({ VolumeId: "vol-0orphan", CreateTime: daysAgo(10) }));
    const options = { now: NOW, prices: null as never };
    await expect(
      findOrphanedVolumes(ec2, options),
      "a null prices is not the default",
    ).rejects.toThrow(TypeError);
  });

  it.each([
    ["an Invalid Date", new Date("not a date")],
    ["a string", "2026-03-01T12:00:00Z"],
    ["a number", 1_772_366_400_000],
    ["null", null],
  ])("rejects now as %s with a RangeError before sending any request", async (_what, now) => {
    availableVolumes(sampleVolume({ VolumeId: "vol-0orphan", CreateTime: daysAgo(10) }));
    const options = { now: now as Date };
    await expect(findOrphanedVolumes(ec2, options), "now must be a valid Date").rejects.toThrow(
      RangeError,
    );
    await expect(findOrphanedVolumes(ec2, options)).rejects.toThrow(/now/);
    expect(ec2Mock.calls()).toHaveLength(0);
  });
});

describe("step 3 — every page", () => {
  it("collects the volumes of every page, in order", async () => {
    const volume = (id: string) => sampleVolume({ VolumeId: id, CreateTime: daysAgo(10) });
    mockPages(ec2Mock, DescribeVolumesCommand, AVAILABLE_VOLUMES, [
      { Volumes: [volume("vol-01"), volume("vol-02")] },
      { Volumes: [volume("vol-03"), volume("vol-04")] },
      { Volumes: [volume("vol-05")] },
    ]);

    const found = await findOrphanedVolumes(ec2, { now: NOW });

    expect(volumeIds(found)).toEqual(["vol-01", "vol-02", "vol-03", "vol-04", "vol-05"]);
    expect(describeCalls(), "one request per page").toBe(3);
  });

  it("goes on past an empty page that still carries a NextToken", async () => {
    const volume = (id: string) => sampleVolume({ VolumeId: id, CreateTime: daysAgo(10) });
    mockPages(ec2Mock, DescribeVolumesCommand, AVAILABLE_VOLUMES, [
      { Volumes: [volume("vol-01")] },
      { Volumes: [] },
      { Volumes: [volume("vol-03")] },
    ]);

    const found = await findOrphanedVolumes(ec2, { now: NOW });

    expect(volumeIds(found), "filtered listings may return empty pages").toEqual([
      "vol-01",
      "vol-03",
    ]);
  });

  it("treats a page without a Volumes field as empty", async () => {
    mockPages(ec2Mock, DescribeVolumesCommand, AVAILABLE_VOLUMES, [
      {},
      { Volumes: [sampleVolume({ VolumeId: "vol-02", CreateTime: daysAgo(10) })] },
    ]);

    const found = await findOrphanedVolumes(ec2, { now: NOW });

    expect(volumeIds(found)).toEqual(["vol-02"]);
  });

  it.each([5, 137, 500])("sends pageSize %i as the MaxResults of every page", async (pageSize) => {
    mockPages(ec2Mock, DescribeVolumesCommand, { ...AVAILABLE_VOLUMES, MaxResults: pageSize }, [
      { Volumes: [sampleVolume({ VolumeId: "vol-01", CreateTime: daysAgo(10) })] },
      { Volumes: [sampleVolume({ VolumeId: "vol-02", CreateTime: daysAgo(10) })] },
    ]);

    const found = await findOrphanedVolumes(ec2, { now: NOW, pageSize });

    expect(volumeIds(found)).toEqual(["vol-01", "vol-02"]);
  });

  it('rejects a pageSize given as a string ("100") with a RangeError: it is not converted', async () => {
    const options = { now: NOW, pageSize: "100" as unknown as number };
    await expect(findOrphanedVolumes(ec2, options), '"100" is not an integer').rejects.toThrow(
      RangeError,
    );
    await expect(findOrphanedVolumes(ec2, options)).rejects.toThrow(/pageSize/);
    expect(ec2Mock.calls(), "no request is sent").toHaveLength(0);
  });

  it.each([4, 501, 12.5, 0])(
    "rejects pageSize %s with a RangeError before sending any request",
    async (pageSize) => {
      await expect(findOrphanedVolumes(ec2, { now: NOW, pageSize })).rejects.toThrow(RangeError);
      await expect(findOrphanedVolumes(ec2, { now: NOW, pageSize })).rejects.toThrow(/pageSize/);
      expect(ec2Mock.calls()).toHaveLength(0);
    },
  );
});

describe("step 4 — throttling during the scan", () => {
  const oneVolume = () => [
    { Volumes: [sampleVolume({ VolumeId: "vol-01", CreateTime: daysAgo(10) })] },
  ];

  it("asks again for a throttled page after 1 s, then goes on", async () => {
    mockPages(ec2Mock, DescribeVolumesCommand, AVAILABLE_VOLUMES, oneVolume(), {
      1: [throttled()],
    });

    const found = later(findOrphanedVolumes(ec2, { now: NOW }));
    await vi.advanceTimersByTimeAsync(999);
    expect(describeCalls(), "no retry before 1000 ms").toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(describeCalls(), "the retry is sent at 1000 ms").toBe(2);

    expect(volumeIds(await found)).toEqual(["vol-01"]);
  });

  it("measures ages from the clock at the call when no now is given, not from after the waits", async () => {
    // 500 ms short of 7 days old at the call; a throttled page then waits 1 s.
    const createTime = new Date(daysBefore(CLOCK, 7).getTime() + 500);
    mockPages(
      ec2Mock,
      DescribeVolumesCommand,
      AVAILABLE_VOLUMES,
      [
        {
          Volumes: [
            sampleVolume({ VolumeId: "vol-0young", CreateTime: createTime }),
            sampleVolume({ VolumeId: "vol-0old", CreateTime: daysBefore(CLOCK, 10) }),
          ],
        },
      ],
      { 1: [throttled()] },
    );

    const found = later(findOrphanedVolumes(ec2));
    await vi.runAllTimersAsync();

    expect(
      volumeIds(await found),
      "now defaults to new Date() at the call: vol-0young was younger than 7 days then",
    ).toEqual(["vol-0old"]);
  });

  it("waits 1 s, then 2 s, then 4 s: the fourth attempt can still succeed", async () => {
    mockPages(ec2Mock, DescribeVolumesCommand, AVAILABLE_VOLUMES, oneVolume(), {
      1: [throttled(), throttled(), throttled()],
    });

    const found = later(findOrphanedVolumes(ec2, { now: NOW }));
    const callsAt = async (ms: number) => {
      await vi.advanceTimersByTimeAsync(ms);
      return describeCalls();
    };
    expect(await callsAt(999)).toBe(1);
    expect(await callsAt(1), "2nd attempt at 1000 ms").toBe(2);
    expect(await callsAt(1999)).toBe(2);
    expect(await callsAt(1), "3rd attempt at 3000 ms").toBe(3);
    expect(await callsAt(3999)).toBe(3);
    expect(await callsAt(1), "4th attempt at 7000 ms").toBe(4);

    expect(volumeIds(await found)).toEqual(["vol-01"]);
  });

  it("gives up after 4 attempts with a ScanError naming the operation and the error code", async () => {
    ec2Mock.on(DescribeVolumesCommand).rejects(throttled());

    const found = later(findOrphanedVolumes(ec2, { now: NOW }));
    const failed = later(expect(found).rejects.toThrow(ScanError));
    await vi.runAllTimersAsync();
    await failed;

    const error = await found.catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({
      name: "ScanError",
      operation: "DescribeVolumes",
      code: "RequestLimitExceeded",
      attempts: 4,
      message:
        "DescribeVolumes failed after 4 of 4 attempts: RequestLimitExceeded: Request limit exceeded.",
    });
    expect((error as Error).cause, "the SDK error is kept as the cause").toMatchObject({
      name: "RequestLimitExceeded",
    });
    expect(describeCalls()).toBe(4);
  });

  it("resumes at the throttled page: earlier pages are not read again", async () => {
    const volume = (id: string) => sampleVolume({ VolumeId: id, CreateTime: daysAgo(10) });
    mockPages(
      ec2Mock,
      DescribeVolumesCommand,
      AVAILABLE_VOLUMES,
      [
        { Volumes: [volume("vol-01")] },
        { Volumes: [volume("vol-02")] },
        { Volumes: [volume("vol-03")] },
      ],
      { 2: [throttled()] },
    );

    const found = later(findOrphanedVolumes(ec2, { now: NOW }));
    await vi.runAllTimersAsync();

    expect(volumeIds(await found), "each volume once, in order").toEqual([
      "vol-01",
      "vol-02",
      "vol-03",
    ]);
    expect(describeCalls(), "page 1, page 2 (throttled), page 2, page 3").toBe(4);
  });

  it("counts attempts per page: every page may be throttled three times", async () => {
    const volume = (id: string) => sampleVolume({ VolumeId: id, CreateTime: daysAgo(10) });
    mockPages(
      ec2Mock,
      DescribeVolumesCommand,
      AVAILABLE_VOLUMES,
      [{ Volumes: [volume("vol-01")] }, { Volumes: [volume("vol-02")] }],
      { 1: [throttled(), throttled(), throttled()], 2: [throttled(), throttled(), throttled()] },
    );

    const found = later(findOrphanedVolumes(ec2, { now: NOW }));
    await vi.advanceTimersByTimeAsync(7000);
    expect(describeCalls(), "page 1 read on its 4th attempt, at 7000 ms").toBe(5);
    await vi.advanceTimersByTimeAsync(999);
    expect(describeCalls(), "the delays start again at 1 s for page 2").toBe(5);
    await vi.advanceTimersByTimeAsync(1);
    expect(describeCalls()).toBe(6);
    await vi.runAllTimersAsync();

    expect(volumeIds(await found)).toEqual(["vol-01", "vol-02"]);
  });

  it.each([
    ["UnauthorizedOperation", ec2Errors.unauthorizedOperation()],
    ["InternalError", ec2Errors.internalError()],
  ])("does not retry %s: a ScanError after 1 attempt", async (code, error) => {
    ec2Mock.on(DescribeVolumesCommand).rejects(error);

    const found = later(findOrphanedVolumes(ec2, { now: NOW }));

    await expect(found).rejects.toMatchObject({
      operation: "DescribeVolumes",
      code,
      attempts: 1,
      message: `DescribeVolumes failed after 1 of 4 attempts: ${code}: ${error.message}`,
    });
    expect(describeCalls()).toBe(1);
  });

  it("counts every request sent for the page: throttled twice, then InternalError, is 3 of 4 attempts", async () => {
    // The second page: throttled twice, then an error that is not retried.
    mockPages(ec2Mock, DescribeVolumesCommand, AVAILABLE_VOLUMES, [{ Volumes: [] }, {}], {
      2: [throttled(), throttled(), ec2Errors.internalError()],
    });

    const found = later(findOrphanedVolumes(ec2, { now: NOW }));
    const failed = later(
      expect(
        found,
        "attempts is the number of requests sent for the failing page, not 1 for any error but throttling",
      ).rejects.toMatchObject({
        name: "ScanError",
        code: "InternalError",
        attempts: 3,
        message:
          "DescribeVolumes failed after 3 of 4 attempts: InternalError: An internal error has occurred. Try again later.",
      }),
    );
    await vi.runAllTimersAsync();
    await failed;
    expect(describeCalls(), "page 1 once, page 2 three times").toBe(4);
  });

  it("rejects as soon as the last attempt is throttled: no wait after it", async () => {
    ec2Mock.on(DescribeVolumesCommand).rejects(throttled());

    const found = later(findOrphanedVolumes(ec2, { now: NOW }));
    let settled = false;
    found.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    // 1 s + 2 s + 4 s: the 4th and last request is sent at 7000 ms.
    await vi.advanceTimersByTimeAsync(7001);
    expect(describeCalls(), "4 requests by 7000 ms").toBe(4);
    expect(
      settled,
      "the scan has rejected by 7001 ms: there is no 8 s wait after the last attempt",
    ).toBe(true);
    await expect(found).rejects.toMatchObject({ attempts: 4 });
  });

  it.each(["Throttling", "ThrottlingException", "RequestThrottled"])(
    "retries only EC2's own RequestLimitExceeded: %s (another service's throttling code) fails after 1 attempt",
    async (code) => {
      ec2Mock.on(DescribeVolumesCommand).rejects(ec2Error(code, "Rate exceeded", 400));

      const found = later(findOrphanedVolumes(ec2, { now: NOW }));
      const failed = later(
        expect(found).rejects.toMatchObject({
          name: "ScanError",
          code,
          attempts: 1,
          message: `DescribeVolumes failed after 1 of 4 attempts: ${code}: Rate exceeded`,
        }),
      );
      await vi.runAllTimersAsync();
      await failed;
      expect(describeCalls(), `${code} is not EC2's throttling code: no retry`).toBe(1);
    },
  );

  it("wraps whatever a listing request rejects with in a ScanError, a TypeError from a broken client too", async () => {
    ec2Mock
      .on(DescribeVolumesCommand)
      .rejects(new TypeError("Cannot read properties of undefined (reading 'endpoint')"));

    const found = later(findOrphanedVolumes(ec2, { now: NOW }));
    const failed = later(
      expect(found).rejects.toMatchObject({
        name: "ScanError",
        operation: "DescribeVolumes",
        code: "TypeError",
        attempts: 1,
        message:
          "DescribeVolumes failed after 1 of 4 attempts: TypeError: Cannot read properties of undefined (reading 'endpoint')",
      }),
    );
    await vi.runAllTimersAsync();
    await failed;
    expect(describeCalls(), "a TypeError is not throttling: no retry").toBe(1);
  });

  it("follows the retry option: attempts and base delay", async () => {
    ec2Mock.on(DescribeVolumesCommand).rejects(throttled());

    const found = later(
      findOrphanedVolumes(ec2, { now: NOW, retry: { attempts: 3, baseDelayMs: 50 } }),
    );
    const failed = later(
      expect(found).rejects.toMatchObject({
        attempts: 3,
        message: expect.stringMatching(/^DescribeVolumes failed after 3 of 3 attempts/),
      }),
    );
    await vi.advanceTimersByTimeAsync(49);
    expect(describeCalls()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(describeCalls(), "2nd attempt after 50 ms").toBe(2);
    await vi.advanceTimersByTimeAsync(99);
    expect(describeCalls()).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(describeCalls(), "3rd attempt 100 ms later").toBe(3);
    await failed;
  });

  it("with retry.attempts 1 sends one request and does not retry", async () => {
    ec2Mock.on(DescribeVolumesCommand).rejects(throttled());

    await expect(
      findOrphanedVolumes(ec2, { now: NOW, retry: { attempts: 1, baseDelayMs: 1000 } }),
    ).rejects.toMatchObject({ code: "RequestLimitExceeded", attempts: 1 });
    expect(describeCalls()).toBe(1);
  });

  it.each([0, 2.5])(
    "rejects retry.attempts %s with a RangeError before sending any request",
    async (attempts) => {
      const options = { now: NOW, retry: { attempts, baseDelayMs: 10 } };
      await expect(findOrphanedVolumes(ec2, options)).rejects.toThrow(RangeError);
      await expect(findOrphanedVolumes(ec2, options)).rejects.toThrow(/attempts/);
      expect(ec2Mock.calls()).toHaveLength(0);
    },
  );

  it("rejects a null retry with a TypeError before sending any request", async () => {
    const options = { now: NOW, retry: null as never };
    await expect(
      findOrphanedVolumes(ec2, options),
      "a null retry is not the default policy",
    ).rejects.toThrow(TypeError);
    expect(ec2Mock.calls()).toHaveLength(0);
  });
});

describe("step 5 — orphaned snapshots", () => {
  interface World {
    snapshots: Snapshot[];
    volumes: Volume[];
    images?: Image[];
  }
  /** One page of each listing, answered only to the requests a correct solution sends. */
  function world({ snapshots, volumes, images = [] }: World) {
    mockPages(ec2Mock, DescribeSnapshotsCommand, OWN_SNAPSHOTS, [{ Snapshots: snapshots }]);
    mockPages(ec2Mock, DescribeVolumesCommand, ALL_VOLUMES, [{ Volumes: volumes }]);
    mockPages(ec2Mock, DescribeImagesCommand, OWN_IMAGES, [{ Images: images }]);
  }
  const snapshotOf = (SnapshotId: string, VolumeId: string, extra: Snapshot = {}) =>
    sampleSnapshot({ SnapshotId, VolumeId, ...extra });

  it("reports a snapshot of ours whose volume no longer exists", async () => {
    const startTime = new Date("2025-11-02T03:04:05.000Z");
    world({
      snapshots: [
        snapshotOf("snap-0gone", "vol-0deleted", { VolumeSize: 100, StartTime: startTime }),
        snapshotOf("snap-0live", "vol-0live"),
      ],
      volumes: [sampleVolume({ VolumeId: "vol-0live" })],
    });

    await expect(findOrphanedSnapshots(ec2)).resolves.toEqual([
      {
        snapshotId: "snap-0gone",
        volumeId: "vol-0deleted",
        sizeGiB: 100,
        startTime,
        reason: "volume-deleted",
        storageTier: "standard",
        monthlyCostUsd: 5,
      },
    ]);
  });

  it("checks the volumes in every state, not only the available ones", async () => {
    world({
      snapshots: [snapshotOf("snap-0a", "vol-0in-use"), snapshotOf("snap-0b", "vol-0gone")],
      volumes: [
        sampleVolume({
          VolumeId: "vol-0in-use",
          State: "in-use",
          Attachments: [sampleAttachment("vol-0in-use")],
        }),
      ],
    });
    // A solution that reuses the status=available listing would not see the in-use volume.
    availableVolumes();

    const found = await findOrphanedSnapshots(ec2);

    expect(snapshotIds(found), "vol-0in-use exists: its snapshot is no orphan").toEqual([
      "snap-0b",
    ]);
  });

  it.each(["deleting", "deleted", "creating", "error"] as const)(
    "counts a listed volume in state %s as existing: its snapshot is no orphan",
    async (State) => {
      world({
        snapshots: [snapshotOf("snap-0a", "vol-0listed"), snapshotOf("snap-0b", "vol-0gone")],
        volumes: [sampleVolume({ VolumeId: "vol-0listed", State })],
      });

      const found = await findOrphanedSnapshots(ec2);

      expect(
        snapshotIds(found),
        `vol-0listed is among the listed volumes (State ${State}): not "volume-deleted"`,
      ).toEqual(["snap-0b"]);
    },
  );

  it("keeps the snapshots one of our AMIs is built from", async () => {
    world({
      snapshots: [
        snapshotOf("snap-0root", "vol-0gone1"),
        snapshotOf("snap-0data", "vol-0gone2"),
        snapshotOf("snap-0orphan", "vol-0gone3"),
      ],
      volumes: [],
      images: [
        sampleImage("ami-0aaa", ["snap-0root", "snap-0data"], {
          BlockDeviceMappings: [
            { DeviceName: "/dev/xvda", Ebs: { SnapshotId: "snap-0root", VolumeSize: 8 } },
            { DeviceName: "/dev/xvdb", Ebs: { SnapshotId: "snap-0data", VolumeSize: 8 } },
            { DeviceName: "/dev/sdc", VirtualName: "ephemeral0" },
          ],
        }),
        sampleImage("ami-0bbb", [], { BlockDeviceMappings: undefined }),
      ],
    });

    const found = await findOrphanedSnapshots(ec2);

    expect(snapshotIds(found), "an AMI still needs snap-0root and snap-0data").toEqual([
      "snap-0orphan",
    ]);
  });

  it("counts disabled AMIs too (they are only listed with IncludeDisabled: true)", async () => {
    world({
      snapshots: [snapshotOf("snap-0disabled", "vol-0gone1"), snapshotOf("snap-0x", "vol-0gone2")],
      volumes: [],
      images: [sampleImage("ami-0off", ["snap-0disabled"], { State: "disabled" })],
    });
    // Without IncludeDisabled, EC2 leaves the disabled AMI out.
    mockPages(ec2Mock, DescribeImagesCommand, { ...OWN_IMAGES, IncludeDisabled: undefined }, [
      { Images: [] },
    ]);

    const found = await findOrphanedSnapshots(ec2);

    expect(snapshotIds(found)).toEqual(["snap-0x"]);
  });

  it("asks for our own snapshots only (OwnerIds: self), not every snapshot we may read", async () => {
    world({ snapshots: [snapshotOf("snap-0mine", "vol-0gone")], volumes: [] });
    mockPages(ec2Mock, DescribeSnapshotsCommand, { ...OWN_SNAPSHOTS, OwnerIds: undefined }, [
      {
        Snapshots: [
          snapshotOf("snap-0public", "vol-0theirs", { OwnerId: "999988887777" }),
          snapshotOf("snap-0mine", "vol-0gone"),
        ],
      },
    ]);

    const found = await findOrphanedSnapshots(ec2);

    expect(snapshotIds(found)).toEqual(["snap-0mine"]);
  });

  it("reports a copied snapshot (placeholder VolumeId vol-ffffffff) with reason copied", async () => {
    world({
      snapshots: [snapshotOf("snap-0copy", "vol-ffffffff"), snapshotOf("snap-0gone", "vol-0gone")],
      volumes: [],
    });

    const found = await findOrphanedSnapshots(ec2);

    expect(found.map(({ snapshotId, reason }) => ({ snapshotId, reason }))).toEqual([
      { snapshotId: "snap-0copy", reason: "copied" },
      { snapshotId: "snap-0gone", reason: "volume-deleted" },
    ]);
  });

  it("keeps a copied snapshot (vol-ffffffff) that one of our AMIs is built from", async () => {
    world({
      snapshots: [
        snapshotOf("snap-0amicopy", "vol-ffffffff"),
        snapshotOf("snap-0copy", "vol-ffffffff"),
      ],
      volumes: [],
      images: [sampleImage("ami-0copied", ["snap-0amicopy"])],
    });

    const found = await findOrphanedSnapshots(ec2);

    expect(snapshotIds(found), "an AMI still needs snap-0amicopy, copied or not").toEqual([
      "snap-0copy",
    ]);
  });

  it("prices a snapshot at 0.05 USD per GiB-month of its volume size, rounded to 4 decimals", async () => {
    world({
      snapshots: [snapshotOf("snap-0three", "vol-0gone", { VolumeSize: 3 })],
      volumes: [],
    });

    const found = await findOrphanedSnapshots(ec2);

    expect(found[0]?.monthlyCostUsd, "3 × 0.05, without floating-point noise").toBe(0.15);
  });

  it("prices an archived snapshot (StorageTier archive) at 0.0125 USD per GiB-month, and says so", async () => {
    world({
      snapshots: [
        snapshotOf("snap-0cold", "vol-0gone", { VolumeSize: 7, StorageTier: "archive" }),
        snapshotOf("snap-0warm", "vol-0gone", { VolumeSize: 7, StorageTier: "standard" }),
        snapshotOf("snap-0old", "vol-0gone", { VolumeSize: 7, StorageTier: undefined }),
      ],
      volumes: [],
    });

    const found = await findOrphanedSnapshots(ec2);

    expect(
      found.map(({ snapshotId, storageTier, monthlyCostUsd }) => ({
        snapshotId,
        storageTier,
        monthlyCostUsd,
      })),
    ).toEqual([
      { snapshotId: "snap-0cold", storageTier: "archive", monthlyCostUsd: 0.0875 },
      { snapshotId: "snap-0warm", storageTier: "standard", monthlyCostUsd: 0.35 },
      // No StorageTier at all: EC2's default tier.
      { snapshotId: "snap-0old", storageTier: "standard", monthlyCostUsd: 0.35 },
    ]);
  });

  it.each(["Archive", "ARCHIVE", "deep-archive"])(
    "reads any StorageTier but exactly archive (%s) as standard",
    async (StorageTier) => {
      world({
        snapshots: [
          snapshotOf("snap-0tier", "vol-0gone", {
            VolumeSize: 7,
            StorageTier: StorageTier as Snapshot["StorageTier"],
          }),
        ],
        volumes: [],
      });

      const [found] = await findOrphanedSnapshots(ec2);

      expect(found).toMatchObject({ storageTier: "standard", monthlyCostUsd: 0.35 });
    },
  );

  it("lists snapshots, then volumes, then AMIs, one after another: nothing more after a failure", async () => {
    world({ snapshots: [], volumes: [] });
    ec2Mock.on(DescribeSnapshotsCommand).rejects(ec2Errors.unauthorizedOperation());

    await expect(findOrphanedSnapshots(ec2)).rejects.toMatchObject({
      operation: "DescribeSnapshots",
    });
    expect(
      ec2Mock.calls().map((call) => call.args[0].constructor.name),
      "the volumes and the AMIs are listed only once the snapshots are",
    ).toEqual(["DescribeSnapshotsCommand"]);
  });

  it("sends no DescribeImages once the volume listing has failed", async () => {
    world({ snapshots: [snapshotOf("snap-01", "vol-0gone")], volumes: [] });
    ec2Mock.on(DescribeVolumesCommand).rejects(ec2Errors.unauthorizedOperation());

    await expect(findOrphanedSnapshots(ec2)).rejects.toMatchObject({
      operation: "DescribeVolumes",
    });
    expect(
      ec2Mock.calls().map((call) => call.args[0].constructor.name),
      "the AMIs are listed only once the volumes are",
    ).toEqual(["DescribeSnapshotsCommand", "DescribeVolumesCommand"]);
  });

  it("starts the AMI listing only once the volume listing is complete, its retries included", async () => {
    mockPages(ec2Mock, DescribeSnapshotsCommand, OWN_SNAPSHOTS, [
      { Snapshots: [snapshotOf("snap-01", "vol-0gone")] },
    ]);
    mockPages(ec2Mock, DescribeVolumesCommand, ALL_VOLUMES, [{ Volumes: [] }], {
      1: [throttled()],
    });
    mockPages(ec2Mock, DescribeImagesCommand, OWN_IMAGES, [{ Images: [] }]);
    const imageCalls = () => ec2Mock.commandCalls(DescribeImagesCommand).length;

    const found = later(findOrphanedSnapshots(ec2));
    await vi.advanceTimersByTimeAsync(999);
    expect(imageCalls(), "no DescribeImages while the volume listing waits to retry").toBe(0);
    await vi.advanceTimersByTimeAsync(1);

    expect(snapshotIds(await found)).toEqual(["snap-01"]);
    expect(imageCalls(), "DescribeImages once the volumes are all read").toBe(1);
  });

  it("reads every page of the snapshot, volume and image listings", async () => {
    mockPages(ec2Mock, DescribeSnapshotsCommand, OWN_SNAPSHOTS, [
      { Snapshots: [snapshotOf("snap-01", "vol-0live1"), snapshotOf("snap-02", "vol-0gone")] },
      { Snapshots: [snapshotOf("snap-03", "vol-0live2"), snapshotOf("snap-04", "vol-0gone")] },
      { Snapshots: [snapshotOf("snap-05", "vol-0gone")] },
    ]);
    mockPages(ec2Mock, DescribeVolumesCommand, ALL_VOLUMES, [
      { Volumes: [sampleVolume({ VolumeId: "vol-0live1" })] },
      { Volumes: [sampleVolume({ VolumeId: "vol-0live2" })] },
    ]);
    mockPages(ec2Mock, DescribeImagesCommand, OWN_IMAGES, [
      { Images: [sampleImage("ami-01", ["snap-04"])] },
      { Images: [sampleImage("ami-02", ["snap-05"])] },
    ]);

    const found = await findOrphanedSnapshots(ec2);

    expect(snapshotIds(found)).toEqual(["snap-02"]);
  });

  it("treats listing pages without their Snapshots, Volumes or Images field as empty", async () => {
    mockPages(ec2Mock, DescribeSnapshotsCommand, OWN_SNAPSHOTS, [
      {},
      { Snapshots: [snapshotOf("snap-02", "vol-0gone")] },
    ]);
    mockPages(ec2Mock, DescribeVolumesCommand, ALL_VOLUMES, [{}]);
    mockPages(ec2Mock, DescribeImagesCommand, OWN_IMAGES, [{}]);

    const found = await findOrphanedSnapshots(ec2);

    expect(snapshotIds(found)).toEqual(["snap-02"]);
  });

  it("sends pageSize as MaxResults of all three listings", async () => {
    mockPages(ec2Mock, DescribeSnapshotsCommand, { ...OWN_SNAPSHOTS, MaxResults: 50 }, [
      { Snapshots: [snapshotOf("snap-01", "vol-0gone")] },
    ]);
    mockPages(ec2Mock, DescribeVolumesCommand, { ...ALL_VOLUMES, MaxResults: 50 }, [
      { Volumes: [] },
    ]);
    mockPages(ec2Mock, DescribeImagesCommand, { ...OWN_IMAGES, MaxResults: 50 }, [{ Images: [] }]);

    const found = await findOrphanedSnapshots(ec2, { pageSize: 50 });

    expect(snapshotIds(found)).toEqual(["snap-01"]);
  });

  it("builds fresh requests on every call: a second call sends its own MaxResults, from the first page", async () => {
    world({ snapshots: [], volumes: [] });
    mockPages(ec2Mock, DescribeSnapshotsCommand, { ...OWN_SNAPSHOTS, MaxResults: 50 }, [
      { Snapshots: [] },
      { Snapshots: [] },
    ]);
    mockPages(ec2Mock, DescribeVolumesCommand, { ...ALL_VOLUMES, MaxResults: 50 }, [
      { Volumes: [] },
      { Volumes: [] },
    ]);
    mockPages(ec2Mock, DescribeImagesCommand, { ...OWN_IMAGES, MaxResults: 50 }, [
      { Images: [] },
      { Images: [] },
    ]);
    await findOrphanedSnapshots(ec2, { pageSize: 50 });
    const sentBefore = ec2Mock.calls().length;

    await findOrphanedSnapshots(ec2);

    const second = ec2Mock
      .calls()
      .slice(sentBefore)
      .map((call) => ({ ...(call.args[0].input as object) }));
    expect(
      second,
      "a fresh input object per call: the paginator writes MaxResults and NextToken into the one it is given",
    ).toEqual([OWN_SNAPSHOTS, ALL_VOLUMES, OWN_IMAGES]);
  });

  it("retries a throttled listing here too", async () => {
    world({ snapshots: [snapshotOf("snap-01", "vol-0gone")], volumes: [] });
    mockPages(ec2Mock, DescribeImagesCommand, OWN_IMAGES, [{ Images: [] }], { 1: [throttled()] });

    const found = later(findOrphanedSnapshots(ec2));
    await vi.advanceTimersByTimeAsync(1000);

    expect(snapshotIds(await found)).toEqual(["snap-01"]);
  });

  it("names DescribeSnapshots in the ScanError when the snapshot listing fails", async () => {
    world({ snapshots: [], volumes: [] });
    ec2Mock.on(DescribeSnapshotsCommand).rejects(ec2Errors.unauthorizedOperation());

    await expect(findOrphanedSnapshots(ec2)).rejects.toMatchObject({
      name: "ScanError",
      operation: "DescribeSnapshots",
      code: "UnauthorizedOperation",
    });
  });

  it("names DescribeImages in the ScanError when the image listing stays throttled", async () => {
    world({ snapshots: [], volumes: [] });
    ec2Mock.on(DescribeImagesCommand).rejects(throttled());

    const found = later(findOrphanedSnapshots(ec2));
    const failed = later(
      expect(found).rejects.toMatchObject({
        operation: "DescribeImages",
        code: "RequestLimitExceeded",
        attempts: 4,
      }),
    );
    await vi.runAllTimersAsync();
    await failed;
  });

  it("names DescribeVolumes in the ScanError when the volume listing fails", async () => {
    world({ snapshots: [], volumes: [] });
    ec2Mock.on(DescribeVolumesCommand).rejects(ec2Errors.internalError());

    await expect(findOrphanedSnapshots(ec2)).rejects.toMatchObject({
      operation: "DescribeVolumes",
      code: "InternalError",
    });
  });

  it("rejects a malformed snapshot, naming the operation and the missing field", async () => {
    const broken = snapshotOf("snap-0broken", "vol-0gone");
    delete broken.StartTime;
    world({ snapshots: [broken], volumes: [] });

    await expect(findOrphanedSnapshots(ec2)).rejects.toThrow(
      "DescribeSnapshots returned an item without StartTime",
    );
  });

  it("reads VolumeSize and StartTime of orphaned snapshots only", async () => {
    const inUse = snapshotOf("snap-0inuse", "vol-0alive");
    delete inUse.VolumeSize;
    delete inUse.StartTime;
    const forAmi = snapshotOf("snap-0ami", "vol-0gone");
    delete forAmi.VolumeSize;
    delete forAmi.StartTime;
    world({
      snapshots: [inUse, forAmi, snapshotOf("snap-0orphan", "vol-0gone")],
      volumes: [sampleVolume({ VolumeId: "vol-0alive" })],
      images: [sampleImage("ami-0aaa", ["snap-0ami"])],
    });

    const found = await findOrphanedSnapshots(ec2);

    expect(
      snapshotIds(found),
      "a snapshot whose volume exists, or that an AMI uses, is not checked for VolumeSize or StartTime",
    ).toEqual(["snap-0orphan"]);
  });

  it.each(["SnapshotId", "VolumeId"] as const)(
    "rejects a snapshot without %s even when its volume exists",
    async (field) => {
      const broken = snapshotOf("snap-0broken", "vol-0alive");
      delete broken[field];
      world({ snapshots: [broken], volumes: [sampleVolume({ VolumeId: "vol-0alive" })] });

      await expect(findOrphanedSnapshots(ec2)).rejects.toThrow(
        `DescribeSnapshots returned an item without ${field}`,
      );
    },
  );

  it("rejects a snapshot without VolumeId even when one of our AMIs uses it", async () => {
    const broken = snapshotOf("snap-0ami", "vol-0gone");
    delete broken.VolumeId;
    world({
      snapshots: [broken],
      volumes: [],
      images: [sampleImage("ami-0aaa", ["snap-0ami"])],
    });

    await expect(
      findOrphanedSnapshots(ec2),
      "SnapshotId and VolumeId are read on every snapshot, before the AMI check",
    ).rejects.toThrow("DescribeSnapshots returned an item without VolumeId");
  });

  it.each(["SnapshotId", "VolumeId", "VolumeSize", "StartTime"] as const)(
    "rejects an orphaned snapshot without %s with a plain Error of exactly that message, not a ScanError",
    async (field) => {
      const broken = snapshotOf("snap-0broken", "vol-0gone");
      delete broken[field];
      world({ snapshots: [broken], volumes: [] });

      const error = await findOrphanedSnapshots(ec2).catch((thrown: unknown) => thrown);

      expect(error, "the listing did not fail: an item of it is broken").not.toBeInstanceOf(
        ScanError,
      );
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toBe(`DescribeSnapshots returned an item without ${field}`);
    },
  );

  it.each(["SnapshotId", "VolumeId", "VolumeSize", "StartTime"] as const)(
    "takes a null %s on an orphaned snapshot for a missing one: the same plain Error",
    async (field) => {
      const broken = snapshotOf("snap-0broken", "vol-0gone");
      (broken as Record<string, unknown>)[field] = null;
      world({ snapshots: [broken], volumes: [] });

      const error = await findOrphanedSnapshots(ec2).catch((thrown: unknown) => thrown);

      expect(error, "null is missing too (== null): not a ScanError").not.toBeInstanceOf(ScanError);
      expect(error).toBeInstanceOf(Error);
      expect(
        (error as Error).message,
        "a null field is as missing as an absent one, not a value to report",
      ).toBe(`DescribeSnapshots returned an item without ${field}`);
    },
  );

  it("rejects a bad pageSize with a RangeError before sending any request", async () => {
    await expect(findOrphanedSnapshots(ec2, { pageSize: 501 })).rejects.toThrow(RangeError);
    expect(ec2Mock.calls()).toHaveLength(0);
  });
});

describe("step 6 — the report", () => {
  const volume = (
    volumeId: string,
    monthlyCostUsd: number,
    extra: Partial<OrphanedVolume> = {},
  ) => ({
    volumeId,
    volumeType: "gp3",
    sizeGiB: 100,
    availabilityZone: "us-east-1a",
    createTime: new Date("2026-01-01T00:00:00.000Z"),
    ageDays: 59,
    monthlyCostUsd,
    ...extra,
  });
  const snapshot = (
    snapshotId: string,
    monthlyCostUsd: number,
    extra: Partial<OrphanedSnapshot> = {},
  ): OrphanedSnapshot => ({
    snapshotId,
    volumeId: "vol-0gone",
    sizeGiB: 20,
    startTime: new Date("2025-12-24T06:30:00.000Z"),
    reason: "volume-deleted",
    storageTier: "standard",
    monthlyCostUsd,
    ...extra,
  });

  it("sorts volumes and snapshots by monthly cost, most expensive first", () => {
    const report = buildReport(
      [volume("vol-0a", 8), volume("vol-0b", 25), volume("vol-0c", 0.5)],
      [snapshot("snap-0a", 1), snapshot("snap-0b", 2.5)],
    );

    expect(volumeIds(report.volumes)).toEqual(["vol-0b", "vol-0a", "vol-0c"]);
    expect(snapshotIds(report.snapshots)).toEqual(["snap-0b", "snap-0a"]);
  });

  it("breaks cost ties by id, in ascending order", () => {
    const report = buildReport(
      [volume("vol-0c", 8), volume("vol-0a", 8), volume("vol-0b", 9)],
      [snapshot("snap-0z", 1), snapshot("snap-0y", 1)],
    );

    expect(volumeIds(report.volumes)).toEqual(["vol-0b", "vol-0a", "vol-0c"]);
    expect(snapshotIds(report.snapshots)).toEqual(["snap-0y", "snap-0z"]);
  });

  it("adds up volumes and snapshots into the total, rounded to 4 decimals", () => {
    const report = buildReport(
      [volume("vol-0a", 0.1), volume("vol-0b", 0.2)],
      [snapshot("snap-0a", 0.7)],
    );

    expect(report.totalMonthlyCostUsd, "0.1 + 0.2 + 0.7, without floating-point noise").toBe(1);
  });

  it("breaks cost ties in code-unit order (upper case before lower case), not by locale", () => {
    const report = buildReport(
      [volume("vol-0b", 8), volume("vol-0B", 8), volume("vol-0a", 8)],
      [snapshot("snap-0z", 1), snapshot("snap-0Z", 1), snapshot("snap-0_", 1)],
    );

    expect(volumeIds(report.volumes)).toEqual(["vol-0B", "vol-0a", "vol-0b"]);
    expect(snapshotIds(report.snapshots)).toEqual(["snap-0Z", "snap-0_", "snap-0z"]);
  });

  it("rounds the archived total to 4 decimals too", () => {
    const cold = { storageTier: "archive" } as const;
    const report = buildReport(
      [],
      [
        snapshot("snap-0c1", 0.0125, cold),
        snapshot("snap-0c2", 0.0125, cold),
        snapshot("snap-0c3", 0.0125, cold),
      ],
    );

    expect(report.archivedMonthlyCostUsd, "3 × 0.0125, without floating-point noise").toBe(0.0375);
  });

  it("leaves the lists it is given untouched", () => {
    const volumes = [volume("vol-0a", 1), volume("vol-0b", 2)];
    const snapshots = [snapshot("snap-0a", 1), snapshot("snap-0b", 2)];

    const report = buildReport(volumes, snapshots);

    expect(volumeIds(report.volumes)).toEqual(["vol-0b", "vol-0a"]);
    expect(volumeIds(volumes), "sort a copy, not the caller's array").toEqual(["vol-0a", "vol-0b"]);
    expect(snapshotIds(snapshots)).toEqual(["snap-0a", "snap-0b"]);
  });

  it("builds an empty report with a total of 0", () => {
    expect(buildReport([], [])).toEqual({
      volumes: [],
      snapshots: [],
      totalMonthlyCostUsd: 0,
      archivedSnapshots: [],
      archivedMonthlyCostUsd: 0,
    });
  });

  it("puts archived snapshots apart, with a total of their own, out of the cleanup total", () => {
    const report = buildReport(
      [volume("vol-0a", 0.1)],
      [
        snapshot("snap-0cold2", 0.3, { storageTier: "archive" }),
        snapshot("snap-0warm", 0.2),
        snapshot("snap-0cold1", 0.3, { storageTier: "archive" }),
        snapshot("snap-0cold3", 0.4, { storageTier: "archive" }),
      ],
    );

    expect(snapshotIds(report.snapshots), "standard-tier snapshots only").toEqual(["snap-0warm"]);
    expect(snapshotIds(report.archivedSnapshots), "by cost, then id").toEqual([
      "snap-0cold3",
      "snap-0cold1",
      "snap-0cold2",
    ]);
    expect(report.totalMonthlyCostUsd, "the volumes and the standard-tier snapshots").toBe(0.3);
    expect(report.archivedMonthlyCostUsd, "0.3 + 0.3 + 0.4, without floating-point noise").toBe(1);
  });

  const sample: OrphanReport = {
    volumes: [
      volume("vol-0123456789abcdef0", 25, {
        volumeType: "io2",
        sizeGiB: 200,
        ageDays: 120,
        availabilityZone: "us-east-1b",
      }),
      volume("vol-0fedcba9876543210", 0.8, { sizeGiB: 10, ageDays: 9 }),
    ],
    snapshots: [
      snapshot("snap-0aaaabbbbccccdddd", 2.5, {
        volumeId: "vol-ffffffff",
        sizeGiB: 50,
        reason: "copied",
      }),
    ],
    totalMonthlyCostUsd: 28.3,
    archivedSnapshots: [],
    archivedMonthlyCostUsd: 0,
  };

  it("prints a table: aligned columns two spaces apart, numbers on the right, a total line", () => {
    expect(formatReport(sample, "table")).toBe(
      [
        "VOLUME                 TYPE  SIZE_GIB  AGE_DAYS  ZONE        USD_MONTH",
        "vol-0123456789abcdef0  io2        200       120  us-east-1b      25.00",
        "vol-0fedcba9876543210  gp3         10         9  us-east-1a       0.80",
        "",
        "SNAPSHOT                VOLUME        SIZE_GIB  REASON  USD_MONTH",
        "snap-0aaaabbbbccccdddd  vol-ffffffff        50  copied       2.50",
        "",
        "Total: 28.30 USD/month",
        "",
      ].join("\n"),
    );
  });

  it("prints the archived snapshots after the total, in a table of their own with their total", () => {
    const withArchived: OrphanReport = {
      ...sample,
      archivedSnapshots: [
        snapshot("snap-0cold", 6.25, { sizeGiB: 500, storageTier: "archive" }),
        snapshot("snap-0colder", 0.25, { sizeGiB: 20, storageTier: "archive" }),
      ],
      archivedMonthlyCostUsd: 6.5,
    };
    expect(formatReport(withArchived, "table")).toBe(
      [
        "VOLUME                 TYPE  SIZE_GIB  AGE_DAYS  ZONE        USD_MONTH",
        "vol-0123456789abcdef0  io2        200       120  us-east-1b      25.00",
        "vol-0fedcba9876543210  gp3         10         9  us-east-1a       0.80",
        "",
        "SNAPSHOT                VOLUME        SIZE_GIB  REASON  USD_MONTH",
        "snap-0aaaabbbbccccdddd  vol-ffffffff        50  copied       2.50",
        "",
        "Total: 28.30 USD/month",
        "",
        "ARCHIVED_SNAPSHOT  VOLUME     SIZE_GIB  REASON          USD_MONTH",
        "snap-0cold         vol-0gone       500  volume-deleted       6.25",
        "snap-0colder       vol-0gone        20  volume-deleted       0.25",
        "",
        "Archived, apart: 6.50 USD/month (archived on purpose? ask before deleting)",
        "",
      ].join("\n"),
    );
  });

  it("prints the headers alone when there is nothing to report", () => {
    const empty: OrphanReport = {
      volumes: [],
      snapshots: [],
      totalMonthlyCostUsd: 0,
      archivedSnapshots: [],
      archivedMonthlyCostUsd: 0,
    };
    expect(formatReport(empty, "table")).toBe(
      [
        "VOLUME  TYPE  SIZE_GIB  AGE_DAYS  ZONE  USD_MONTH",
        "",
        "SNAPSHOT  VOLUME  SIZE_GIB  REASON  USD_MONTH",
        "",
        "Total: 0.00 USD/month",
        "",
      ].join("\n"),
    );
  });

  it("prints money with toFixed(2): no thousands separator, and 0.045 as 0.04", () => {
    const costly: OrphanReport = {
      volumes: [
        volume("vol-0big", 2048, { volumeType: "io2", sizeGiB: 16384 }),
        volume("vol-0tiny", 0.045, { volumeType: "st1", sizeGiB: 1 }),
      ],
      snapshots: [],
      totalMonthlyCostUsd: 2048.05,
      archivedSnapshots: [],
      archivedMonthlyCostUsd: 0,
    };
    expect(
      formatReport(costly, "table"),
      'toFixed(2): "2048.00", not "2,048.00"; 0.045 (a binary 0.04499…) is "0.04"',
    ).toBe(
      [
        "VOLUME     TYPE  SIZE_GIB  AGE_DAYS  ZONE        USD_MONTH",
        "vol-0big   io2      16384        59  us-east-1a    2048.00",
        "vol-0tiny  st1          1        59  us-east-1a       0.04",
        "",
        "SNAPSHOT  VOLUME  SIZE_GIB  REASON  USD_MONTH",
        "",
        "Total: 2048.05 USD/month",
        "",
      ].join("\n"),
    );
  });

  it("prints JSON: the report with dates as ISO strings, indented by 2, ending with a newline", () => {
    const json = formatReport(sample, "json");

    expect(JSON.parse(json)).toEqual({
      volumes: [
        {
          volumeId: "vol-0123456789abcdef0",
          volumeType: "io2",
          sizeGiB: 200,
          availabilityZone: "us-east-1b",
          createTime: "2026-01-01T00:00:00.000Z",
          ageDays: 120,
          monthlyCostUsd: 25,
        },
        {
          volumeId: "vol-0fedcba9876543210",
          volumeType: "gp3",
          sizeGiB: 10,
          availabilityZone: "us-east-1a",
          createTime: "2026-01-01T00:00:00.000Z",
          ageDays: 9,
          monthlyCostUsd: 0.8,
        },
      ],
      snapshots: [
        {
          snapshotId: "snap-0aaaabbbbccccdddd",
          volumeId: "vol-ffffffff",
          sizeGiB: 50,
          startTime: "2025-12-24T06:30:00.000Z",
          reason: "copied",
          storageTier: "standard",
          monthlyCostUsd: 2.5,
        },
      ],
      totalMonthlyCostUsd: 28.3,
      archivedSnapshots: [],
      archivedMonthlyCostUsd: 0,
    });
    expect(json, "JSON.stringify(report, null, 2) plus a newline").toBe(
      `${JSON.stringify(JSON.parse(json), null, 2)}\n`,
    );
  });

  it("throws a RangeError for a format it does not know", () => {
    expect(() => formatReport(sample, "xml" as "json")).toThrow(RangeError);
    expect(() => formatReport(sample, "xml" as "json")).toThrow('unknown report format "xml"');
  });

  it.each(["JSON", "Table", " json", "table\n"])(
    "takes the format exactly as written: %j is an unknown format",
    (format) => {
      expect(
        () => formatReport(sample, format as "json"),
        "the format is case-sensitive and not trimmed",
      ).toThrow(RangeError);
      expect(() => formatReport(sample, format as "json")).toThrow(
        `unknown report format "${format}"`,
      );
    },
  );
});

describe("step 7 — deleting, dry run first", () => {
  const reportOf = (...ids: string[]): OrphanReport => ({
    volumes: ids.map((volumeId) => ({
      volumeId,
      volumeType: "gp3",
      sizeGiB: 8,
      availabilityZone: "us-east-1a",
      createTime: daysAgo(30),
      ageDays: 30,
      monthlyCostUsd: 0.64,
    })),
    snapshots: [],
    totalMonthlyCostUsd: ids.length * 0.64,
    archivedSnapshots: [],
    archivedMonthlyCostUsd: 0,
  });
  const deleteInputs = () =>
    ec2Mock.commandCalls(DeleteVolumeCommand).map((call) => call.args[0].input);

  /** EC2's behaviour: a DryRun request fails with DryRunOperation; a real one deletes. */
  function deletableVolumes() {
    ec2Mock.on(DeleteVolumeCommand).resolves({});
    ec2Mock.on(DeleteVolumeCommand, { DryRun: true }).rejects(ec2Errors.dryRunOperation());
  }

  it("by default sends only DryRun requests and reports would-delete", async () => {
    deletableVolumes();

    const outcomes = await deleteOrphans(ec2, reportOf("vol-01", "vol-02"));

    expect(outcomes).toEqual([
      { volumeId: "vol-01", status: "would-delete" },
      { volumeId: "vol-02", status: "would-delete" },
    ]);
    expect(deleteInputs(), "every DeleteVolume request of a dry run has DryRun: true").toEqual([
      { VolumeId: "vol-01", DryRun: true },
      { VolumeId: "vol-02", DryRun: true },
    ]);
  });

  it.each([["false"], [1], ["true"], [null]])(
    "is a dry run unless apply is exactly true: apply: %j sends DryRun: true",
    async (apply) => {
      deletableVolumes();

      const options = { apply } as unknown as { apply: boolean };
      const outcomes = await deleteOrphans(ec2, reportOf("vol-01"), options);

      expect(outcomes).toEqual([{ volumeId: "vol-01", status: "would-delete" }]);
      expect(deleteInputs(), "only apply: true may delete for real").toEqual([
        { VolumeId: "vol-01", DryRun: true },
      ]);
    },
  );

  it("sends one DeleteVolume at a time: the next only once the previous one is answered", async () => {
    let inFlight = 0;
    let most = 0;
    ec2Mock.on(DeleteVolumeCommand).callsFake(async () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await Promise.resolve();
      await Promise.resolve();
      inFlight -= 1;
      throw ec2Errors.dryRunOperation();
    });

    const outcomes = await deleteOrphans(ec2, reportOf("vol-01", "vol-02", "vol-03"));

    expect(outcomes.map(({ status }) => status)).toEqual([
      "would-delete",
      "would-delete",
      "would-delete",
    ]);
    expect(most, "DeleteVolume requests in flight at once").toBe(1);
  });

  it("treats { apply: false } as a dry run too", async () => {
    deletableVolumes();

    const outcomes = await deleteOrphans(ec2, reportOf("vol-01"), { apply: false });

    expect(outcomes).toEqual([{ volumeId: "vol-01", status: "would-delete" }]);
    expect(deleteInputs()).toEqual([{ VolumeId: "vol-01", DryRun: true }]);
  });

  it("reports not-permitted when the dry run answers UnauthorizedOperation", async () => {
    deletableVolumes();
    ec2Mock
      .on(DeleteVolumeCommand, { VolumeId: "vol-02", DryRun: true })
      .rejects(ec2Errors.unauthorizedOperation());

    const outcomes = await deleteOrphans(ec2, reportOf("vol-01", "vol-02", "vol-03"));

    expect(outcomes).toEqual([
      { volumeId: "vol-01", status: "would-delete" },
      { volumeId: "vol-02", status: "not-permitted" },
      { volumeId: "vol-03", status: "would-delete" },
    ]);
  });

  it("reports any other dry-run error as failed, with its code and message", async () => {
    deletableVolumes();
    const gone = ec2Errors.volumeNotFound("vol-01");
    ec2Mock.on(DeleteVolumeCommand, { VolumeId: "vol-01", DryRun: true }).rejects(gone);

    const outcomes = await deleteOrphans(ec2, reportOf("vol-01", "vol-02"));

    expect(outcomes).toEqual([
      {
        volumeId: "vol-01",
        status: "failed",
        code: "InvalidVolume.NotFound",
        message: gone.message,
      },
      { volumeId: "vol-02", status: "would-delete" },
    ]);
  });

  it("with apply: true deletes each volume for real, in report order", async () => {
    deletableVolumes();

    const outcomes = await deleteOrphans(ec2, reportOf("vol-03", "vol-01", "vol-02"), {
      apply: true,
    });

    expect(outcomes).toEqual([
      { volumeId: "vol-03", status: "deleted" },
      { volumeId: "vol-01", status: "deleted" },
      { volumeId: "vol-02", status: "deleted" },
    ]);
    expect(deleteInputs().map((input) => input.VolumeId)).toEqual(["vol-03", "vol-01", "vol-02"]);
    expect(
      deleteInputs().every((input) => input.DryRun !== true),
      "no DryRun flag when applying",
    ).toBe(true);
  });

  it("with apply: true reports a failed volume and goes on with the others", async () => {
    deletableVolumes();
    const inUse = ec2Errors.volumeInUse("vol-01");
    const gone = ec2Errors.volumeNotFound("vol-03");
    ec2Mock.on(DeleteVolumeCommand, { VolumeId: "vol-01", DryRun: false }).rejects(inUse);
    ec2Mock.on(DeleteVolumeCommand, { VolumeId: "vol-03", DryRun: false }).rejects(gone);
    ec2Mock.on(DeleteVolumeCommand, { VolumeId: "vol-01", DryRun: undefined }).rejects(inUse);
    ec2Mock.on(DeleteVolumeCommand, { VolumeId: "vol-03", DryRun: undefined }).rejects(gone);

    const outcomes = await deleteOrphans(ec2, reportOf("vol-01", "vol-02", "vol-03", "vol-04"), {
      apply: true,
    });

    expect(outcomes).toEqual([
      { volumeId: "vol-01", status: "failed", code: "VolumeInUse", message: inUse.message },
      { volumeId: "vol-02", status: "deleted" },
      {
        volumeId: "vol-03",
        status: "failed",
        code: "InvalidVolume.NotFound",
        message: gone.message,
      },
      { volumeId: "vol-04", status: "deleted" },
    ]);
  });

  it("with apply: true reports a throttled delete as failed (deletes are not retried)", async () => {
    deletableVolumes();
    ec2Mock.on(DeleteVolumeCommand, { VolumeId: "vol-01", DryRun: false }).rejects(throttled());
    ec2Mock.on(DeleteVolumeCommand, { VolumeId: "vol-01", DryRun: undefined }).rejects(throttled());

    const outcomes = await deleteOrphans(ec2, reportOf("vol-01", "vol-02"), { apply: true });

    expect(outcomes).toEqual([
      {
        volumeId: "vol-01",
        status: "failed",
        code: "RequestLimitExceeded",
        message: "Request limit exceeded.",
      },
      { volumeId: "vol-02", status: "deleted" },
    ]);
    expect(deleteInputs()).toHaveLength(2);
  });

  it("reports a DeleteVolume that succeeds as deleted, even one sent with DryRun: true", async () => {
    // Real EC2 never does this; a success still means the volume is gone, whatever was asked.
    ec2Mock.on(DeleteVolumeCommand).resolves({});

    const outcomes = await deleteOrphans(ec2, reportOf("vol-01"));

    expect(deleteInputs()).toEqual([{ VolumeId: "vol-01", DryRun: true }]);
    expect(outcomes, "a success is deleted, whatever the DryRun").toEqual([
      { volumeId: "vol-01", status: "deleted" },
    ]);
  });

  it("deletes nothing for a report without volumes (snapshots are never deleted)", async () => {
    deletableVolumes();
    const report: OrphanReport = {
      volumes: [],
      snapshots: [
        {
          snapshotId: "snap-01",
          volumeId: "vol-0gone",
          sizeGiB: 8,
          startTime: daysAgo(40),
          reason: "volume-deleted",
          storageTier: "standard",
          monthlyCostUsd: 0.4,
        },
      ],
      totalMonthlyCostUsd: 0.4,
      archivedSnapshots: [],
      archivedMonthlyCostUsd: 0,
    };

    await expect(deleteOrphans(ec2, report, { apply: true })).resolves.toEqual([]);
    expect(ec2Mock.calls()).toHaveLength(0);
  });
});

describe("step 8 — the SDK's own retries", () => {
  // Real clients, not the mocked one: their retry middleware runs, and their HTTP requests are
  // answered here with EC2's own XML. Every request to EC2 is counted.
  const server = useMockServer();
  let requests: string[] = [];
  const realClient = (config: { maxAttempts?: number } = {}) =>
    new EC2Client({ region: "us-east-1", ...config });

  /** EC2 answering every request with `answer(n)`, n counting from 1. */
  function ec2Answers(answer: (n: number, action: string) => ReturnType<typeof ec2XmlError>) {
    server.use(
      http.post(EC2_ENDPOINT, async ({ request }) => {
        const { action } = await ec2Action(request);
        requests.push(action);
        return answer(requests.length, action);
      }),
    );
  }
  const requestLimitExceeded = () =>
    ec2XmlError("RequestLimitExceeded", "Request limit exceeded.", 503);

  beforeEach(() => {
    requests = [];
  });

  it("leaves throttling to a client that retries on its own: 3 requests, not 4 × 3", async () => {
    ec2Answers(() => requestLimitExceeded());

    const found = later(findOrphanedVolumes(realClient(), { now: NOW }));
    const failed = later(
      expect(found).rejects.toMatchObject({
        name: "ScanError",
        operation: "DescribeVolumes",
        code: "RequestLimitExceeded",
        attempts: 3,
        message:
          "DescribeVolumes failed after 3 of 3 attempts: RequestLimitExceeded: Request limit exceeded.",
      }),
    );
    await vi.runAllTimersAsync();
    await failed;
    expect(requests, "the SDK's 3 attempts, and no retry of the finder's on top").toEqual([
      "DescribeVolumes",
      "DescribeVolumes",
      "DescribeVolumes",
    ]);
  });

  it("reports what the client really sent: 5 requests of a client set to maxAttempts 5", async () => {
    ec2Answers(() => requestLimitExceeded());

    const found = later(findOrphanedVolumes(realClient({ maxAttempts: 5 }), { now: NOW }));
    const failed = later(
      expect(found).rejects.toThrow(
        "DescribeVolumes failed after 5 of 5 attempts: RequestLimitExceeded: Request limit exceeded.",
      ),
    );
    await vi.runAllTimersAsync();
    await failed;
    expect(requests).toHaveLength(5);
  });

  it("retries itself when the client does not (maxAttempts 1): retry.attempts requests in all", async () => {
    ec2Answers(() => requestLimitExceeded());

    const found = later(findOrphanedVolumes(realClient({ maxAttempts: 1 }), { now: NOW }));
    const failed = later(
      expect(found).rejects.toThrow(
        "DescribeVolumes failed after 4 of 4 attempts: RequestLimitExceeded: Request limit exceeded.",
      ),
    );
    await vi.runAllTimersAsync();
    await failed;
    expect(requests, "the finder's 4 attempts, one request each").toHaveLength(4);
  });

  it("goes on with the listing when the client's own retry got the page", async () => {
    ec2Answers((n, action) =>
      n === 1
        ? requestLimitExceeded()
        : ec2XmlResponse(
            action,
            `<volumeSet>${ec2VolumeXml("vol-0retried", 10, daysAgo(30))}</volumeSet>`,
          ),
    );

    const found = later(findOrphanedVolumes(realClient(), { now: NOW }));
    await vi.runAllTimersAsync();

    expect(volumeIds(await found)).toEqual(["vol-0retried"]);
    expect(requests, "one throttled request, one that the SDK's retry got through").toHaveLength(2);
  });

  it("does not retry what the SDK does not: UnauthorizedOperation fails after 1 of 3 attempts", async () => {
    ec2Answers(() =>
      ec2XmlError(
        "UnauthorizedOperation",
        "You are not authorized to perform this operation.",
        403,
      ),
    );

    const found = later(findOrphanedSnapshots(realClient()));
    const failed = later(
      expect(found).rejects.toThrow(
        "DescribeSnapshots failed after 1 of 3 attempts: UnauthorizedOperation: You are not authorized to perform this operation.",
      ),
    );
    await vi.runAllTimersAsync();
    await failed;
    expect(requests).toEqual(["DescribeSnapshots"]);
  });

  /** The mocked client, seen through an EC2Client whose config is `config`. */
  const clientWith = (config: object) =>
    Object.create(ec2, { config: { value: config } }) as EC2Client;
  const retryingClient = () => clientWith({ maxAttempts: async () => 3 });

  it.each([
    ["missing", undefined],
    ["0", 0],
    ["not a number", "3"],
  ])("counts 1 attempt when the SDK error's $metadata.attempts is %s", async (_, attempts) => {
    const error = throttled();
    (error.$metadata as { attempts?: unknown }).attempts = attempts;
    ec2Mock.on(DescribeVolumesCommand).rejects(error);

    await expect(findOrphanedVolumes(retryingClient(), { now: NOW })).rejects.toMatchObject({
      attempts: 1,
      message:
        "DescribeVolumes failed after 1 of 3 attempts: RequestLimitExceeded: Request limit exceeded.",
    });
    expect(describeCalls(), "no retry of the finder's on top of the client's").toBe(1);
  });

  it("still checks retry.attempts when the client retries on its own", async () => {
    const options = { now: NOW, retry: { attempts: 0, baseDelayMs: 10 } };
    await expect(findOrphanedVolumes(retryingClient(), options)).rejects.toThrow(RangeError);
    await expect(findOrphanedVolumes(retryingClient(), options)).rejects.toThrow(/attempts/);
    expect(ec2Mock.calls()).toHaveLength(0);
  });

  it("takes a client without a config.maxAttempts function for one that does not retry", async () => {
    mockPages(
      ec2Mock,
      DescribeVolumesCommand,
      AVAILABLE_VOLUMES,
      [{ Volumes: [sampleVolume({ VolumeId: "vol-01", CreateTime: daysAgo(30) })] }],
      { 1: [throttled()] },
    );

    const found = later(findOrphanedVolumes(clientWith({}), { now: NOW }));
    await vi.runAllTimersAsync();

    expect(volumeIds(await found), "the finder's own retry got the page").toEqual(["vol-01"]);
    expect(describeCalls()).toBe(2);
  });

  it.each([
    ['the string "3"', async () => "3"],
    ["0", async () => 0],
    ["NaN", async () => Number.NaN],
  ])(
    "takes a client whose maxAttempts gives %s for one that does not retry: the finder retries",
    async (_, maxAttempts) => {
      mockPages(
        ec2Mock,
        DescribeVolumesCommand,
        AVAILABLE_VOLUMES,
        [{ Volumes: [sampleVolume({ VolumeId: "vol-01", CreateTime: daysAgo(30) })] }],
        { 1: [throttled()] },
      );

      const found = later(findOrphanedVolumes(clientWith({ maxAttempts }), { now: NOW }));
      await vi.runAllTimersAsync();

      expect(
        volumeIds(await found),
        "not a number >= 1 (not converted): a client that does not retry, so the finder's own retry got the page",
      ).toEqual(["vol-01"]);
      expect(describeCalls()).toBe(2);
    },
  );

  it("takes a plain number maxAttempts (a hand-made client's config) as the client's setting", async () => {
    const error = throttled();
    (error.$metadata as { attempts?: unknown }).attempts = 3;
    ec2Mock.on(DescribeVolumesCommand).rejects(error);

    const found = later(findOrphanedVolumes(clientWith({ maxAttempts: 3 }), { now: NOW }));
    const failed = later(
      expect(found, "maxAttempts: 3 is a client that retries 3 times").rejects.toMatchObject({
        attempts: 3,
        message:
          "DescribeVolumes failed after 3 of 3 attempts: RequestLimitExceeded: Request limit exceeded.",
      }),
    );
    await vi.runAllTimersAsync();
    await failed;
    expect(describeCalls(), "no retry of the finder's on top of the client's").toBe(1);
  });

  it("uses a partial retry policy as given, not merged with DEFAULT_RETRY: no baseDelayMs is a timer of 1 ms", async () => {
    mockPages(
      ec2Mock,
      DescribeVolumesCommand,
      AVAILABLE_VOLUMES,
      [{ Volumes: [sampleVolume({ VolumeId: "vol-01", CreateTime: daysAgo(30) })] }],
      { 1: [throttled()] },
    );

    const options = {
      now: NOW,
      retry: { attempts: 2 } as unknown as { attempts: number; baseDelayMs: number },
    };
    const found = later(findOrphanedVolumes(ec2, options));
    await vi.advanceTimersByTimeAsync(1);
    expect(
      describeCalls(),
      "retry { attempts: 2 } has no baseDelayMs: the retry is not 1000 ms away",
    ).toBe(2);
    await vi.runAllTimersAsync();

    expect(volumeIds(await found)).toEqual(["vol-01"]);
  });

  it("uses retry.baseDelayMs as given, unchecked: a negative delay is a timer of 1 ms", async () => {
    mockPages(
      ec2Mock,
      DescribeVolumesCommand,
      AVAILABLE_VOLUMES,
      [{ Volumes: [sampleVolume({ VolumeId: "vol-01", CreateTime: daysAgo(30) })] }],
      { 1: [throttled()] },
    );

    const options = { now: NOW, retry: { attempts: 2, baseDelayMs: -5 } };
    const found = later(findOrphanedVolumes(ec2, options));
    await vi.advanceTimersByTimeAsync(1);

    expect(volumeIds(await found)).toEqual(["vol-01"]);
  });
});
