/**
 * Orphaned EBS finder — reference solution.
 *
 * Finds EBS volumes nobody uses (unattached, old enough, not marked to keep) and snapshots whose
 * volume is gone and that no AMI of ours needs; prices them; prints a report; deletes the volumes,
 * dry run first. Every listing goes through the SDK paginators and survives throttling, with
 * retries in one layer only: the client's own when it has them, the finder's when it does not.
 */
import {
  DeleteVolumeCommand,
  type DescribeImagesCommandOutput,
  type DescribeSnapshotsCommandOutput,
  type DescribeVolumesCommandOutput,
  type EC2Client,
  type Image,
  paginateDescribeImages,
  paginateDescribeSnapshots,
  paginateDescribeVolumes,
  type Snapshot,
  type Volume,
} from "@aws-sdk/client-ec2";

// ---------------------------------------------------------------------------------------------
// Types and defaults

/** USD per GiB-month, by EBS volume type. */
export type PriceTable = Readonly<Record<string, number>>;

/** A sample of on-demand storage prices in us-east-1 (IOPS and throughput are not included). */
export const US_EAST_1_PRICES: PriceTable = {
  gp2: 0.1,
  gp3: 0.08,
  io1: 0.125,
  io2: 0.125,
  st1: 0.045,
  sc1: 0.015,
  standard: 0.05,
};

/** Standard-tier snapshot storage, USD per GB-month: applied to the full volume size. */
export const SNAPSHOT_PRICE_PER_GIB_MONTH = 0.05;

/** Archive-tier snapshot storage (EBS Snapshots Archive), USD per GB-month: the full size. */
export const ARCHIVE_SNAPSHOT_PRICE_PER_GIB_MONTH = 0.0125;

/** The VolumeId EC2 puts on snapshots made by CopySnapshot: it names no real volume. */
export const COPIED_SNAPSHOT_VOLUME_ID = "vol-ffffffff";

export interface RetryPolicy {
  /** Requests sent for one page at most, the first included (≥ 1). */
  attempts: number;
  /** Wait before the first retry; it doubles before each next one. */
  baseDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 1000 };

export interface KeepTag {
  key: string;
  value: string;
}

export const DEFAULT_KEEP_TAG: KeepTag = { key: "keep", value: "true" };

export interface ScanOptions {
  /** MaxResults of every Describe* request: an integer from 5 to 500. Default 500. */
  pageSize?: number;
  /** How throttled requests are retried. Default DEFAULT_RETRY. */
  retry?: RetryPolicy;
}

export interface VolumeScanOptions extends ScanOptions {
  /** The clock the ages are measured against. Default: the time of the call. */
  now?: Date;
  /** A volume younger than this many days (24 h each) is left alone. Default 7. */
  minAgeDays?: number;
  /** A volume carrying this tag (exact key and value) is never reported. Default keep=true. */
  keepTag?: KeepTag;
  /** Default US_EAST_1_PRICES. */
  prices?: PriceTable;
}

export interface OrphanedVolume {
  volumeId: string;
  volumeType: string;
  sizeGiB: number;
  availabilityZone: string;
  createTime: Date;
  /** Whole days since createTime (rounded down). */
  ageDays: number;
  monthlyCostUsd: number;
}

export type SnapshotOrphanReason = "volume-deleted" | "copied";

/** Where a snapshot is stored: EC2's `StorageTier` ("standard" when EC2 leaves it out). */
export type SnapshotStorageTier = "standard" | "archive";

export interface OrphanedSnapshot {
  snapshotId: string;
  volumeId: string;
  sizeGiB: number;
  startTime: Date;
  reason: SnapshotOrphanReason;
  storageTier: SnapshotStorageTier;
  /** An upper bound: snapshots are incremental, so the real bill is usually lower. */
  monthlyCostUsd: number;
}

export interface OrphanReport {
  volumes: OrphanedVolume[];
  /** Standard-tier orphaned snapshots: cleanup candidates. */
  snapshots: OrphanedSnapshot[];
  /** What a cleanup would save each month: the volumes and the standard-tier snapshots. */
  totalMonthlyCostUsd: number;
  /** Archived orphaned snapshots, apart: someone archived them on purpose, as a rule. */
  archivedSnapshots: OrphanedSnapshot[];
  archivedMonthlyCostUsd: number;
}

export type ReportFormat = "table" | "json";

