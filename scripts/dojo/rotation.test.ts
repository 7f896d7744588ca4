import { describe, expect, it } from "vitest";
import { beforeFirstTurn, canSkipUpNext, rotate, type Seating, upNext } from "./rotation.ts";

/** Drivers and navigators of `turns` turns from the start, as "driver/navigator". */
function turns(teamSize: number, count: number, skippedBefore: Map<number, number[]> = new Map()) {
  let seating = beforeFirstTurn(teamSize);
  const skipped = new Set<number>();
  const pairs: string[] = [];
  for (let turn = 1; turn <= count; turn += 1) {
    for (const person of skippedBefore.get(turn) ?? []) skipped.add(person);
    const next = rotate(seating, skipped);
    for (const person of next.passedOver) skipped.delete(person);
    seating = next.seating;
    pairs.push(`${seating.driver}/${seating.navigator ?? "-"}`);
  }
  return pairs;
}

describe("the rotation", () => {
  it("goes round the team: the navigator drives next, the one who waited longest navigates", () => {
    expect(turns(3, 4)).toEqual(["0/1", "1/2", "2/0", "0/1"]);
    expect(turns(4, 5)).toEqual(["0/1", "1/2", "2/3", "3/0", "0/1"]);
  });

  it("swaps a pair, and keeps one person driving solo", () => {
    expect(turns(2, 3)).toEqual(["0/1", "1/0", "0/1"]);
    expect(turns(1, 2)).toEqual(["0/-", "0/-"]);
  });

  it("passes over a stepped-out person once and brings them back at the next rotation", () => {
    // Person 2 steps out before turn 2: 0 navigates instead, and 2 is back in turn 3.
    expect(turns(3, 5, new Map([[2, [2]]]))).toEqual(["0/1", "1/0", "0/2", "2/1", "1/0"]);
  });

  it("reports who was passed over, so their skip is used up", () => {
    const seating: Seating = { driver: 0, navigator: 1, waiting: [2, 3] };
    expect(rotate(seating, new Set([2, 3]))).toEqual({
      seating: { driver: 1, navigator: 0, waiting: [2, 3] },
      passedOver: [2, 3],
    });
  });

  it("names who navigates after the next rotation", () => {
    const seating: Seating = { driver: 0, navigator: 1, waiting: [2] };
    expect(upNext(seating, new Set())).toBe(2);
    expect(upNext(seating, new Set([2]))).toBe(0);
    expect(upNext({ driver: 0, navigator: null, waiting: [] }, new Set())).toBeNull();
  });

  it("allows a skip only while someone is left to navigate", () => {
    const three: Seating = { driver: 0, navigator: 1, waiting: [2] };
    expect(canSkipUpNext(three, new Set())).toBe(true);
    expect(canSkipUpNext(three, new Set([2]))).toBe(false);
    expect(canSkipUpNext({ driver: 0, navigator: 1, waiting: [] }, new Set())).toBe(false);
    expect(canSkipUpNext({ driver: 0, navigator: null, waiting: [] }, new Set())).toBe(false);
  });
});
