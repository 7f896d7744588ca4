/**
 * The spec of the log-aggregation kata (read README.md alongside). Steps 1–3 parse one line of
 * each format, 4–6 count, never throw and rank, 7 reads files: plain, gzipped, broken, and big
 * enough that reading them whole shows in the heap. Every file it writes lives in a temp dir.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { constants, createReadStream, existsSync, readdirSync, readlinkSync } from "node:fs";
import { type FileHandle, mkdtemp, open, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { getHeapSpaceStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { deflateSync, gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { aggregateFile, aggregateLines, type LogSummary, parseLine, topN } from "./log-aggregation";

const FIXTURES = fileURLToPath(new URL("../../fixtures/katas/log-aggregation/", import.meta.url));
const fixture = (name: string) => join(FIXTURES, name);

/** A summary with nothing in it, to spread the interesting parts over. */
const EMPTY: LogSummary = {
  totals: { lines: 0, blank: 0, parsed: 0, unparsed: 0, errors: 0 },
  errors: {},
  unparsedSamples: [],
};

/** An application-log line at `level` for `service` with `message`. */
const app = (level: string, service: string, message: string) =>
  `2024-05-01T12:00:00.000Z ${level} [${service}] ${message}`;

/** A JSON line made of `fields`. */
const json = (fields: Record<string, unknown>) => JSON.stringify(fields);

/** A syslog line from `tag` (with a pid) carrying `message`. */
const syslog = (tag: string, message: string) => `May  1 12:00:00 web-01 ${tag}[4242]: ${message}`;

describe("step 1 — application-log lines", () => {
  it("reads the service, level and error type of an error line", () => {
    expect(parseLine(app("ERROR", "billing", "TimeoutError: ledger did not answer"))).toEqual({
      format: "app",
      service: "billing",
      level: "ERROR",
      isError: true,
      errorType: "TimeoutError",
    });
  });

  it("reads a non-error line, with a null error type", () => {
    expect(parseLine(app("INFO", "billing", "Export: 42 invoices written"))).toEqual({
      format: "app",
      service: "billing",
      level: "INFO",
      isError: false,
      errorType: null,
    });
  });

  it.each([
    ["an ISO timestamp with milliseconds", "2024-05-01T12:00:00.123Z ERROR [api] Boom: x"],
    ["an ISO timestamp with an offset", "2024-05-01T12:00:00+02:00 ERROR [api] Boom: x"],
    ["an ISO timestamp with no fraction", "2024-05-01T12:00:00 ERROR [api] Boom: x"],
    [
      "an offset without its colon (strftime's %z)",
      "2024-05-01T12:00:01.004+0200 ERROR [api] Boom: x",
    ],
    ["microseconds and a negative offset", "2024-05-01 12:00:01.123456-05:00 ERROR [api] Boom: x"],
    [
      "any other non-space suffix (a zone name)",
      "2024-05-01T12:00:01[Europe/Paris] ERROR [api] Boom: x",
    ],
    ["Python's asctime (space, comma)", "2024-05-01 12:00:00,123 ERROR [api] Boom: x"],
    ["a level padded to 8 columns", "2024-05-01 12:00:00,123 ERROR    [api] Boom: x"],
    ["tabs between the fields", "2024-05-01T12:00:00Z\tERROR\t[api]\tBoom: x"],
    ["several spaces between the fields", "2024-05-01T12:00:00Z  ERROR  [api]  Boom: x"],
    [
      "other whitespace (\\s): a no-break space, an em space",
      "2024-05-01T12:00:00Z\u00a0ERROR\u2003[api]\u00a0Boom: x",
    ],
    ["no whitespace between [service] and the message", "2024-05-01T12:00:00Z ERROR [api]Boom: x"],
  ])("accepts %s", (_, line) => {
    expect(parseLine(line)).toEqual({
      format: "app",
      service: "api",
      level: "ERROR",
      isError: true,
      errorType: "Boom",
    });
  });

  it.each([
    "ERROR",
    "error",
    "Err",
    "CRITICAL",
    "crit",
    "ALERT",
    "emerg",
    "Emergency",
    "panic",
    "Fatal",
  ])("counts level %s as an error, upper-casing it", (level) => {
    expect(parseLine(app(level, "api", "Boom: x"))).toMatchObject({
      level: level.toUpperCase(),
      isError: true,
      errorType: "Boom",
    });
  });

  it.each(["INFO", "info", "Warn", "WARNING", "debug", "NOTICE", "trace", "SEVERE"])(
    "does not count level %s as an error, and reports no error type",
    (level) => {
      expect(parseLine(app(level, "api", "Boom: x"))).toMatchObject({
        level: level.toUpperCase(),
        isError: false,
        errorType: null,
      });
    },
  );

  it.each([
    [
      "a dotted (Java, Python) name",
      "java.net.SocketTimeoutException: Read timed out",
      "java.net.SocketTimeoutException",
    ],
    ["a name with digits and underscores", "_Http2Error_7: stream reset", "_Http2Error_7"],
    ["a name at the very end of the line", "OutOfMemory:", "OutOfMemory"],
  ])("takes the error type from %s", (_, message, errorType) => {
    expect(parseLine(app("ERROR", "api", message))?.errorType).toBe(errorType);
  });

  it.each([
    ["a tab", "Boom:\tx"],
    ["a no-break space", "Boom:\u00a0x"],
  ])("takes the error type when its colon is followed by %s (any \\s whitespace)", (_, message) => {
    expect(parseLine(app("ERROR", "api", message))?.errorType).toBe("Boom");
  });

  it.each([
    ["a message that does not start with a name and a colon", "could not reach db: timeout"],
    ["a colon not followed by a space (host:port)", "db:5432 refused the connection"],
    ["a name starting with a digit", "404: not found"],
    ["a name with a hyphen", "Upstream-Timeout: no answer in 30 s"],
    ["a lower-case name with hyphens", "x-request-failed: 502"],
    ["an empty message", ""],
  ])("leaves the error type null for %s", (_, message) => {
    expect(parseLine(app("ERROR", "api", message).trim())).toMatchObject({
      format: "app",
      isError: true,
      errorType: null,
    });
  });

  it("ignores whitespace, a trailing \\r and a BOM around the line", () => {
    expect(parseLine(`\uFEFF  ${app("ERROR", "api", "Boom: x")}  \r`)).toEqual({
      format: "app",
      service: "api",
      level: "ERROR",
      isError: true,
      errorType: "Boom",
    });
  });

  it.each([
    ["a timestamp that is not at the start", `pod-7 ${app("ERROR", "api", "Boom: x")}`],
    ["a date with a two-digit year", "24-05-01T12:00:00Z ERROR [api] Boom: x"],
    ["a time with a one-digit second", "2024-05-01T12:00:0 ERROR [api] Boom: x"],
    ["no [service]", "2024-05-01T12:00:00Z ERROR api Boom: x"],
    ["an empty [service]", "2024-05-01T12:00:00Z ERROR [] Boom: x"],
    ["a service name with a space", "2024-05-01T12:00:00Z ERROR [my api] Boom: x"],
    ["a level with digits", "2024-05-01T12:00:00Z ERROR2 [api] Boom: x"],
    [
      "a lower-case t between date and time (only T or a space)",
      "2024-05-01t12:00:00Z ERROR [api] Boom: x",
    ],
    ["no level", "2024-05-01T12:00:00Z [api] Boom: x"],
    [
      "no whitespace between the level and the [service]",
      "2024-05-01T12:00:00Z ERROR[api] Boom: x",
    ],
    [
      "a date with a one-digit month and day (YYYY-MM-DD only)",
      "2024-5-1 12:00:00 ERROR [api] Boom: x",
    ],
    ["a date with a one-digit day", "2024-05-1T12:00:00Z ERROR [api] Boom: x"],
    ["a time with a one-digit hour (HH:MM:SS only)", "2024-05-01 9:00:01 ERROR [api] Boom: x"],
    ["an empty line", ""],
    ["a line of whitespace only", " \t \r"],
  ])("returns null for %s", (_, line) => {
    expect(parseLine(line)).toBeNull();
  });

  it("takes the service up to the first ]: `[api][req-42] Boom: x` is service api", () => {
    expect(
      parseLine("2024-05-01T12:00:01Z ERROR [api][req-42] Boom: x"),
      "service: the characters up to the first ]; the message [req-42] Boom: x names no error type",
    ).toEqual({
      format: "app",
      service: "api",
      level: "ERROR",
      isError: true,
      errorType: null,
    });
  });

  it("separates the date and the time by one T or one space only: a tab, a no-break space or two spaces match no format", () => {
    for (const gap of ["\t", "\u00a0", "  "]) {
      expect(
        parseLine(`2024-05-01${gap}12:00:01 ERROR [api] Boom: x`),
        `${JSON.stringify(gap)} between the date and the time: expected null (only T or one space)`,
      ).toBeNull();
    }
  });

  it("takes a [ inside the brackets as part of the service: only ] and whitespace end it", () => {
    expect(
      parseLine("2024-05-01T12:00:01Z ERROR [a[b] Boom: x"),
      "[a[b] is the service a[b",
    ).toEqual({ format: "app", service: "a[b", level: "ERROR", isError: true, errorType: "Boom" });
    expect(
      parseLine("2024-05-01T12:00:01Z ERROR [[api]] Boom: x"),
      "[[api]] is the service [api, with the message ] Boom: x (no error type)",
    ).toEqual({ format: "app", service: "[api", level: "ERROR", isError: true, errorType: null });
  });

  it.each(["ERRORS", "Errata", "FATALITY", "ALERTS", "Panicked", "CRITICALLY"])(
    "is an error only when the whole level is an error level: %s is not",
    (level) => {
      expect(
        parseLine(app(level, "api", "Boom: x")),
        `${level} only starts with an error level: a parsed line that is not an error`,
      ).toEqual({
        format: "app",
        service: "api",
        level: level.toUpperCase(),
        isError: false,
        errorType: null,
      });
    },
  );

  it.each([
    ["Foo.: x", "Foo."],
    ["a..b: x", "a..b"],
    ["v1.2Error: x", "v1.2Error"],
    ["_x._: x", "_x._"],
  ])("does not check the dots of an error type: %s names %s", (message, name) => {
    expect(
      parseLine(app("ERROR", "api", message))?.errorType,
      `letters, digits, _ and . in any order after the first character: expected ${name}`,
    ).toBe(name);
  });

  it("takes only ASCII letters for a level and an error type", () => {
    expect(
      parseLine(app("ERROR", "api", "ÉchecError: paiement refusé")),
      "É is not an ASCII letter: the message names no error type",
    ).toMatchObject({ isError: true, errorType: null });
    expect(
      parseLine(app("ERROR", "api", "TimeoutÉrror: x")),
      "an error type continues with ASCII letters, digits, _ or . only",
    ).toMatchObject({ isError: true, errorType: null });
    expect(
      parseLine(app("ÉRREUR", "api", "Boom: x")),
      "ÉRREUR is not a level of letters",
    ).toBeNull();
  });
});

