/**
 * Vulnerability findings to tickets — your file. Read README.md first: it states every behaviour
 * the spec checks. Run the spec with `npm run kata -- run vuln-ticket-sync`.
 *
 * The types, constants and error classes are written for you; the functions are yours.
 */

// ---------------------------------------------------------------------------------------------
// Types and defaults
// ---------------------------------------------------------------------------------------------

export type Severity = "info" | "low" | "medium" | "high" | "critical";
export type FindingState = "OPEN" | "REOPENED" | "FIXED";
export type JiraPriority = "Highest" | "High" | "Medium" | "Low";

/** One finding of an export chunk, after validation (only the fields the sync reads). */
export interface TenableFinding {
  asset: { uuid: string; hostname?: string; fqdn?: string; ipv4?: string };
  plugin: { id: number; name: string; solution?: string; cve?: string[] };
  port?: { port: number; protocol: string };
  severity: Severity;
  state: FindingState;
}

export type ParsedFinding = { ok: true; finding: TenableFinding } | { ok: false; reason: string };

/** The ticket one finding key should have. */
export interface DesiredTicket {
  key: string;
  open: boolean;
  summary: string;
  priority: JiraPriority;
  description: string;
  labels: string[];
}

/** A ticket as the JQL search returns it, with the fields the sync asks for. */
export interface JiraIssue {
  id: string;
  key: string;
  fields: {
    summary?: string | null;
    priority?: { name: string } | null;
    description?: string | null;
    labels?: string[] | null;
    status?: { name: string; statusCategory: { key: string } } | null;
  };
}

export type TicketField = "summary" | "priority" | "description";
export interface TicketFields {
  summary?: string;
  priority?: JiraPriority;
  description?: string;
}

export type PlannedAction =
  | { type: "create"; key: string; ticket: DesiredTicket }
  | { type: "update"; key: string; issue: string; fields: TicketFields }
  | { type: "close"; key: string; issue: string }
  | { type: "reopen"; key: string; issue: string };

export interface SyncPlan {
  actions: PlannedAction[];
  unchanged: string[];
}

export interface TicketRef {
  key: string;
  issue: string;
}
export interface FailedAction {
  key: string;
  issue?: string;
  action: PlannedAction["type"];
  error: string;
}
export interface SkippedFinding {
  chunk: number;
  index: number;
  reason: string;
}
export interface SyncReport {
  created: TicketRef[];
  updated: (TicketRef & { fields: TicketField[] })[];
  closed: TicketRef[];
  reopened: TicketRef[];
  unchanged: string[];
  failed: FailedAction[];
  skipped: SkippedFinding[];
}

export interface SyncConfig {
  tenable: { url: string; accessKey: string; secretKey: string };
  jira: { url: string; email: string; apiToken: string; project: string };
  /** Extra attempts for a throttled or failing request (default 4). */
  retries?: number;
  /** A wait longer than this is not waited for: the request fails (default 60 000 ms). */
  maxRetryWaitMs?: number;
  /** The wait between two export status polls (default 5 000 ms). */
  pollIntervalMs?: number;
  /** How long an export may take, from the export request (default 600 000 ms). */
  exportTimeoutMs?: number;
}

export interface ExportResult {
  findings: TenableFinding[];
  skipped: SkippedFinding[];
}

export const MANAGED_LABEL = "vuln-sync";
export const SUMMARY_MAX_LENGTH = 255;
export const DEFAULTS = {
  retries: 4,
  maxRetryWaitMs: 60_000,
  pollIntervalMs: 5_000,
  exportTimeoutMs: 600_000,
} as const;

/** The body of the export request: every state (FIXED is not exported unless asked for). */
export const EXPORT_REQUEST = {
  num_assets: 500,
  filters: {
    state: ["OPEN", "REOPENED", "FIXED"],
    severity: ["low", "medium", "high", "critical"],
  },
} as const;

/** The fields the search asks for (the enhanced search returns only ids unless told). */
export const SEARCH_FIELDS = ["summary", "priority", "description", "labels", "status"] as const;
export const SEARCH_PAGE_SIZE = 100;

export const PRIORITY_BY_SEVERITY: Record<Exclude<Severity, "info">, JiraPriority> = {
  critical: "Highest",
  high: "High",
  medium: "Medium",
  low: "Low",
};

/** The severities, least severe first. */
export const SEVERITIES: readonly Severity[] = ["info", "low", "medium", "high", "critical"];

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

export type Service = "tenable" | "jira";
const SERVICE_NAME: Record<Service, string> = { tenable: "Tenable", jira: "Jira" };

const emptyReport = (): SyncReport => ({
  created: [],
  updated: [],
  closed: [],
  reopened: [],
  unchanged: [],
  failed: [],
  skipped: [],
});

/** 401 or 403: nothing more is sent. `report` says what the run had done before. */
export class AuthError extends Error {
  override readonly name = "AuthError";
  report: SyncReport = emptyReport();
  constructor(
    readonly service: Service,
    readonly status: 401 | 403,
    method: string,
    path: string,
  ) {
    super(
      status === 401
        ? `${SERVICE_NAME[service]} rejected the credentials (401)`
        : `${SERVICE_NAME[service]} denied permission (403) for ${method} ${path}`,
    );
  }
}

/** Any other failed request. `status` is 0 when no response arrived. */
export class HttpError extends Error {
  override readonly name = "HttpError";
  constructor(
    readonly service: Service,
    readonly status: number,
    method: string,
    path: string,
    details: string,
  ) {
    super(`${SERVICE_NAME[service]} ${method} ${path} failed: ${details}`);
  }
}

/** The export itself went wrong (ERROR, CANCELLED, too slow, a chunk that is not a list). */
export class ExportError extends Error {
  override readonly name = "ExportError";
}

// TODO: start here. Suggested order: retryAfterMs, parseFinding, desiredTickets, planSync,
// exportFindings (with one `send` helper for auth, throttling and retries), syncVulnerabilities.

/**
 * The wait a Retry-After value asks for, in ms: whole seconds ("120"), or an HTTP date (the wait
 * until then, 0 if it has passed). `undefined` when there is no usable value.
 */
export function retryAfterMs(_value: string | null | undefined, _now: number): number | undefined {
  throw new Error("TODO: implement retryAfterMs()");
}

/** Validates one chunk item: the finding, or the first reason it is unusable. */
export function parseFinding(_raw: unknown): ParsedFinding {
  throw new Error("TODO: implement parseFinding()");
}

/** One desired ticket per plugin + asset, sorted by key. `info` findings get none. */
export function desiredTickets(_findings: TenableFinding[]): DesiredTicket[] {
  throw new Error("TODO: implement desiredTickets()");
}

/** What must change so that the tickets match the findings. Pure: no request is sent. */
export function planSync(_desired: DesiredTicket[], _issues: JiraIssue[]): SyncPlan {
  throw new Error("TODO: implement planSync()");
}

/** Every finding of a new export, in chunk-id order, and the items that failed validation. */
export async function exportFindings(_config: SyncConfig): Promise<ExportResult> {
  throw new Error("TODO: implement exportFindings()");
}

/** Exports, plans and applies. Rejects with AuthError (report attached) on 401/403. */
export async function syncVulnerabilities(_config: SyncConfig): Promise<SyncReport> {
  throw new Error("TODO: implement syncVulnerabilities()");
}
