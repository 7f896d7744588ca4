/**
 * Orphaned EBS finder — your file. Read README.md first, then make the spec pass step by step:
 *
 *   npm run kata -- run orphaned-ebs-finder
 *
 * The types and constants below are done (the README documents them); the functions are yours.
 */
import type { EC2Client } from "@aws-sdk/client-ec2";

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
  /** Standard-tier orphaned snapshots: the cleanup candidates. */
  snapshots: OrphanedSnapshot[];
  /** The volumes and the standard-tier snapshots: what a cleanup would save each month. */
  totalMonthlyCostUsd: number;
  /** Archived orphaned snapshots, apart (archived on purpose, as a rule). */
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
 * Message: `<operation> failed after <attempts> of <max attempts> attempts: <code>: <cause message>`,
 * where the attempts are the requests really sent, by whichever layer retried (README: "Retries
 * in one layer").
 */
export class ScanError extends Error {
  override readonly name = "ScanError";

  constructor(
    readonly operation: string,
    readonly code: string,
    readonly attempts: number,
    _maxAttempts: number,
    _cause: Error,
  ) {
    // TODO: build the message above and pass { cause } to super().
    super("TODO: implement ScanError");
    throw new Error("TODO: implement ScanError");
  }
}

// ---------------------------------------------------------------------------------------------
// TODO: start here (step 1), then go down the file.

/** Monthly storage cost of a volume: size (GiB) × the price of its type, rounded to 4 decimals. */
export function monthlyCost(
  _volume: { sizeGiB: number; volumeType: string },
  _prices: PriceTable = US_EAST_1_PRICES,
): number {
  throw new Error("TODO: implement monthlyCost()");
}

/** Unattached volumes at least `minAgeDays` old that do not carry the keep tag (steps 2–4). */
export async function findOrphanedVolumes(
  _ec2: EC2Client,
  _options: VolumeScanOptions = {},
): Promise<OrphanedVolume[]> {
  throw new Error("TODO: implement findOrphanedVolumes()");
}

/** Owned snapshots whose volume is gone and that none of our AMIs uses (step 5). */
export async function findOrphanedSnapshots(
  _ec2: EC2Client,
  _options: ScanOptions = {},
): Promise<OrphanedSnapshot[]> {
  throw new Error("TODO: implement findOrphanedSnapshots()");
}

/** Sorted copies of both lists (cost descending, then id) and their total (step 6). */
export function buildReport(
  _volumes: readonly OrphanedVolume[],
  _snapshots: readonly OrphanedSnapshot[],
): OrphanReport {
  throw new Error("TODO: implement buildReport()");
}

/** The report as aligned text tables or as JSON (step 6). */
export function formatReport(_report: OrphanReport, _format: ReportFormat): string {
  throw new Error("TODO: implement formatReport()");
}

/** Deletes the report's volumes one by one — a dry run unless `apply: true` (step 7). */
export async function deleteOrphans(
  _ec2: EC2Client,
  _report: OrphanReport,
  _options: DeleteOptions = {},
): Promise<DeleteOutcome[]> {
  throw new Error("TODO: implement deleteOrphans()");
}
