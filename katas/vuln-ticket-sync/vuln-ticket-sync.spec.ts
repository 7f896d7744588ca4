import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { faults } from "../../fixtures/helpers/fake-service";
import { useMockServer } from "../../fixtures/helpers/http";
import {
  DEFAULT_WORKFLOW,
  JIRA_PROJECT,
  JIRA_URL,
  JIRA_USER,
  JiraFake,
  type Workflow,
} from "../../fixtures/helpers/jira";
import {
  sampleFinding,
  TENABLE_KEYS,
  TENABLE_URL,
  TenableFake,
} from "../../fixtures/helpers/tenable";
import {
  AuthError,
  type DesiredTicket,
  desiredTickets,
  EXPORT_REQUEST,
  ExportError,
  exportFindings,
  HttpError,
  type JiraIssue,
  parseFinding,
  planSync,
  retryAfterMs,
  type SyncConfig,
  syncVulnerabilities,
  type TenableFinding,
} from "./vuln-ticket-sync";

const server = useMockServer();
let tenable: TenableFake;
let jira: JiraFake;

/** The machine's clock in these tests. */
const NOW = Date.parse("2026-12-01T12:00:00.000Z");
const config: SyncConfig = {
  tenable: { url: TENABLE_URL, ...TENABLE_KEYS },
  jira: { url: JIRA_URL, ...JIRA_USER, project: JIRA_PROJECT },
};

beforeEach(() => {
  tenable = new TenableFake();
  jira = new JiraFake();
  server.use(...tenable.handlers(), ...jira.handlers());
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});

afterEach(() => {
  vi.useRealTimers();
});

/** The result or the error of a promise, marked handled now (the clock is moved later). */
function outcome<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}
/** Runs a promise to its end on the fake clock. */
async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  const done = outcome(promise);
  await vi.runAllTimersAsync();
  return done;
}
async function run<T>(promise: Promise<T>): Promise<T> {
  const { value, error } = await settle(promise);
  if (error !== undefined) throw error;
  return value as T;
}
async function failure(promise: Promise<unknown>): Promise<Error> {
  const { error } = await settle(promise);
  expect(error, "the call was expected to reject").toBeInstanceOf(Error);
  return error as Error;
}

/** When each request arrived, in ms after the start of the test. */
const times = (requests: { at: number }[]) => requests.map((request) => request.at - NOW);

const ASSET_A = "3f1c7e2a-5b6d-4c8e-9f01-a2b3c4d5e6f7";
const ASSET_B = "8d0e4b1c-2a3f-4e5d-8c7b-9a0f1e2d3c4b";
const ASSET_C = "c0ffee00-1111-4222-8333-444455556666";

/** A validated finding, as parseFinding returns it. */
function finding(
  overrides: Omit<Partial<TenableFinding>, "asset"> & { id?: number; asset?: string },
) {
  const { id = 142952, asset = ASSET_A, ...rest } = overrides;
  return {
    asset: { uuid: asset, hostname: "web-01" },
    plugin: {
      id,
      name: "Apache 2.4.x < 2.4.58 Multiple Vulnerabilities",
      solution: "Upgrade to Apache version 2.4.58 or later.",
      cve: ["CVE-2023-45802", "CVE-2023-43622"],
    },
    port: { port: 443, protocol: "TCP" },
    severity: "high",
    state: "OPEN",
    ...rest,
  } as TenableFinding;
}

const DESCRIPTION_A = [
  "Tenable plugin 142952: Apache 2.4.x < 2.4.58 Multiple Vulnerabilities",
  `Host: web-01 (asset ${ASSET_A})`,
  "Severity: high",
  "Ports: 443/tcp",
  "CVE: CVE-2023-43622, CVE-2023-45802",
  "Solution: Upgrade to Apache version 2.4.58 or later.",
].join("\n");

/** A ticket as the search returns it. */
function issue(
  key: string,
  fields: {
    labels?: string[] | null;
    summary?: string;
    priority?: string | null;
    description?: string | null;
    status?: string;
    category?: string;
  } = {},
): JiraIssue {
  const status = fields.status ?? "To Do";
  const category =
    fields.category ?? { "To Do": "new", "In Progress": "indeterminate", Done: "done" }[status];
  return {
    id: String(10_000 + Number(key.split("-")[1])),
    key,
    fields: {
      summary: fields.summary ?? "",
      priority: fields.priority === null ? null : { name: fields.priority ?? "Medium" },
      description: fields.description === undefined ? "" : fields.description,
      labels: fields.labels === undefined ? [] : fields.labels,
      status: { name: status, statusCategory: { key: category ?? "new" } },
    },
  };
}

/** A ticket exactly as the sync would want it for `ticket`. */
function issueFor(key: string, ticket: DesiredTicket, status = "To Do"): JiraIssue {
  return issue(key, {
    labels: ticket.labels,
    summary: ticket.summary,
    priority: ticket.priority,
    description: ticket.description,
    status,
  });
}

describe("step 1 — reading Retry-After", () => {
  it("reads whole seconds as milliseconds", () => {
    expect(retryAfterMs("7", NOW)).toBe(7000);
    expect(retryAfterMs("120", NOW)).toBe(120_000);
    expect(retryAfterMs("0", NOW)).toBe(0);
  });

  it("allows spaces around the number", () => {
    expect(retryAfterMs("  30 ", NOW)).toBe(30_000);
  });

  it("reads an HTTP date as the time from now until then", () => {
    const now = Date.parse("2026-12-02T12:00:00.000Z");
    expect(retryAfterMs("Wed, 02 Dec 2026 12:00:07 GMT", now)).toBe(7000);
    expect(retryAfterMs("Thu, 03 Dec 2026 12:00:00 GMT", now)).toBe(24 * 3600 * 1000);
  });

  it("measures to the millisecond from the `now` it is given, not from the clock", () => {
    const now = Date.parse("2026-12-02T12:00:00.250Z");
    expect(retryAfterMs("Wed, 02 Dec 2026 12:00:07 GMT", now)).toBe(6750);
  });

  it("answers 0 for a date that has already passed", () => {
    const now = Date.parse("2026-12-02T12:00:10.000Z");
    expect(retryAfterMs("Wed, 02 Dec 2026 12:00:07 GMT", now)).toBe(0);
  });

  it.each([
    ["null", null],
    ["undefined", undefined],
    ["an empty value", ""],
    ["blanks", "   "],
    ["a fraction", "1.5"],
    ["a negative number", "-3"],
    ["minus zero", "-0"],
    ["a decimal point", "7.0"],
    ["a plus sign", "+5"],
    ["a unit", "5s"],
    ["an exponent", "1e3"],
    ["hex", "0x10"],
    ["Infinity", "Infinity"],
    ["a word", "soon"],
    ["an ISO 8601 date", "2026-12-02T12:00:07Z"],
    ["a date that does not exist", "Wed, 32 Dec 2026 12:00:07 GMT"],
    ["a date not in GMT", "Wed, 02 Dec 2026 12:00:07 +0100"],
  ])("answers undefined for %s", (_what, value) => {
    expect(retryAfterMs(value, NOW)).toBeUndefined();
  });
});

