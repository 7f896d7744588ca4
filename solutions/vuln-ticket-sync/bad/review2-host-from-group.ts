// Mistake: takes the host, plugin name and solution from the first finding of the key (fixed ones included) rather than "the first finding of the basis" (the open findings when any is open). (adversarial review, round 2)
/**
 * Vulnerability findings to tickets — the reference solution.
 *
 * One run: export every finding from the scanner (Tenable-style chunked export), read every
 * ticket the sync manages from the tracker (Jira-style JQL search), work out what must change
 * (a pure plan), then carry the plan out one request at a time, keeping a report of what was done.
 * Every HTTP request goes through `send`, which owns authentication, throttling and retries.
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

// ---------------------------------------------------------------------------------------------
// Step 1: Retry-After
// ---------------------------------------------------------------------------------------------

const IMF_FIXDATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/**
 * The wait a Retry-After value asks for, in ms: whole seconds ("120"), or an HTTP date (the wait
 * until then, 0 if it has passed). `undefined` when there is no usable value.
 */
export function retryAfterMs(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!IMF_FIXDATE.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** The wait before retry `n` when the server gave no usable Retry-After: 1 s, 2 s, 4 s, … */
const fallbackWaitMs = (retryNumber: number) => 1000 * 2 ** (retryNumber - 1);

// ---------------------------------------------------------------------------------------------
// Step 2: findings become tickets
// ---------------------------------------------------------------------------------------------

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const nonEmptyString = (value: unknown): value is string =>
  typeof value === "string" && value.trim() !== "";

/** Validates one chunk item. Optional fields of the wrong type are dropped, not fatal. */
export function parseFinding(raw: unknown): ParsedFinding {
  if (!isObject(raw)) return { ok: false, reason: "not an object" };
  const plugin = isObject(raw.plugin) ? raw.plugin : {};
  const asset = isObject(raw.asset) ? raw.asset : {};
  if (!Number.isSafeInteger(plugin.id) || (plugin.id as number) <= 0) {
    return { ok: false, reason: "plugin.id must be a positive integer" };
  }
  if (!nonEmptyString(plugin.name)) {
    return { ok: false, reason: "plugin.name must be a non-empty string" };
  }
  if (!nonEmptyString(asset.uuid)) {
    return { ok: false, reason: "asset.uuid must be a non-empty string" };
  }
  const severity = typeof raw.severity === "string" ? raw.severity.toLowerCase() : raw.severity;
  if (!SEVERITIES.includes(severity as Severity)) {
    return { ok: false, reason: `unknown severity ${JSON.stringify(raw.severity)}` };
  }
  const state = typeof raw.state === "string" ? raw.state.toUpperCase() : raw.state;
  if (state !== "OPEN" && state !== "REOPENED" && state !== "FIXED") {
    return { ok: false, reason: `unknown state ${JSON.stringify(raw.state)}` };
  }

  const finding: TenableFinding = {
    asset: { uuid: asset.uuid },
    plugin: { id: plugin.id as number, name: plugin.name },
    severity: severity as Severity,
    state,
  };
  for (const field of ["hostname", "fqdn", "ipv4"] as const) {
    if (nonEmptyString(asset[field])) finding.asset[field] = asset[field];
  }
  if (typeof plugin.solution === "string") finding.plugin.solution = plugin.solution;
  if (Array.isArray(plugin.cve) && plugin.cve.every((cve) => typeof cve === "string")) {
    finding.plugin.cve = plugin.cve;
  }
  const port = raw.port;
  if (
    isObject(port) &&
    Number.isInteger(port.port) &&
    (port.port as number) >= 0 &&
    (port.port as number) <= 65535 &&
    nonEmptyString(port.protocol)
  ) {
    finding.port = { port: port.port as number, protocol: port.protocol };
  }
  return { ok: true, finding };
}

export const findingKey = (finding: TenableFinding) => `${finding.plugin.id}:${finding.asset.uuid}`;
const keyLabel = (finding: TenableFinding) => `vuln-${finding.plugin.id}-${finding.asset.uuid}`;
const isOpen = (finding: TenableFinding) => finding.state !== "FIXED";
const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Plain string order (UTF-16 code units), what `<` and a bare `.sort()` use. */
const sortedKeys = (keys: Iterable<string>) => [...keys].sort();

/** One desired ticket per plugin + asset, sorted by key. `info` findings get none. */
export function desiredTickets(findings: TenableFinding[]): DesiredTicket[] {
  const groups = new Map<string, TenableFinding[]>();
  for (const finding of findings) {
    if (finding.severity === "info") continue;
    const key = findingKey(finding);
    const group = groups.get(key);
    if (group) group.push(finding);
    else groups.set(key, [finding]);
  }
  return sortedKeys(groups.keys()).map((key) =>
    ticketFor(key, groups.get(key) as TenableFinding[]),
  );
}

function ticketFor(key: string, group: TenableFinding[]): DesiredTicket {
  const open = group.filter(isOpen);
  // A fixed port says nothing about the open ones: describe what is still open.
  const basis = open.length > 0 ? open : group;
  const first = group[0] as TenableFinding;

  const severity = SEVERITIES[
    Math.max(...basis.map((finding) => SEVERITIES.indexOf(finding.severity)))
  ] as Exclude<Severity, "info">;
  const host = first.asset.hostname ?? first.asset.fqdn ?? first.asset.ipv4 ?? first.asset.uuid;
  const ports = unique(
    basis
      .flatMap(({ port }) =>
        port ? [{ number: port.port, protocol: port.protocol.toLowerCase() }] : [],
      )
      .sort((a, b) => a.number - b.number || byString(a.protocol, b.protocol))
      .map((port) => `${port.number}/${port.protocol}`),
  );
  const cves = unique(basis.flatMap((finding) => finding.plugin.cve ?? [])).sort();
  const solution = first.plugin.solution?.trim() || "none";
  return {
    key,
    open: open.length > 0,
    summary: truncate(`${first.plugin.name} on ${host}`, SUMMARY_MAX_LENGTH),
    priority: PRIORITY_BY_SEVERITY[severity],
    description: [
      `Tenable plugin ${first.plugin.id}: ${first.plugin.name}`,
      `Host: ${host} (asset ${first.asset.uuid})`,
      `Severity: ${severity}`,
      `Ports: ${ports.join(", ") || "none"}`,
      `CVE: ${cves.join(", ") || "none"}`,
      `Solution: ${solution}`,
    ].join("\n"),
    labels: [MANAGED_LABEL, keyLabel(first)],
  };
}

/** The items without duplicates, in their first-seen order. */
const unique = (items: string[]) => [...new Set(items)];

const truncate = (text: string, max: number) =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`;

// ---------------------------------------------------------------------------------------------
// Step 3: the plan
// ---------------------------------------------------------------------------------------------

const KEY_LABEL = /^vuln-(\d+)-(.+)$/;

/** The finding key a ticket carries in its labels, if any. */
function keyOf(issue: JiraIssue): string | undefined {
  const match = issue.fields.labels
    ?.map((label) => KEY_LABEL.exec(label))
    .find((found) => found !== null);
  return match ? `${match[1]}:${match[2]}` : undefined;
}

const isDone = (issue: JiraIssue) => issue.fields.status?.statusCategory.key === "done";

/** What must change so that the tickets match the findings. Pure: no request is sent. */
export function planSync(desired: DesiredTicket[], issues: JiraIssue[]): SyncPlan {
  const byKey = new Map<string, JiraIssue>();
  for (const issue of issues) {
    const key = keyOf(issue);
    // Two tickets with one key (made by hand, or by an older buggy run): the first one wins.
    if (key !== undefined && !byKey.has(key)) byKey.set(key, issue);
  }
  const wanted = new Map(desired.map((ticket) => [ticket.key, ticket]));

  const plan: SyncPlan = { actions: [], unchanged: [] };
  for (const key of sortedKeys(wanted.keys())) {
    const ticket = wanted.get(key) as DesiredTicket;
    const issue = byKey.get(ticket.key);
    if (!issue) {
      // Never create a ticket only to close it.
      if (ticket.open) plan.actions.push({ type: "create", key: ticket.key, ticket });
      continue;
    }
    const before = plan.actions.length;
    if (ticket.open) {
      if (isDone(issue)) plan.actions.push({ type: "reopen", key: ticket.key, issue: issue.key });
      const fields = changedFields(ticket, issue);
      if (Object.keys(fields).length > 0) {
        plan.actions.push({ type: "update", key: ticket.key, issue: issue.key, fields });
      }
    } else if (!isDone(issue)) {
      plan.actions.push({ type: "close", key: ticket.key, issue: issue.key });
    }
    if (plan.actions.length === before) plan.unchanged.push(ticket.key);
  }
  return plan;
}

function changedFields(ticket: DesiredTicket, issue: JiraIssue): TicketFields {
  const fields: TicketFields = {};
  if (issue.fields.summary !== ticket.summary) fields.summary = ticket.summary;
  if (issue.fields.priority?.name !== ticket.priority) fields.priority = ticket.priority;
  if (issue.fields.description !== ticket.description) fields.description = ticket.description;
  return fields;
}

// ---------------------------------------------------------------------------------------------
// HTTP: authentication, throttling, retries
// ---------------------------------------------------------------------------------------------

interface Settings {
  retries: number;
  maxRetryWaitMs: number;
  pollIntervalMs: number;
  exportTimeoutMs: number;
}

function settingsOf(config: SyncConfig): Settings {
  const settings = {
    retries: config.retries ?? DEFAULTS.retries,
    maxRetryWaitMs: config.maxRetryWaitMs ?? DEFAULTS.maxRetryWaitMs,
    pollIntervalMs: config.pollIntervalMs ?? DEFAULTS.pollIntervalMs,
    exportTimeoutMs: config.exportTimeoutMs ?? DEFAULTS.exportTimeoutMs,
  };
  if (!Number.isInteger(settings.retries) || settings.retries < 0 || settings.retries > 10) {
    throw new RangeError(`retries must be an integer from 0 to 10, got ${settings.retries}`);
  }
  for (const name of ["maxRetryWaitMs", "pollIntervalMs", "exportTimeoutMs"] as const) {
    const value = settings[name];
    if (!Number.isFinite(value) || value <= 0) {
      throw new RangeError(`${name} must be a finite number above 0, got ${value}`);
    }
  }
  return settings;
}

interface Client {
  service: Service;
  baseUrl: string;
  headers: Record<string, string>;
  settings: Settings;
}

function tenableClient(config: SyncConfig, settings: Settings): Client {
  const { url, accessKey, secretKey } = config.tenable;
  return {
    service: "tenable",
    baseUrl: url,
    headers: { "X-ApiKeys": `accessKey=${accessKey};secretKey=${secretKey}` },
    settings,
  };
}

function jiraClient(config: SyncConfig, settings: Settings): Client {
  const { url, email, apiToken } = config.jira;
  const basic = Buffer.from(`${email}:${apiToken}`).toString("base64");
  return {
    service: "jira",
    baseUrl: url,
    headers: { Authorization: `Basic ${basic}` },
    settings,
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const isRetryable = (status: number) => status === 429 || status >= 500;
const pathOnly = (path: string) => path.split("?")[0] as string;

interface Init {
  method?: "GET" | "POST" | "PUT";
  body?: unknown;
}

/**
 * Sends one request and returns its final answer: 401/403 throw an AuthError at once; 429 and
 * 5xx (and a request that got no response) are retried after the wait the server asked for,
 * until the attempts run out (HttpError). Any other answer, ok or not, is returned.
 */
async function send(client: Client, path: string, { method = "GET", body }: Init = {}) {
  const { retries, maxRetryWaitMs } = client.settings;
  const init: RequestInit = {
    method,
    headers: { ...client.headers, "Content-Type": "application/json" },
    body: JSON.stringify(body), // undefined for a GET
  };
  for (let attempt = 1; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(client.baseUrl + path, init);
    } catch (error) {
      if (attempt > retries) {
        const reason = `no response after ${attempt} attempts (${(error as Error).message})`;
        throw new HttpError(client.service, 0, method, pathOnly(path), reason);
      }
      await sleep(fallbackWaitMs(attempt));
      continue;
    }
    if (response.status === 401 || response.status === 403) {
      throw new AuthError(client.service, response.status, method, pathOnly(path));
    }
    if (!isRetryable(response.status)) return response;
    if (attempt > retries) {
      throw await httpError(client, method, path, response, ` (after ${attempt} attempts)`);
    }
    const wait =
      retryAfterMs(response.headers.get("Retry-After"), Date.now()) ?? fallbackWaitMs(attempt);
    if (wait > maxRetryWaitMs) {
      const note = ` (the wait asked for, ${wait} ms, is longer than maxRetryWaitMs)`;
      throw await httpError(client, method, path, response, note);
    }
    await sleep(wait);
  }
}

/** `send`, and an HttpError for an answer that is not ok. */
async function request(client: Client, path: string, init: Init = {}) {
  const response = await send(client, path, init);
  if (!response.ok) throw await httpError(client, init.method ?? "GET", path, response, "");
  return response;
}

async function httpError(
  client: Client,
  method: string,
  path: string,
  response: Response,
  note: string,
) {
  const details = `${response.status} ${errorDetails(await response.text(), response.statusText)}`;
  return new HttpError(client.service, response.status, method, pathOnly(path), details + note);
}

/** The error text of a body: Jira's errorMessages and errors, Tenable's message, else the status text. */
function errorDetails(text: string, statusText: string): string {
  const body = parseJson(text);
  if (!isObject(body)) return statusText;
  const messages: string[] = [];
  if (Array.isArray(body.errorMessages)) messages.push(...body.errorMessages.map(String));
  if (isObject(body.errors)) {
    for (const [field, message] of Object.entries(body.errors))
      messages.push(`${field}: ${message}`);
  }
  if (typeof body.message === "string") messages.push(body.message);
  return messages.length > 0 ? messages.join("; ") : statusText;
}

/** The JSON value of a text, or undefined when it is not JSON. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Step 4: the export
// ---------------------------------------------------------------------------------------------

interface ExportStatus {
  status?: string;
  chunks_available?: number[];
}

/** Every finding of a new export, in chunk-id order, and the items that failed validation. */
export async function exportFindings(config: SyncConfig): Promise<ExportResult> {
  const settings = settingsOf(config);
  return runExport(tenableClient(config, settings));
}

async function runExport(tenable: Client): Promise<ExportResult> {
  const uuid = await requestExport(tenable);
  const startedAt = Date.now();
  const chunks = new Map<number, unknown[]>();
  for (;;) {
    const response = await request(tenable, `/vulns/export/${uuid}/status`);
    const status = (await response.json()) as ExportStatus;
    if (status.status === "ERROR" || status.status === "CANCELLED") {
      throw new ExportError(`export ${uuid} ended with status ${status.status}`);
    }
    // Chunks may be listed before the export has finished, and in any order.
    for (const id of status.chunks_available ?? []) {
      if (!chunks.has(id)) chunks.set(id, await downloadChunk(tenable, uuid, id));
    }
    if (status.status === "FINISHED") break;
    if (Date.now() - startedAt >= tenable.settings.exportTimeoutMs) {
      throw new ExportError(
        `export ${uuid} did not finish within ${tenable.settings.exportTimeoutMs} ms`,
      );
    }
    await sleep(tenable.settings.pollIntervalMs);
  }

  const result: ExportResult = { findings: [], skipped: [] };
  for (const id of [...chunks.keys()].sort((a, b) => a - b)) {
    (chunks.get(id) as unknown[]).forEach((raw, index) => {
      const parsed = parseFinding(raw);
      if (parsed.ok) result.findings.push(parsed.finding);
      else result.skipped.push({ chunk: id, index, reason: parsed.reason });
    });
  }
  return result;
}

/** POST /vulns/export; a 409 means the same export is already running: use that one. */
async function requestExport(tenable: Client): Promise<string> {
  const init: Init = { method: "POST", body: EXPORT_REQUEST };
  const response = await send(tenable, "/vulns/export", init);
  if (!response.ok && response.status !== 409) {
    throw await httpError(tenable, "POST", "/vulns/export", response, "");
  }
  const body = parseJson(await response.text());
  const id = isObject(body)
    ? body[response.status === 409 ? "active_job_id" : "export_uuid"]
    : undefined;
  if (typeof id !== "string" || id === "") {
    throw new ExportError(`the export request answered ${response.status} without an export id`);
  }
  return id;
}

async function downloadChunk(tenable: Client, uuid: string, id: number): Promise<unknown[]> {
  const response = await request(tenable, `/vulns/export/${uuid}/chunks/${id}`);
  // Chunks come as application/octet-stream: parse the text, whatever the content type says.
  const body = parseJson(await response.text());
  if (!Array.isArray(body)) {
    throw new ExportError(`chunk ${id} of export ${uuid} is not a JSON array`);
  }
  return body;
}

// ---------------------------------------------------------------------------------------------
// Steps 6 and 7: the sync
// ---------------------------------------------------------------------------------------------

/** Every ticket the sync manages, all pages of the JQL search. */
async function searchManagedIssues(jira: Client, project: string): Promise<JiraIssue[]> {
  const issues: JiraIssue[] = [];
  let nextPageToken: string | undefined;
  do {
    const response = await request(jira, "/rest/api/2/search/jql", {
      method: "POST",
      body: {
        jql: `project = "${project}" AND labels = "${MANAGED_LABEL}"`,
        fields: [...SEARCH_FIELDS],
        maxResults: SEARCH_PAGE_SIZE,
        nextPageToken, // left out of the JSON on the first page
      },
    });
    const page = (await response.json()) as { issues?: JiraIssue[]; nextPageToken?: string };
    issues.push(...(page.issues ?? []));
    // The last page has no token (isLast is true): never stop on a short page alone.
    nextPageToken = page.nextPageToken;
  } while (nextPageToken !== undefined);
  return issues;
}

/** Exports, plans and applies. Rejects with AuthError (report attached) on 401/403. */
export async function syncVulnerabilities(config: SyncConfig): Promise<SyncReport> {
  const settings = settingsOf(config);
  const tenable = tenableClient(config, settings);
  const jira = jiraClient(config, settings);
  const report = emptyReport();
  try {
    const exported = await runExport(tenable);
    report.skipped = exported.skipped;
    const issues = await searchManagedIssues(jira, config.jira.project);
    const plan = planSync(desiredTickets(exported.findings), issues);
    report.unchanged = plan.unchanged;
    // One request at a time: a 401 stops everything, and a burst is what gets throttled.
    for (const action of plan.actions) {
      await apply(jira, config.jira.project, action, report);
    }
    return report;
  } catch (error) {
    if (error instanceof AuthError) error.report = report;
    throw error;
  }
}

async function apply(jira: Client, project: string, action: PlannedAction, report: SyncReport) {
  try {
    switch (action.type) {
      case "create": {
        const issue = await createIssue(jira, project, action.ticket);
        report.created.push({ key: action.key, issue });
        return;
      }
      case "update": {
        await request(jira, `/rest/api/2/issue/${action.issue}`, {
          method: "PUT",
          body: { fields: jiraFields(action.fields) },
        });
        const fields = (["summary", "priority", "description"] as const).filter(
          (field) => action.fields[field] !== undefined,
        );
        report.updated.push({ key: action.key, issue: action.issue, fields });
        return;
      }
      case "close":
        await transition(jira, action.issue, "done");
        report.closed.push({ key: action.key, issue: action.issue });
        return;
      case "reopen":
        await transition(jira, action.issue, "new");
        report.reopened.push({ key: action.key, issue: action.issue });
        return;
    }
  } catch (error) {
    if (error instanceof AuthError) throw error;
    report.failed.push({
      key: action.key,
      ...(action.type === "create" ? {} : { issue: action.issue }),
      action: action.type,
      error: (error as Error).message,
    });
  }
}

async function createIssue(jira: Client, project: string, ticket: DesiredTicket) {
  const response = await request(jira, "/rest/api/2/issue", {
    method: "POST",
    body: {
      fields: {
        project: { key: project },
        issuetype: { name: "Bug" },
        labels: ticket.labels,
        ...jiraFields(ticket),
      },
    },
  });
  return ((await response.json()) as { key: string }).key;
}

/** The fields given, in Jira's shapes (priority is an object with a name); JSON drops the rest. */
function jiraFields(fields: TicketFields) {
  return {
    summary: fields.summary,
    priority: fields.priority === undefined ? undefined : { name: fields.priority },
    description: fields.description,
  };
}

const CATEGORY_WORD: Record<"done" | "new", string> = { done: "done", new: "to-do" };

interface Transitions {
  transitions?: { id: string; to: { statusCategory: { key: string } } }[];
}

/** Transition ids differ between workflows: find the one that leads to the status category. */
async function transition(jira: Client, issue: string, category: "done" | "new") {
  const path = `/rest/api/2/issue/${issue}/transitions`;
  const { transitions } = (await (await request(jira, path)).json()) as Transitions;
  const chosen = transitions?.find((t) => t.to.statusCategory.key === category);
  if (!chosen) {
    throw new Error(`${issue} has no transition to a ${CATEGORY_WORD[category]} status`);
  }
  await request(jira, path, { method: "POST", body: { transition: { id: chosen.id } } });
}