describe("step 2 — JSON lines", () => {
  it("reads service, level and error_type from a JSON object", () => {
    expect(
      parseLine(json({ level: "error", service: "auth", error_type: "TokenExpired", msg: "x" })),
    ).toEqual({
      format: "json",
      service: "auth",
      level: "ERROR",
      isError: true,
      errorType: "TokenExpired",
    });
  });

  it.each([
    ["service", { service: "auth" }],
    ["service.name as a flat key (ECS)", { "service.name": "auth" }],
    ["service.name as a nested object", { service: { name: "auth" } }],
    ["app", { app: "auth" }],
    ["name (pino, bunyan, Python loggers)", { name: "auth" }],
  ])("finds the service in %s", (_, fields) => {
    expect(parseLine(json({ level: "error", ...fields }))?.service).toBe("auth");
  });

  it("prefers service over service.name over app over name", () => {
    const all = { service: "a", "service.name": "b", app: "c", name: "d", level: "info" };
    expect(parseLine(json(all))?.service).toBe("a");
    expect(parseLine(json({ ...all, service: undefined }))?.service).toBe("b");
    expect(
      parseLine(json({ ...all, service: undefined, "service.name": undefined }))?.service,
    ).toBe("c");
  });

  it.each([
    ["level", { level: "ERROR" }],
    ["severity", { severity: "Error" }],
    ["levelname (Python)", { levelname: "ERROR" }],
    ["log.level as a flat key (ECS)", { "log.level": "error" }],
    ["log.level as a nested object", { log: { level: "error" } }],
  ])("finds the level in %s", (_, fields) => {
    expect(parseLine(json({ service: "auth", ...fields }))).toMatchObject({
      level: "ERROR",
      isError: true,
    });
  });

  it("prefers level over severity over levelname over log.level", () => {
    const all = {
      service: "auth",
      level: "info",
      severity: "warn",
      levelname: "debug",
      "log.level": "error",
    };
    expect(parseLine(json(all))?.level).toBe("INFO");
    expect(parseLine(json({ ...all, level: undefined }))?.level).toBe("WARN");
    expect(parseLine(json({ ...all, level: undefined, severity: undefined }))?.level).toBe("DEBUG");
  });

  it.each([
    ["error_type", { error_type: "Boom" }],
    ["errorType", { errorType: "Boom" }],
    ["error.type as a flat key (ECS)", { "error.type": "Boom" }],
    ["error.type as a nested object", { error: { type: "Boom", message: "x" } }],
    ["err.type (pino's error serializer)", { err: { type: "Boom", message: "x" } }],
  ])("finds the error type in %s", (_, fields) => {
    expect(parseLine(json({ service: "auth", level: "error", ...fields }))?.errorType).toBe("Boom");
  });

  it("prefers error_type over errorType over error.type over err.type", () => {
    const all = {
      service: "a",
      level: "error",
      error_type: "A",
      errorType: "B",
      "error.type": "C",
      err: { type: "D" },
    };
    expect(parseLine(json(all))?.errorType).toBe("A");
    expect(parseLine(json({ ...all, error_type: undefined }))?.errorType).toBe("B");
    expect(
      parseLine(json({ ...all, error_type: undefined, errorType: undefined }))?.errorType,
    ).toBe("C");
  });

  it.each([
    [30, false],
    [49, false],
    [49.5, false],
    [50, true],
    [50.5, true],
    [60, true],
    [-1, false],
  ])("treats numeric level %s (pino, bunyan) as an error: %s", (level, isError) => {
    expect(parseLine(json({ name: "inventory", level, err: { type: "Boom" } }))).toEqual({
      format: "json",
      service: "inventory",
      level: String(level),
      isError,
      errorType: isError ? "Boom" : null,
    });
  });

  it.each([
    ["severity", { severity: 50 }, "50"],
    ["levelname", { levelname: 60 }, "60"],
    ["log.level as a flat key", { "log.level": 50 }, "50"],
    ["log.level as a nested object", { log: { level: 55 } }, "55"],
  ])("reads a numeric level under %s too, not only under level", (_, fields, level) => {
    expect(
      parseLine(json({ service: "auth", ...fields, error_type: "Boom" })),
      "every level name accepts a number (a non-blank string or a number), not only `level`",
    ).toEqual({
      format: "json",
      service: "auth",
      level,
      isError: true,
      errorType: "Boom",
    });
  });

  it("takes a number under an earlier name over a level word under a later one: one name at a time", () => {
    expect(
      parseLine(json({ service: "api", level: 30, severity: "error" })),
      "level: 30 is usable, so it is the level (30, not an error); severity is never read",
    ).toEqual({ format: "json", service: "api", level: "30", isError: false, errorType: null });
    expect(
      parseLine(json({ service: "api", severity: 50, levelname: "info" })),
      "severity: 50 comes before levelname: an error with the level 50",
    ).toEqual({ format: "json", service: "api", level: "50", isError: true, errorType: null });
  });

  it("takes a numeric level under a later name when the earlier names are unusable", () => {
    const line = json({ service: "auth", level: null, severity: " ", levelname: 30 });
    expect(parseLine(line), "levelname: 30 is the first usable level: not an error").toEqual({
      format: "json",
      service: "auth",
      level: "30",
      isError: false,
      errorType: null,
    });
  });

  it("trims values with trim(): tabs, newlines and no-break spaces too, not only spaces", () => {
    const line = json({
      service: "\t\u00a0",
      app: "\tauth\u00a0",
      level: "\n\u00a0error\t",
      error_type: "\u2003\t",
      errorType: "\u00a0Boom\r\n",
    });
    expect(
      parseLine(line),
      "a value is trimmed as trim() trims it, and blank means nothing left after trim()",
    ).toEqual({
      format: "json",
      service: "auth",
      level: "ERROR",
      isError: true,
      errorType: "Boom",
    });
  });

  it("reads a number too big for a double (1e400) as the level Infinity, an error", () => {
    expect(parseLine('{"service":"auth","level":1e400,"error_type":"Boom"}')).toEqual({
      format: "json",
      service: "auth",
      level: "Infinity",
      isError: true,
      errorType: "Boom",
    });
  });

  it.each(["50", "60", " 50 "])(
    "reads a level written as the string %j as a level word, not a number: no error",
    (level) => {
      expect(parseLine(json({ service: "auth", level, error_type: "Boom" }))).toEqual({
        format: "json",
        service: "auth",
        level: level.trim(),
        isError: false,
        errorType: null,
      });
    },
  );

  it("prefers the flat dotted key to the nested path when a record has both", () => {
    const line = json({
      "service.name": "flat",
      service: { name: "nested" },
      "log.level": "error",
      log: { level: "info" },
      "error.type": "FlatType",
      error: { type: "NestedType" },
    });
    expect(parseLine(line)).toEqual({
      format: "json",
      service: "flat",
      level: "ERROR",
      isError: true,
      errorType: "FlatType",
    });
  });

  it("tries each name flat then nested before the next name: a nested service.name beats a later app", () => {
    expect(
      parseLine(json({ service: { name: "checkout" }, app: "legacy", level: "error" }))?.service,
      "service (an object) is skipped, then service.name (nested) gives checkout before app is tried",
    ).toBe("checkout");
    expect(
      parseLine(json({ service: "api", level: "error", error: { type: "A" }, "err.type": "B" }))
        ?.errorType,
      "error.type (nested) comes before err.type (flat)",
    ).toBe("A");
    expect(
      parseLine(json({ service: "api", levelname: "info", log: { level: "error" } }))?.level,
      "levelname comes before log.level, nested or not",
    ).toBe("INFO");
  });

  it("is an error only when the whole string level is an error level", () => {
    for (const level of ["critically low", "errors", "fatality"]) {
      expect(
        parseLine(json({ service: "api", level })),
        `"${level}" only starts with an error level: not an error`,
      ).toMatchObject({ level: level.toUpperCase(), isError: false });
    }
  });

  it("takes a flat dotted key that is present even when its value is unusable: the nested path is not tried", () => {
    const line = json({ service: "auth", "log.level": null, log: { level: "error" } });
    expect(parseLine(line), "the flat log.level (null) decides: no usable level").toBeNull();
    const type = json({ service: "auth", level: "error", "error.type": " ", error: { type: "X" } });
    expect(parseLine(type)?.errorType, "the flat error.type (blank) decides").toBeNull();
  });

  it("reads the error type only under its four names: bunyan's err.name or error.name is not one", () => {
    for (const fields of [
      { err: { name: "TypeError" } },
      { error: { name: "TypeError" } },
      { "err.name": "TypeError" },
    ]) {
      expect(
        parseLine(json({ service: "api", level: 50, ...fields }))?.errorType,
        `${json(fields)}: expected a null error type (only error_type, errorType, error.type, err.type)`,
      ).toBeNull();
    }
  });

  it("reports a null error type on an error line that names none", () => {
    expect(parseLine(json({ service: "auth", level: "fatal", msg: "boom" }))).toMatchObject({
      isError: true,
      errorType: null,
    });
  });

  it("reports a null error type on a non-error line, even when it names one", () => {
    expect(parseLine(json({ service: "auth", level: "warn", error_type: "Boom" }))).toMatchObject({
      isError: false,
      errorType: null,
    });
  });

  it("trims the values it reads and skips blank or non-string ones", () => {
    const line = json({
      service: "   ",
      app: 42,
      name: " auth ",
      level: null,
      severity: " error ",
      error_type: "",
      errorType: " Boom ",
    });
    expect(parseLine(line)).toEqual({
      format: "json",
      service: "auth",
      level: "ERROR",
      isError: true,
      errorType: "Boom",
    });
  });

  it.each([
    ["a number", 504],
    ["a boolean", true],
  ])("skips an error type that is %s (not a string) and tries the next name", (_, value) => {
    const line = json({ service: "api", level: "error", error_type: value, errorType: "Gateway" });
    expect(
      parseLine(line)?.errorType,
      "a non-string error_type is skipped, so errorType decides",
    ).toBe("Gateway");
    const only = json({ service: "api", level: "error", error_type: value });
    expect(
      parseLine(only)?.errorType,
      "no string error type: null, not the value as text",
    ).toBeNull();
  });

  it("does not throw on null or scalar values where it expects an object", () => {
    const line = json({
      service: null,
      log: "plain",
      error: null,
      err: 7,
      app: "auth",
      level: "error",
    });
    expect(parseLine(line)).toMatchObject({ service: "auth", errorType: null });
  });

  it.each([
    ["no service", { level: "error", error_type: "Boom" }],
    ["no level", { service: "auth", error_type: "Boom" }],
    ["a boolean level", { service: "auth", level: true }],
    ["a service that is an object with no name", { service: { id: 3 }, level: "error" }],
  ])("returns null for an object with %s", (_, fields) => {
    expect(parseLine(json(fields))).toBeNull();
  });
});