export type DeleteOutcome =
  | { volumeId: string; status: "deleted" }
  | { volumeId: string; status: "would-delete" }
  | { volumeId: string; status: "not-permitted" }
  | { volumeId: string; status: "failed"; code: string; message: string };

export interface DeleteOptions {
  /** false (the default): send DryRun requests only. true: delete for real. */
  apply?: boolean;
}

/**
 * A Describe* request that failed for good: not retryable, or still throttled after the last try.
 * `attempts` is the number of requests really sent for the failing page, by whichever layer
 * retried (the client, or the finder), out of that layer's maximum.
 */
export class ScanError extends Error {
  override readonly name = "ScanError";

  constructor(
    readonly operation: string,
    readonly code: string,
    readonly attempts: number,
    maxAttempts: number,
    cause: Error,
  ) {
    super(
      `${operation} failed after ${attempts} of ${maxAttempts} attempts: ${code}: ${cause.message}`,
      { cause },
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Prices

const DAY_MS = 24 * 60 * 60 * 1000;

/** Four decimals (a hundredth of a cent): enough precision, and no 0.30000000000000004. */
const roundUsd = (amount: number): number => Math.round(amount * 10_000) / 10_000;

/** Monthly storage cost of a volume: size (GiB) × the price of its type per GiB-month. */
export function monthlyCost(
  volume: { sizeGiB: number; volumeType: string },
  prices: PriceTable = US_EAST_1_PRICES,
): number {
  // Own keys only: a type named "toString" or "__proto__" would otherwise find Object.prototype's
  // members, and price the volume at NaN instead of being an unknown type.
  const price = Object.hasOwn(prices, volume.volumeType) ? prices[volume.volumeType] : undefined;
  if (price === undefined) {
    throw new RangeError(`no price for volume type "${volume.volumeType}"`);
  }
  return roundUsd(volume.sizeGiB * price);
}

// ---------------------------------------------------------------------------------------------
// Listing every page, resuming after throttling

/** Yields the pages of one listing, starting at `startingToken` (undefined: the first page). */
type PageSource<TPage> = (startingToken: string | undefined) => AsyncIterable<TPage>;

const isThrottling = (error: Error): boolean => error.name === "RequestLimitExceeded";

/**
 * The requests the SDK itself sent for the call that failed: its retry middleware writes them
 * into the error's `$metadata.attempts` (1 when it did not retry, or when `send` is mocked).
 */
const sdkAttemptsOf = (error: Error): number => {
  const attempts = (error as { $metadata?: { attempts?: unknown } }).$metadata?.attempts;
  return typeof attempts === "number" && attempts >= 1 ? attempts : 1;
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Collects the items of every page. When the client retries on its own (`clientMaxAttempts > 1`,
 * the SDK's default is 3), a failure is final here: retrying on top of the client would multiply
 * the requests (4 × 3 = 12 for one page). Otherwise a throttled page is asked for again after a
 * backoff, starting from that page (the pages already read are kept); the attempt count restarts
 * with each new page.
 */
async function listAll<TPage extends { NextToken?: string }, TItem>(
  operation: string,
  pages: PageSource<TPage>,
  itemsOf: (page: TPage) => TItem[] | undefined,
  scan: Pick<Scan, "retry" | "clientMaxAttempts">,
): Promise<TItem[]> {
  const { retry, clientMaxAttempts } = scan;
  const items: TItem[] = [];
  let resumeFrom: string | undefined;
  let attempt = 1;
  for (;;) {
    try {
      for await (const page of pages(resumeFrom)) {
        items.push(...(itemsOf(page) ?? []));
        resumeFrom = page.NextToken;
        attempt = 1;
      }
      return items;
    } catch (thrown) {
      const error = thrown as Error; // the SDK (and its mock) always rejects with an Error
      if (clientMaxAttempts > 1) {
        throw new ScanError(operation, error.name, sdkAttemptsOf(error), clientMaxAttempts, error);
      }
      if (!isThrottling(error) || attempt === retry.attempts) {
        throw new ScanError(operation, error.name, attempt, retry.attempts, error);
      }
      await sleep(retry.baseDelayMs * 2 ** (attempt - 1));
      attempt += 1;
    }
  }
}

interface Scan {
  client: EC2Client;
  pageSize: number;
  retry: RetryPolicy;
  /** The client's own attempts per request (its `maxAttempts`): 1 means it does not retry. */
  clientMaxAttempts: number;
}

// The paginators write NextToken into the input they are given: each listing builds its own.
function listVolumes(scan: Scan, onlyAvailable: boolean): Promise<Volume[]> {
  return listAll(
    "DescribeVolumes",
    (startingToken) =>
      paginateDescribeVolumes(
        { ...scanPaging(scan), startingToken },
        onlyAvailable ? { Filters: [{ Name: "status", Values: ["available"] }] } : {},
      ),
    (page: DescribeVolumesCommandOutput) => page.Volumes,
    scan,
  );
}

function listOwnSnapshots(scan: Scan): Promise<Snapshot[]> {
  return listAll(
    "DescribeSnapshots",
    (startingToken) =>
      paginateDescribeSnapshots({ ...scanPaging(scan), startingToken }, { OwnerIds: ["self"] }),
    (page: DescribeSnapshotsCommandOutput) => page.Snapshots,
    scan,
  );
}

// Disabled AMIs are left out by default, yet they still hold on to their snapshots.
function listOwnImages(scan: Scan): Promise<Image[]> {
  return listAll(
    "DescribeImages",
    (startingToken) =>
      paginateDescribeImages(
        { ...scanPaging(scan), startingToken },
        { Owners: ["self"], IncludeDisabled: true },
      ),
    (page: DescribeImagesCommandOutput) => page.Images,
    scan,
  );
}

const scanPaging = (scan: Scan) => ({ client: scan.client, pageSize: scan.pageSize });

async function startScan(client: EC2Client, options: ScanOptions): Promise<Scan> {
  const { pageSize = 500, retry = DEFAULT_RETRY } = options;
  if (!Number.isInteger(pageSize) || pageSize < 5 || pageSize > 500) {
    throw new RangeError(`pageSize must be an integer from 5 to 500, got ${pageSize}`);
  }
  if (!Number.isInteger(retry.attempts) || retry.attempts < 1) {
    throw new RangeError(`retry.attempts must be an integer of at least 1, got ${retry.attempts}`);
  }
  return { client, pageSize, retry, clientMaxAttempts: await clientMaxAttemptsOf(client) };
}

/** The client's resolved `maxAttempts` (a provider in the SDK's config); 1 if it has none. */
async function clientMaxAttemptsOf(client: EC2Client): Promise<number> {
  const provider = (client.config as { maxAttempts?: unknown } | undefined)?.maxAttempts;
  const value = typeof provider === "function" ? await provider() : provider;
  return typeof value === "number" && value >= 1 ? value : 1;
}

/**
 * Reads the fields of a response item that EC2 documents as optional but always sends: one that
 * is missing means a malformed response, which is reported rather than guessed around. The SDK
 * leaves a missing field out (`undefined`); a hand-made response or a JSON fixture writes `null`,
 * which is just as missing (`== null` covers both).
 */
function fieldsOf<T extends object>(item: T, operation: string) {
  return <K extends keyof T>(field: K): NonNullable<T[K]> => {
    const value = item[field];
    if (value === undefined || value === null) {
      throw new Error(`${operation} returned an item without ${String(field)}`);
    }
    return value as NonNullable<T[K]>;
  };
}

// ---------------------------------------------------------------------------------------------
// Volumes

/** Unattached volumes at least `minAgeDays` old that do not carry the keep tag. */
export async function findOrphanedVolumes(
  ec2: EC2Client,
  options: VolumeScanOptions = {},
): Promise<OrphanedVolume[]> {
  const {
    now = new Date(),
    minAgeDays = 7,
    keepTag = DEFAULT_KEEP_TAG,
    prices = US_EAST_1_PRICES,
  } = options;
  // typeof first: `"7" >= 0` is true, and NaN fails every comparison, so `>=` refuses it too.
  if (typeof minAgeDays !== "number" || !(minAgeDays >= 0)) {
    throw new RangeError(`minAgeDays must be a number of 0 or more, got ${minAgeDays}`);
  }
  // An Invalid Date would make every age NaN: nothing would be too young, everything reported.
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    throw new RangeError("now must be a valid Date");
  }
  const volumes = await listVolumes(await startScan(ec2, options), true);

  const orphans: OrphanedVolume[] = [];
  for (const volume of volumes) {
    // The status filter ran on the server; a volume attached since then still says so here.
    if (volume.State !== "available" || volume.Attachments?.length) continue;
    const kept = volume.Tags?.some(
      ({ Key, Value }) => Key === keepTag.key && Value === keepTag.value,
    );
    if (kept) continue;
    const field = fieldsOf(volume, "DescribeVolumes");
    const createTime = field("CreateTime");
    const ageMs = now.getTime() - createTime.getTime();
    if (ageMs < minAgeDays * DAY_MS) continue;
    const sizeGiB = field("Size");
    const volumeType = field("VolumeType");
    orphans.push({
      volumeId: field("VolumeId"),
      volumeType,
      sizeGiB,
      availabilityZone: field("AvailabilityZone"),
      createTime,
      ageDays: Math.floor(ageMs / DAY_MS),
      monthlyCostUsd: monthlyCost({ sizeGiB, volumeType }, prices),
    });
  }
  return orphans;
}

// ---------------------------------------------------------------------------------------------
// Snapshots

/**
 * Snapshots we own whose volume no longer exists (in any state) and that none of our AMIs uses.
 * Snapshots listed first, then volumes and AMIs: anything created in between is then seen.
 */
export async function findOrphanedSnapshots(
  ec2: EC2Client,
  options: ScanOptions = {},
): Promise<OrphanedSnapshot[]> {
  const scan = await startScan(ec2, options);
  const snapshots = await listOwnSnapshots(scan);
  const volumes = await listVolumes(scan, false);
  const images = await listOwnImages(scan);

  const liveVolumeIds = new Set(volumes.map((volume) => volume.VolumeId));
  const snapshotIdsInAmis = new Set(
    images.flatMap((image) =>
      (image.BlockDeviceMappings ?? []).map((mapping) => mapping.Ebs?.SnapshotId),
    ),
  );

  const orphans: OrphanedSnapshot[] = [];
  for (const snapshot of snapshots) {
    const field = fieldsOf(snapshot, "DescribeSnapshots");
    const snapshotId = field("SnapshotId");
    const volumeId = field("VolumeId");
    if (liveVolumeIds.has(volumeId) || snapshotIdsInAmis.has(snapshotId)) continue;
    const sizeGiB = field("VolumeSize");
    const storageTier: SnapshotStorageTier =
      snapshot.StorageTier === "archive" ? "archive" : "standard";
    const price =
      storageTier === "archive"
        ? ARCHIVE_SNAPSHOT_PRICE_PER_GIB_MONTH
        : SNAPSHOT_PRICE_PER_GIB_MONTH;
    orphans.push({
      snapshotId,
      volumeId,
      sizeGiB,
      startTime: field("StartTime"),
      reason: volumeId === COPIED_SNAPSHOT_VOLUME_ID ? "copied" : "volume-deleted",
      storageTier,
      monthlyCostUsd: roundUsd(sizeGiB * price),
    });
  }
  return orphans;
}

// ---------------------------------------------------------------------------------------------
// The report

/** Most expensive first; equal costs in id (code-unit) order, so the report is stable everywhere. */
function byCostThenId<T extends { monthlyCostUsd: number }>(idOf: (item: T) => string) {
  return (a: T, b: T) => b.monthlyCostUsd - a.monthlyCostUsd || compareCodeUnits(idOf(a), idOf(b));
}

/** Code-unit order, like the default sort: the same on every machine, unlike localeCompare. */
function compareCodeUnits(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

const sumOfCosts = (items: readonly { monthlyCostUsd: number }[]) =>
  roundUsd(items.reduce((sum, item) => sum + item.monthlyCostUsd, 0));

/**
 * Sorts copies of the lists and adds up their monthly cost; archived snapshots go apart, with a
 * total of their own (they are not what a cleanup is after). The inputs are not modified.
 */
export function buildReport(
  volumes: readonly OrphanedVolume[],
  snapshots: readonly OrphanedSnapshot[],
): OrphanReport {
  const bySnapshotCost = byCostThenId((snapshot: OrphanedSnapshot) => snapshot.snapshotId);
  const standard = snapshots.filter((snapshot) => snapshot.storageTier !== "archive");
  const archived = snapshots.filter((snapshot) => snapshot.storageTier === "archive");
  return {
    volumes: [...volumes].sort(byCostThenId((volume) => volume.volumeId)),
    snapshots: standard.sort(bySnapshotCost),
    totalMonthlyCostUsd: sumOfCosts([...volumes, ...standard]),
    archivedSnapshots: archived.sort(bySnapshotCost),
    archivedMonthlyCostUsd: sumOfCosts(archived),
  };
}

interface Column<T> {
  title: string;
  cell: (item: T) => string | number;
  /** Numbers read best right-aligned; text is left-aligned. */
  alignRight?: boolean;
}

const usd = (amount: number) => amount.toFixed(2);

/** A header line and one line per item: columns as wide as their widest cell, two spaces apart. */
function renderTable<T>(columns: Column<T>[], items: readonly T[]): string[] {
  const paddedColumns = columns.map((column) => {
    const texts = [column.title, ...items.map((item) => String(column.cell(item)))];
    const width = Math.max(...texts.map((text) => text.length));
    return texts.map((text) => (column.alignRight ? text.padStart(width) : text.padEnd(width)));
  });
  return Array.from({ length: items.length + 1 }, (_, line) =>
    paddedColumns.map((texts) => texts[line]).join("  "),
  );
}

const VOLUME_COLUMNS: Column<OrphanedVolume>[] = [
  { title: "VOLUME", cell: (v) => v.volumeId },
  { title: "TYPE", cell: (v) => v.volumeType },
  { title: "SIZE_GIB", cell: (v) => v.sizeGiB, alignRight: true },
  { title: "AGE_DAYS", cell: (v) => v.ageDays, alignRight: true },
  { title: "ZONE", cell: (v) => v.availabilityZone },
  { title: "USD_MONTH", cell: (v) => usd(v.monthlyCostUsd), alignRight: true },
];

const SNAPSHOT_COLUMNS: Column<OrphanedSnapshot>[] = [
  { title: "SNAPSHOT", cell: (s) => s.snapshotId },
  { title: "VOLUME", cell: (s) => s.volumeId },
  { title: "SIZE_GIB", cell: (s) => s.sizeGiB, alignRight: true },
  { title: "REASON", cell: (s) => s.reason },
  { title: "USD_MONTH", cell: (s) => usd(s.monthlyCostUsd), alignRight: true },
];

const ARCHIVED_COLUMNS: Column<OrphanedSnapshot>[] = [
  { title: "ARCHIVED_SNAPSHOT", cell: (s) => s.snapshotId },
  ...SNAPSHOT_COLUMNS.slice(1),
];

/** The report as aligned text tables, or as JSON (dates as ISO 8601 strings). */
export function formatReport(report: OrphanReport, format: ReportFormat): string {
  if (format === "json") return `${JSON.stringify(report, null, 2)}\n`;
  if (format !== "table") throw new RangeError(`unknown report format "${format}"`);
  // The archived snapshots, when there are any, come after the total they are not part of.
  const archived =
    report.archivedSnapshots.length === 0
      ? []
      : [
          "",
          ...renderTable(ARCHIVED_COLUMNS, report.archivedSnapshots),
          "",
          `Archived, apart: ${usd(report.archivedMonthlyCostUsd)} USD/month (archived on purpose? ask before deleting)`,
        ];
  return [
    ...renderTable(VOLUME_COLUMNS, report.volumes),
    "",
    ...renderTable(SNAPSHOT_COLUMNS, report.snapshots),
    "",
    `Total: ${usd(report.totalMonthlyCostUsd)} USD/month`,
    ...archived,
    "",
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------
// Deleting

/**
 * Deletes (or, by default, dry-runs the deletion of) each volume of the report on its own, in
 * report order: one failure is reported for that volume and the others go on.
 */
export async function deleteOrphans(
  ec2: EC2Client,
  report: OrphanReport,
  options: DeleteOptions = {},
): Promise<DeleteOutcome[]> {
  const dryRun = options.apply !== true;
  const outcomes: DeleteOutcome[] = [];
  for (const { volumeId } of report.volumes) {
    outcomes.push(await deleteOne(ec2, volumeId, dryRun));
  }
  return outcomes;
}

async function deleteOne(
  ec2: EC2Client,
  volumeId: string,
  dryRun: boolean,
): Promise<DeleteOutcome> {
  try {
    await ec2.send(new DeleteVolumeCommand({ VolumeId: volumeId, DryRun: dryRun }));
    return { volumeId, status: "deleted" };
  } catch (thrown) {
    const error = thrown as Error;
    // A DryRun request always "fails": with DryRunOperation when the real one would succeed.
    if (error.name === "DryRunOperation") return { volumeId, status: "would-delete" };
    if (error.name === "UnauthorizedOperation") return { volumeId, status: "not-permitted" };
    return { volumeId, status: "failed", code: error.name, message: error.message };
  }
}
