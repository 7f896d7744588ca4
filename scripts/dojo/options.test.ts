import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../lib/errors.ts";
import {
  DEFAULT_BREAKS_EVERY,
  DEFAULT_MINUTES,
  DEFAULT_PORT,
  DEFAULT_RETRO_DIR,
  parseDojoArgs,
  parseTeam,
} from "./options.ts";

/** The UserError a bad command line gives (failing the test if it gives none). */
function problemWith(argv: string[]): UserError {
  try {
    parseDojoArgs(argv);
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error(`no error for ${argv.join(" ")}`);
}

describe("parseDojoArgs", () => {
  it("has defaults for everything but the kata and the team", () => {
    expect(parseDojoArgs([])).toEqual({
      slug: undefined,
      team: undefined,
      minutes: DEFAULT_MINUTES,
      breaksEvery: DEFAULT_BREAKS_EVERY,
      web: null,
      retroDir: DEFAULT_RETRO_DIR,
      help: false,
    });
  });

  it("reads the kata, the team and the timing", () => {
    const options = parseDojoArgs([
      "retry-backoff",
      "--team",
      "Ana, Bo,Cy",
      "--minutes",
      "7",
      "--breaks-every",
      "0",
    ]);
    expect(options).toMatchObject({
      slug: "retry-backoff",
      team: ["Ana", "Bo", "Cy"],
      minutes: 7,
      breaksEvery: 0,
    });
  });

  it("serves the page on loopback by default, and on every interface only when asked", () => {
    expect(parseDojoArgs(["--web"]).web).toEqual({ host: "127.0.0.1", port: DEFAULT_PORT });
    expect(parseDojoArgs(["--web", "--port", "0"]).web).toEqual({ host: "127.0.0.1", port: 0 });
    expect(parseDojoArgs(["--web", "--lan"]).web).toEqual({ host: "0.0.0.0", port: DEFAULT_PORT });
    expect(parseDojoArgs(["--host", "0.0.0.0"]).web?.host, "--host implies --web").toBe("0.0.0.0");
    expect(parseDojoArgs(["--port", "8080"]).web?.port, "--port implies --web").toBe(8080);
  });

  it("rejects a turn length that is not a whole number of minutes from 1 to 120", () => {
    for (const bad of ["0", "-3", "abc", "2.5", "", "121"]) {
      const error = problemWith([`--minutes=${bad}`]);
      expect(error.message).toBe(
        `--minutes must be a whole number from 1 to 120 minutes (got "${bad}").`,
      );
      expect(error.exitCode).toBe(2);
    }
  });

  it("rejects a bad port, a bad break interval, and --lan with another --host", () => {
    expect(problemWith(["--web", "--port", "70000"]).message).toMatch(
      /--port must be a whole number from 0 to 65535/,
    );
    expect(problemWith(["--breaks-every", "x"]).message).toMatch(/--breaks-every must be/);
    expect(problemWith(["--lan", "--host", "127.0.0.1"]).message).toBe(
      "Use either --lan or --host 127.0.0.1, not both.",
    );
  });

  it("explains unknown options and extra arguments with the usage", () => {
    expect(problemWith(["--colour"]).message).toMatch(
      /Unknown option '--colour'[\s\S]*Usage: npm run dojo/,
    );
    expect(problemWith(["a", "b"]).message).toMatch(/^Unexpected argument "b": give one kata/);
    expect(problemWith(["--team"]).message).toMatch(/--team/);
  });

  it("resolves --retro-dir from where the command was typed", () => {
    const dir = parseDojoArgs(["--retro-dir", "/tmp/retros"]).retroDir;
    expect(dir).toBe(join("/tmp", "retros"));
  });
});

describe("parseTeam", () => {
  it("trims names and drops empty ones", () => {
    expect(parseTeam(" Ana ,, Bo  Smith ,")).toEqual(["Ana", "Bo Smith"]);
    expect(parseTeam("Ana")).toEqual(["Ana"]);
  });

  it("refuses an empty team", () => {
    for (const empty of ["", " ", ",, ,"]) {
      expect(() => parseTeam(empty)).toThrow(
        'The team is empty: give at least one name, e.g. --team "Ana,Bo,Cy".',
      );
    }
  });

  it("refuses the same name twice, since the rotation would be ambiguous", () => {
    expect(() => parseTeam("Ana,Bo,ana")).toThrow(/"ana" is in the team twice/);
  });
});