describe("step 2 — findings become tickets", () => {
  describe("parseFinding", () => {
    it("keeps the fields the sync reads and nothing else", () => {
      const raw = sampleFinding({ pluginId: 142952, asset: ASSET_A, hostname: "web-01" });
      expect(parseFinding(raw)).toEqual({
        ok: true,
        finding: {
          asset: { uuid: ASSET_A, hostname: "web-01", ipv4: "192.0.2.10" },
          plugin: {
            id: 142952,
            name: "Apache 2.4.x < 2.4.58 Multiple Vulnerabilities",
            solution: "Upgrade to Apache version 2.4.58 or later.",
            cve: ["CVE-2023-45802", "CVE-2023-43622"],
          },
          port: { port: 443, protocol: "TCP" },
          severity: "high",
          state: "OPEN",
        },
      });
    });

    it("reads severity and state in any case, stored lower and upper case", () => {
      const parsed = parseFinding(
        sampleFinding({ pluginId: 1, asset: ASSET_A, severity: "CRITICAL", state: "reopened" }),
      );
      expect(parsed).toMatchObject({
        ok: true,
        finding: { severity: "critical", state: "REOPENED" },
      });
      expect(
        parseFinding(
          sampleFinding({ pluginId: 1, asset: ASSET_A, severity: "Low", state: "Fixed" }),
        ),
      ).toMatchObject({ ok: true, finding: { severity: "low", state: "FIXED" } });
    });

    it.each([
      ["null", null],
      ["an array", [1, 2]],
      ["a string", "finding"],
      ["a number", 42],
    ])("refuses %s: not an object", (_what, raw) => {
      expect(parseFinding(raw)).toEqual({ ok: false, reason: "not an object" });
    });

    const base = () => sampleFinding({ pluginId: 142952, asset: ASSET_A, hostname: "web-01" });
    const withPlugin = (plugin: Record<string, unknown>) => ({
      ...base(),
      plugin: { ...(base().plugin as object), ...plugin },
    });
    const withAsset = (asset: Record<string, unknown>) => ({
      ...base(),
      asset: { ...(base().asset as object), ...asset },
    });

    it.each([
      ["missing", { id: undefined }],
      ["zero", { id: 0 }],
      ["negative", { id: -7 }],
      ["a fraction", { id: 1.5 }],
      ["a string", { id: "142952" }],
      ["NaN", { id: Number.NaN }],
      ["Infinity", { id: Number.POSITIVE_INFINITY }],
      ["beyond a safe integer", { id: 2 ** 53 }],
    ])("refuses a plugin.id that is %s", (_what, plugin) => {
      expect(parseFinding(withPlugin(plugin))).toEqual({
        ok: false,
        reason: "plugin.id must be a positive integer",
      });
    });

    it("refuses a finding whose plugin is not an object", () => {
      expect(parseFinding({ ...base(), plugin: "142952" })).toEqual({
        ok: false,
        reason: "plugin.id must be a positive integer",
      });
    });

    it.each([
      ["missing", { name: undefined }],
      ["empty", { name: "" }],
      ["blank", { name: "   " }],
      ["a number", { name: 42 }],
    ])("refuses a plugin.name that is %s", (_what, plugin) => {
      expect(parseFinding(withPlugin(plugin))).toEqual({
        ok: false,
        reason: "plugin.name must be a non-empty string",
      });
    });

    it.each([
      ["missing", { uuid: undefined }],
      ["empty", { uuid: "" }],
      ["blank", { uuid: " " }],
      ["a number", { uuid: 7 }],
    ])("refuses an asset.uuid that is %s", (_what, asset) => {
      expect(parseFinding(withAsset(asset))).toEqual({
        ok: false,
        reason: "asset.uuid must be a non-empty string",
      });
    });

    it("refuses a finding without an asset", () => {
      const { asset: _asset, ...rest } = base();
      expect(parseFinding(rest)).toEqual({
        ok: false,
        reason: "asset.uuid must be a non-empty string",
      });
    });

    it.each([
      ['"urgent"', "urgent", 'unknown severity "urgent"'],
      ["a number", 3, "unknown severity 3"],
      ["an empty string", "", 'unknown severity ""'],
      ['"toString" (a name every object has)', "toString", 'unknown severity "toString"'],
      ['"constructor"', "constructor", 'unknown severity "constructor"'],
    ])("refuses a severity that is %s, quoting it", (_what, severity, reason) => {
      expect(parseFinding({ ...base(), severity })).toEqual({ ok: false, reason });
    });

    it.each([
      ['"CLOSED"', "CLOSED", 'unknown state "CLOSED"'],
      ['"ACTIVE" (a UI word, not an API state)', "ACTIVE", 'unknown state "ACTIVE"'],
      ["null", null, "unknown state null"],
    ])("refuses a state that is %s, quoting it", (_what, state, reason) => {
      expect(parseFinding({ ...base(), state })).toEqual({ ok: false, reason });
    });

    it("gives the first problem in the documented order", () => {
      const broken = {
        ...base(),
        plugin: { id: 0, name: "" },
        asset: { uuid: "" },
        severity: "urgent",
        state: "CLOSED",
      };
      expect(parseFinding(broken)).toMatchObject({
        reason: "plugin.id must be a positive integer",
      });
      expect(parseFinding({ ...broken, plugin: { id: 1, name: "" } })).toMatchObject({
        reason: "plugin.name must be a non-empty string",
      });
      expect(parseFinding({ ...broken, plugin: { id: 1, name: "x" } })).toMatchObject({
        reason: "asset.uuid must be a non-empty string",
      });
      expect(
        parseFinding({ ...broken, plugin: { id: 1, name: "x" }, asset: { uuid: ASSET_A } }),
      ).toMatchObject({ reason: 'unknown severity "urgent"' });
      expect(
        parseFinding({
          ...broken,
          plugin: { id: 1, name: "x" },
          asset: { uuid: ASSET_A },
          severity: "low",
        }),
      ).toMatchObject({ reason: 'unknown state "CLOSED"' });
    });

    it("keeps a blank plugin.solution: only the description calls it none", () => {
      const raw = {
        asset: { uuid: ASSET_A },
        plugin: { id: 7, name: "Weak SSH ciphers", solution: "   " },
        severity: "low",
        state: "OPEN",
      };
      expect(parseFinding(raw)).toEqual({
        ok: true,
        finding: {
          asset: { uuid: ASSET_A },
          plugin: { id: 7, name: "Weak SSH ciphers", solution: "   " },
          severity: "low",
          state: "OPEN",
        },
      });
    });

    it("drops optional fields of the wrong type instead of refusing the finding", () => {
      const raw = {
        asset: { uuid: ASSET_A, hostname: 42, fqdn: "", ipv4: null },
        plugin: { id: 7, name: "Weak SSH ciphers", solution: 7, cve: "CVE-2024-1" },
        port: { port: 70_000, protocol: "TCP" },
        severity: "low",
        state: "OPEN",
      };
      expect(parseFinding(raw)).toEqual({
        ok: true,
        finding: {
          asset: { uuid: ASSET_A },
          plugin: { id: 7, name: "Weak SSH ciphers" },
          severity: "low",
          state: "OPEN",
        },
      });
    });

    it.each([
      ["a port number that is a fraction", { port: 1.5, protocol: "TCP" }],
      ["a negative port number", { port: -1, protocol: "TCP" }],
      ["no protocol", { port: 22 }],
      ["a blank protocol", { port: 22, protocol: " " }],
      ["a port given as a string", { port: "22", protocol: "TCP" }],
    ])("drops a port with %s", (_what, port) => {
      const parsed = parseFinding({ ...base(), port });
      expect(parsed.ok).toBe(true);
      expect(parsed.ok && parsed.finding.port).toBeUndefined();
    });

    it("keeps ports 0 and 65535 and CVE lists of strings only", () => {
      for (const port of [0, 65_535]) {
        const parsed = parseFinding({ ...base(), port: { port, protocol: "UDP" } });
        expect(parsed.ok && parsed.finding.port).toEqual({ port, protocol: "UDP" });
      }
      const mixed = parseFinding(withPlugin({ cve: ["CVE-2024-1", 2] }));
      expect(mixed.ok && mixed.finding.plugin.cve).toBeUndefined();
      const none = parseFinding(withPlugin({ cve: [] }));
      expect(none.ok && none.finding.plugin.cve).toEqual([]);
    });
  });

  describe("desiredTickets", () => {
    it("makes one ticket from one open finding, with the exact summary and description", () => {
      expect(desiredTickets([finding({})])).toEqual([
        {
          key: `142952:${ASSET_A}`,
          open: true,
          summary: "Apache 2.4.x < 2.4.58 Multiple Vulnerabilities on web-01",
          priority: "High",
          description: DESCRIPTION_A,
          labels: ["vuln-sync", `vuln-142952-${ASSET_A}`],
        },
      ]);
    });

    it("returns nothing for no findings", () => {
      expect(desiredTickets([])).toEqual([]);
    });

    it("sorts tickets by key in string order (19506 before 9062)", () => {
      const tickets = desiredTickets([
        finding({ id: 9062, asset: ASSET_C }),
        finding({ id: 9062, asset: ASSET_A }),
        finding({ id: 19506, asset: ASSET_C }),
        finding({ id: 19506, asset: ASSET_B }),
        finding({ id: 19506, asset: ASSET_A }),
        finding({ id: 142, asset: ASSET_A }),
      ]);
      expect(tickets.map((ticket) => ticket.key)).toEqual([
        `142:${ASSET_A}`,
        `19506:${ASSET_A}`,
        `19506:${ASSET_B}`,
        `19506:${ASSET_C}`,
        `9062:${ASSET_A}`,
        `9062:${ASSET_C}`,
      ]);
    });

    it("keeps the asset uuid as the scanner wrote it, upper case included", () => {
      const upper = ASSET_A.toUpperCase();
      const [ticket] = desiredTickets([finding({ asset: upper })]);
      expect(ticket?.key, "the key holds the uuid as given").toBe(`142952:${upper}`);
      expect(ticket?.labels, "the key label holds the uuid as given").toEqual([
        "vuln-sync",
        `vuln-142952-${upper}`,
      ]);
    });

    it("gives info findings no ticket", () => {
      expect(desiredTickets([finding({ severity: "info" })])).toEqual([]);
      const tickets = desiredTickets([finding({ severity: "info" }), finding({ id: 7 })]);
      expect(tickets.map((ticket) => ticket.key)).toEqual([`7:${ASSET_A}`]);
    });

    it("makes one ticket per plugin and asset, listing the ports sorted by number", () => {
      const tickets = desiredTickets([
        finding({ port: { port: 8443, protocol: "TCP" } }),
        finding({ port: { port: 80, protocol: "TCP" } }),
        finding({ port: { port: 443, protocol: "TCP" } }),
        finding({ port: { port: 443, protocol: "tcp" } }),
      ]);
      expect(tickets).toHaveLength(1);
      expect(tickets[0]?.description).toContain("\nPorts: 80/tcp, 443/tcp, 8443/tcp\n");
    });

    it("orders one port's protocols alphabetically, in lower case", () => {
      const [ticket] = desiredTickets([
        finding({ port: { port: 53, protocol: "tcp" } }),
        finding({ port: { port: 53, protocol: "UDP" } }),
        finding({ port: { port: 53, protocol: "SCTP" } }),
        finding({ port: { port: 22, protocol: "UDP" } }),
      ]);
      expect(ticket?.description).toContain("\nPorts: 22/udp, 53/sctp, 53/tcp, 53/udp\n");
    });

    it("writes Ports: none when no finding has a port", () => {
      const { port: _port, ...noPort } = finding({});
      const [ticket] = desiredTickets([noPort]);
      expect(ticket?.description).toContain("\nPorts: none\n");
    });

    it("is open while any finding of the key is OPEN or REOPENED", () => {
      const open = (states: string[]) =>
        desiredTickets(
          states.map((state, port) =>
            finding({ state: state as TenableFinding["state"], port: { port, protocol: "TCP" } }),
          ),
        )[0]?.open;
      expect(open(["FIXED", "OPEN"])).toBe(true);
      expect(open(["REOPENED"])).toBe(true);
      expect(open(["FIXED", "FIXED"])).toBe(false);
    });

    it("describes only the open findings while there are some", () => {
      const [ticket] = desiredTickets([
        finding({ state: "FIXED", severity: "critical", port: { port: 80, protocol: "TCP" } }),
        finding({ state: "OPEN", severity: "medium", port: { port: 443, protocol: "TCP" } }),
      ]);
      expect(ticket?.priority).toBe("Medium");
      expect(ticket?.description).toContain("\nSeverity: medium\nPorts: 443/tcp\n");
    });

    it("describes all findings once every one is fixed", () => {
      const [ticket] = desiredTickets([
        finding({ state: "FIXED", severity: "critical", port: { port: 80, protocol: "TCP" } }),
        finding({ state: "FIXED", severity: "medium", port: { port: 443, protocol: "TCP" } }),
      ]);
      expect(ticket?.open).toBe(false);
      expect(ticket?.priority).toBe("Highest");
      expect(ticket?.description).toContain("\nSeverity: critical\nPorts: 80/tcp, 443/tcp\n");
    });

    it("takes the highest severity of the open findings", () => {
      const [ticket] = desiredTickets([
        finding({ severity: "low", port: { port: 1, protocol: "TCP" } }),
        finding({ severity: "critical", port: { port: 2, protocol: "TCP" } }),
        finding({ severity: "high", port: { port: 3, protocol: "TCP" } }),
      ]);
      expect(ticket?.priority).toBe("Highest");
      expect(ticket?.description).toContain("\nSeverity: critical\n");
    });

    it.each([
      ["critical", "Highest"],
      ["high", "High"],
      ["medium", "Medium"],
      ["low", "Low"],
    ])("maps severity %s to priority %s", (severity, priority) => {
      const [ticket] = desiredTickets([
        finding({ severity: severity as TenableFinding["severity"] }),
      ]);
      expect(ticket?.priority).toBe(priority);
      expect(ticket?.description).toContain(`\nSeverity: ${severity}\n`);
    });

    it.each([
      [
        "the hostname",
        { uuid: ASSET_A, hostname: "web-01", fqdn: "web-01.acme.test", ipv4: "192.0.2.1" },
        "web-01",
      ],
      [
        "the FQDN without a hostname",
        { uuid: ASSET_A, fqdn: "web-01.acme.test", ipv4: "192.0.2.1" },
        "web-01.acme.test",
      ],
      ["the IPv4 address without either", { uuid: ASSET_A, ipv4: "192.0.2.1" }, "192.0.2.1"],
      ["the asset uuid with none of them", { uuid: ASSET_A }, ASSET_A],
    ])("names the host by %s", (_what, asset, host) => {
      const named = finding({});
      named.asset = asset;
      const [ticket] = desiredTickets([named]);
      expect(ticket?.summary).toBe(`Apache 2.4.x < 2.4.58 Multiple Vulnerabilities on ${host}`);
      expect(ticket?.description).toContain(`\nHost: ${host} (asset ${ASSET_A})\n`);
    });

    it("takes the host, name and solution from the first finding of the basis", () => {
      const fixed = finding({ state: "FIXED", port: { port: 80, protocol: "TCP" } });
      fixed.asset = { uuid: ASSET_A, hostname: "old-name" };
      fixed.plugin = { ...fixed.plugin, solution: "Old advice." };
      const open = finding({ port: { port: 443, protocol: "TCP" } });
      open.asset = { uuid: ASSET_A, fqdn: "web-01.acme.test" };
      open.plugin = { ...open.plugin, solution: "Upgrade to 2.4.59." };
      const [ticket] = desiredTickets([fixed, open]);
      expect(ticket?.summary).toBe(
        "Apache 2.4.x < 2.4.58 Multiple Vulnerabilities on web-01.acme.test",
      );
      expect(ticket?.description).toContain("\nSolution: Upgrade to 2.4.59.");
    });

    it("lists the CVEs of the basis once each, sorted", () => {
      const a = finding({ port: { port: 80, protocol: "TCP" } });
      a.plugin = { ...a.plugin, cve: ["CVE-2024-2", "CVE-2023-9"] };
      const b = finding({ port: { port: 443, protocol: "TCP" } });
      b.plugin = { ...b.plugin, cve: ["CVE-2023-9", "CVE-2024-10"] };
      const fixed = finding({ state: "FIXED", port: { port: 8080, protocol: "TCP" } });
      fixed.plugin = { ...fixed.plugin, cve: ["CVE-2099-1"] };
      const [ticket] = desiredTickets([a, b, fixed]);
      expect(ticket?.description).toContain("\nCVE: CVE-2023-9, CVE-2024-10, CVE-2024-2\n");
    });

    it("writes CVE: none and Solution: none when there are none", () => {
      const bare = finding({});
      bare.plugin = { id: 142952, name: "Apache 2.4.x < 2.4.58 Multiple Vulnerabilities" };
      const blank = finding({ id: 7 });
      blank.plugin = { id: 7, name: "Weak SSH ciphers", solution: "   ", cve: [] };
      const [first, second] = desiredTickets([bare, blank]);
      expect(first?.description).toMatch(/\nCVE: none\nSolution: none$/);
      expect(second?.description).toMatch(/\nCVE: none\nSolution: none$/);
    });

    it("trims the solution", () => {
      const padded = finding({});
      padded.plugin = { ...padded.plugin, solution: "\n  Upgrade now.  \n" };
      expect(desiredTickets([padded])[0]?.description).toMatch(/\nSolution: Upgrade now\.$/);
    });

    it("cuts a summary over 255 characters to 254 and an ellipsis", () => {
      const long = finding({});
      long.asset = { uuid: ASSET_A, hostname: "h" };
      long.plugin = { ...long.plugin, name: "x".repeat(300) };
      const summary = desiredTickets([long])[0]?.summary ?? "";
      expect(summary).toHaveLength(255);
      expect(summary).toBe(`${"x".repeat(254)}…`);
    });

    it("keeps a summary of exactly 255 characters as it is, and cuts one of 256", () => {
      const exact = finding({});
      exact.asset = { uuid: ASSET_A, hostname: "h" };
      exact.plugin = { ...exact.plugin, name: "y".repeat(255 - " on h".length) };
      expect(desiredTickets([exact])[0]?.summary).toBe(`${"y".repeat(250)} on h`);
      exact.plugin = { ...exact.plugin, name: "y".repeat(256 - " on h".length) };
      expect(desiredTickets([exact])[0]?.summary).toBe(`${"y".repeat(251)} on…`);
    });
  });
});