describe("step 3 — syslog lines", () => {
  it("reads the program as the service, and a level word opening the message", () => {
    expect(
      parseLine("May  1 12:00:10 web-01 checkout[881]: error: GatewayTimeout: upstream took 30 s"),
    ).toEqual({
      format: "syslog",
      service: "checkout",
      level: "ERROR",
      isError: true,
      errorType: "GatewayTimeout",
    });
  });

  it.each([
    ["a two-digit day", "May 13 12:00:10 web-01 checkout[881]: error: Boom: x", "checkout"],
    [
      "three spaces between the month and the day (one or more)",
      "May   1 12:00:10 web-01 checkout[881]: error: Boom: x",
      "checkout",
    ],
    ["no pid", "May  1 12:00:10 web-01 kernel: error: Boom: x", "kernel"],
    [
      "a tag with a slash",
      "May  1 12:00:10 mx-1 postfix/smtpd[31]: error: Boom: x",
      "postfix/smtpd",
    ],
    [
      "a fully qualified host",
      "May  1 12:00:10 web-01.eu.example.com app[1]: error: Boom: x",
      "app",
    ],
    ["no space after the tag's colon", "May  1 12:00:10 web-01 app[1]:error: Boom: x", "app"],
    [
      "extra spaces after the level's colon",
      "May  1 12:00:10 web-01 app[1]: error:   Boom: x",
      "app",
    ],
    ["no space after the level's colon", "May  1 12:00:10 web-01 app[1]: error:Boom: x", "app"],
  ])("accepts %s", (_, line, service) => {
    expect(parseLine(line)).toEqual({
      format: "syslog",
      service,
      level: "ERROR",
      isError: true,
      errorType: "Boom",
    });
  });

  it.each([
    ["error", true],
    ["err", true],
    ["crit", true],
    ["CRITICAL", true],
    ["alert", true],
    ["emerg", true],
    ["emergency", true],
    ["panic", true],
    ["fatal", true],
    ["warning", false],
    ["warn", false],
    ["notice", false],
    ["info", false],
    ["debug", false],
    ["trace", false],
  ])("recognises the level word %s:", (word, isError) => {
    expect(parseLine(syslog("app", `${word}: Boom: x`))).toEqual({
      format: "syslog",
      service: "app",
      level: word.toUpperCase(),
      isError,
      errorType: isError ? "Boom" : null,
    });
  });

  it("takes any three letters, upper case then lower case, for a month: not only Jan…Dec", () => {
    expect(parseLine("Xyz  1 12:00:00 web-01 sshd[4242]: error: Boom: x")).toEqual({
      format: "syslog",
      service: "sshd",
      level: "ERROR",
      isError: true,
      errorType: "Boom",
    });
  });

  it("does not check the host: a line with no host reads the program as the host and the level word as the tag", () => {
    expect(
      parseLine("May  1 12:00:10 app[1]: error: X: y"),
      "host app[1]:, tag error, message X: y (no level word): an INFO line",
    ).toEqual({
      format: "syslog",
      service: "error",
      level: "INFO",
      isError: false,
      errorType: null,
    });
  });

  it("takes the error type after a level word when its colon is followed by a tab", () => {
    expect(parseLine(syslog("app", "error: Boom:\tx"))?.errorType).toBe("Boom");
  });

  it("takes exactly three letters for a month: June or Sept match no format", () => {
    for (const month of ["June", "Sept", "Ma"]) {
      expect(
        parseLine(`${month}  1 12:00:10 web-01 app[1]: error: Boom: x`),
        `month ${month}: expected null (a month is exactly three letters)`,
      ).toBeNull();
    }
  });

  it("takes only ASCII letters for a month: Mäi is not one", () => {
    expect(
      parseLine("Mäi  1 12:00:00 web-01 sshd[4242]: error: Boom: x"),
      "not a syslog line",
    ).toBeNull();
  });

  it("reads a message with no level word as an INFO line", () => {
    expect(parseLine("May  1 12:00:11 web-01 kernel: Out of memory: Killed process 4811")).toEqual({
      format: "syslog",
      service: "kernel",
      level: "INFO",
      isError: false,
      errorType: null,
    });
  });

  it("takes a level word only when the colon follows it immediately: `error : x` is an INFO line", () => {
    expect(
      parseLine(syslog("app", "error : disk gone")),
      "a space before the colon: no level word",
    ).toMatchObject({
      format: "syslog",
      level: "INFO",
      isError: false,
      errorType: null,
    });
    expect(
      parseLine(syslog("app", "error: disk gone")),
      "no space before the colon: level ERROR",
    ).toMatchObject({
      level: "ERROR",
      isError: true,
    });
  });

  it("does not take any word before a colon for a level", () => {
    expect(parseLine(syslog("sshd", "PAM: Authentication failure for root"))).toMatchObject({
      level: "INFO",
      isError: false,
    });
  });

  it("skips only spaces after the tag's colon: a tab stays in the message, so no level word opens it", () => {
    expect(parseLine("May  1 12:00:10 web-01 app[1]:\terror: X: y")).toEqual({
      format: "syslog",
      service: "app",
      level: "INFO",
      isError: false,
      errorType: null,
    });
  });

  it("skips only spaces after the level word's colon: a tab stays in the message, so no error type opens it", () => {
    expect(
      parseLine(syslog("app", "error:\tTimeoutError: x")),
      "the message after `error:` is `\tTimeoutError: x`: level ERROR, but no name opens it",
    ).toEqual({
      format: "syslog",
      service: "app",
      level: "ERROR",
      isError: true,
      errorType: null,
    });
  });

  it("only looks for the level word at the start of the message", () => {
    expect(parseLine(syslog("sshd", "Disconnected from user error: preauth"))).toMatchObject({
      level: "INFO",
      isError: false,
    });
  });

  it("reads a message that is only a level word and its colon", () => {
    expect(parseLine(syslog("sshd", "error:"))).toEqual({
      format: "syslog",
      service: "sshd",
      level: "ERROR",
      isError: true,
      errorType: null,
    });
  });

  it("leaves the error type null when the message after the level names none", () => {
    expect(parseLine(syslog("sshd", "error: could not load host key"))).toMatchObject({
      level: "ERROR",
      isError: true,
      errorType: null,
    });
  });

  it.each([
    ["no colon after the tag", "May  1 12:00:10 web-01 checkout[881] error: Boom: x"],
    ["an empty tag", "May  1 12:00:10 web-01 : error: Boom: x"],
    ["a lower-case month", "may  1 12:00:10 web-01 checkout[881]: error: Boom: x"],
    ["a timestamp that is not at the start", `pod-7 ${syslog("app", "error: Boom: x")}`],
  ])("returns null for %s", (_, line) => {
    expect(parseLine(line)).toBeNull();
  });

  it.each([
    ["a pid of letters", "May  1 12:00:10 web-01 app[abc]: error: Boom: x"],
    ["an empty pid", "May  1 12:00:10 web-01 app[]: error: Boom: x"],
    ["a pid with a letter in it", "May  1 12:00:10 web-01 app[12a]: error: Boom: x"],
  ])("returns null for %s: the [pid] holds digits only", (_, line) => {
    expect(
      parseLine(line),
      `${JSON.stringify(line)}: expected null (no format matches)`,
    ).toBeNull();
  });

  it.each([
    ["two spaces between the day and the time", "May  1  12:00:10 web-01 app[1]: error: Boom: x"],
    ["two spaces between the time and the host", "May  1 12:00:10  web-01 app[1]: error: Boom: x"],
    ["two spaces between the host and the tag", "May  1 12:00:10 web-01  app[1]: error: Boom: x"],
    ["a tab between the time and the host", "May  1 12:00:10\tweb-01 app[1]: error: Boom: x"],
    ["a tab between the month and the day", "May\t1 12:00:10 web-01 app[1]: error: Boom: x"],
  ])(
    "returns null for %s: only the month and the day may be apart by more than one space",
    (_, line) => {
      expect(
        parseLine(line),
        `${JSON.stringify(line)}: expected null (no format matches)`,
      ).toBeNull();
    },
  );

  it.each([
    ["a three-digit day", "May 123 12:00:10 web-01 app[1]: error: Boom: x"],
    ["a four-digit day", "May 0001 12:00:10 web-01 app[1]: error: Boom: x"],
  ])("returns null for %s: the day has one or two digits", (_, line) => {
    expect(
      parseLine(line),
      `${JSON.stringify(line)}: expected null (the day has one or two digits)`,
    ).toBeNull();
  });

  it.each([
    ["a fraction of a second", "May  1 12:00:10.5 web-01 app[1]: error: Boom: x"],
    [
      "microseconds, as rsyslog's high-precision time",
      "May  1 12:00:10.123456 web-01 app[1]: error: Boom: x",
    ],
    ["a time zone after the time", "May  1 12:00:10Z web-01 app[1]: error: Boom: x"],
  ])("returns null for %s: the time is HH:MM:SS and nothing more", (_, line) => {
    expect(
      parseLine(line),
      `${JSON.stringify(line)}: expected null (the time is exactly HH:MM:SS, then one space)`,
    ).toBeNull();
  });
});

