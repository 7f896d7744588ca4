/**
 * The spec of the log-formats kata (read README.md alongside). Step 1 is the level scale, 2 the
 * registry with detectors of the spec's own, 3–6 one family of real formats each (every sample
 * line written for this kata in that format), 7 the container wrappers and partial lines, 8 the
 * counting, ending on a file with a line of every format.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  createParser,
  defaultFormats,
  type Format,
  joinPartialLines,
  LEVELS,
  type LogRecord,
  normaliseLevel,
  parseLine,
  summarise,
  unwrapContainerLine,
} from "./log-formats";

const MIXED = fileURLToPath(new URL("../../fixtures/katas/log-formats/mixed.log", import.meta.url));

/** A record as a line outside any container gives it: the fields that vary, the rest null. */
const record = (fields: Partial<LogRecord> & Pick<LogRecord, "format" | "level">): LogRecord => ({
  timestamp: null,
  service: null,
  message: "",
  error: null,
  container: null,
  stream: null,
  ...fields,
});

/** A parser whose year-less syslog dates resolve against `iso`. */
const parserAt = (iso: string) => createParser(defaultFormats({ referenceDate: new Date(iso) }));

const collect = async (lines: AsyncIterable<string>) => {
  const out: string[] = [];
  for await (const line of lines) out.push(line);
  return out;
};

afterEach(() => {
  vi.useRealTimers();
});