/** A desired ticket for plugin `id` on `asset`, written out by hand. */
function ticket(id: number, asset: string, open = true): DesiredTicket {
  return {
    key: `${id}:${asset}`,
    open,
    summary: `Plugin ${id} finding on ${asset}`,
    priority: "High",
    description: `Tenable plugin ${id}: a finding`,
    labels: ["vuln-sync", `vuln-${id}-${asset}`],
  };
}

describe("step 3 — the plan", () => {
  const OPEN_A = ticket(142952, ASSET_A);
  const FIXED_A = ticket(142952, ASSET_A, false);
  const KEY_A = OPEN_A.key;

  it("creates a ticket for an open finding that has none", () => {
    expect(planSync([OPEN_A], [])).toEqual({
      actions: [{ type: "create", key: KEY_A, ticket: OPEN_A }],
      unchanged: [],
    });
  });

  it("never creates a ticket for a finding that is already fixed", () => {
    expect(planSync([FIXED_A], [])).toEqual({ actions: [], unchanged: [] });
  });

  it("leaves an up-to-date ticket alone and says so", () => {
    expect(planSync([OPEN_A], [issueFor("SEC-4", OPEN_A)])).toEqual({
      actions: [],
      unchanged: [KEY_A],
    });
  });

  it("updates only the field that differs", () => {
    const stale = issueFor("SEC-4", OPEN_A);
    stale.fields.priority = { name: "Medium" };
    expect(planSync([OPEN_A], [stale]).actions).toEqual([
      { type: "update", key: KEY_A, issue: "SEC-4", fields: { priority: "High" } },
    ]);
  });

  it("updates every field that differs, and only those", () => {
    const stale = issue("SEC-4", {
      labels: OPEN_A.labels,
      summary: "old summary",
      priority: "High",
      description: "old description",
    });
    expect(planSync([OPEN_A], [stale]).actions).toEqual([
      {
        type: "update",
        key: KEY_A,
        issue: "SEC-4",
        fields: { summary: OPEN_A.summary, description: OPEN_A.description },
      },
    ]);
  });

  it("updates a ticket whose priority or description is empty (null)", () => {
    const bare = issue("SEC-4", {
      labels: OPEN_A.labels,
      summary: OPEN_A.summary,
      priority: null,
      description: null,
    });
    expect(planSync([OPEN_A], [bare]).actions).toEqual([
      {
        type: "update",
        key: KEY_A,
        issue: "SEC-4",
        fields: { priority: "High", description: OPEN_A.description },
      },
    ]);
  });

  it.each(["To Do", "In Progress"])("closes a %s ticket whose findings are all fixed", (status) => {
    expect(planSync([FIXED_A], [issueFor("SEC-4", OPEN_A, status)])).toEqual({
      actions: [{ type: "close", key: KEY_A, issue: "SEC-4" }],
      unchanged: [],
    });
  });

  it("closes without updating the fields first", () => {
    const stale = issueFor("SEC-4", OPEN_A);
    stale.fields.summary = "old summary";
    expect(planSync([FIXED_A], [stale]).actions).toEqual([
      { type: "close", key: KEY_A, issue: "SEC-4" },
    ]);
  });

  it("leaves a done ticket of a fixed finding alone", () => {
    expect(planSync([FIXED_A], [issueFor("SEC-4", FIXED_A, "Done")])).toEqual({
      actions: [],
      unchanged: [KEY_A],
    });
  });

  it("does not update a done ticket whose findings are all fixed, even when it differs", () => {
    const stale = issueFor("SEC-4", OPEN_A, "Done");
    stale.fields.summary = "old summary";
    stale.fields.priority = { name: "Low" };
    expect(planSync([FIXED_A], [stale])).toEqual({ actions: [], unchanged: [KEY_A] });
  });

  it("reopens a done ticket whose finding came back", () => {
    expect(planSync([OPEN_A], [issueFor("SEC-4", OPEN_A, "Done")])).toEqual({
      actions: [{ type: "reopen", key: KEY_A, issue: "SEC-4" }],
      unchanged: [],
    });
  });

  it("reopens first, then updates what differs", () => {
    const done = issueFor("SEC-4", OPEN_A, "Done");
    done.fields.priority = { name: "Low" };
    expect(planSync([OPEN_A], [done]).actions).toEqual([
      { type: "reopen", key: KEY_A, issue: "SEC-4" },
      { type: "update", key: KEY_A, issue: "SEC-4", fields: { priority: "High" } },
    ]);
  });

  it("does not reopen a ticket someone is working on", () => {
    expect(planSync([OPEN_A], [issueFor("SEC-4", OPEN_A, "In Progress")]).actions).toEqual([]);
  });

  it("goes by the status category, not the status name", () => {
    const closed = issue("SEC-4", {
      labels: OPEN_A.labels,
      summary: OPEN_A.summary,
      priority: OPEN_A.priority,
      description: OPEN_A.description,
      status: "Won't Fix",
      category: "done",
    });
    expect(planSync([OPEN_A], [closed]).actions).toEqual([
      { type: "reopen", key: KEY_A, issue: "SEC-4" },
    ]);
    const oddlyNamed = { ...closed, fields: { ...closed.fields } };
    oddlyNamed.fields.status = { name: "Done", statusCategory: { key: "indeterminate" } };
    expect(planSync([FIXED_A], [oddlyNamed]).actions).toEqual([
      { type: "close", key: KEY_A, issue: "SEC-4" },
    ]);
  });

  it("takes a ticket without a status for one that is not done", () => {
    const bare = issueFor("SEC-4", OPEN_A);
    bare.fields.status = null;
    expect(planSync([FIXED_A], [bare]).actions).toEqual([
      { type: "close", key: KEY_A, issue: "SEC-4" },
    ]);
    delete bare.fields.status;
    expect(planSync([OPEN_A], [bare])).toEqual({ actions: [], unchanged: [KEY_A] });
  });

  it("leaves alone a ticket whose finding is not in the export at all", () => {
    const other = issue("SEC-9", { labels: ["vuln-sync", `vuln-777-${ASSET_B}`] });
    expect(planSync([OPEN_A], [issueFor("SEC-4", OPEN_A), other])).toEqual({
      actions: [],
      unchanged: [KEY_A],
    });
  });

  it("finds the key in any label, even when the uuid has dashes", () => {
    const labelled = issueFor("SEC-4", OPEN_A);
    labelled.fields.labels = ["team-web", `vuln-142952-${ASSET_A}`, "vuln-sync"];
    expect(planSync([OPEN_A], [labelled]).unchanged).toEqual([KEY_A]);
  });

  it("reads a key label back as written, upper case included", () => {
    const upper = ticket(7, ASSET_B.toUpperCase());
    expect(planSync([upper], [issueFor("SEC-4", upper)]), "the ticket is found again").toEqual({
      actions: [],
      unchanged: [upper.key],
    });
  });

  it("reads a key label only as vuln-, digits, -, then at least one character", () => {
    const notKeys = issueFor("SEC-4", OPEN_A);
    notKeys.fields.labels = ["vuln-sync", "vuln-critical", "vuln-sync-foo", "vuln-12-", "vuln--x"];
    expect(planSync([OPEN_A], [notKeys]).actions, "none of these is a key label").toEqual([
      { type: "create", key: KEY_A, ticket: OPEN_A },
    ]);
    const dashed = ticket(1, "x-y");
    expect(dashed.labels).toContain("vuln-1-x-y");
    expect(planSync([dashed], [issueFor("SEC-5", dashed)]), "vuln-1-x-y is the key 1:x-y").toEqual({
      actions: [],
      unchanged: ["1:x-y"],
    });
  });

  it("ignores tickets without a key label", () => {
    const noKey = issueFor("SEC-4", OPEN_A);
    noKey.fields.labels = ["vuln-sync", "vuln-abc-x"];
    const noLabels = issueFor("SEC-5", OPEN_A);
    noLabels.fields.labels = null;
    expect(planSync([OPEN_A], [noKey, noLabels]).actions).toEqual([
      { type: "create", key: KEY_A, ticket: OPEN_A },
    ]);
  });

  it("uses the first of two tickets with the same key", () => {
    const working = issueFor("SEC-7", OPEN_A, "To Do");
    const done = issueFor("SEC-3", OPEN_A, "Done");
    expect(planSync([FIXED_A], [working, done])).toEqual({
      actions: [{ type: "close", key: KEY_A, issue: "SEC-7" }],
      unchanged: [],
    });
    expect(planSync([FIXED_A], [done, working])).toEqual({ actions: [], unchanged: [KEY_A] });
  });

  it("plans in key order, whatever order the tickets came in", () => {
    const upToDate = ticket(9, ASSET_C);
    const plan = planSync(
      [ticket(7, ASSET_B), upToDate, ticket(10, ASSET_C, false), ticket(7, ASSET_A)],
      [issueFor("SEC-1", upToDate), issueFor("SEC-2", ticket(10, ASSET_C))],
    );
    expect(plan.actions.map((action) => [action.type, action.key])).toEqual([
      ["close", `10:${ASSET_C}`],
      ["create", `7:${ASSET_A}`],
      ["create", `7:${ASSET_B}`],
    ]);
    expect(plan.unchanged).toEqual([`9:${ASSET_C}`]);
  });

  it("lists unchanged keys in key order", () => {
    const fixed = ticket(2, ASSET_A, false);
    const open = ticket(2, ASSET_B);
    const plan = planSync(
      [open, fixed],
      [issueFor("SEC-1", open), issueFor("SEC-2", fixed, "Done")],
    );
    expect(plan.unchanged).toEqual([`2:${ASSET_A}`, `2:${ASSET_B}`]);
  });
});