describe("step 4 — aggregating lines", () => {
  it("counts error lines per service and error type, and every line in the totals", async () => {
    const summary = await aggregateLines([
      app("ERROR", "checkout", "PaymentDeclined: card declined"),
      app("INFO", "checkout", "order accepted"),
      json({ level: "error", service: "auth", error_type: "TokenExpired" }),
      app("error", "checkout", "PaymentDeclined: insufficient funds"),
      syslog("checkout", "error: GatewayTimeout: upstream took 30 s"),
      "",
      "not a log line",
    ]);
    expect(summary).toEqual({
      totals: { lines: 7, blank: 1, parsed: 5, unparsed: 1, errors: 4 },
      errors: {
        auth: { TokenExpired: 1 },
        checkout: { GatewayTimeout: 1, PaymentDeclined: 2 },
      },
      unparsedSamples: ["not a log line"],
    });
  });

  it("counts a service whose name has a slash under that whole name (postfix/smtpd)", async () => {
    const summary = await aggregateLines([
      syslog("postfix/smtpd", "error: Boom: x"),
      syslog("postfix/smtpd", "error: Boom: y"),
      syslog("postfix", "error: smtpd: z"),
    ]);
    expect(
      summary.errors,
      "errors[service][errorType]: a name is a key as it is, never split",
    ).toEqual({
      postfix: { smtpd: 1 },
      "postfix/smtpd": { Boom: 2 },
    });
  });

  it("builds plain objects: errors and each service's object have Object.prototype as their prototype", async () => {
    const summary = await aggregateLines([syslog("checkout", "error: Boom: x")]);
    const hint = "an object made by {} or Object.fromEntries, not Object.create(null)";
    expect(Object.getPrototypeOf(summary.errors) === Object.prototype, `errors: ${hint}`).toBe(
      true,
    );
    expect(
      Object.getPrototypeOf(summary.errors.checkout) === Object.prototype,
      `errors.checkout: ${hint}`,
    ).toBe(true);
  });

  it('counts an error line with no error type under "(none)"', async () => {
    const summary = await aggregateLines([
      app("CRITICAL", "payments", "disk usage at 97%"),
      json({ level: "fatal", app: "payments" }),
      app("ERROR", "payments", "Deadlock: retrying"),
    ]);
    expect(summary.errors).toEqual({ payments: { "(none)": 2, Deadlock: 1 } });
  });

  it('counts a JSON error type written as "(none)" in the same "(none)" bucket as a line that names none', async () => {
    const summary = await aggregateLines([
      json({ level: "error", service: "api", error_type: "(none)" }),
      json({ level: "error", service: "api" }),
      app("ERROR", "api", "no type here"),
    ]);
    expect(
      summary.errors,
      'errors[service]["(none)"] is one plain key: the literal name and the missing one add up',
    ).toEqual({ api: { "(none)": 3 } });
  });

  it("counts non-error lines as parsed and nothing more", async () => {
    const summary = await aggregateLines([
      app("WARN", "api", "Slow: 2 s"),
      syslog("cron", "started"),
    ]);
    expect(summary).toEqual({ ...EMPTY, totals: { ...EMPTY.totals, lines: 2, parsed: 2 } });
  });

  it("counts blank and whitespace-only lines as blank: neither parsed nor unparsed", async () => {
    const summary = await aggregateLines(["", "   ", "\t", "\r"]);
    expect(summary).toEqual({ ...EMPTY, totals: { ...EMPTY.totals, lines: 4, blank: 4 } });
  });

  it("keeps the first 5 unparsed lines as samples, in order", async () => {
    const junk = ["one", "two", "three", "four", "five", "six", "seven"];
    const summary = await aggregateLines(junk);
    expect(summary.totals).toEqual({ ...EMPTY.totals, lines: 7, unparsed: 7 });
    expect(summary.unparsedSamples).toEqual(["one", "two", "three", "four", "five"]);
  });

  it("keeps repeated unparsed lines as samples too: each takes a slot", async () => {
    const summary = await aggregateLines(["junk", "junk", "x", "junk", "junk", "y", "z"]);
    expect(summary.totals).toEqual({ ...EMPTY.totals, lines: 7, unparsed: 7 });
    expect(summary.unparsedSamples, "the first 5 unparsed lines, repeats included").toEqual([
      "junk",
      "junk",
      "x",
      "junk",
      "junk",
    ]);
  });

  it("trims each sample and cuts it to its first 200 characters", async () => {
    const exactly200 = "y".repeat(200);
    const summary = await aggregateLines([
      `  ${"x".repeat(250)}\r`,
      `\t${exactly200}`,
      "\uFEFF short junk \t\r",
    ]);
    expect(summary.unparsedSamples).toEqual(["x".repeat(200), exactly200, "short junk"]);
  });

  it("cuts a sample at 200 UTF-16 code units, even inside a surrogate pair", async () => {
    // "😀" is two code units (\uD83D\uDE00): the cut falls between them.
    const summary = await aggregateLines([`${"x".repeat(199)}😀 tail`]);
    expect(summary.unparsedSamples).toEqual([`${"x".repeat(199)}\uD83D`]);
  });

  it("accepts an async iterable of lines", async () => {
    async function* lines() {
      yield app("ERROR", "api", "Boom: x");
      yield json({ level: "error", service: "api", error_type: "Boom" });
    }
    const summary = await aggregateLines(lines());
    expect(summary.errors).toEqual({ api: { Boom: 2 } });
    expect(summary.totals.lines).toBe(2);
  });

  it("sorts services and error types in code-unit order (upper case before lower case)", async () => {
    const summary = await aggregateLines([
      app("ERROR", "zeta", "b: x"),
      app("ERROR", "beta", "Zed: x"),
      app("ERROR", "Alpha", "a: x"),
      app("ERROR", "beta", "alpha: x"),
      app("ERROR", "beta", "Beta: x"),
      app("ERROR", "_jobs", "a: x"),
    ]);
    expect(Object.keys(summary.errors)).toEqual(["Alpha", "_jobs", "beta", "zeta"]);
    expect(Object.keys(summary.errors.beta ?? {})).toEqual(["Beta", "Zed", "alpha"]);
  });

  it("sorts a name before the longer names it is a prefix of (auth < auth#2 < auth+x)", async () => {
    const summary = await aggregateLines([
      app("ERROR", "auth+x", "Boom: x"),
      app("ERROR", "auth#2", "Boom: x"),
      app("ERROR", "auth", "Boom: x"),
    ]);
    expect(
      Object.keys(summary.errors),
      "code-unit order of the keys alone: a prefix comes first (sorting [key, value] entries compares 'auth,…' with 'auth#2,…')",
    ).toEqual(["auth", "auth#2", "auth+x"]);
  });

  it("produces the same JSON text whatever the order of the lines", async () => {
    const lines = [
      app("ERROR", "web", "B: x"),
      app("ERROR", "api", "B: x"),
      app("ERROR", "web", "A: x"),
      app("ERROR", "api", "A: x"),
    ];
    const forwards = JSON.stringify(await aggregateLines(lines));
    const backwards = JSON.stringify(await aggregateLines([...lines].reverse()));
    expect(forwards).toBe(backwards);
    expect(forwards).toBe(
      '{"totals":{"lines":4,"blank":0,"parsed":4,"unparsed":0,"errors":4},' +
        '"errors":{"api":{"A":1,"B":1},"web":{"A":1,"B":1}},"unparsedSamples":[]}',
    );
  });

  it("returns a fresh summary on every call", async () => {
    await aggregateLines([app("ERROR", "api", "Boom: x"), "junk"]);
    const second = await aggregateLines([app("ERROR", "web", "Other: x")]);
    expect(second).toEqual({
      totals: { lines: 1, blank: 0, parsed: 1, unparsed: 0, errors: 1 },
      errors: { web: { Other: 1 } },
      unparsedSamples: [],
    });
  });

  it("returns a fresh empty summary for no lines: changing one result never changes the next", async () => {
    const first = await aggregateLines([]);
    const second = await aggregateLines([]);
    expect(second, "two calls must not return the same object").not.toBe(first);
    first.totals.lines = 99;
    first.errors.api = { Boom: 1 };
    first.unparsedSamples.push("junk");
    expect(
      await aggregateLines([]),
      "a later call must not see the first result's changes",
    ).toEqual(EMPTY);
    expect(second, "nor may an earlier one").toEqual(EMPTY);
  });

  it("shares nothing between two results: totals, per-service counts and samples are new objects", async () => {
    const lines = [app("ERROR", "api", "Boom: x"), "junk"];
    const first = await aggregateLines(lines);
    const second = await aggregateLines(lines);
    expect(second.totals, "totals").not.toBe(first.totals);
    expect(second.errors, "errors").not.toBe(first.errors);
    expect(second.errors.api, "errors.api").not.toBe(first.errors.api);
    expect(second.unparsedSamples, "unparsedSamples").not.toBe(first.unparsedSamples);
  });

  it("always returns a promise, even for an array", async () => {
    const result = aggregateLines([app("ERROR", "api", "Boom: x")]);
    expect(result, "aggregateLines must return a Promise whatever its input").toBeInstanceOf(
      Promise,
    );
    expect((await result).errors).toEqual({ api: { Boom: 1 } });
  });

  it("never throws for a value that is not iterable: the promise rejects with a TypeError", async () => {
    for (const input of [null, undefined, 42, {}]) {
      let result: Promise<LogSummary> | undefined;
      expect(
        () => {
          result = aggregateLines(input as unknown as string[]);
        },
        `aggregateLines(${String(input)}) must not throw synchronously`,
      ).not.toThrow();
      await expect(
        result,
        `aggregateLines(${String(input)}): expected a promise rejected with a TypeError`,
      ).rejects.toBeInstanceOf(TypeError);
    }
  });

  it("rejects with a TypeError for an item that is not a string, without throwing synchronously", async () => {
    for (const item of [42, null, undefined, { line: "x" }]) {
      let result: Promise<LogSummary> | undefined;
      expect(
        () => {
          result = aggregateLines(["ok", item] as unknown as string[]);
        },
        `aggregateLines(["ok", ${String(item)}]) must not throw synchronously`,
      ).not.toThrow();
      await expect(
        result,
        `aggregateLines(["ok", ${String(item)}]): expected a promise rejected with a TypeError, not a count`,
      ).rejects.toBeInstanceOf(TypeError);
    }
  });

  it("returns an empty summary for no lines", async () => {
    expect(await aggregateLines([])).toEqual(EMPTY);
  });

  it("counts a String object item as its text, like the string it holds", async () => {
    const boxed = new String(` ${app("ERROR", "api", "Boom: x")} `) as unknown as string;
    expect(
      await aggregateLines([boxed]),
      "expected new String(line) to be counted as the line it holds (the README: it is not a non-string item)",
    ).toEqual({
      ...EMPTY,
      totals: { ...EMPTY.totals, lines: 1, parsed: 1, errors: 1 },
      errors: { api: { Boom: 1 } },
    });
  });

  it("iterates a string given as lines one character at a time, as any iterable", async () => {
    expect(
      await aggregateLines("ab\ncd"),
      'expected "ab\\ncd" to count 5 one-character lines (a string is not split into lines)',
    ).toEqual({
      totals: { ...EMPTY.totals, lines: 5, blank: 1, unparsed: 4 },
      errors: {},
      unparsedSamples: ["a", "b", "c", "d"],
    });
  });

  it("never throws: a sync generator that throws makes the promise reject with its error", async () => {
    const failure = new Error("disk gone");
    function* lines() {
      yield app("ERROR", "api", "Boom: x");
      throw failure;
    }
    let result: Promise<LogSummary> | undefined;
    expect(() => {
      result = aggregateLines(lines());
    }, "aggregateLines must not throw synchronously, whatever its input").not.toThrow();
    expect(result, "expected a Promise").toBeInstanceOf(Promise);
    await expect(result, "expected the promise to reject with the generator's error").rejects.toBe(
      failure,
    );
  });
});

