/**
 * Who sits where. The driver and the navigator are at the keyboard; everyone else waits in a
 * queue, in the order given on the command line. At each rotation the navigator takes the
 * keyboard, the driver joins the back of the queue, and the first person in the queue navigates.
 * Someone marked as stepped out is passed over once and keeps their place at the front, so they
 * come back at the very next rotation.
 */

/** Indices into the team. `driver` is null only before the first turn. */
export interface Seating {
  driver: number | null;
  /** null in a solo dojo. */
  navigator: number | null;
  waiting: number[];
}

/** A seating that rotates into the first turn's (the first name drives, the second navigates). */
export function beforeFirstTurn(teamSize: number): Seating {
  return {
    driver: null,
    navigator: 0,
    waiting: Array.from({ length: teamSize - 1 }, (_, i) => i + 1),
  };
}

/** The seating after a rotation, and the stepped-out people it passed over (their skip is used). */
export function rotate(
  seating: Seating,
  skipped: ReadonlySet<number>,
): { seating: Seating; passedOver: number[] } {
  // Solo: the same person keeps driving.
  if (seating.navigator === null) return { seating, passedOver: [] };
  const queue = [...seating.waiting, ...(seating.driver === null ? [] : [seating.driver])];
  const chosen = queue.findIndex((person) => !skipped.has(person));
  return {
    seating: {
      driver: seating.navigator,
      navigator: chosen < 0 ? null : (queue[chosen] as number),
      waiting: queue.filter((_, index) => index !== chosen),
    },
    passedOver: chosen < 0 ? queue : queue.slice(0, chosen),
  };
}

/** Who will navigate after the next rotation (the "next" on screen), if anyone. */
export function upNext(seating: Seating, skipped: ReadonlySet<number>): number | null {
  if (seating.navigator === null) return null;
  return rotate(seating, skipped).seating.navigator;
}

/**
 * Whether the "next" person can be skipped: someone must still be left to navigate after the
 * rotation (in a team of two, skipping the only other person would leave the driver alone).
 */
export function canSkipUpNext(seating: Seating, skipped: ReadonlySet<number>): boolean {
  const next = upNext(seating, skipped);
  if (next === null) return false;
  return upNext(seating, new Set(skipped).add(next)) !== null;
}
