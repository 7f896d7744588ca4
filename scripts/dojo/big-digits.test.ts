import { describe, expect, it } from "vitest";
import { bigText, formatCountdown, formatElapsed, GLYPH_HEIGHT } from "./big-digits.ts";

describe("bigText", () => {
  it("draws a clock in five lines of block digits of equal width", () => {
    expect(bigText("1:05").map((line) => line.replace(/█/g, "#"))).toEqual([
      "  #       ##### #####",
      " ##    #  #   # #    ",
      "  #       #   # #####",
      "  #    #  #   #     #",
      " ###      ##### #####",
    ]);
  });

  it("widens every cell by the scale", () => {
    const lines = bigText("8", 2);
    expect(lines).toHaveLength(GLYPH_HEIGHT);
    expect(lines[0]).toBe("█".repeat(10));
    expect(lines[1]).toBe(`██${" ".repeat(6)}██`);
  });

  it("refuses characters it has no glyph for", () => {
    expect(() => bigText("5m")).toThrow(/no big glyph for "m"/);
  });
});

describe("formatCountdown", () => {
  it("rounds up, so 0:00 only shows when the time is up", () => {
    expect(formatCountdown(300_000)).toBe("5:00");
    expect(formatCountdown(299_001)).toBe("5:00");
    expect(formatCountdown(299_000)).toBe("4:59");
    expect(formatCountdown(1)).toBe("0:01");
    expect(formatCountdown(0)).toBe("0:00");
    expect(formatCountdown(-5)).toBe("0:00");
    expect(formatCountdown(2 * 3600_000)).toBe("2:00:00");
  });

  it("rounds elapsed time down", () => {
    expect(formatElapsed(59_999)).toBe("0:59");
    expect(formatElapsed(61_000)).toBe("1:01");
  });
});
