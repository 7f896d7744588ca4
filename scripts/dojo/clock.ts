/**
 * Time, kept injectable: the dojo reads the time only through a Clock, and the TurnTicker is the
 * one place that schedules wake-ups. Under vi.useFakeTimers both are driven by the fake clock.
 */

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** What the ticker needs from the dojo: a way to notice the deadline, and the time left. */
export interface Tickable {
  tick(): void;
  /** Time left in the running turn, or null when no countdown is running. */
  countdownMs(): number | null;
}

/**
 * Wakes the dojo when the countdown's displayed second changes (so views redraw once per second,
 * exactly when the digits move, and the turn ends on time), or once a second when nothing counts
 * down (the elapsed-time display still moves).
 */
export class TurnTicker {
  private handle: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly target: Tickable,
    private readonly onTick: () => void,
  ) {}

  start(): void {
    this.stop();
    this.schedule();
  }

  stop(): void {
    if (this.handle !== undefined) clearTimeout(this.handle);
    this.handle = undefined;
  }

  private schedule(): void {
    this.handle = setTimeout(() => {
      this.target.tick();
      this.onTick();
      this.schedule();
    }, delayToNextSecond(this.target.countdownMs()));
  }
}

/** The countdown shows whole seconds rounded up, so its digits change when `remaining % 1000` has passed. */
export function delayToNextSecond(remainingMs: number | null): number {
  if (remainingMs === null || remainingMs <= 0) return 1000;
  return remainingMs % 1000 || 1000;
}