describe("step 5 — bad input never throws", () => {
  afterEach(() => {
    // Only a wrong solution writes here; do not let it leak into the other tests.
    delete (Object.prototype as Record<string, unknown>).polluted;
  });

  it.each([
    ["truncated JSON", '{"level":"error","service":"auth","msg":"connection res'],
    ["a JSON array", '[{"level":"error","service":"auth"}]'],
    ["a JSON number", "42"],
    ["a JSON string", '"error"'],
    ["JSON null", "null"],
    ["a lone brace", "{"],
    ["binary junk", "\u0000\u0000\u0000\uFFFD\uFFFD\u001B[31m\u0007"],
    ["a lone surrogate", "\uD800 error"],
  ])("treats %s as unparsed", async (_, line) => {
    expect(() => parseLine(line)).not.toThrow();
    expect(parseLine(line)).toBeNull();
    const summary = await aggregateLines([line]);
    expect(summary.totals).toEqual({ ...EMPTY.totals, lines: 1, unparsed: 1 });
  });

  it("keeps NUL bytes (not whitespace): a run of NULs is unparsed, not blank, and so is a line behind NULs", async () => {
    const behindNuls = `\u0000\u0000\u0000${app("ERROR", "api", "Boom: x")}`;
    expect(parseLine("\u0000\u0000\u0000"), "a line of NULs: no format").toBeNull();
    expect(parseLine(behindNuls), "NULs in front of a valid line: no format").toBeNull();
    const summary = await aggregateLines(["\u0000\u0000\u0000", behindNuls]);
    expect(summary.totals, "trim() keeps NULs: both lines are unparsed, none blank").toEqual({
      ...EMPTY.totals,
      lines: 2,
      unparsed: 2,
    });
    expect(summary.errors).toEqual({});
  });

  it("reads CRLF lines without carrying the \\r into names", async () => {
    const summary = await aggregateLines([
      `${app("ERROR", "billing", "TimeoutError: ledger")}\r`,
      `${json({ level: "error", service: "billing", error_type: "LedgerLocked" })}\r`,
      `${syslog("billing", "crit: DiskFull:")}\r`,
      `${app("ERROR", "billing", "")}\r`,
    ]);
    expect(summary.errors).toEqual({
      billing: { "(none)": 1, DiskFull: 1, LedgerLocked: 1, TimeoutError: 1 },
    });
  });

  it("reads the first line behind a UTF-8 byte-order mark", async () => {
    const summary = await aggregateLines([
      `\uFEFF${json({ level: "error", service: "billing", error_type: "LedgerLocked" })}`,
      `\uFEFF${app("ERROR", "billing", "TimeoutError: x")}`,
    ]);
    expect(summary.errors).toEqual({ billing: { LedgerLocked: 1, TimeoutError: 1 } });
  });

  it("handles a 1 MB line: a JSON record with a huge message, and a huge junk line", async () => {
    const huge = "x".repeat(1024 * 1024);
    const summary = await aggregateLines([
      json({ level: "error", service: "api", error_type: "Boom", msg: huge }),
      app("ERROR", "api", `Boom: ${huge}`),
      huge,
    ]);
    expect(summary.errors).toEqual({ api: { Boom: 2 } });
    expect(summary.totals.unparsed).toBe(1);
    expect(summary.unparsedSamples).toEqual(["x".repeat(200)]);
  });

  it("keeps a service called __proto__ as a plain key, and leaves Object.prototype alone", async () => {
    const summary = await aggregateLines([
      json({ level: "error", service: "__proto__", error_type: "polluted" }),
      json({ level: "error", service: "constructor", error_type: "__proto__" }),
      json({ level: "error", service: "toString", error_type: "polluted" }),
    ]);
    expect(JSON.stringify(summary.errors)).toBe(
      '{"__proto__":{"polluted":1},"constructor":{"__proto__":1},"toString":{"polluted":1}}',
    );
    expect(
      ({} as Record<string, unknown>).polluted,
      "Object.prototype was modified",
    ).toBeUndefined();
  });
});