describe("step 4 — the export", () => {
  it("asks for every state and the four severities that matter, with the API keys", async () => {
    tenable.findings = [sampleFinding({ pluginId: 142952, asset: ASSET_A, hostname: "web-01" })];
    const result = await run(exportFindings(config));
    expect(tenable.exportRequests()).toEqual([EXPORT_REQUEST]);
    expect(EXPORT_REQUEST).toEqual({
      num_assets: 500,
      filters: {
        state: ["OPEN", "REOPENED", "FIXED"],
        severity: ["low", "medium", "high", "critical"],
      },
    });
    expect(result.findings).toEqual([
      (parseFinding(tenable.findings[0]) as { finding: TenableFinding }).finding,
    ]);
    expect(result.skipped).toEqual([]);
  });

  it("gets fixed findings too (the scanner leaves them out unless asked)", async () => {
    tenable.findings = [
      sampleFinding({ pluginId: 1, asset: ASSET_A, state: "FIXED" }),
      sampleFinding({ pluginId: 2, asset: ASSET_A, state: "REOPENED" }),
    ];
    const { findings } = await run(exportFindings(config));
    expect(findings.map((f) => [f.plugin.id, f.state])).toEqual([
      [1, "FIXED"],
      [2, "REOPENED"],
    ]);
  });

  it("resolves to nothing for an empty export", async () => {
    await expect(run(exportFindings(config))).resolves.toEqual({ findings: [], skipped: [] });
  });

  it("polls the status every pollIntervalMs until the export has finished", async () => {
    tenable.findings = [sampleFinding({ pluginId: 1, asset: ASSET_A })];
    tenable.script = {
      steps: [{ status: "QUEUED" }, { status: "PROCESSING" }, { status: "FINISHED" }],
    };
    const done = outcome(exportFindings(config));
    const polls = () => tenable.service.requestsTo("GET", /\/status$/);
    await vi.advanceTimersByTimeAsync(4999);
    expect(polls(), "the second poll must wait 5000 ms").toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(polls()).toHaveLength(2);
    await vi.runAllTimersAsync();
    const { value } = await done;
    expect(times(polls())).toEqual([0, 5000, 10_000]);
    expect(value?.findings).toHaveLength(1);
  });

  it("uses the pollIntervalMs it is given", async () => {
    tenable.script = {
      steps: [{ status: "QUEUED" }, { status: "QUEUED" }, { status: "FINISHED" }],
    };
    await run(exportFindings({ ...config, pollIntervalMs: 1500 }));
    expect(times(tenable.service.requestsTo("GET", /\/status$/))).toEqual([0, 1500, 3000]);
  });

  it("downloads each chunk once, even when it is listed before the export has finished", async () => {
    tenable.findings = [
      sampleFinding({ pluginId: 1, asset: ASSET_A }),
      sampleFinding({ pluginId: 2, asset: ASSET_B }),
      sampleFinding({ pluginId: 3, asset: ASSET_C }),
    ];
    tenable.script = {
      assetsPerChunk: 1,
      chunkOrder: [3, 1, 2],
      steps: [
        { status: "PROCESSING", available: 1 },
        { status: "PROCESSING", available: 2 },
        { status: "FINISHED" },
      ],
    };
    const { findings } = await run(exportFindings(config));
    const chunkRequests = tenable.service.requestsTo("GET", /\/chunks\//);
    expect(chunkRequests.map((request) => request.url.pathname.split("/").pop()).sort()).toEqual([
      "1",
      "2",
      "3",
    ]);
    expect(
      findings.map((f) => f.plugin.id),
      "findings come in chunk-id order",
    ).toEqual([1, 2, 3]);
  });

  it("orders chunks by number, chunk 2 before chunk 10", async () => {
    const count = 12;
    const ids = Array.from({ length: count }, (_, i) => i + 1);
    // One asset per chunk: chunk n holds plugin n.
    tenable.findings = ids.map((id) =>
      sampleFinding({
        pluginId: id,
        asset: `00000000-0000-4000-8000-${String(id).padStart(12, "0")}`,
      }),
    );
    tenable.script = { assetsPerChunk: 1, chunkOrder: [...ids].reverse() };
    const { findings } = await run(exportFindings(config));
    expect(
      findings.map((f) => f.plugin.id),
      "findings come in ascending chunk-id order, compared as numbers",
    ).toEqual(ids);
  });

  it("keeps the order of the findings inside a chunk", async () => {
    tenable.findings = [
      sampleFinding({ pluginId: 30, asset: ASSET_B }),
      sampleFinding({ pluginId: 10, asset: ASSET_A }),
      sampleFinding({ pluginId: 20, asset: ASSET_B }),
    ];
    tenable.script = { assetsPerChunk: 1, chunkOrder: [2, 1] };
    const { findings } = await run(exportFindings(config));
    // chunk 1 holds ASSET_B's findings (30, 20), chunk 2 ASSET_A's (10)
    expect(findings.map((f) => f.plugin.id)).toEqual([30, 20, 10]);
  });

  it("reports the items that fail validation, by chunk and index, and keeps the rest", async () => {
    tenable.findings = [
      sampleFinding({ pluginId: 1, asset: ASSET_A }),
      sampleFinding({ pluginId: 2, asset: ASSET_B }),
      { ...sampleFinding({ pluginId: 3, asset: ASSET_B }), state: null },
      sampleFinding({ pluginId: 0, asset: ASSET_B }),
    ];
    tenable.script = { assetsPerChunk: 1 };
    const result = await run(exportFindings(config));
    expect(result.findings.map((f) => f.plugin.id)).toEqual([1, 2]);
    expect(result.skipped).toEqual([
      { chunk: 2, index: 1, reason: "unknown state null" },
      { chunk: 2, index: 2, reason: "plugin.id must be a positive integer" },
    ]);
  });

  it("takes a status without chunks_available as listing none", async () => {
    tenable.findings = [sampleFinding({ pluginId: 1, asset: ASSET_A })];
    tenable.script = { steps: [{ status: "QUEUED" }, { status: "FINISHED" }] };
    tenable.service.failNext(
      "GET",
      /\/status$/,
      faults.status(200, { uuid: "5d9a1f3e-0c4b-4e7a-9f21-000000000001", status: "QUEUED" }),
    );
    const { findings } = await run(exportFindings(config));
    expect(findings).toHaveLength(1);
  });

  it.each([
    [200, {}],
    [200, { export_uuid: "" }],
    [409, { failure_reason: "duplicate" }],
    [409, { export_uuid: "5d9a1f3e-0c4b-4e7a-9f21-000000000001" }],
  ])("rejects an export answer %d %j that names no export", async (status, body) => {
    tenable.service.failNext("POST", "/vulns/export", faults.status(status, body));
    const error = await failure(exportFindings(config));
    expect(error).toBeInstanceOf(ExportError);
    expect(error).toMatchObject({ name: "ExportError" });
    expect(error.message).toBe(`the export request answered ${status} without an export id`);
  });

  it("uses the running export a 409 names", async () => {
    tenable.findings = [sampleFinding({ pluginId: 1, asset: ASSET_A })];
    tenable.runningExport = "1f3381e3-a551-4b9b-9c17-b019412cc35c";
    const { findings } = await run(exportFindings(config));
    expect(findings).toHaveLength(1);
    expect(tenable.service.requestsTo("GET").map((request) => request.url.pathname)).toEqual([
      "/vulns/export/1f3381e3-a551-4b9b-9c17-b019412cc35c/status",
      "/vulns/export/1f3381e3-a551-4b9b-9c17-b019412cc35c/chunks/1",
    ]);
  });

  it.each(["ERROR", "CANCELLED"] as const)(
    "rejects with an ExportError when the export ends %s",
    async (status) => {
      tenable.script = { steps: [{ status: "PROCESSING" }, { status }] };
      const error = await failure(exportFindings(config));
      expect(error).toBeInstanceOf(ExportError);
      expect(error.message).toBe(
        `export 5d9a1f3e-0c4b-4e7a-9f21-000000000001 ended with status ${status}`,
      );
    },
  );

  it("gives up once exportTimeoutMs has passed without FINISHED", async () => {
    tenable.script = { steps: [{ status: "PROCESSING" }] };
    const done = outcome(exportFindings({ ...config, exportTimeoutMs: 20_000 }));
    await vi.advanceTimersByTimeAsync(19_999);
    expect(tenable.service.requestsTo("GET", /\/status$/)).toHaveLength(4);
    await vi.runAllTimersAsync();
    const { error } = await done;
    expect(error).toBeInstanceOf(ExportError);
    expect((error as Error).message).toBe(
      "export 5d9a1f3e-0c4b-4e7a-9f21-000000000001 did not finish within 20000 ms",
    );
    expect(times(tenable.service.requestsTo("GET", /\/status$/))).toEqual([
      0, 5000, 10_000, 15_000, 20_000,
    ]);
  });

  it("starts the exportTimeoutMs clock once the export id is known, not at the first POST", async () => {
    tenable.script = { steps: [{ status: "PROCESSING" }] };
    tenable.service.failNext("POST", "/vulns/export", faults.tooManyRequests("10"));
    const done = outcome(exportFindings({ ...config, exportTimeoutMs: 20_000 }));
    await vi.runAllTimersAsync();
    const { error } = await done;
    expect(error).toBeInstanceOf(ExportError);
    expect(
      times(tenable.service.requestsTo("GET", /\/status$/)),
      "the id comes at 10 s: the deadline is 30 s",
    ).toEqual([10_000, 15_000, 20_000, 25_000, 30_000]);
  });

  it("downloads the chunks the last status lists before giving up at the deadline", async () => {
    tenable.findings = [sampleFinding({ pluginId: 1, asset: ASSET_A })];
    tenable.script = {
      steps: [
        { status: "PROCESSING" },
        { status: "PROCESSING" },
        { status: "PROCESSING" },
        { status: "PROCESSING" },
        { status: "PROCESSING", available: 1 },
      ],
    };
    const error = await failure(exportFindings({ ...config, exportTimeoutMs: 20_000 }));
    expect(error).toBeInstanceOf(ExportError);
    expect(error.message).toMatch(/did not finish within 20000 ms$/);
    expect(times(tenable.service.requestsTo("GET", /\/chunks\//))).toEqual([20_000]);
  });

  it("accepts a FINISHED that arrives exactly at the deadline", async () => {
    tenable.findings = [sampleFinding({ pluginId: 1, asset: ASSET_A })];
    tenable.script = {
      steps: [
        { status: "PROCESSING" },
        { status: "PROCESSING" },
        { status: "PROCESSING" },
        { status: "PROCESSING" },
        { status: "FINISHED" },
      ],
    };
    const { findings } = await run(exportFindings({ ...config, exportTimeoutMs: 20_000 }));
    expect(findings).toHaveLength(1);
    expect(times(tenable.service.requestsTo("GET", /\/status$/)).at(-1)).toBe(20_000);
  });

  it("waits ten minutes by default before giving up", async () => {
    tenable.script = { steps: [{ status: "QUEUED" }] };
    const error = await failure(exportFindings(config));
    expect(error.message).toMatch(/did not finish within 600000 ms$/);
    expect(tenable.service.requestsTo("GET", /\/status$/)).toHaveLength(121);
  });

  it.each([
    ["text that is not JSON", "<html>502 Bad Gateway</html>"],
    ["a JSON object", '{"findings": []}'],
    ["JSON null", "null"],
  ])("rejects with an ExportError when a chunk is %s", async (_what, body) => {
    tenable.findings = [sampleFinding({ pluginId: 1, asset: ASSET_A })];
    tenable.rawChunks.set(1, body);
    const error = await failure(exportFindings(config));
    expect(error).toBeInstanceOf(ExportError);
    expect(error.message).toBe(
      "chunk 1 of export 5d9a1f3e-0c4b-4e7a-9f21-000000000001 is not a JSON array",
    );
  });

  it.each([
    ["retries", -1],
    ["retries", 1.5],
    ["retries", 11],
    ["retries", Number.NaN],
    ["pollIntervalMs", 0],
    ["pollIntervalMs", -5],
    ["pollIntervalMs", Number.NaN],
    ["pollIntervalMs", Number.POSITIVE_INFINITY],
    ["exportTimeoutMs", 0],
    ["exportTimeoutMs", Number.POSITIVE_INFINITY],
    ["maxRetryWaitMs", -1],
    ["maxRetryWaitMs", Number.NaN],
  ])("rejects %s = %s with a RangeError before any request", async (option, value) => {
    const error = await failure(exportFindings({ ...config, [option]: value }));
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toContain(option);
    expect(tenable.service.requests).toHaveLength(0);
  });

  it("accepts the edges of the options", async () => {
    await expect(
      run(exportFindings({ ...config, retries: 0, pollIntervalMs: 0.5, maxRetryWaitMs: 1 })),
    ).resolves.toEqual({ findings: [], skipped: [] });
    await expect(run(exportFindings({ ...config, retries: 10 }))).resolves.toBeDefined();
  });
});

describe("step 5 — throttled, failing and refused", () => {
  const exportPosts = () => tenable.service.requestsTo("POST", "/vulns/export");

  it("waits the seconds a 429's Retry-After asks, not a millisecond less", async () => {
    tenable.service.failNext("POST", "/vulns/export", faults.tooManyRequests("7"));
    const done = outcome(exportFindings(config));
    await vi.advanceTimersByTimeAsync(6999);
    expect(exportPosts(), "no retry before 7 s").toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(exportPosts()).toHaveLength(2);
    await vi.runAllTimersAsync();
    expect((await done).error).toBeUndefined();
  });

  it("waits until the HTTP date a 429's Retry-After names", async () => {
    vi.setSystemTime(Date.parse("2026-12-01T12:00:00.400Z"));
    tenable.service.failNext(
      "POST",
      "/vulns/export",
      faults.tooManyRequests("Tue, 01 Dec 2026 12:00:03 GMT"),
    );
    await run(exportFindings(config));
    expect(times(exportPosts())).toEqual([400, 3000]);
  });

  it("retries at once when the date has already passed", async () => {
    tenable.service.failNext(
      "POST",
      "/vulns/export",
      faults.tooManyRequests("Tue, 01 Dec 2026 11:59:00 GMT"),
    );
    await run(exportFindings(config));
    expect(times(exportPosts())).toEqual([0, 0]);
  });

  it("waits 1 s, 2 s, 4 s when 429s come without a Retry-After", async () => {
    tenable.service.failNext(
      "POST",
      "/vulns/export",
      faults.tooManyRequests(),
      faults.tooManyRequests(),
      faults.tooManyRequests(),
    );
    await run(exportFindings(config));
    expect(times(exportPosts())).toEqual([0, 1000, 3000, 7000]);
  });

  it("falls back to the doubling waits when the Retry-After makes no sense", async () => {
    tenable.service.failNext(
      "POST",
      "/vulns/export",
      faults.tooManyRequests("soon"),
      faults.tooManyRequests("2.5"),
    );
    await run(exportFindings(config));
    expect(times(exportPosts())).toEqual([0, 1000, 3000]);
  });

  it("mixes both: the header when it is there, the doubling wait when it is not", async () => {
    tenable.service.failNext(
      "POST",
      "/vulns/export",
      faults.tooManyRequests(),
      faults.tooManyRequests("10"),
      faults.tooManyRequests(),
    );
    await run(exportFindings(config));
    expect(times(exportPosts())).toEqual([0, 1000, 11_000, 15_000]);
  });

  it.each([500, 502, 503, 504])("retries a %d, honouring its Retry-After", async (status) => {
    tenable.findings = [sampleFinding({ pluginId: 1, asset: ASSET_A })];
    tenable.service.failNext(
      "GET",
      /\/chunks\/1$/,
      faults.status(
        status,
        { statusCode: status, error: "Server Error", message: "try again" },
        {
          "Retry-After": "2",
        },
      ),
      faults.status(status, { statusCode: status, error: "Server Error", message: "try again" }),
    );
    const { findings } = await run(exportFindings(config));
    expect(findings).toHaveLength(1);
    expect(times(tenable.service.requestsTo("GET", /\/chunks\//))).toEqual([0, 2000, 4000]);
  });

  it("retries a dropped connection with the doubling waits", async () => {
    tenable.service.failNext("GET", /\/status$/, faults.networkError(), faults.networkError());
    await run(exportFindings(config));
    expect(times(tenable.service.requestsTo("GET", /\/status$/))).toEqual([0, 1000, 3000]);
  });

  it("gives up after retries + 1 requests with an HttpError saying so", async () => {
    const unavailable = faults.status(503, {
      statusCode: 503,
      error: "Service Unavailable",
      message: "Please wait a moment and try your request again.",
    });
    tenable.service.failNext("POST", "/vulns/export", unavailable, unavailable, unavailable);
    const error = await failure(exportFindings({ ...config, retries: 2 }));
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ service: "tenable", status: 503 });
    expect(error.message).toBe(
      "Tenable POST /vulns/export failed: 503 Please wait a moment and try your request again. (after 3 attempts)",
    );
    expect(exportPosts()).toHaveLength(3);
  });

  it("makes 5 attempts by default", async () => {
    const busy = faults.tooManyRequests("1");
    tenable.service.failNext("POST", "/vulns/export", busy, busy, busy, busy, busy, busy);
    const error = await failure(exportFindings(config));
    expect(error.message).toMatch(/failed: 429 .*\(after 5 attempts\)$/);
    expect(exportPosts()).toHaveLength(5);
  });

  it("sends once with retries: 0", async () => {
    tenable.service.failNext("POST", "/vulns/export", faults.tooManyRequests("1"));
    const error = await failure(exportFindings({ ...config, retries: 0 }));
    expect(error).toBeInstanceOf(HttpError);
    expect(exportPosts()).toHaveLength(1);
  });

  it("numbers the doubling waits by the retry, whatever failed before it", async () => {
    tenable.service.failNext(
      "POST",
      "/vulns/export",
      faults.networkError(),
      faults.tooManyRequests(),
    );
    await run(exportFindings(config));
    expect(times(exportPosts()), "1 s before the first retry, 2 s before the second").toEqual([
      0, 1000, 3000,
    ]);
  });

  it("gives up on a dropped connection with status 0 once retries run out", async () => {
    tenable.service.failNext("POST", "/vulns/export", faults.networkError(), faults.networkError());
    const error = await failure(exportFindings({ ...config, retries: 1 }));
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ name: "HttpError", service: "tenable", status: 0 });
    expect(error.message).toMatch(
      /^Tenable POST \/vulns\/export failed: no response after 2 attempts \(.+\)$/,
    );
    expect(exportPosts()).toHaveLength(2);
  });

  it("does not wait longer than maxRetryWaitMs: the request fails at once", async () => {
    tenable.service.failNext("POST", "/vulns/export", faults.tooManyRequests("61"));
    const error = (await settle(exportFindings(config))).error as HttpError;
    expect(error).toBeInstanceOf(HttpError);
    expect(error.status).toBe(429);
    expect(error.message).toBe(
      "Tenable POST /vulns/export failed: 429 Too Many Requests (the wait asked for, 61000 ms, is longer than maxRetryWaitMs)",
    );
    expect(Date.now() - NOW, "it must not have waited").toBe(0);
    expect(exportPosts()).toHaveLength(1);
  });

  it("says the attempts ran out when they did, however long the next wait would be", async () => {
    tenable.service.failNext("POST", "/vulns/export", faults.tooManyRequests("120"));
    const error = await failure(exportFindings({ ...config, retries: 0 }));
    expect(error.message).toBe(
      "Tenable POST /vulns/export failed: 429 Too Many Requests (after 1 attempts)",
    );
  });

  it("does wait exactly maxRetryWaitMs", async () => {
    tenable.service.failNext("POST", "/vulns/export", faults.tooManyRequests("2"));
    await run(exportFindings({ ...config, maxRetryWaitMs: 2000 }));
    expect(times(exportPosts())).toEqual([0, 2000]);
  });

  it("applies maxRetryWaitMs to dates and to the doubling waits too", async () => {
    tenable.service.failNext(
      "POST",
      "/vulns/export",
      faults.tooManyRequests("Tue, 01 Dec 2026 12:00:05 GMT"),
    );
    const error = await failure(exportFindings({ ...config, maxRetryWaitMs: 4999 }));
    expect(error).toBeInstanceOf(HttpError);
    expect(exportPosts()).toHaveLength(1);

    tenable.service.failNext(
      "POST",
      "/vulns/export",
      faults.tooManyRequests(),
      faults.tooManyRequests(),
    );
    const second = await failure(exportFindings({ ...config, maxRetryWaitMs: 1500 }));
    expect(second).toBeInstanceOf(HttpError);
    expect(exportPosts()).toHaveLength(3);
  });

  it("does not retry other client errors, and says what the scanner said", async () => {
    tenable.findings = [sampleFinding({ pluginId: 1, asset: ASSET_A })];
    tenable.service.failNext(
      "GET",
      /\/chunks\/1$/,
      faults.status(404, { statusCode: 404, error: "Not Found", message: "Chunk expired" }),
    );
    const error = await failure(exportFindings(config));
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ service: "tenable", status: 404 });
    expect(error.message).toBe(
      "Tenable GET /vulns/export/5d9a1f3e-0c4b-4e7a-9f21-000000000001/chunks/1 failed: 404 Chunk expired",
    );
    expect(tenable.service.requestsTo("GET", /\/chunks\//)).toHaveLength(1);
  });

  it.each([
    ["JSON null", "null"],
    ["an empty JSON object", "{}"],
    ["a JSON array", '["x"]'],
    ["HTML", "<html><body>Not Found</body></html>"],
  ])("falls back to the status text for an error body that is %s", async (_what, body) => {
    tenable.service.failNext(
      "POST",
      "/vulns/export",
      () => new Response(body, { status: 400, statusText: "Bad Request" }),
    );
    const error = await failure(exportFindings(config));
    expect(error.message).toBe("Tenable POST /vulns/export failed: 400 Bad Request");
  });

  it("stops at once on a 401, naming the scanner, without a retry", async () => {
    tenable.service.failNext(
      "GET",
      /\/status$/,
      faults.status(401, {
        statusCode: 401,
        error: "Unauthorized",
        message: "Invalid credentials.",
      }),
    );
    const error = await failure(exportFindings(config));
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ name: "AuthError", service: "tenable", status: 401 });
    expect(error.message).toBe("Tenable rejected the credentials (401)");
    expect(tenable.service.requests.map((r) => r.method)).toEqual(["POST", "GET"]);
  });

  it("sends the API keys the config holds (wrong keys are a 401)", async () => {
    const wrong = { ...config, tenable: { ...config.tenable, secretKey: "0".repeat(64) } };
    const error = await failure(exportFindings(wrong));
    expect(error).toBeInstanceOf(AuthError);
    expect(tenable.service.requests).toHaveLength(1);
  });

  it("names a GET refused with a 403 too", async () => {
    tenable.findings = [sampleFinding({ pluginId: 1, asset: ASSET_A })];
    tenable.service.failNext("GET", /\/chunks\/1$/, faults.status(403, { message: "Forbidden" }));
    const error = await failure(exportFindings(config));
    expect(error.message).toBe(
      "Tenable denied permission (403) for GET /vulns/export/5d9a1f3e-0c4b-4e7a-9f21-000000000001/chunks/1",
    );
  });

  it("stops at once on a 403, naming the request", async () => {
    tenable.service.failNext(
      "POST",
      "/vulns/export",
      faults.status(403, { statusCode: 403, error: "Forbidden", message: "Forbidden" }),
    );
    const error = await failure(exportFindings(config));
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ service: "tenable", status: 403 });
    expect(error.message).toBe("Tenable denied permission (403) for POST /vulns/export");
    expect(exportPosts()).toHaveLength(1);
  });
});