/** Runs `body` with the process in another time zone (Node re-reads TZ when it changes). */
function inTimeZone(zone: string, body: () => void) {
  const saved = process.env.TZ;
  process.env.TZ = zone;
  try {
    body();
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
}

describe("step 1 — levels on one scale", () => {
  it.each([
    ["trace", "trace"],
    ["TRC", "trace"],
    ["trace5", "trace"],
    ["debug", "debug"],
    ["DEBU", "debug"],
    ["dbug", "debug"],
    ["DBG", "debug"],
    ["D", "debug"],
    ["info", "info"],
    ["INF", "info"],
    ["I", "info"],
    ["Information", "info"],
    ["informational", "info"],
    ["notice", "info"],
    ["warn", "warn"],
    ["WARNING", "warn"],
    ["WRN", "warn"],
    ["w", "warn"],
    ["error", "error"],
    ["ERRO", "error"],
    ["eror", "error"],
    ["ERR", "error"],
    ["E", "error"],
    ["fatal", "fatal"],
    ["FATA", "fatal"],
    ["F", "fatal"],
    ["CRITICAL", "fatal"],
    ["crit", "fatal"],
    ["alert", "fatal"],
    ["emerg", "fatal"],
    ["EMERGENCY", "fatal"],
    ["panic", "fatal"],
    ["PANI", "fatal"],
  ])("reads the word %j as %s", (word, level) => {
    expect(normaliseLevel(word)).toBe(level);
  });

  it("ignores the case of a word and the spaces around it", () => {
    expect(normaliseLevel("  Error ")).toBe("error");
    expect(normaliseLevel("wArN")).toBe("warn");
  });

  it.each([
    [10, "trace"],
    [19, "trace"],
    [20, "debug"],
    [30, "info"],
    [35, "info"],
    [40, "warn"],
    [49.9, "warn"],
    [50, "error"],
    [59, "error"],
    [60, "fatal"],
    [100, "fatal"],
  ])("reads the number %d on pino's scale as %s", (n, level) => {
    expect(normaliseLevel(n)).toBe(level);
  });

  it("reads a string of digits as a number", () => {
    expect(normaliseLevel("50")).toBe("error");
    expect(normaliseLevel(" 30 ")).toBe("info");
    expect(normaliseLevel("60")).toBe("fatal");
  });

  it.each([
    ["a number below 10", 9],
    ["zero", 0],
    ["a negative number", -50],
    ["NaN", Number.NaN],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["a digit string below 10", "7"],
    ["a decimal string (only digits are a number)", "49.9"],
    ["a signed digit string", "+50"],
    ["an exponent string", "1e2"],
    ["a hexadecimal string", "0x32"],
    ["an unknown word", "loud"],
    ["a level word with more after it", "error!"],
    ["a prototype key", "constructor"],
    ["trace9 (httpd stops at trace8)", "trace9"],
    ["trace0 (httpd starts at trace1)", "trace0"],
    ["trace10 (one digit after trace, no more)", "trace10"],
    ["a trace level with a prefix", "xtrace1"],
    ["a trace level with more after it", "trace3x"],
    ["an empty string", ""],
    ["null", null],
    ["a boolean", true],
    ["an object", { level: "error" }],
  ])("returns null for %s", (_name, value) => {
    expect(normaliseLevel(value)).toBeNull();
  });
});

describe("step 2 — the registry", () => {
  const always = (name: string, message: string): Format => ({
    name,
    detect: (line) =>
      line.startsWith("!")
        ? { timestamp: null, level: "error", service: null, message, error: null }
        : null,
  });
  const never: Format = { name: "never", detect: () => null };

  it("names the format that matched", () => {
    expect(createParser([never, always("bang", "from bang")])("! boom")).toEqual(
      record({ format: "bang", level: "error", message: "from bang" }),
    );
  });

  it("tries the formats in order: the first match wins", () => {
    const parse = createParser([always("first", "one"), always("second", "two")]);
    expect(parse("! boom")).toMatchObject({ format: "first", message: "one" });
    const reversed = createParser([always("second", "two"), always("first", "one")]);
    expect(reversed("! boom")).toMatchObject({ format: "second", message: "two" });
  });

  it("stops at the first match: later detectors are not called", () => {
    const later = vi.fn(() => null);
    const parse = createParser([always("first", "one"), { name: "later", detect: later }]);
    expect(parse("! boom")).toMatchObject({ format: "first" });
    expect(later, "a detector after the match must not run").not.toHaveBeenCalled();
  });

  it("returns null when no detector matches", () => {
    expect(createParser([never, always("bang", "x")])("no bang here")).toBeNull();
    expect(createParser([])("! boom")).toBeNull();
  });

  it("hands the detectors the line trimmed, and never calls them for a blank line", () => {
    const detect = vi.fn((line: string) =>
      line === "! x"
        ? { timestamp: null, level: "info" as const, service: null, message: line, error: null }
        : null,
    );
    const parse = createParser([{ name: "seen", detect }]);
    expect(parse("\uFEFF  ! x \r")).toMatchObject({ format: "seen", message: "! x" });
    expect(parse("   \t\r")).toBeNull();
    expect(parse("")).toBeNull();
    expect(detect, "only the one non-blank line reaches a detector").toHaveBeenCalledTimes(1);
  });

  it("returns the five detected fields and nothing else a detector adds", () => {
    const chatty: Format = {
      name: "chatty",
      detect: () =>
        ({
          timestamp: null,
          level: "warn",
          service: "svc",
          message: "m",
          error: null,
          format: "spoofed",
          extra: 1,
        }) as never,
    };
    expect(
      createParser([chatty])("anything"),
      "format is the entry's name; extra properties are left out",
    ).toEqual(record({ format: "chatty", level: "warn", service: "svc", message: "m" }));
  });

  it("takes a detector that throws as no match, and tries the next one", () => {
    const buggy: Format = {
      name: "buggy",
      detect: () => {
        throw new TypeError("bug in my detector");
      },
    };
    expect(createParser([buggy, always("bang", "after the bug")])("! boom")).toEqual(
      record({ format: "bang", level: "error", message: "after the bug" }),
    );
    expect(createParser([buggy])("! boom"), "no detector matched").toBeNull();
  });

  it("lists the built-in formats in the order they are tried", () => {
    expect(defaultFormats().map((format) => format.name)).toEqual([
      "json",
      "logfmt",
      "rfc5424",
      "syslog",
      "apache",
      "nginx",
      "zookeeper",
      "log4j",
      "python",
    ]);
  });

  it("builds fresh detectors on every call, so a list can be reordered safely", () => {
    const formats = defaultFormats();
    formats.reverse();
    expect(defaultFormats()[0]?.name).toBe("json");
  });

  it("uses the built-in formats when createParser is given none, as parseLine does", () => {
    const line = "ERROR:payments.db:connection to primary lost";
    const expected = record({
      format: "python",
      level: "error",
      service: "payments.db",
      message: "connection to primary lost",
    });
    expect(createParser()(line)).toEqual(expected);
    expect(parseLine(line)).toEqual(expected);
  });

  it.each([
    ["a line in no format", "-- nothing to see here --"],
    ["binary junk", "\u0000\u0000\u0001\u00ff\ufffd\u0000"],
    ["a lone brace", "{"],
    ["truncated JSON", '{"level":"error","msg":"cut sh'],
    ["a JSON array", '[{"level":"error"}]'],
    ["a JSON string", '"error"'],
    ["JSON null", "null"],
  ])("never throws, and returns null, on %s", (_name, line) => {
    expect(() => parseLine(line)).not.toThrow();
    expect(parseLine(line)).toBeNull();
  });

  it.each([
    ["a line in no format", "hello world"],
    ["a lone brace", "{"],
    ["a bare word among key=value pairs", "level=error oops"],
    ["a date and a word", "2024-01-02 03:04:05 nothing"],
  ])("has built-in detectors that return null (never throw) for %s", (_name, line) => {
    for (const format of defaultFormats()) {
      let found: unknown;
      expect(
        () => {
          found = format.detect(line);
        },
        `${format.name}.detect must not throw on ${JSON.stringify(line)}`,
      ).not.toThrow();
      expect(
        found,
        `${format.name}.detect should give null for ${JSON.stringify(line)}`,
      ).toBeNull();
    }
  });

  it("gets through long hostile lines quickly (no regex backtracking blow-up)", () => {
    const hostile = [
      "a=".repeat(50_000),
      `level=error msg="${"\\".repeat(50_001)}`,
      `[Wed Oct 11 14:32:52 2000] [error] ${"[client x".repeat(20_000)}`,
      `<1>1 - - - - - [a b="${'\\"'.repeat(30_000)}`,
      `2024-01-02 03:04:05,678 - ERROR [${":a@1".repeat(30_000)}`,
      `2024-01-02 03:04:05,678 ERROR [${" x".repeat(50_000)}`,
      `Jan  2 03:04:05 ${"h ".repeat(50_000)}`,
      `{"level":"error","msg":"${"x".repeat(1_000_000)}"}`,
    ];
    const started = performance.now();
    for (const line of hostile) parseLine(line);
    expect(
      performance.now() - started,
      "eight 100 kB lines should take well under a second",
    ).toBeLessThan(1000);
  });
});

describe("step 3 — web-server error logs", () => {
  it("reads an Apache httpd 2.2 line, dropping the [client …] field", () => {
    expect(
      parseLine(
        "[Wed Oct 11 14:32:52 2000] [error] [client 127.0.0.1] client denied by server configuration: /srv/www/private",
      ),
    ).toEqual(
      record({
        format: "apache",
        timestamp: "2000-10-11T14:32:52.000Z",
        level: "error",
        message: "client denied by server configuration: /srv/www/private",
      }),
    );
  });

  it("reads an Apache httpd 2.4 line: the module is the service, the pid field goes", () => {
    expect(
      parseLine(
        "[Wed Jan 02 03:04:05.123456 2019] [core:error] [pid 123:tid 456] [client 10.0.0.7:51234] AH00126: Invalid URI in request",
      ),
    ).toEqual(
      record({
        format: "apache",
        timestamp: "2019-01-02T03:04:05.123Z",
        level: "error",
        service: "core",
        message: "AH00126: Invalid URI in request",
      }),
    );
  });

  it("reads 2.4's trace levels, a pid with no tid, and a line with no client", () => {
    expect(
      parseLine(
        "[Wed Jan 02 03:04:05.999999 2019] [ssl:trace3] [pid 77] ssl_engine_io.c(2135): OpenSSL: read 5/5 bytes",
      ),
    ).toEqual(
      record({
        format: "apache",
        timestamp: "2019-01-02T03:04:05.999Z",
        level: "trace",
        service: "ssl",
        message: "ssl_engine_io.c(2135): OpenSSL: read 5/5 bytes",
      }),
    );
  });

  it("reads a 2.4 line with no [pid …] field", () => {
    expect(
      parseLine(
        "[Wed Jan 02 03:04:05.5 2019] [proxy_fcgi:warn] [client 10.0.0.7:4000] AH01071: Got error",
      ),
    ).toMatchObject({
      format: "apache",
      level: "warn",
      service: "proxy_fcgi",
      message: "AH01071: Got error",
    });
  });

  it("gives a null service for an empty module ([:error])", () => {
    expect(
      parseLine(
        "[Wed Jan 02 03:04:05.000001 2019] [:error] [pid 77:tid 78] [client 10.0.0.7:4000] ModSecurity: Access denied",
      ),
    ).toMatchObject({
      format: "apache",
      service: null,
      level: "error",
      message: "ModSecurity: Access denied",
    });
  });

  it("reads a day of the month padded with a space", () => {
    expect(
      parseLine("[Mon Jul  1 09:00:00 2024] [notice] Apache/2.2.34 (Unix) configured"),
    ).toMatchObject({
      format: "apache",
      timestamp: "2024-07-01T09:00:00.000Z",
      level: "info",
      message: "Apache/2.2.34 (Unix) configured",
    });
  });

  it("reads a level word in any case", () => {
    expect(parseLine("[Wed Oct 11 14:32:52 2000] [Error] x")).toMatchObject({
      format: "apache",
      level: "error",
    });
    expect(parseLine("2024/01/02 03:04:05 [WARN] 1#1: x")).toMatchObject({
      format: "nginx",
      level: "warn",
    });
  });

  it("does not take a month that is not an English month name", () => {
    expect(parseLine("[Wed Okt 11 14:32:52 2000] [error] x")).toBeNull();
  });

  it("does not take a bracketed word that is not a level for an Apache line", () => {
    expect(parseLine("[Wed Oct 11 14:32:52 2000] [loud] something happened")).toBeNull();
  });

  it("reads an nginx error line, dropping the pid#tid and the *connection number", () => {
    expect(
      parseLine(
        '2024/01/02 03:04:05 [error] 123#123: *1 open() "/srv/www/favicon.ico" failed (2: No such file or directory), client: 10.0.0.9',
      ),
    ).toEqual(
      record({
        format: "nginx",
        timestamp: "2024-01-02T03:04:05.000Z",
        level: "error",
        message:
          'open() "/srv/www/favicon.ico" failed (2: No such file or directory), client: 10.0.0.9',
      }),
    );
  });

  it.each([
    ["emerg", "fatal"],
    ["crit", "fatal"],
    ["warn", "warn"],
    ["notice", "info"],
    ["debug", "debug"],
  ])("reads nginx's [%s] as %s, with or without a connection number", (word, level) => {
    expect(
      parseLine(`2024/01/02 03:04:05 [${word}] 1#1: bind() to 0.0.0.0:80 failed (98: in use)`),
    ).toMatchObject({
      format: "nginx",
      level,
      message: "bind() to 0.0.0.0:80 failed (98: in use)",
    });
  });

  it("does not take an nginx-shaped line with an unknown level", () => {
    expect(parseLine("2024/01/02 03:04:05 [loud] 1#1: hello")).toBeNull();
  });
});

describe("step 4 — Java and Python logs", () => {
  it("reads log4j's level-first layout, with spaces in the thread name", () => {
    expect(
      parseLine(
        "2024-01-02 03:04:05,678 ERROR [RMCommunicator Allocator] org.example.mapreduce.Allocator: lost contact with the RM",
      ),
    ).toEqual(
      record({
        format: "log4j",
        timestamp: "2024-01-02T03:04:05.678Z",
        level: "error",
        service: "org.example.mapreduce.Allocator",
        message: "lost contact with the RM",
      }),
    );
  });

  it("reads a padded level (%-5p) and a thread name with digits and spaces", () => {
    expect(
      parseLine(
        "2024-01-02 03:04:05,678 INFO  [IPC Server handler 7 on 8020] org.example.ipc.Server: call accepted",
      ),
    ).toMatchObject({ format: "log4j", level: "info", service: "org.example.ipc.Server" });
  });

  it("reads logback's thread-first layout, with a full date", () => {
    expect(
      parseLine(
        "2024-01-02 03:04:05.678 [http-nio-8080-exec-1] ERROR com.example.web.Controller - request failed: x",
      ),
    ).toEqual(
      record({
        format: "log4j",
        timestamp: "2024-01-02T03:04:05.678Z",
        level: "error",
        service: "com.example.web.Controller",
        message: "request failed: x",
      }),
    );
  });

  it("gives a null timestamp to logback's default time-of-day-only layout", () => {
    expect(parseLine("03:04:05.678 [main worker] WARN  com.example.App - slow start")).toEqual(
      record({ format: "log4j", level: "warn", service: "com.example.App", message: "slow start" }),
    );
  });

  it("reads ZooKeeper's layout: the class is the service, brackets and colons in the thread", () => {
    expect(
      parseLine(
        "2024-01-02 03:04:05,678 [myid:3] - ERROR [QuorumPeer[myid=3](plain=0.0.0.0:2181):QuorumPeer@1423] - Unexpected exception",
      ),
    ).toEqual(
      record({
        format: "zookeeper",
        timestamp: "2024-01-02T03:04:05.678Z",
        level: "error",
        service: "QuorumPeer",
        message: "Unexpected exception",
      }),
    );
  });

  it("reads ZooKeeper's layout without the [myid:] field, with a $ in the class", () => {
    expect(
      parseLine(
        "2024-01-02 03:04:05,678 - WARN  [main-SendThread(zk-1:2181):ClientCnxn$SendThread@1190] - Session 0x0 closed: [x] - y",
      ),
    ).toMatchObject({
      format: "zookeeper",
      level: "warn",
      service: "ClientCnxn$SendThread",
      message: "Session 0x0 closed: [x] - y",
    });
  });

  it("reads Python's logging.basicConfig() default, which has no timestamp", () => {
    expect(parseLine("ERROR:payments.db:connection lost: host=db-1")).toEqual(
      record({
        format: "python",
        level: "error",
        service: "payments.db",
        message: "connection lost: host=db-1",
      }),
    );
    expect(parseLine("WARNING:root:disk at 91%")).toMatchObject({
      format: "python",
      level: "warn",
      service: "root",
    });
  });

  it("reads Python's asctime - name - levelname - message format", () => {
    expect(parseLine("2024-01-02 03:04:05,123 - payments.db - CRITICAL - pool exhausted")).toEqual(
      record({
        format: "python",
        timestamp: "2024-01-02T03:04:05.123Z",
        level: "fatal",
        service: "payments.db",
        message: "pool exhausted",
      }),
    );
  });

  it.each([
    ["a lower-case level", "error:payments.db:connection lost"],
    ["a level Python does not write", "FATAL:payments.db:connection lost"],
    ["a padded level", "2024-01-02 03:04:05,123 - payments - ERROR  - x"],
  ])("does not take %s for Python's format", (_name, line) => {
    expect(parseLine(line)).toBeNull();
  });

  it("reads a date with a zone, and a level word in any case", () => {
    expect(
      parseLine("2024-01-02T03:04:05.678+01:00 Error [main] org.example.App: x"),
    ).toMatchObject({
      format: "log4j",
      timestamp: "2024-01-02T02:04:05.678Z",
      level: "error",
    });
    expect(parseLine("2024-01-02 03:04:05,678Z - fatal [main:App@1] - x")).toMatchObject({
      format: "zookeeper",
      timestamp: "2024-01-02T03:04:05.678Z",
      level: "fatal",
    });
  });

  it("does not take a log4j-shaped line whose level is no level", () => {
    expect(parseLine("2024-01-02 03:04:05,678 LOUD [main] org.example.App: x")).toBeNull();
    expect(parseLine("2024-01-02 03:04:05,678 - LOUD [main:App@1] - x")).toBeNull();
  });
});

describe("step 5 — logfmt and JSON lines", () => {
  it("reads a logfmt line: quoted values, the error, the service", () => {
    expect(
      parseLine(
        'time=2024-01-02T03:04:05.5Z level=error msg="upstream timed out" service=api err="context deadline exceeded"',
      ),
    ).toEqual(
      record({
        format: "logfmt",
        timestamp: "2024-01-02T03:04:05.500Z",
        level: "error",
        service: "api",
        message: "upstream timed out",
        error: "context deadline exceeded",
      }),
    );
  });

  it('unescapes \\" and \\\\ in quoted logfmt values, and reads a numeric level', () => {
    expect(parseLine('level=40 msg="said \\"no\\" to C:\\\\temp" logger=auth')).toEqual(
      record({
        format: "logfmt",
        level: "warn",
        service: "auth",
        message: 'said "no" to C:\\temp',
      }),
    );
  });

  it("takes a logfmt line with a level but no msg", () => {
    expect(parseLine("level=error service=api")).toEqual(
      record({ format: "logfmt", level: "error", service: "api" }),
    );
    expect(parseLine("lvl=info")).toEqual(record({ format: "logfmt", level: "info" }));
  });

  it("takes several spaces between pairs, empty values, and dotted keys", () => {
    expect(parseLine('lvl=warn   msg=   error.message="disk full"')).toEqual(
      record({ format: "logfmt", level: "warn", error: "disk full" }),
    );
  });

  it("reads any backslash pair in a quoted logfmt value as the character after it", () => {
    expect(parseLine('level=info msg="a\\tb\\nc \\q"')).toMatchObject({
      format: "logfmt",
      message: "atbnc q",
    });
  });

  it("keeps the last value of a logfmt key given twice, as JSON.parse does", () => {
    expect(parseLine("level=info msg=a level=error msg=b"), "the last level= and msg= win").toEqual(
      record({ format: "logfmt", level: "error", message: "b" }),
    );
  });

  it("takes a level, lvl or msg key with an empty value as present", () => {
    expect(parseLine("msg= user=alice")).toEqual(record({ format: "logfmt", level: "info" }));
    expect(parseLine("level= user=alice")).toEqual(record({ format: "logfmt", level: "info" }));
  });

  it("reads no timestamp from an epoch number in logfmt (its values are strings)", () => {
    expect(parseLine("level=info ts=1704164645.123 msg=x")).toEqual(
      record({ format: "logfmt", level: "info", message: "x" }),
    );
  });

  it.each([
    ["a tab between pairs", "level=info\tmsg=x"],
    ["a tab in a bare value", "level=info msg=a\tb"],
    ["no level, lvl or msg key", "user=alice id=7"],
    ["an unterminated quote", 'level=error msg="cut short'],
    ['a quote whose last " is escaped (so unterminated)', 'level=error msg="cut short\\"'],
    ["a bare word among the pairs", "level=error oops msg=x"],
    ["a pair right after a closing quote, with no space", 'msg="x"level=info'],
    ["a closing quote inside a word, spaces only later", 'msg="x"zlevel=info  a=b'],
  ])("does not take a line with %s for logfmt", (_name, line) => {
    expect(parseLine(line)).toBeNull();
  });

  it("reads zap's JSON: logger, error, and ts in seconds cut (not rounded) to the millisecond", () => {
    expect(
      parseLine(
        '{"level":"error","ts":1704164645.1239,"logger":"api.http","caller":"http/server.go:88","msg":"request failed","error":"connection refused"}',
      ),
    ).toEqual(
      record({
        format: "json",
        timestamp: "2024-01-02T03:04:05.123Z",
        level: "error",
        service: "api.http",
        message: "request failed",
        error: "connection refused",
      }),
    );
  });

  it("reads logrus's JSON: an RFC 3339 time with an offset, turned into UTC", () => {
    expect(
      parseLine(
        '{"level":"warning","msg":"cache miss ratio high","time":"2024-01-02T04:04:05+01:00"}',
      ),
    ).toEqual(
      record({
        format: "json",
        timestamp: "2024-01-02T03:04:05.000Z",
        level: "warn",
        message: "cache miss ratio high",
      }),
    );
  });

  it("reads klog's JSON, which has no level: an error field makes it an error", () => {
    expect(
      parseLine(
        '{"ts":1704164645.5,"caller":"kubelet/pod_workers.go:1300","msg":"Error syncing pod","err":"failed to start"}',
      ),
    ).toEqual(
      record({
        format: "json",
        timestamp: "2024-01-02T03:04:05.500Z",
        level: "error",
        message: "Error syncing pod",
        error: "failed to start",
      }),
    );
    expect(parseLine('{"ts":1704164645.5,"msg":"Pod status updated","v":0}')).toMatchObject({
      format: "json",
      level: "info",
      error: null,
    });
  });

  it("reads pino's JSON: a numeric level, time in milliseconds, name, and err.message", () => {
    expect(
      parseLine(
        '{"level":50,"time":1704164645123,"pid":4242,"hostname":"web-1","name":"checkout","err":{"type":"Error","message":"stock service unavailable","stack":"Error: …"},"msg":"order failed"}',
      ),
    ).toEqual(
      record({
        format: "json",
        timestamp: "2024-01-02T03:04:05.123Z",
        level: "error",
        service: "checkout",
        message: "order failed",
        error: "stock service unavailable",
      }),
    );
  });

  it("reads severity (Cloud Logging) and lvl (log15), and message instead of msg", () => {
    expect(
      parseLine(
        '{"severity":"CRITICAL","message":"quota exceeded","timestamp":"2024-01-02T03:04:05.1Z"}',
      ),
    ).toMatchObject({
      level: "fatal",
      message: "quota exceeded",
      timestamp: "2024-01-02T03:04:05.100Z",
    });
    expect(parseLine('{"lvl":"eror","msg":"x"}')).toMatchObject({ level: "error" });
  });

  it("takes level before severity before lvl, skipping a value that is no level", () => {
    expect(parseLine('{"level":"info","severity":"error","lvl":"warn","msg":"x"}')).toMatchObject({
      level: "info",
    });
    expect(parseLine('{"severity":"error","lvl":"warn","msg":"x"}')).toMatchObject({
      level: "error",
    });
    expect(parseLine('{"level":"loud","severity":null,"lvl":"warn","msg":"x"}')).toMatchObject({
      level: "warn",
    });
  });

  it("is info when there is no level and no error, even with a level that is no level", () => {
    expect(parseLine('{"level":"loud","msg":"x"}')).toMatchObject({
      format: "json",
      level: "info",
    });
    expect(parseLine("{}")).toEqual(record({ format: "json", level: "info" }));
  });

  it("is an error when the level is unknown but an error field is there", () => {
    expect(parseLine('{"level":true,"msg":"x","error":"boom"}')).toMatchObject({
      level: "error",
      error: "boom",
    });
  });

  it("keeps a known level even when an error field is there", () => {
    expect(parseLine('{"level":"warn","msg":"retrying","err":"timeout"}')).toMatchObject({
      level: "warn",
      error: "timeout",
    });
  });

  it("takes err before error before the flat error.message, as strings or {message}", () => {
    expect(
      parseLine('{"msg":"x","err":"one","error":"two","error.message":"three"}'),
    ).toMatchObject({
      error: "one",
    });
    expect(parseLine('{"msg":"x","err":{"type":"E"},"error":{"message":"two"}}')).toMatchObject({
      error: "two",
    });
    expect(parseLine('{"msg":"x","err":"  ","error":7,"error.message":" three "}')).toMatchObject({
      error: "three",
    });
    expect(
      parseLine('{"msg":"x","err":null,"error":"two"}'),
      "an err of null is not usable: error is tried next",
    ).toMatchObject({ format: "json", error: "two" });
  });

  it("takes service before logger before name, and msg before message, trimmed", () => {
    expect(
      parseLine('{"service":" api ","logger":"l","name":"n","msg":" hi ","message":"m"}'),
    ).toMatchObject({ service: "api", message: "hi" });
    expect(parseLine('{"service":"","logger":"l","name":"n","msg":7,"message":"m"}')).toMatchObject(
      { service: "l", message: "m" },
    );
    expect(parseLine('{"service":{"name":"api"},"name":"n"}')).toMatchObject({ service: "n" });
  });

  it("takes time before ts before timestamp, skipping one that is no timestamp", () => {
    expect(
      parseLine(
        '{"time":"2024-01-02T03:04:05Z","ts":1704250000,"timestamp":"2025-01-01T00:00:00Z"}',
      ),
    ).toMatchObject({ timestamp: "2024-01-02T03:04:05.000Z" });
    expect(
      parseLine('{"time":"yesterday","ts":1704164645,"timestamp":"2025-01-01T00:00:00Z"}'),
    ).toMatchObject({ timestamp: "2024-01-02T03:04:05.000Z" });
    expect(parseLine('{"time":null,"ts":"soon","timestamp":"2025-01-01T00:00:00Z"}')).toMatchObject(
      {
        timestamp: "2025-01-01T00:00:00.000Z",
      },
    );
  });

  it("takes a line for json only when it starts with {", () => {
    const json = defaultFormats().find((format) => format.name === "json");
    expect(json?.detect('{"msg":"x"}')).toMatchObject({ message: "x" });
    expect(json?.detect(' {"msg":"x"}'), "a space before the { is not JSON").toBeNull();
    expect(json?.detect('\t{"msg":"x"}'), "a tab before the { is not JSON").toBeNull();
  });

  it("reads epoch numbers below 10^11 as seconds and the rest as milliseconds", () => {
    expect(parseLine('{"ts":99999999999}')).toMatchObject({
      timestamp: "5138-11-16T09:46:39.000Z",
    });
    expect(parseLine('{"ts":100000000000}')).toMatchObject({
      timestamp: "1973-03-03T09:46:40.000Z",
    });
  });

  it("skips an epoch number beyond what Date holds (8.64e15 ms) and tries the next name", () => {
    expect(parseLine('{"time":1e300,"ts":"2024-01-02T03:04:05Z","msg":"far"}')).toEqual(
      record({
        format: "json",
        timestamp: "2024-01-02T03:04:05.000Z",
        level: "info",
        message: "far",
      }),
    );
    expect(
      parseLine('{"time":8640000000000001,"msg":"far"}'),
      "one millisecond past Date's range is still a JSON record, with no timestamp",
    ).toEqual(record({ format: "json", level: "info", message: "far" }));
    expect(parseLine('{"time":8640000000000000,"msg":"edge"}')).toMatchObject({
      timestamp: "+275760-09-13T00:00:00.000Z",
    });
  });

  it("reads a negative epoch as before 1970, its fraction of a millisecond cut toward zero", () => {
    expect(parseLine('{"ts":-1.5}')).toMatchObject({ timestamp: "1969-12-31T23:59:58.500Z" });
    expect(
      parseLine('{"ts":-1.0005}'),
      "-1000.5 ms is cut toward zero to -1000 ms, not down to -1001",
    ).toMatchObject({ timestamp: "1969-12-31T23:59:59.000Z" });
  });

  it("reads a date-time with no zone as UTC, with a space or a T, and a comma fraction", () => {
    expect(parseLine('{"time":" 2024-01-02 03:04:05 "}')).toMatchObject({
      timestamp: "2024-01-02T03:04:05.000Z",
    });
    expect(parseLine('{"time":"2024-01-02T03:04:05,25"}')).toMatchObject({
      timestamp: "2024-01-02T03:04:05.250Z",
    });
    expect(parseLine('{"time":"2024-01-02T05:34:05.000+0230"}')).toMatchObject({
      timestamp: "2024-01-02T03:04:05.000Z",
    });
  });

  it("reads a zone-less date-time as UTC whatever the machine's time zone", () => {
    inTimeZone("America/New_York", () => {
      expect(parseLine('{"time":"2024-01-02T03:04:05.250"}')).toMatchObject({
        timestamp: "2024-01-02T03:04:05.250Z",
      });
      expect(parseLine("2024/01/02 03:04:05 [error] 1#1: x")).toMatchObject({
        timestamp: "2024-01-02T03:04:05.000Z",
      });
    });
  });

  it("gives a null timestamp for a date that does not exist, and keeps the line", () => {
    expect(parseLine('{"time":"2024-13-02T03:04:05Z","msg":"x"}')).toEqual(
      record({ format: "json", level: "info", message: "x" }),
    );
  });

  it.each([
    ["30 February", "2024-02-30T03:04:05Z"],
    ["29 February in a year that is not a leap year", "2023-02-29 03:04:05"],
    ["31 April", "2024-04-31T03:04:05.5+01:00"],
    ["day 0", "2024-01-00T03:04:05Z"],
    ["hour 24", "2024-01-02T24:00:00Z"],
    ["minute 60", "2024-01-02T03:60:00Z"],
    ["a leap second", "2024-12-31T23:59:60Z"],
    ["an offset of 25 hours", "2024-01-02T03:04:05+25:00"],
    ["an offset of 60 minutes", "2024-01-02T03:04:05+0060"],
  ])("gives a null timestamp for %s, never rolling it over", (_name, time) => {
    expect(parseLine(JSON.stringify({ time, msg: "x" })), `${time} does not exist`).toEqual(
      record({ format: "json", level: "info", message: "x" }),
    );
  });

  it("reads 29 February in a leap year, and nulls impossible days in text formats too", () => {
    expect(parseLine('{"time":"2024-02-29T23:59:59.999Z"}')).toMatchObject({
      timestamp: "2024-02-29T23:59:59.999Z",
    });
    expect(parseLine("2024/02/30 03:04:05 [error] 1#1: x")).toEqual(
      record({ format: "nginx", level: "error", message: "x" }),
    );
    expect(parseLine("[Fri Apr 31 03:04:05 2024] [error] x")).toEqual(
      record({ format: "apache", level: "error", message: "x" }),
    );
    expect(parseLine("2023-02-29 03:04:05,678 ERROR [main] org.example.App: x")).toEqual(
      record({ format: "log4j", level: "error", service: "org.example.App", message: "x" }),
    );
  });

  it("skips a date-time that does not exist for the next timestamp name", () => {
    expect(parseLine('{"time":"2024-02-30T03:04:05Z","ts":1704164645,"msg":"x"}')).toMatchObject({
      timestamp: "2024-01-02T03:04:05.000Z",
    });
  });
});

describe("step 6 — syslog", () => {
  it("reads RFC 5424: the severity of <PRI>, APP-NAME as the service, structured data skipped", () => {
    expect(
      parseLine(
        '<11>1 2024-01-02T03:04:05.123456+01:00 web-1 billing 4242 EXPORT [meta note="a \\] b" n="2"][x@1 y="z"] invoice export failed',
      ),
    ).toEqual(
      record({
        format: "rfc5424",
        timestamp: "2024-01-02T02:04:05.123Z",
        level: "error",
        service: "billing",
        message: "invoice export failed",
      }),
    );
  });

  it("reads RFC 5424's nil values (-), a missing message and a BOM before the message", () => {
    expect(parseLine("<165>1 - - - - - -")).toEqual(record({ format: "rfc5424", level: "info" }));
    expect(parseLine("<15>1 2024-01-02T03:04:05Z h app - - - \uFEFFcaf\u00e9")).toMatchObject({
      level: "debug",
      message: "caf\u00e9",
    });
    expect(
      parseLine("<14>1 - - - - - - a\uFEFFb"),
      "only a BOM that opens the message is removed",
    ).toMatchObject({ format: "rfc5424", message: "a\uFEFFb" });
  });

  it.each([
    [0, "fatal"],
    [1, "fatal"],
    [2, "fatal"],
    [3, "error"],
    [4, "warn"],
    [5, "info"],
    [6, "info"],
    [7, "debug"],
    [8 * 23 + 7, "debug"],
  ])("reads <PRI> %d as %s (severity = PRI mod 8)", (pri, level) => {
    expect(parseLine(`<${pri}>1 2024-01-02T03:04:05Z h app - - - x`)).toMatchObject({ level });
    expect(parseLine(`<${pri}>Jan  2 03:04:05 h app: x`)).toMatchObject({
      format: "syslog",
      level,
    });
  });

  it("does not take a PRI above 191 for syslog", () => {
    expect(parseLine("<192>1 2024-01-02T03:04:05Z h app - - - x")).toBeNull();
    expect(parseLine("<192>Jan  2 03:04:05 h app: x")).toBeNull();
  });

  it("reads rsyslog's RFC 3339 file format, with the level word that opens the message", () => {
    expect(
      parseLine(
        "2024-01-02T03:04:05.123456+00:00 web-1 sshd[812]: error: kex_exchange_identification: closed",
      ),
    ).toEqual(
      record({
        format: "syslog",
        timestamp: "2024-01-02T03:04:05.123Z",
        level: "error",
        service: "sshd",
        message: "kex_exchange_identification: closed",
      }),
    );
  });

  it("takes any tag without whitespace, brackets or colons as the service", () => {
    expect(parseLine("<30>Jan  2 03:04:05 web-1 systemd-logind[512]: New session 4")).toMatchObject(
      {
        service: "systemd-logind",
        message: "New session 4",
      },
    );
    expect(parseLine("<30>Jan  2 03:04:05 web-1 org.example/app@2: x")).toMatchObject({
      service: "org.example/app@2",
    });
  });

  it("is info when the message opens with no level word, and keeps the message whole", () => {
    expect(
      parseLine("2024-01-02T03:04:05.1+00:00 web-1 kernel: Out of memory: Killed process 4811"),
    ).toMatchObject({
      level: "info",
      service: "kernel",
      message: "Out of memory: Killed process 4811",
    });
    expect(parseLine("2024-01-02T03:04:05.1+00:00 web-1 sudo: PAM: auth failed")).toMatchObject({
      level: "info",
      message: "PAM: auth failed",
    });
  });

  it("takes the severity of <PRI> over a level word in the message", () => {
    expect(parseLine("<14>Jan  2 03:04:05 web-1 app[9]: error: not really")).toEqual(
      record({
        format: "syslog",
        timestamp: expect.any(String) as unknown as string,
        level: "info",
        service: "app",
        message: "error: not really",
      }),
    );
  });

  it("skips one space after the colon, no more, and needs none", () => {
    expect(parseLine("<14>Jan  2 03:04:05 h app:  two")).toMatchObject({ message: " two" });
    expect(parseLine("<14>Jan  2 03:04:05 h app:none")).toMatchObject({ message: "none" });
    expect(parseLine("Jan  2 03:04:05 h app: error:  two")).toMatchObject({
      level: "error",
      message: " two",
    });
    expect(parseLine("Jan  2 03:04:05 h app: warn:x")).toMatchObject({
      level: "warn",
      message: "x",
    });
  });

  it("takes httpd's trace1 … trace8 as a level word before the colon, but not a number", () => {
    expect(parseLine("Jan  2 03:04:05 h app: trace3: handshake")).toMatchObject({
      format: "syslog",
      level: "trace",
      message: "handshake",
    });
    expect(parseLine("Jan  2 03:04:05 h app: 50: disk full")).toMatchObject({
      format: "syslog",
      level: "info",
      message: "50: disk full",
    });
  });

  it("reads an RFC 3339 timestamp with a comma fraction or no zone, and needs the T", () => {
    expect(parseLine("2024-01-02T03:04:05,5 web-1 app: x")).toMatchObject({
      format: "syslog",
      timestamp: "2024-01-02T03:04:05.500Z",
    });
    expect(parseLine("2024-01-02 03:04:05Z web-1 app: x"), "a space instead of the T").toBeNull();
    expect(parseLine("2024-01-02Tnoon web-1 app: x"), "no date-time after the T").toBeNull();
    expect(parseLine("2024-04-31T03:04:05Z web-1 app: x")).toEqual(
      record({ format: "syslog", level: "info", service: "app", message: "x" }),
    );
  });

  it("does not take a month that is not an English month name for syslog", () => {
    expect(parseLine("Okt  2 03:04:05 web-1 app: x")).toBeNull();
    expect(parseLine("<14>Okt  2 03:04:05 web-1 app: x")).toBeNull();
  });

  it("puts a year-less date in the year of the reference date", () => {
    const parse = parserAt("2024-06-01T00:00:00Z");
    expect(parse("Jan  2 03:04:05 web-1 cron[77]: job done")).toEqual(
      record({
        format: "syslog",
        timestamp: "2024-01-02T03:04:05.000Z",
        level: "info",
        service: "cron",
        message: "job done",
      }),
    );
    expect(parse("May 31 23:59:59 web-1 su: WARNING: x")).toMatchObject({
      timestamp: "2024-05-31T23:59:59.000Z",
      level: "warn",
    });
  });

  it("takes a day written with one space or a leading zero", () => {
    const parse = parserAt("2024-06-01T00:00:00Z");
    expect(parse("Jan 2 03:04:05 web-1 app: x")).toMatchObject({
      timestamp: "2024-01-02T03:04:05.000Z",
    });
    expect(parse("Jan 02 03:04:05 web-1 app: x")).toMatchObject({
      timestamp: "2024-01-02T03:04:05.000Z",
    });
    expect(
      parse("Jan   2 03:04:05 web-1 app: x"),
      "one or more spaces, not RFC 3164's padding only",
    ).toMatchObject({
      timestamp: "2024-01-02T03:04:05.000Z",
    });
    expect(parse("Jan    12 03:04:05 web-1 app: x")).toMatchObject({
      timestamp: "2024-01-12T03:04:05.000Z",
    });
  });

  it("puts a year-less Feb 29 in the year before when the reference year has none", () => {
    expect(parserAt("2024-06-01T00:00:00Z")("Feb 29 10:00:00 web-1 app: x")).toMatchObject({
      timestamp: "2024-02-29T10:00:00.000Z",
    });
    expect(parserAt("2025-06-01T00:00:00Z")("Feb 29 10:00:00 web-1 app: x")).toMatchObject({
      timestamp: "2024-02-29T10:00:00.000Z",
    });
    expect(
      parserAt("2026-06-01T00:00:00Z")("Feb 29 10:00:00 web-1 app: x"),
      "neither 2026 nor 2025 has a 29 February",
    ).toEqual(record({ format: "syslog", level: "info", service: "app", message: "x" }));
  });

  it("gives a null timestamp to Feb 29 sent to a year before that has none", () => {
    expect(
      parserAt("2024-01-10T00:00:00Z")("Feb 29 10:00:00 web-1 app: x"),
      "2024-02-29 is more than a day after the reference, and 2023 has no 29 February",
    ).toEqual(record({ format: "syslog", level: "info", service: "app", message: "x" }));
    expect(parserAt("2024-02-28T10:00:00Z")("Feb 29 10:00:00 web-1 app: x")).toMatchObject({
      timestamp: "2024-02-29T10:00:00.000Z",
    });
  });

  it("gives a null timestamp to a year-less date that no year has", () => {
    const parse = parserAt("2024-06-01T00:00:00Z");
    expect(parse("Apr 31 03:04:05 web-1 app: x")).toEqual(
      record({ format: "syslog", level: "info", service: "app", message: "x" }),
    );
    expect(parse("Jan  2 24:00:00 web-1 app: x")).toEqual(
      record({ format: "syslog", level: "info", service: "app", message: "x" }),
    );
  });

  it("puts it in the year before when it would be more than a day after the reference date", () => {
    const parse = parserAt("2025-01-01T00:00:00Z");
    expect(parse("Dec 31 23:59:59 web-1 app: x")).toMatchObject({
      timestamp: "2024-12-31T23:59:59.000Z",
    });
  });

  it("takes the reference date's year in UTC, whatever the machine's time zone", () => {
    inTimeZone("America/New_York", () => {
      // 00:30 UTC on 1 January 2025 is still 2024 in New York.
      const parse = parserAt("2025-01-01T00:30:00Z");
      expect(parse("Jan  1 00:10:00 web-1 app: x")).toMatchObject({
        timestamp: "2025-01-01T00:10:00.000Z",
      });
    });
  });

  it("allows up to exactly one day of clock skew", () => {
    const parse = parserAt("2024-01-02T03:04:05Z");
    expect(parse("Jan  3 03:04:05 web-1 app: x")).toMatchObject({
      timestamp: "2024-01-03T03:04:05.000Z",
    });
    expect(parse("Jan  3 03:04:06 web-1 app: x")).toMatchObject({
      timestamp: "2023-01-03T03:04:06.000Z",
    });
  });

  it("resolves against the time of parsing when no reference date is given", () => {
    vi.useFakeTimers({ now: new Date("2030-03-01T12:00:00Z"), toFake: ["Date"] });
    const parse = createParser();
    expect(parse("Feb 28 10:00:00 web-1 app: x")).toMatchObject({
      timestamp: "2030-02-28T10:00:00.000Z",
    });
    vi.setSystemTime(new Date("2031-03-01T12:00:00Z"));
    expect(parse("Feb 28 10:00:00 web-1 app: x")).toMatchObject({
      timestamp: "2031-02-28T10:00:00.000Z",
    });
  });
});

describe("step 7 — container wrappers", () => {
  it("unwraps a CRI line: timestamp, stream, partial flag and the text", () => {
    expect(unwrapContainerLine("2024-01-02T03:04:05.123456789Z stderr F hello world")).toEqual({
      container: "cri",
      stream: "stderr",
      timestamp: "2024-01-02T03:04:05.123Z",
      partial: false,
      text: "hello world",
    });
    expect(unwrapContainerLine("2024-01-02T04:04:05.5+01:00 stdout P part ")).toEqual({
      container: "cri",
      stream: "stdout",
      timestamp: "2024-01-02T03:04:05.500Z",
      partial: true,
      text: "part ",
    });
  });

  it("unwraps a Docker json-file line: a log with no newline is partial", () => {
    expect(
      unwrapContainerLine(
        '{"log":"hello\\n","stream":"stdout","time":"2024-01-02T03:04:05.987654321Z"}',
      ),
    ).toEqual({
      container: "docker",
      stream: "stdout",
      timestamp: "2024-01-02T03:04:05.987Z",
      partial: false,
      text: "hello",
    });
    expect(
      unwrapContainerLine('{"log":"cut ","stream":"stderr","time":"2024-01-02T03:04:05Z"}'),
    ).toMatchObject({ partial: true, text: "cut " });
    expect(
      unwrapContainerLine(
        '{"log":"  crlf \\r\\n","stream":"stderr","time":"2024-01-02T03:04:05Z"}',
      ),
    ).toMatchObject({ partial: false, text: "  crlf " });
    expect(
      unwrapContainerLine('{"log":"two\\n\\n","stream":"stderr","time":"2024-01-02T03:04:05Z"}'),
    ).toMatchObject({ partial: false, text: "two\n" });
    expect(
      unwrapContainerLine('{"log":"cr\\r","stream":"stdout","time":"2024-01-02T03:04:05Z"}'),
      "a lone final \\r is not a line ending: partial, and kept in text",
    ).toMatchObject({ partial: true, text: "cr\r" });
    expect(
      unwrapContainerLine('{"log":"one\\ntwo\\n","stream":"stdout","time":"2024-01-02T03:04:05Z"}'),
      "only the trailing \\n goes; one inside the log stays",
    ).toMatchObject({ partial: false, text: "one\ntwo" });
  });

  it.each([
    ["a plain line", "hello world"],
    ["a CRI line with a bad stream", "2024-01-02T03:04:05Z stdin F x"],
    ["a CRI line with a bad tag", "2024-01-02T03:04:05Z stdout X x"],
    ["a CRI line whose time is no timestamp", "yesterday stdout F x"],
    ["a CRI line whose date does not exist", "2024-02-30T03:04:05.123456789Z stdout F x"],
    [
      "JSON whose date does not exist",
      '{"log":"x\\n","stream":"stdout","time":"2023-02-29T03:04:05Z"}',
    ],
    ["JSON without a stream", '{"log":"x\\n","time":"2024-01-02T03:04:05Z"}'],
    [
      "JSON with a log that is not a string",
      '{"log":1,"stream":"stdout","time":"2024-01-02T03:04:05Z"}',
    ],
    ["JSON with a bad time", '{"log":"x\\n","stream":"stdout","time":"now"}'],
    [
      "JSON whose time is not a string",
      '{"log":"x\\n","stream":"stdout","time":["2024-01-02T03:04:05Z"]}',
    ],
    ["JSON that does not parse", '{"log":"x\\n","stream":"stdout",'],
  ])("returns null for %s", (_name, line) => {
    expect(unwrapContainerLine(line)).toBeNull();
  });

  it("reads a CRI time with no zone as UTC", () => {
    expect(unwrapContainerLine("2024-01-02T03:04:05.5 stdout F x")).toEqual({
      container: "cri",
      stream: "stdout",
      timestamp: "2024-01-02T03:04:05.500Z",
      partial: false,
      text: "x",
    });
  });

  it("parses the line inside a CRI wrapper, keeping the inner timestamp", () => {
    expect(
      parseLine(
        '2024-01-02T03:04:09.000000000Z stderr F {"level":"error","ts":1704164645.5,"msg":"probe failed","error":"deadline"}',
      ),
    ).toEqual({
      format: "json",
      timestamp: "2024-01-02T03:04:05.500Z",
      level: "error",
      service: null,
      message: "probe failed",
      error: "deadline",
      container: "cri",
      stream: "stderr",
    });
  });

  it("uses the wrapper's timestamp when the inner line has none", () => {
    expect(parseLine("2024-01-02T03:04:05.123456789Z stdout F ERROR:worker:job 7 crashed")).toEqual(
      {
        format: "python",
        timestamp: "2024-01-02T03:04:05.123Z",
        level: "error",
        service: "worker",
        message: "job 7 crashed",
        error: null,
        container: "cri",
        stream: "stdout",
      },
    );
  });

  it("parses the line inside a Docker wrapper (not as a JSON line of its own)", () => {
    expect(
      parseLine(
        '{"log":"2024/01/02 03:04:05 [warn] 7#7: *3 upstream response is buffered\\n","stream":"stderr","time":"2024-01-02T03:04:05.987654321Z"}',
      ),
    ).toEqual({
      format: "nginx",
      timestamp: "2024-01-02T03:04:05.000Z",
      level: "warn",
      service: null,
      message: "upstream response is buffered",
      error: null,
      container: "docker",
      stream: "stderr",
    });
  });

  it("makes an inner line in no format a text record at info", () => {
    expect(parseLine("2024-01-02T03:04:05.3Z stdout F   Listening on :8080  ")).toEqual({
      format: "text",
      timestamp: "2024-01-02T03:04:05.300Z",
      level: "info",
      service: null,
      message: "Listening on :8080",
      error: null,
      container: "cri",
      stream: "stdout",
    });
    expect(parseLine("2024-01-02T03:04:05.3Z stdout F")).toMatchObject({
      format: "text",
      message: "",
    });
    expect(
      parseLine('{"log":"\\n","stream":"stdout","time":"2024-01-02T03:04:05Z"}'),
    ).toMatchObject({ format: "text", container: "docker", message: "" });
  });

  it("gives an empty container text to no detector: it is a text record", () => {
    const seen: string[] = [];
    const parse = createParser([
      {
        name: "anything",
        detect: (line) => {
          seen.push(line);
          return { timestamp: null, level: "error", service: "x", message: line, error: null };
        },
      },
    ]);
    expect(parse("2024-01-02T03:04:05Z stdout F")).toEqual({
      format: "text",
      timestamp: "2024-01-02T03:04:05.000Z",
      level: "info",
      service: null,
      message: "",
      error: null,
      container: "cri",
      stream: "stdout",
    });
    expect(parse('{"log":"  \\n","stream":"stderr","time":"2024-01-02T03:04:05Z"}')).toMatchObject({
      format: "text",
      container: "docker",
      message: "",
    });
    expect(seen, "an empty text must reach no detector").toEqual([]);
  });

  it("joins CRI partial lines, per stream, into one F line with the first part's timestamp", async () => {
    const lines = [
      '2024-01-02T03:04:05.1Z stderr P {"level":"error","msg":"probe ',
      "2024-01-02T03:04:05.2Z stdout F unrelated",
      "2024-01-02T03:04:05.3Z stderr P fail",
      '2024-01-02T03:04:05.4Z stderr F ed","service":"web"}',
      "plain line",
    ];
    expect(await collect(joinPartialLines(lines))).toEqual([
      "2024-01-02T03:04:05.2Z stdout F unrelated",
      '2024-01-02T03:04:05.1Z stderr F {"level":"error","msg":"probe failed","service":"web"}',
      "plain line",
    ]);
  });

  it("joins a P line with no text (an empty part)", async () => {
    const lines = ["2024-01-02T03:04:05.1Z stdout P", "2024-01-02T03:04:05.2Z stdout F rest"];
    expect(await collect(joinPartialLines(lines))).toEqual([
      "2024-01-02T03:04:05.1Z stdout F rest",
    ]);
  });

  it("keeps two streams' partial lines apart", async () => {
    const lines = [
      "2024-01-02T03:04:05.1Z stdout P out-1 ",
      "2024-01-02T03:04:05.2Z stderr P err-1 ",
      "2024-01-02T03:04:05.3Z stdout F out-2",
      "2024-01-02T03:04:05.4Z stderr F err-2",
    ];
    expect(await collect(joinPartialLines(lines))).toEqual([
      "2024-01-02T03:04:05.1Z stdout F out-1 out-2",
      "2024-01-02T03:04:05.2Z stderr F err-1 err-2",
    ]);
  });

  it("flushes a partial line still open at the end, as if it were complete", async () => {
    async function* lines() {
      yield "2024-01-02T03:04:05.1Z stdout P cut ";
      yield "2024-01-02T03:04:05.2Z stdout P short\r";
    }
    expect(await collect(joinPartialLines(lines()))).toEqual([
      "2024-01-02T03:04:05.1Z stdout F cut short",
    ]);
  });

  it("drops only the final \\r of the lines it joins, and keeps their spaces", async () => {
    const lines = ["2024-01-02T03:04:05.1Z stdout P  a \r", "2024-01-02T03:04:05.2Z stdout F b \r"];
    expect(await collect(joinPartialLines(lines))).toEqual([
      "2024-01-02T03:04:05.1Z stdout F  a b ",
    ]);
  });

  it("flushes the partial lines still open at the end in the order they were opened", async () => {
    const lines = [
      "2024-01-02T03:04:05.1Z stderr P err",
      "2024-01-02T03:04:05.2Z stdout P out",
      "2024-01-02T03:04:05.3Z stdout P put",
    ];
    expect(await collect(joinPartialLines(lines))).toEqual([
      "2024-01-02T03:04:05.1Z stderr F err",
      "2024-01-02T03:04:05.2Z stdout F output",
    ]);
  });

  it("counts a stream's partial as opened when its new P came, after an F closed the old one", async () => {
    const lines = [
      "2024-01-02T03:04:05.1Z stdout P old",
      "2024-01-02T03:04:05.2Z stderr P err",
      "2024-01-02T03:04:05.3Z stdout F done",
      "2024-01-02T03:04:05.4Z stdout P new",
    ];
    expect(await collect(joinPartialLines(lines))).toEqual([
      "2024-01-02T03:04:05.1Z stdout F olddone",
      "2024-01-02T03:04:05.2Z stderr F err",
      "2024-01-02T03:04:05.4Z stdout F new",
    ]);
  });

  it("passes a CRI-like line whose date does not exist through untouched", async () => {
    const lines = [
      "2024-01-02T03:04:05.1Z stdout P a",
      "2024-02-30T03:04:05.2Z stdout P not CRI",
      "2024-01-02T03:04:05.3Z stdout F b",
    ];
    expect(await collect(joinPartialLines(lines))).toEqual([
      "2024-02-30T03:04:05.2Z stdout P not CRI",
      "2024-01-02T03:04:05.1Z stdout F ab",
    ]);
  });

  it("passes every other line through untouched, blank ones included", async () => {
    const lines = [
      "",
      "  x  ",
      "2024-01-02T03:04:05Z stdout F  two spaces\r",
      "yesterday stdout P not a CRI line",
      "{}",
    ];
    expect(await collect(joinPartialLines(lines))).toEqual(lines);
  });
});

describe("step 8 — counting a mixed file", () => {
  const readLines = () =>
    createInterface({ input: createReadStream(MIXED), crlfDelay: Number.POSITIVE_INFINITY });

  it("counts every format of a mixed file: totals, formats, levels and errors per service", async () => {
    const summary = await summarise(readLines());
    expect(summary).toEqual({
      totals: { lines: 24, blank: 2, parsed: 21, unparsed: 1 },
      formats: {
        apache: 2,
        json: 5,
        log4j: 2,
        logfmt: 1,
        nginx: 3,
        python: 2,
        rfc5424: 1,
        syslog: 3,
        text: 1,
        zookeeper: 1,
      },
      levels: { trace: 0, debug: 0, info: 3, warn: 3, error: 13, fatal: 2 },
      errors: {
        "(none)": 4,
        QuorumPeer: 1,
        api: 1,
        "api.http": 1,
        billing: 1,
        checkout: 1,
        core: 1,
        "org.example.mapreduce.Allocator": 1,
        "payments.db": 2,
        sshd: 1,
        web: 1,
      },
    });
  });

  it("writes the keys in order: formats and services sorted, levels on the scale", async () => {
    const summary = await summarise([
      "ERROR:zed:x",
      "ERROR:Alpha:x",
      "ERROR:_jobs:x",
      "ERROR:alpha:x",
      "TRACE:x:y",
      "level=debug msg=x",
    ]);
    expect(Object.keys(summary)).toEqual(["totals", "formats", "levels", "errors"]);
    expect(Object.keys(summary.totals)).toEqual(["lines", "blank", "parsed", "unparsed"]);
    expect(Object.keys(summary.formats)).toEqual(["logfmt", "python"]);
    expect(Object.keys(summary.levels)).toEqual([...LEVELS]);
    expect(Object.keys(summary.errors)).toEqual(["Alpha", "_jobs", "alpha", "zed"]);
  });

  it("counts error and fatal lines under their service, and (none) without one", async () => {
    const summary = await summarise([
      '{"level":"fatal","service":"api"}',
      '{"level":"error","service":"api"}',
      '{"level":"warn","service":"api"}',
      '{"level":"error"}',
      "2024/01/02 03:04:05 [crit] 1#1: x",
      "2024/01/02 03:04:05 [info] 1#1: x",
    ]);
    expect(summary.errors).toEqual({ "(none)": 2, api: 2 });
    expect(summary.levels).toEqual({ trace: 0, debug: 0, info: 1, warn: 1, error: 2, fatal: 2 });
  });

  it("counts lines with the parser it is given", async () => {
    const onlyNginx = createParser(defaultFormats().filter((format) => format.name === "nginx"));
    const summary = await summarise(
      ["2024/01/02 03:04:05 [error] 1#1: x", "ERROR:payments:x", "   "],
      onlyNginx,
    );
    expect(summary.totals).toEqual({ lines: 3, blank: 1, parsed: 1, unparsed: 1 });
    expect(summary.formats).toEqual({ nginx: 1 });
  });

  it("counts a line that makes the parser throw as unparsed, and goes on", async () => {
    const parse = (line: string) => {
      if (line.startsWith("!")) throw new TypeError("bug in my parser");
      return parseLine(line);
    };
    const summary = await summarise(["! boom", "ERROR:x:y"], parse);
    expect(summary.totals).toEqual({ lines: 2, blank: 0, parsed: 1, unparsed: 1 });
  });

  it("never hands a blank line to the parser", async () => {
    const parse = vi.fn(parseLine);
    const summary = await summarise(["", " \t ", "\r", "ERROR:x:y"], parse);
    expect(summary.totals).toEqual({ lines: 4, blank: 3, parsed: 1, unparsed: 0 });
    expect(parse).toHaveBeenCalledTimes(1);
  });

  it("counts a joined partial line once, and takes an async iterable", async () => {
    async function* lines() {
      yield '2024-01-02T03:04:05.1Z stderr P {"level":"error",';
      yield '2024-01-02T03:04:05.2Z stderr F "service":"web"}';
    }
    expect(await summarise(lines())).toEqual({
      totals: { lines: 1, blank: 0, parsed: 1, unparsed: 0 },
      formats: { json: 1 },
      levels: { trace: 0, debug: 0, info: 0, warn: 0, error: 1, fatal: 0 },
      errors: { web: 1 },
    });
  });

  it("gives all zeros for no lines, and a fresh object every call", async () => {
    const empty = {
      totals: { lines: 0, blank: 0, parsed: 0, unparsed: 0 },
      formats: {},
      levels: { trace: 0, debug: 0, info: 0, warn: 0, error: 0, fatal: 0 },
      errors: {},
    };
    const first = await summarise([]);
    expect(first).toEqual(empty);
    first.totals.lines = 99;
    first.levels.error = 99;
    expect(await summarise([])).toEqual(empty);
  });

  it("counts a service called __proto__ as a plain key", async () => {
    const summary = await summarise(['{"level":"error","service":"__proto__"}']);
    expect(Object.keys(summary.errors)).toEqual(["__proto__"]);
    expect(JSON.stringify(summary.errors)).toBe('{"__proto__":1}');
    expect(({} as Record<string, unknown>).level).toBeUndefined();
  });
});