describe("step 6 — the top N", () => {
  /** Built by hand, keys deliberately out of order: topN must sort, not trust the input. */
  const summary: LogSummary = {
    ...EMPTY,
    errors: {
      web: { Timeout: 3, Crash: 7 },
      auth: { Zed: 3, Alpha: 3 },
      api: { Timeout: 3, Boom: 1 },
    },
  };

  it("lists (service, error type, count) by count, then service, then error type", () => {
    expect(topN(summary, 6)).toEqual([
      { service: "web", errorType: "Crash", count: 7 },
      { service: "api", errorType: "Timeout", count: 3 },
      { service: "auth", errorType: "Alpha", count: 3 },
      { service: "auth", errorType: "Zed", count: 3 },
      { service: "web", errorType: "Timeout", count: 3 },
      { service: "api", errorType: "Boom", count: 1 },
    ]);
  });

  it("breaks ties in code-unit order, upper case before lower case, not by locale", () => {
    const mixed: LogSummary = {
      ...EMPTY,
      errors: { alpha: { b: 2, Zed: 2 }, Zed: { a: 2 }, _jobs: { a: 2 } },
    };
    expect(topN(mixed)).toEqual([
      { service: "Zed", errorType: "a", count: 2 },
      { service: "_jobs", errorType: "a", count: 2 },
      { service: "alpha", errorType: "Zed", count: 2 },
      { service: "alpha", errorType: "b", count: 2 },
    ]);
  });

  it("compares the service on its own before the error type, not a joined service:type key", () => {
    const close: LogSummary = {
      ...EMPTY,
      errors: { "auth-api": { A: 1 }, auth: { Z: 1 }, "auth.x": { A: 1 } },
    };
    expect(topN(close), "auth < auth-api < auth.x, whatever their error types").toEqual([
      { service: "auth", errorType: "Z", count: 1 },
      { service: "auth-api", errorType: "A", count: 1 },
      { service: "auth.x", errorType: "A", count: 1 },
    ]);
  });

  it("gives the same order whatever the key order of the summary", () => {
    const expected = topN(summary, 6);
    const reversed = Object.entries(summary.errors)
      .reverse()
      .map(([service, types]) => [service, Object.fromEntries(Object.entries(types).reverse())]);
    expect(topN({ ...EMPTY, errors: Object.fromEntries(reversed) }, 6)).toEqual(expected);
    const sorted = Object.entries(summary.errors)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([service, types]) => [service, Object.fromEntries(Object.entries(types).sort())]);
    expect(topN({ ...EMPTY, errors: Object.fromEntries(sorted) }, 6)).toEqual(expected);
  });

  it("keeps only the first n", () => {
    expect(topN(summary, 2)).toEqual([
      { service: "web", errorType: "Crash", count: 7 },
      { service: "api", errorType: "Timeout", count: 3 },
    ]);
  });

  it("returns 10 entries by default", () => {
    const types = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`E${i}`, 100 - i]));
    const top = topN({ ...EMPTY, errors: { api: types } });
    expect(top).toHaveLength(10);
    expect(top.at(-1)).toEqual({ service: "api", errorType: "E9", count: 91 });
  });

  it("takes an explicit undefined as the default: 10 entries, no RangeError", () => {
    const types = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`E${i}`, 100 - i]));
    expect(
      topN({ ...EMPTY, errors: { api: types } }, undefined),
      "topN(summary, undefined) is topN(summary): the top 10",
    ).toHaveLength(10);
  });

  it("returns everything when n is larger, and nothing when n is 0", () => {
    expect(topN(summary, 100)).toHaveLength(6);
    expect(topN(summary, 0)).toEqual([]);
  });

  it("works on a summary from aggregateLines", async () => {
    const counted = await aggregateLines([
      app("ERROR", "api", "Boom: x"),
      app("ERROR", "web", "Boom: x"),
      app("ERROR", "web", "Boom: x"),
    ]);
    expect(topN(counted, 1)).toEqual([{ service: "web", errorType: "Boom", count: 2 }]);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    "throws a RangeError for n = %s",
    (n) => {
      expect(() => topN(summary, n)).toThrow(RangeError);
      expect(() => topN(summary, n)).toThrow(`topN: n must be a non-negative integer, got ${n}`);
    },
  );

  it.each([2 ** 53, 1e20, Number.MAX_VALUE])(
    "returns everything for a huge whole n (%s), not only a safe integer",
    (n) => {
      expect(topN(summary, n), `n = ${n} is a non-negative integer: all 6 entries`).toHaveLength(6);
    },
  );

  it("takes -0 as 0: nothing", () => {
    expect(topN(summary, -0)).toEqual([]);
  });

  it.each([
    ["a numeric string", "3", "got 3"],
    ["null", null, "got null"],
    ["a Symbol", Symbol("x"), "got Symbol(x)"],
  ])("throws the RangeError for %s, which is not a number", (_label, n, shown) => {
    expect(() => topN(summary, n as unknown as number)).toThrow(RangeError);
    expect(() => topN(summary, n as unknown as number)).toThrow(
      `topN: n must be a non-negative integer, ${shown}`,
    );
  });
});

/** The error a read stream emits for `path` (one that does not exist): what Node itself says. */
function streamOpenError(path: string): Promise<Error> {
  return new Promise((resolve) => {
    createReadStream(path).on("error", resolve);
  });
}