describe("step 6 — the sync", () => {
  it("creates a ticket for a new finding, exactly as described", async () => {
    tenable.findings = [sampleFinding({ pluginId: 142952, asset: ASSET_A, hostname: "web-01" })];
    const report = await run(syncVulnerabilities(config));
    expect(report).toEqual({
      created: [{ key: `142952:${ASSET_A}`, issue: "SEC-1" }],
      updated: [],
      closed: [],
      reopened: [],
      unchanged: [],
      failed: [],
      skipped: [],
    });
    expect(jira.byKey("SEC-1")).toMatchObject({
      project: "SEC",
      issuetype: "Bug",
      summary: "Apache 2.4.x < 2.4.58 Multiple Vulnerabilities on web-01",
      priority: "High",
      description: DESCRIPTION_A,
      labels: ["vuln-sync", `vuln-142952-${ASSET_A}`],
      status: "To Do",
    });
    expect(jira.service.requestsTo("POST", "/rest/api/2/issue")[0]?.body).toEqual({
      fields: {
        project: { key: "SEC" },
        issuetype: { name: "Bug" },
        labels: ["vuln-sync", `vuln-142952-${ASSET_A}`],
        summary: "Apache 2.4.x < 2.4.58 Multiple Vulnerabilities on web-01",
        priority: { name: "High" },
        description: DESCRIPTION_A,
      },
    });
  });

  it("searches the managed tickets of the project with the fields it needs", async () => {
    await run(syncVulnerabilities(config));
    expect(jira.service.requestsTo("POST", "/rest/api/2/search/jql").map((r) => r.body)).toEqual([
      {
        jql: 'project = "SEC" AND labels = "vuln-sync"',
        fields: ["summary", "priority", "description", "labels", "status"],
        maxResults: 100,
      },
    ]);
  });

  it("reads every search page, even pages shorter than it asked for", async () => {
    jira.pageLimit = 2;
    for (let n = 1; n <= 5; n++) {
      jira.seed({
        summary: `finding ${n}`,
        labels: ["vuln-sync", `vuln-${n}-${ASSET_A}`],
      });
      tenable.findings.push(sampleFinding({ pluginId: n, asset: ASSET_A, state: "FIXED" }));
    }
    const report = await run(syncVulnerabilities(config));
    expect(report.closed.map((closed) => closed.issue)).toEqual([
      "SEC-1",
      "SEC-2",
      "SEC-3",
      "SEC-4",
      "SEC-5",
    ]);
    const searches = jira.service.requestsTo("POST", "/rest/api/2/search/jql");
    expect(searches).toHaveLength(3);
    expect(searches[1]?.body).toMatchObject({ nextPageToken: expect.any(String) });
  });

  it("takes a search page without issues as holding none", async () => {
    tenable.findings = [sampleFinding({ pluginId: 1, asset: ASSET_A })];
    jira.service.failNext("POST", "/rest/api/2/search/jql", faults.status(200, { isLast: true }));
    const report = await run(syncVulnerabilities(config));
    expect(report.created).toEqual([{ key: `1:${ASSET_A}`, issue: "SEC-1" }]);
  });

  it("updates only the fields that changed, and keeps the labels people added", async () => {
    const seeded = jira.seed({
      summary: "Apache 2.4.x < 2.4.58 Multiple Vulnerabilities on web-01",
      priority: "Medium",
      description: DESCRIPTION_A,
      labels: ["vuln-sync", `vuln-142952-${ASSET_A}`, "team-web"],
    });
    tenable.findings = [sampleFinding({ pluginId: 142952, asset: ASSET_A, hostname: "web-01" })];
    const report = await run(syncVulnerabilities(config));
    expect(report.updated).toEqual([
      { key: `142952:${ASSET_A}`, issue: seeded.key, fields: ["priority"] },
    ]);
    expect(jira.service.requestsTo("PUT")[0]?.body).toEqual({
      fields: { priority: { name: "High" } },
    });
    expect(jira.byKey(seeded.key)).toMatchObject({
      priority: "High",
      labels: ["vuln-sync", `vuln-142952-${ASSET_A}`, "team-web"],
    });
  });

  it("lists updated fields in the order summary, priority, description", async () => {
    const seeded = jira.seed({
      summary: "old",
      priority: "Low",
      description: "old",
      labels: ["vuln-sync", `vuln-142952-${ASSET_A}`],
    });
    tenable.findings = [sampleFinding({ pluginId: 142952, asset: ASSET_A, hostname: "web-01" })];
    const report = await run(syncVulnerabilities(config));
    expect(report.updated).toEqual([
      {
        key: `142952:${ASSET_A}`,
        issue: seeded.key,
        fields: ["summary", "priority", "description"],
      },
    ]);
    expect(jira.byKey(seeded.key)).toMatchObject({
      summary: "Apache 2.4.x < 2.4.58 Multiple Vulnerabilities on web-01",
      priority: "High",
      description: DESCRIPTION_A,
    });
  });

  it.each(["To Do", "In Progress"])(
    "closes a %s ticket once its finding is fixed",
    async (status) => {
      const seeded = jira.seed({
        summary: "x",
        status,
        labels: ["vuln-sync", `vuln-142952-${ASSET_A}`],
      });
      tenable.findings = [sampleFinding({ pluginId: 142952, asset: ASSET_A, state: "FIXED" })];
      const report = await run(syncVulnerabilities(config));
      expect(report.closed).toEqual([{ key: `142952:${ASSET_A}`, issue: seeded.key }]);
      expect(jira.byKey(seeded.key)?.status).toBe("Done");
      expect(jira.service.requestsTo("POST", /\/transitions$/).map((r) => r.body)).toEqual([
        { transition: { id: "31" } },
      ]);
    },
  );

  it("reopens a done ticket whose finding came back", async () => {
    const seeded = jira.seed({
      summary: "Apache 2.4.x < 2.4.58 Multiple Vulnerabilities on web-01",
      priority: "High",
      description: DESCRIPTION_A,
      status: "Done",
      labels: ["vuln-sync", `vuln-142952-${ASSET_A}`],
    });
    tenable.findings = [
      sampleFinding({ pluginId: 142952, asset: ASSET_A, hostname: "web-01", state: "REOPENED" }),
    ];
    const report = await run(syncVulnerabilities(config));
    expect(report.reopened).toEqual([{ key: `142952:${ASSET_A}`, issue: seeded.key }]);
    expect(report.updated).toEqual([]);
    expect(jira.byKey(seeded.key)?.status).toBe("To Do");
    expect(jira.service.requestsTo("POST", /\/transitions$/).map((r) => r.body)).toEqual([
      { transition: { id: "41" } },
    ]);
  });

  it("finds the transitions of another workflow by status category, not by id", async () => {
    const custom: Workflow = {
      statuses: [
        { id: "1", name: "Triage", category: "new" },
        { id: "2", name: "Fixing", category: "indeterminate" },
        { id: "3", name: "Won't Fix", category: "done" },
        { id: "4", name: "Resolved", category: "done" },
      ],
      transitions: [
        { id: "701", name: "Work on it", from: ["Triage"], to: "Fixing" },
        { id: "702", name: "Won't fix", from: ["Triage", "Fixing"], to: "Won't Fix" },
        { id: "703", name: "Resolve", from: ["Triage", "Fixing"], to: "Resolved" },
        {
          id: "704",
          name: "Back to triage",
          from: ["Won't Fix", "Resolved", "Fixing"],
          to: "Triage",
        },
      ],
    };
    jira.workflow = custom;
    const toClose = jira.seed({
      summary: "x",
      status: "Fixing",
      labels: ["vuln-sync", `vuln-1-${ASSET_A}`],
    });
    const toReopen = jira.seed({
      summary: "x",
      status: "Resolved",
      labels: ["vuln-sync", `vuln-2-${ASSET_A}`],
    });
    tenable.findings = [
      sampleFinding({ pluginId: 1, asset: ASSET_A, state: "FIXED" }),
      sampleFinding({ pluginId: 2, asset: ASSET_A }),
    ];
    const report = await run(syncVulnerabilities(config));
    expect(report.failed).toEqual([]);
    expect(jira.byKey(toClose.key)?.status, "the first transition to a done status").toBe(
      "Won't Fix",
    );
    expect(jira.byKey(toReopen.key)?.status).toBe("Triage");
  });

  it("reopens into a to-do status, even when an in-progress one is offered first", async () => {
    jira.workflow = {
      statuses: DEFAULT_WORKFLOW.statuses,
      transitions: [
        { id: "51", name: "Back to work", from: ["Done"], to: "In Progress" },
        ...DEFAULT_WORKFLOW.transitions,
      ],
    };
    const seeded = jira.seed({
      summary: "x",
      status: "Done",
      labels: ["vuln-sync", `vuln-142952-${ASSET_A}`],
    });
    tenable.findings = [sampleFinding({ pluginId: 142952, asset: ASSET_A })];
    const report = await run(syncVulnerabilities(config));
    expect(report.reopened).toEqual([{ key: `142952:${ASSET_A}`, issue: seeded.key }]);
    expect(
      jira.service.requestsTo("POST", /\/transitions$/).map((r) => r.body),
      "the first transition whose status category is new (Reopen), not In Progress",
    ).toEqual([{ transition: { id: "41" } }]);
    expect(jira.byKey(seeded.key)?.status).toBe("To Do");
  });

  it("reports a ticket the workflow cannot close or reopen, and goes on", async () => {
    jira.workflow = {
      statuses: [
        ...DEFAULT_WORKFLOW.statuses,
        { id: "5", name: "Blocked", category: "indeterminate" },
        { id: "6", name: "Archived", category: "done" },
      ],
      transitions: DEFAULT_WORKFLOW.transitions,
    };
    const blocked = jira.seed({
      summary: "x",
      status: "Blocked",
      labels: ["vuln-sync", `vuln-1-${ASSET_A}`],
    });
    const archived = jira.seed({
      summary: "x",
      status: "Archived",
      labels: ["vuln-sync", `vuln-2-${ASSET_A}`],
    });
    tenable.findings = [
      sampleFinding({ pluginId: 1, asset: ASSET_A, state: "FIXED" }),
      sampleFinding({ pluginId: 2, asset: ASSET_A }),
      sampleFinding({ pluginId: 3, asset: ASSET_A }),
    ];
    const report = await run(syncVulnerabilities(config));
    expect(report.failed).toEqual([
      {
        key: `1:${ASSET_A}`,
        issue: blocked.key,
        action: "close",
        error: `${blocked.key} has no transition to a done status`,
      },
      {
        key: `2:${ASSET_A}`,
        issue: archived.key,
        action: "reopen",
        error: `${archived.key} has no transition to a to-do status`,
      },
    ]);
    expect(report.created).toEqual([{ key: `3:${ASSET_A}`, issue: "SEC-3" }]);
  });

  it("takes a transitions answer without transitions as offering none", async () => {
    const seeded = jira.seed({ summary: "x", labels: ["vuln-sync", `vuln-1-${ASSET_A}`] });
    tenable.findings = [sampleFinding({ pluginId: 1, asset: ASSET_A, state: "FIXED" })];
    jira.service.failNext("GET", /\/transitions$/, faults.status(200, { expand: "transitions" }));
    const report = await run(syncVulnerabilities(config));
    expect(report.failed).toEqual([
      {
        key: `1:${ASSET_A}`,
        issue: seeded.key,
        action: "close",
        error: `${seeded.key} has no transition to a done status`,
      },
    ]);
  });

  it("leaves alone tickets whose finding is absent, and never files a fixed one", async () => {
    jira.seed({ summary: "gone asset", labels: ["vuln-sync", `vuln-5-${ASSET_C}`] });
    tenable.findings = [sampleFinding({ pluginId: 9, asset: ASSET_B, state: "FIXED" })];
    const report = await run(syncVulnerabilities(config));
    expect(jira.writes(), "nothing may be written").toEqual([]);
    expect(report).toMatchObject({ created: [], closed: [], unchanged: [] });
  });

  it("looks only at the project's managed tickets", async () => {
    jira.projects = ["SEC", "OPS"];
    const elsewhere = jira.seed({
      project: "OPS",
      summary: "x",
      labels: ["vuln-sync", `vuln-1-${ASSET_A}`],
    });
    const unmanaged = jira.seed({ summary: "x", labels: [`vuln-1-${ASSET_A}`] });
    tenable.findings = [sampleFinding({ pluginId: 1, asset: ASSET_A, state: "FIXED" })];
    await run(syncVulnerabilities(config));
    expect(jira.byKey(elsewhere.key)?.status).toBe("To Do");
    expect(jira.byKey(unmanaged.key)?.status).toBe("To Do");
    expect(jira.writes()).toEqual([]);
  });

  it("does not contact the tracker when the export fails", async () => {
    tenable.script = { steps: [{ status: "ERROR" }] };
    const error = await failure(syncVulnerabilities(config));
    expect(error).toBeInstanceOf(ExportError);
    expect(jira.service.requests).toEqual([]);
  });

  it("honours a 429 from the tracker too", async () => {
    tenable.findings = [sampleFinding({ pluginId: 1, asset: ASSET_A })];
    jira.service.failNext("POST", "/rest/api/2/search/jql", faults.tooManyRequests("3"));
    jira.service.failNext("POST", "/rest/api/2/issue", faults.tooManyRequests("4"));
    const report = await run(syncVulnerabilities(config));
    expect(report.created).toHaveLength(1);
    expect(times(jira.service.requestsTo("POST", "/rest/api/2/search/jql"))).toEqual([0, 3000]);
    expect(times(jira.service.requestsTo("POST", "/rest/api/2/issue"))).toEqual([3000, 7000]);
  });

  it("rejects when the search fails, before writing anything", async () => {
    tenable.findings = [sampleFinding({ pluginId: 1, asset: ASSET_A })];
    jira.service.failNext(
      "POST",
      "/rest/api/2/search/jql",
      faults.status(400, {
        errorMessages: ["The value 'SEC' does not exist for the field 'project'."],
        errors: {},
      }),
    );
    const error = await failure(syncVulnerabilities(config));
    expect(error).toBeInstanceOf(HttpError);
    expect(error.message).toBe(
      "Jira POST /rest/api/2/search/jql failed: 400 The value 'SEC' does not exist for the field 'project'.",
    );
    expect(jira.writes()).toEqual([]);
  });

  it("ignores info findings that come anyway", async () => {
    tenable.rawChunks.set(
      1,
      JSON.stringify([sampleFinding({ pluginId: 19506, asset: ASSET_A, severity: "info" })]),
    );
    tenable.findings = [sampleFinding({ pluginId: 1, asset: ASSET_A })];
    const report = await run(syncVulnerabilities(config));
    expect(report.created).toEqual([]);
    expect(jira.writes()).toEqual([]);
  });

  it("reports the findings the export could not use", async () => {
    tenable.rawChunks.set(1, JSON.stringify([{ plugin: { id: 1 } }, null]));
    tenable.findings = [sampleFinding({ pluginId: 1, asset: ASSET_A })];
    const report = await run(syncVulnerabilities(config));
    expect(report.skipped).toEqual([
      { chunk: 1, index: 0, reason: "plugin.name must be a non-empty string" },
      { chunk: 1, index: 1, reason: "not an object" },
    ]);
  });
});