describe("step 7 — reading files", () => {
  let dir = "";
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "kata-log-aggregation-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** What fixtures/katas/log-aggregation/mixed.log holds: every format, and the usual junk. */
  const MIXED: LogSummary = {
    totals: { lines: 20, blank: 2, parsed: 15, unparsed: 3, errors: 10 },
    errors: {
      auth: { LdapBindError: 1, TokenExpired: 1 },
      checkout: { GatewayTimeout: 1, PaymentDeclined: 2 },
      inventory: { OutOfMemoryError: 1, TimeoutError: 1 },
      payments: { "(none)": 1, "psycopg2.OperationalError": 1 },
      sshd: { kex_exchange_identification: 1 },
    },
    unparsedSamples: [
      '{"level":"error","service":"auth","msg":"connection reset',
      "Traceback (most recent call last):",
      "[1,2,3]",
    ],
  };

  it("aggregates the mixed sample log", async () => {
    expect(await aggregateFile(fixture("mixed.log"))).toEqual(MIXED);
  });

  it("reads a file with CRLF endings, a BOM and no final newline", async () => {
    expect(await aggregateFile(fixture("crlf-bom.log"))).toEqual({
      totals: { lines: 4, blank: 0, parsed: 4, unparsed: 0, errors: 3 },
      errors: { billing: { DiskFull: 1, LedgerLocked: 1, TimeoutError: 1 } },
      unparsedSamples: [],
    });
  });

  it("survives binary junk in the middle of a file", async () => {
    const summary = await aggregateFile(fixture("binary-junk.log"));
    expect(summary.totals).toEqual({ lines: 4, blank: 0, parsed: 2, unparsed: 2, errors: 2 });
    expect(summary.errors).toEqual({ search: { IndexCorrupt: 2 } });
    expect(summary.unparsedSamples[0]).toBe("\u0000".repeat(48));
    expect(summary.unparsedSamples[1]).toContain("\uFFFD");
  });

  it("counts the same lines with or without a final newline", async () => {
    const lines = [app("ERROR", "api", "Boom: x"), app("INFO", "api", "ok")];
    await writeFile(join(dir, "with.log"), `${lines.join("\n")}\n`);
    await writeFile(join(dir, "without.log"), lines.join("\n"));
    const expected = { ...EMPTY.totals, lines: 2, parsed: 2, errors: 1 };
    expect((await aggregateFile(join(dir, "with.log"))).totals).toEqual(expected);
    expect((await aggregateFile(join(dir, "without.log"))).totals).toEqual(expected);
  });

  it("ends a line at a lone \\r too, as readline does", async () => {
    await writeFile(
      join(dir, "cr.log"),
      `${app("ERROR", "api", "Boom: x")}\r${app("ERROR", "web", "Oops: y")}\n`,
    );
    const summary = await aggregateFile(join(dir, "cr.log"));
    expect(summary.totals, "a\\rb\\n is two lines").toEqual({
      ...EMPTY.totals,
      lines: 2,
      parsed: 2,
      errors: 2,
    });
    expect(summary.errors).toEqual({ api: { Boom: 1 }, web: { Oops: 1 } });
  });

  it("returns an empty summary for an empty file", async () => {
    await writeFile(join(dir, "empty.log"), "");
    expect(await aggregateFile(join(dir, "empty.log"))).toEqual(EMPTY);
  });

  it("decodes a multi-byte character split across two 64 KiB reads", async () => {
    // fs streams read 64 KiB at a time; put the 2 bytes of "ï" on both sides of that boundary.
    const record = json({ level: "error", service: "naïve-search", error_type: "ÜberTimeout" });
    const before = Buffer.byteLength(record.slice(0, record.indexOf("ï")));
    const filler = "#".repeat(64 * 1024 - 2 - before);
    await writeFile(join(dir, "boundary.log"), `${filler}\n${record}\n`);
    const summary = await aggregateFile(join(dir, "boundary.log"));
    expect(summary.errors).toEqual({ "naïve-search": { ÜberTimeout: 1 } });
  });

  it("gunzips a file whose name ends in .gz", async () => {
    const path = join(dir, "mixed.log.gz");
    await writeFile(path, gzipSync(await readFile(fixture("mixed.log"))));
    expect(await aggregateFile(path)).toEqual(MIXED);
  });

  it("gunzips a file whose whole name is .gz (the name ends in .gz: no extension needed)", async () => {
    const path = join(dir, ".gz");
    await writeFile(path, gzipSync(await readFile(fixture("mixed.log"))));
    expect(await aggregateFile(path)).toEqual(MIXED);
  });

  it("gunzips only a name ending in lower-case .gz: LOG.GZ is read as plain text", async () => {
    const path = join(dir, "PLAIN.LOG.GZ");
    await writeFile(path, `${app("ERROR", "api", "Boom: x")}\n`);
    expect(await aggregateFile(path)).toEqual({
      totals: { lines: 1, blank: 0, parsed: 1, unparsed: 0, errors: 1 },
      errors: { api: { Boom: 1 } },
      unparsedSamples: [],
    });
  });

  it("rejects with the ENOENT error for a missing file", { timeout: 1000 }, async () => {
    const path = join(dir, "missing.log");
    await expect(aggregateFile(path)).rejects.toMatchObject({ code: "ENOENT", path });
  });

  it.each(["missing.log", "missing.log.gz"])(
    "rejects for %s with the read stream's own ENOENT (syscall open), not a stat() check's",
    { timeout: 1000 },
    async (name) => {
      const path = join(dir, name);
      const { error } = await aggregateFile(path).then(
        () => ({ error: undefined }),
        (failure: unknown) => ({ error: failure }),
      );
      expect(error, "expected a rejection").toBeDefined();
      const own = await streamOpenError(path);
      expect(error).toMatchObject({ code: "ENOENT", path, syscall: "open" });
      expect((error as Error).message, "the message of the stream's own error").toBe(own.message);
    },
  );

  it("rejects with the ENOENT error for a missing .gz file", { timeout: 1000 }, async () => {
    const path = join(dir, "missing.log.gz");
    await expect(aggregateFile(path)).rejects.toMatchObject({ code: "ENOENT", path });
  });

  it("rejects with zlib's error for a .gz file that is not gzip", { timeout: 1000 }, async () => {
    const path = join(dir, "plain.log.gz");
    await writeFile(path, `${app("ERROR", "api", "Boom: x")}\n`);
    await expect(aggregateFile(path)).rejects.toMatchObject({ code: "Z_DATA_ERROR" });
  });

  it("rejects with zlib's error for a .gz file holding zlib (deflate) data, not gzip", {
    timeout: 1000,
  }, async () => {
    const path = join(dir, "deflated.log.gz");
    await writeFile(path, deflateSync(`${app("ERROR", "api", "Boom: x")}\n`));
    await expect(
      aggregateFile(path),
      "expected Z_DATA_ERROR: a .gz file is gunzipped, and zlib data is not gzip",
    ).rejects.toMatchObject({ code: "Z_DATA_ERROR" });
  });

  it("rejects with zlib's error for an empty (0-byte) .gz file: it is not valid gzip", {
    timeout: 1000,
  }, async () => {
    const path = join(dir, "empty.log.gz");
    await writeFile(path, "");
    await expect(
      aggregateFile(path),
      "expected Z_BUF_ERROR: a 0-byte .gz file is gzip cut short, not an empty log",
    ).rejects.toMatchObject({ code: "Z_BUF_ERROR" });
  });

  it.skipIf(!existsSync("/proc/self/fd"))(
    "closes the file when gunzip fails: no descriptor is left open on a corrupt .gz file",
    { timeout: 2000 },
    async () => {
      // 1 MiB of plain text: zlib fails on the first 64 KiB read, long before the end of the file
      // (which would close it on its own).
      const path = join(dir, "corrupt-big.log.gz");
      await writeFile(path, `${app("ERROR", "api", "Boom: x")}\n`.repeat(20_000));
      const openOnPath = () =>
        readdirSync("/proc/self/fd").filter((fd) => {
          try {
            return readlinkSync(`/proc/self/fd/${fd}`) === path;
          } catch {
            return false; // the descriptor readdir itself used, already closed
          }
        }).length;
      await expect(aggregateFile(path)).rejects.toMatchObject({ code: "Z_DATA_ERROR" });
      // Closing a descriptor takes a trip through libuv's thread pool: give it a few turns.
      for (let turn = 0; turn < 200 && openOnPath() > 0; turn += 1) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(
        openOnPath(),
        "expected the file to be closed once aggregateFile rejects (pipeline() destroys every stream; .pipe() leaves the file open)",
      ).toBe(0);
    },
  );

  it("reads a .gz file holding an empty gzip member as an empty summary", async () => {
    const path = join(dir, "nothing.log.gz");
    await writeFile(path, gzipSync(""));
    expect(await aggregateFile(path)).toEqual(EMPTY);
  });

  it("reads every member of a .gz file made of several gzip members, one after another", async () => {
    const path = join(dir, "appended.log.gz");
    // cat a.gz b.gz: the second member's text follows the first's, so a line may span both.
    const first = gzipSync(`${app("ERROR", "api", "Boom: x")}\n${app("ERROR", "web", "Oo")}`);
    const second = gzipSync(`ps: y\n${app("ERROR", "db", "Down: z")}\n`);
    await writeFile(path, Buffer.concat([first, second]));
    expect(
      await aggregateFile(path),
      "expected both gzip members read, as gunzip reads them (the first member's last line continues in the second)",
    ).toEqual({
      ...EMPTY,
      totals: { ...EMPTY.totals, lines: 3, parsed: 3, errors: 3 },
      errors: { api: { Boom: 1 }, db: { Down: 1 }, web: { Oops: 1 } },
    });
  });

  it("ends lines only at \\n, \\r\\n and \\r: \\u2028, \\u2029, \\v, \\f and \\x85 stay inside a line", async () => {
    const path = join(dir, "separators.log");
    const line = "junk\u2028one\vtwo\fthree\u2029four\u0085five";
    await writeFile(path, `${line}\n${app("ERROR", "api", "Boom: x")}\n`);
    expect(
      await aggregateFile(path),
      "expected two lines: Unicode and form-feed separators are not line breaks (unlike Python's splitlines())",
    ).toEqual({
      totals: { ...EMPTY.totals, lines: 2, parsed: 1, unparsed: 1, errors: 1 },
      errors: { api: { Boom: 1 } },
      unparsedSamples: [line],
    });
  });

  it("rejects with zlib's error for a truncated .gz file", { timeout: 1000 }, async () => {
    const path = join(dir, "cut.log.gz");
    const whole = gzipSync(`${app("ERROR", "api", "Boom: x")}\n`.repeat(100));
    await writeFile(path, whole.subarray(0, whole.length - 12));
    await expect(aggregateFile(path)).rejects.toMatchObject({ code: "Z_BUF_ERROR" });
  });

  // The memory tests feed the file through a named pipe, so that they know how much of it the
  // solution has read when they look (see heldBeforeTheEnd). Where mkfifo is missing they skip.
  describe.skipIf(!hasMkfifo())("with bounded memory", () => {
    // 2 MiB of 4 KiB lines: 32 times the 64 KiB an fs stream reads at once. The messages are
    // pseudo-random letters, so that gzip leaves the .gz file far bigger than a pipe holds.
    const LINES = 512;
    const bigLog = () => {
      const letters = pseudoRandomLetters(7);
      return Array.from({ length: LINES }, (_, i) =>
        i % 2 === 0
          ? app("ERROR", `svc-${i % 4}`, `TimeoutError: ${letters(4000)}`)
          : json({
              level: "error",
              service: `svc-${i % 4}`,
              error_type: "DbError",
              msg: letters(4000),
            }),
      ).join("\n");
    };
    const expected = {
      "svc-0": { TimeoutError: LINES / 4 },
      "svc-1": { DbError: LINES / 4 },
      "svc-2": { TimeoutError: LINES / 4 },
      "svc-3": { DbError: LINES / 4 },
    };

    it("streams a plain file: the heap keeps far less than the file", async () => {
      const text = bigLog();
      const { summary, held } = await heldBeforeTheEnd(Buffer.from(text), join(dir, "big.log"));
      expect(summary.errors).toEqual(expected);
      expect(
        held,
        `with all but the last 64 KiB of a ${mib(text.length)} MiB file read, ${mib(held)} MiB more ` +
          "memory was in use than before: count each line as it arrives (readline) instead of keeping the file or its lines",
      ).toBeLessThan(text.length / 4);
    });

    it("keeps no unparsed lines but the five samples: a file of unparsed lines stays small in the heap", async () => {
      const text = Array.from(
        { length: LINES },
        (_, i) => `not a log line ${i} ${"u".repeat(4000)}`,
      ).join("\n");
      const { summary, held } = await heldBeforeTheEnd(Buffer.from(text), join(dir, "junk.log"));
      expect(summary.totals.unparsed).toBe(LINES);
      expect(summary.unparsedSamples).toHaveLength(5);
      expect(
        held,
        `with all but the last 64 KiB of a ${mib(text.length)} MiB file of unparsed lines read, ${mib(held)} MiB more ` +
          "memory was in use than before: keep the first five samples as they arrive, not every unparsed line until the end",
      ).toBeLessThan(text.length / 4);
    });

    it("streams a .gz file: the heap keeps far less than the unzipped file", async () => {
      const text = bigLog();
      const gzipped = gzipSync(text, { level: 1 });
      const { summary, held } = await heldBeforeTheEnd(gzipped, join(dir, "big.log.gz"));
      expect(summary.errors).toEqual(expected);
      expect(
        held,
        `with all but the last 64 KiB of a ${mib(gzipped.length)} MiB .gz file (${mib(text.length)} MiB unzipped) read, ` +
          `${mib(held)} MiB more memory was in use than before: ` +
          "pipe the file through zlib.createGunzip() and count each line as it arrives",
      ).toBeLessThan(text.length / 4);
    });
  });
});

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