/** A scanner and a tracker with one of each situation: create, update, close, reopen, keep. */
function mixedWorld() {
  jira.seed({
    summary: "old summary",
    priority: "High",
    description: "old",
    labels: ["vuln-sync", `vuln-2-${ASSET_A}`],
  }); // SEC-1: to update
  jira.seed({ summary: "x", labels: ["vuln-sync", `vuln-3-${ASSET_A}`] }); // SEC-2: to close
  jira.seed({ summary: "x", status: "Done", labels: ["vuln-sync", `vuln-4-${ASSET_A}`] }); // SEC-3: to reopen
  tenable.findings = [
    sampleFinding({ pluginId: 1, asset: ASSET_A, hostname: "web-01" }),
    sampleFinding({ pluginId: 2, asset: ASSET_A, hostname: "web-01" }),
    sampleFinding({ pluginId: 3, asset: ASSET_A, state: "FIXED" }),
    sampleFinding({ pluginId: 4, asset: ASSET_A, hostname: "web-01", state: "REOPENED" }),
    sampleFinding({ pluginId: 5, asset: ASSET_B, hostname: "db-01" }),
  ];
}

describe("step 7 — twice, and half-way", () => {
  it("changes nothing on a second run", async () => {
    mixedWorld();
    const first = await run(syncVulnerabilities(config));
    expect(first.created.map((c) => c.key)).toEqual([`1:${ASSET_A}`, `5:${ASSET_B}`]);
    expect(first.updated.map((u) => u.issue)).toEqual(["SEC-1", "SEC-3"]);
    expect(first.closed.map((c) => c.issue)).toEqual(["SEC-2"]);
    expect(first.reopened.map((r) => r.issue)).toEqual(["SEC-3"]);
    const writesAfterFirst = jira.writes().length;

    const second = await run(syncVulnerabilities(config));
    expect(jira.writes().length, "the second run must write nothing").toBe(writesAfterFirst);
    expect(second).toEqual({
      created: [],
      updated: [],
      closed: [],
      reopened: [],
      unchanged: [`1:${ASSET_A}`, `2:${ASSET_A}`, `3:${ASSET_A}`, `4:${ASSET_A}`, `5:${ASSET_B}`],
      failed: [],
      skipped: [],
    });
  });

  it("updates only what changed between runs, not what changes every scan", async () => {
    tenable.findings = [sampleFinding({ pluginId: 1, asset: ASSET_A, hostname: "web-01" })];
    await run(syncVulnerabilities(config));
    tenable.findings = [
      sampleFinding({
        pluginId: 1,
        asset: ASSET_A,
        hostname: "web-01",
        output: "Installed version : 2.4.52",
        lastFound: "2026-12-01T02:00:00Z",
      }),
      sampleFinding({ pluginId: 1, asset: ASSET_A, hostname: "web-01", port: 443, lastFound: "x" }),
    ];
    const quiet = await run(syncVulnerabilities(config));
    expect(quiet.updated).toEqual([]);

    tenable.findings = [
      sampleFinding({ pluginId: 1, asset: ASSET_A, hostname: "web-01", severity: "critical" }),
    ];
    const louder = await run(syncVulnerabilities(config));
    expect(louder.updated).toEqual([
      { key: `1:${ASSET_A}`, issue: "SEC-1", fields: ["priority", "description"] },
    ]);
    expect(jira.byKey("SEC-1")?.priority).toBe("Highest");
  });

  it("reports a failed create and still makes the others", async () => {
    tenable.findings = [
      sampleFinding({ pluginId: 1, asset: ASSET_A }),
      sampleFinding({ pluginId: 2, asset: ASSET_A }),
      sampleFinding({ pluginId: 3, asset: ASSET_A }),
    ];
    jira.service.failNext(
      "POST",
      "/rest/api/2/issue",
      faults.none(),
      faults.status(400, {
        errorMessages: [],
        errors: { priority: "The priority selected is invalid." },
      }),
    );
    const report = await run(syncVulnerabilities(config));
    expect(report.created).toEqual([
      { key: `1:${ASSET_A}`, issue: "SEC-1" },
      { key: `3:${ASSET_A}`, issue: "SEC-2" },
    ]);
    expect(
      report.failed,
      "a failed create has no issue key, not even an undefined one",
    ).toStrictEqual([
      {
        key: `2:${ASSET_A}`,
        action: "create",
        error:
          "Jira POST /rest/api/2/issue failed: 400 priority: The priority selected is invalid.",
      },
    ]);
    expect(jira.issues.size).toBe(2);
  });

  it("joins Jira's errorMessages and errors with semicolons", async () => {
    tenable.findings = [sampleFinding({ pluginId: 1, asset: ASSET_A })];
    jira.service.failNext(
      "POST",
      "/rest/api/2/issue",
      faults.status(400, {
        errorMessages: ["Issue could not be created.", "Try again."],
        errors: { summary: "Too long.", labels: "Bad label." },
      }),
    );
    const report = await run(syncVulnerabilities(config));
    expect(report.failed[0]?.error).toBe(
      "Jira POST /rest/api/2/issue failed: 400 Issue could not be created.; Try again.; summary: Too long.; labels: Bad label.",
    );
  });

  it("reports an update of a ticket deleted since the search", async () => {
    mixedWorld();
    jira.service.failNext(
      "PUT",
      "/rest/api/2/issue/SEC-1",
      faults.status(404, {
        errorMessages: ["Issue does not exist or you do not have permission to see it."],
        errors: {},
      }),
    );
    const report = await run(syncVulnerabilities(config));
    expect(report.failed).toEqual([
      {
        key: `2:${ASSET_A}`,
        issue: "SEC-1",
        action: "update",
        error:
          "Jira PUT /rest/api/2/issue/SEC-1 failed: 404 Issue does not exist or you do not have permission to see it.",
      },
    ]);
    expect(report.closed.map((c) => c.issue)).toEqual(["SEC-2"]);
    expect(report.reopened.map((r) => r.issue)).toEqual(["SEC-3"]);
    expect(report.created).toHaveLength(2);
  });

  it("reports an action whose retries ran out, with the status text when there is no body text", async () => {
    tenable.findings = [sampleFinding({ pluginId: 1, asset: ASSET_A })];
    const down = () => new Response(null, { status: 503, statusText: "Service Unavailable" });
    jira.service.failNext("POST", "/rest/api/2/issue", down, down);
    const report = await run(syncVulnerabilities({ ...config, retries: 1 }));
    expect(report.failed).toEqual([
      {
        key: `1:${ASSET_A}`,
        action: "create",
        error: "Jira POST /rest/api/2/issue failed: 503 Service Unavailable (after 2 attempts)",
      },
    ]);
  });

  it("stops at once on a 401 in the middle, with a report of what it had done", async () => {
    mixedWorld();
    jira.service.failNext(
      "POST",
      "/rest/api/2/issue",
      faults.none(),
      () => new Response("Client must be authenticated to access this resource.", { status: 401 }),
    );
    const error = (await failure(syncVulnerabilities(config))) as AuthError;
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ service: "jira", status: 401 });
    expect(error.message).toBe("Jira rejected the credentials (401)");
    // Actions run in key order: create 1, update SEC-1, close SEC-2, reopen + update SEC-3, create 5.
    expect(error.report).toEqual({
      created: [{ key: `1:${ASSET_A}`, issue: "SEC-4" }],
      updated: [
        { key: `2:${ASSET_A}`, issue: "SEC-1", fields: ["summary", "description"] },
        { key: `4:${ASSET_A}`, issue: "SEC-3", fields: ["summary", "priority", "description"] },
      ],
      closed: [{ key: `3:${ASSET_A}`, issue: "SEC-2" }],
      reopened: [{ key: `4:${ASSET_A}`, issue: "SEC-3" }],
      unchanged: [],
      failed: [],
      skipped: [],
    });
    const last = jira.service.requests.at(-1);
    expect(`${last?.method} ${last?.url.pathname}`, "nothing after the 401").toBe(
      "POST /rest/api/2/issue",
    );
    expect(jira.service.requestsTo("POST", "/rest/api/2/issue")).toHaveLength(2);
  });

  it("keeps the export's skipped items on the report of a 401 from the search", async () => {
    tenable.rawChunks.set(
      1,
      JSON.stringify([null, sampleFinding({ pluginId: 1, asset: ASSET_A })]),
    );
    tenable.findings = [sampleFinding({ pluginId: 1, asset: ASSET_A })];
    jira.service.failNext(
      "POST",
      "/rest/api/2/search/jql",
      () => new Response("Client must be authenticated to access this resource.", { status: 401 }),
    );
    const error = (await failure(syncVulnerabilities(config))) as AuthError;
    expect(error).toBeInstanceOf(AuthError);
    expect(
      error.report,
      "the export had finished: its skipped items are part of the report",
    ).toEqual({
      created: [],
      updated: [],
      closed: [],
      reopened: [],
      unchanged: [],
      failed: [],
      skipped: [{ chunk: 1, index: 0, reason: "not an object" }],
    });
  });

  it("keeps the skipped items and the unchanged keys on the report of a 401 mid-way", async () => {
    mixedWorld();
    // A fixed finding whose ticket is already done: nothing to do, so the plan lists it unchanged.
    jira.seed({ summary: "x", status: "Done", labels: ["vuln-sync", `vuln-6-${ASSET_B}`] });
    tenable.findings.push(sampleFinding({ pluginId: 6, asset: ASSET_B, state: "FIXED" }), {
      ...sampleFinding({ pluginId: 8, asset: ASSET_B }),
      state: null,
    });
    jira.service.failNext(
      "POST",
      "/rest/api/2/issue",
      faults.none(),
      () => new Response("Client must be authenticated to access this resource.", { status: 401 }),
    );
    const error = (await failure(syncVulnerabilities(config))) as AuthError;
    expect(error).toBeInstanceOf(AuthError);
    expect(
      error.report.created.map((created) => created.key),
      "the 401 came on the second create",
    ).toEqual([`1:${ASSET_A}`]);
    expect(error.report.unchanged, "the plan was made: its unchanged keys are reported").toEqual([
      `6:${ASSET_B}`,
    ]);
    // One chunk, findings grouped by asset: ASSET_A's four, then ASSET_B's 5, 6 and 8.
    expect(error.report.skipped, "the export had finished: its skipped items are reported").toEqual(
      [{ chunk: 1, index: 6, reason: "unknown state null" }],
    );
  });

  it("stops at once on a 403 from a transition, naming it", async () => {
    mixedWorld();
    jira.service.failNext(
      "POST",
      "/rest/api/2/issue/SEC-2/transitions",
      faults.status(403, {
        errorMessages: ["You do not have permission to transition this issue."],
        errors: {},
      }),
    );
    const error = (await failure(syncVulnerabilities(config))) as AuthError;
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toBe(
      "Jira denied permission (403) for POST /rest/api/2/issue/SEC-2/transitions",
    );
    expect(error.report.closed).toEqual([]);
    expect(error.report.updated.map((u) => u.issue)).toEqual(["SEC-1"]);
    expect(jira.byKey("SEC-3")?.status, "the reopen after the 403 never ran").toBe("Done");
  });

  it("sends the tracker credentials the config holds (wrong ones are a 401)", async () => {
    tenable.findings = [sampleFinding({ pluginId: 1, asset: ASSET_A })];
    const wrong = { ...config, jira: { ...config.jira, apiToken: "expired" } };
    const error = (await failure(syncVulnerabilities(wrong))) as AuthError;
    expect(error).toBeInstanceOf(AuthError);
    expect(error.service).toBe("jira");
    expect(error.report).toEqual({
      created: [],
      updated: [],
      closed: [],
      reopened: [],
      unchanged: [],
      failed: [],
      skipped: [],
    });
    expect(jira.service.requests).toHaveLength(1);
  });

  it("carries a report on an AuthError from the scanner too", async () => {
    const wrong = { ...config, tenable: { ...config.tenable, accessKey: "nope" } };
    const error = (await failure(syncVulnerabilities(wrong))) as AuthError;
    expect(error).toBeInstanceOf(AuthError);
    expect(error.report).toEqual({
      created: [],
      updated: [],
      closed: [],
      reopened: [],
      unchanged: [],
      failed: [],
      skipped: [],
    });
    expect(jira.service.requests).toEqual([]);
  });

  it("sends the tracker one request at a time", async () => {
    mixedWorld();
    jira.service.latencyMs = 10;
    const report = await run(syncVulnerabilities(config));
    expect(report.created).toHaveLength(2);
    expect(jira.service.maxInFlight, "requests to the tracker must not overlap").toBe(1);
  });
});