/** The last bytes of a file that heldBeforeTheEnd writes only after it has looked. */
const TAIL_BYTES = 64 * 1024;

/**
 * Runs aggregateFile on `bytes` fed through a named pipe at `path`, and measures how much more
 * memory is live (after a full collection) once all but the last TAIL_BYTES are written.
 * A pipe holds 64 KiB, so by then the solution has read all but about 128 KiB of the file, and
 * whatever it keeps until the end (the file, its lines, its unparsed lines) is live; the line
 * it is counting is not. Measuring at that point, rather than at turns of the event loop while a
 * plain file is read, gives the same figure however loaded the machine is.
 */
async function heldBeforeTheEnd(bytes: Buffer, path: string) {
  execFileSync("mkfifo", [path]);
  // Read-write, so that this open does not wait for a reader (Linux and macOS allow it on a
  // FIFO), and non-blocking, so that a write into a full pipe fails with EAGAIN instead of
  // holding a libuv thread: a solution that never reads the file cannot hang the test.
  const pipe = await open(path, constants.O_RDWR | constants.O_NONBLOCK);
  try {
    const collectGarbage = exposeGc();
    // Free a dead Buffer's bytes during the collection, not later on a helper thread: on a busy
    // machine that thread can lag, and the bytes of the chunks already counted would still show.
    setFlagsFromString("--no-concurrent-array-buffer-sweeping");
    collectGarbage();
    const before = liveMemory();
    let settled = false;
    const result = aggregateFile(path).finally(() => {
      settled = true;
    });
    const end = bytes.length - TAIL_BYTES;
    await writeWhileRead(pipe, bytes.subarray(0, end), () => settled);
    collectGarbage();
    const held = liveMemory() - before;
    await writeWhileRead(pipe, bytes.subarray(end), () => settled);
    await pipe.close(); // the solution reads the end of the file now
    return { summary: await result, held };
  } finally {
    await pipe.close().catch(() => {});
  }
}

/** Writes all of `bytes` into a non-blocking pipe as the reader drains it, unless it stops. */
async function writeWhileRead(pipe: FileHandle, bytes: Buffer, readerStopped: () => boolean) {
  let offset = 0;
  while (offset < bytes.length && !readerStopped()) {
    try {
      offset += (await pipe.write(bytes, offset, bytes.length - offset)).bytesWritten;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}

/**
 * Live memory that a file or its lines would take: the heap spaces where data ends up (the
 * nursery included: this is read right after a full collection) and the bytes of ArrayBuffers,
 * where a Buffer's bytes live.
 */
function liveMemory(): number {
  const spaces = new Set([
    "new_space",
    "old_space",
    "large_object_space",
    "new_large_object_space",
  ]);
  const heap = getHeapSpaceStatistics()
    .filter((space) => spaces.has(space.space_name))
    .reduce((total, space) => total + space.space_used_size, 0);
  return heap + process.memoryUsage().arrayBuffers;
}

/** Letters from a fixed-seed generator: the same text on every run, and gzip cannot shrink it much. */
function pseudoRandomLetters(seed: number): (length: number) => string {
  let state = seed;
  return (length) =>
    Array.from({ length }, () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return String.fromCharCode(97 + ((state >>> 16) % 26)); // the high bits: the low ones repeat soon
    }).join("");
}

function hasMkfifo(): boolean {
  return spawnSync("mkfifo", ["--help"], { stdio: "ignore" }).error === undefined;
}

/** V8's `gc()`, without needing node --expose-gc on the command line. */
function exposeGc(): () => void {
  const global = globalThis as { gc?: () => void };
  if (global.gc) return global.gc;
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}
