/**
 * A bounded async resource pool — see README.md for the full contract.
 *
 * At most `max` resources exist (being created, idle, being validated or borrowed). Callers
 * beyond that wait, first come first served, for at most `acquireTimeoutMs`. Whatever becomes
 * ready goes to the caller that has waited longest. Idle resources are validated before they are
 * lent again and destroyed once idle for `idleTimeoutMs`. `drain()` closes everything.
 */

export interface PoolFactory<T> {
  /** Opens a new resource; a rejection is handed to the longest waiter. */
  create(): Promise<T>;
  /** Closes a resource; errors are ignored (the resource is gone either way). */
  destroy(resource: T): Promise<void> | void;
  /** Checks a resource before it is lent again; only `true` means usable. */
  validate?(resource: T): Promise<boolean> | boolean;
}

export interface PoolOptions {
  /** The most resources that may exist at once: an integer >= 1. */
  max: number;
  /** How long acquire() waits before rejecting with a PoolTimeoutError (default 30 000). */
  acquireTimeoutMs?: number;
  /** An idle resource is destroyed once idle for this long (default 10 000). */
  idleTimeoutMs?: number;
}

/** acquire() waited acquireTimeoutMs: message `no resource available within ${timeoutMs} ms`. */
export class PoolTimeoutError extends Error {
  // `override`: Error already has a `name` (this workbook compiles with noImplicitOverride).
  override readonly name = "PoolTimeoutError" as const;
  readonly timeoutMs: number;
  constructor(_timeoutMs: number) {
    super();
    // TODO: set the message and timeoutMs.
    throw new Error("TODO: implement PoolTimeoutError()");
  }
}

/** acquire() after drain(): message "the pool is draining: no new acquire". */
export class PoolDrainingError extends Error {
  override readonly name = "PoolDrainingError" as const;
  constructor() {
    super();
    // TODO: set the message.
    throw new Error("TODO: implement PoolDrainingError()");
  }
}

export class Pool<T> {
  /**
   * Throws a TypeError when the factory lacks create() or destroy(), and a RangeError for a bad
   * option, e.g. "max must be an integer >= 1, got 0".
   */
  constructor(_factory: PoolFactory<T>, _options: PoolOptions) {
    // TODO: start here — validate, keep the defaults; create nothing until the first acquire.
    throw new Error("TODO: implement Pool()");
  }

  /** Resources that exist or are being created or validated. */
  get size(): number {
    throw new Error("TODO: implement size");
  }
  /** Idle resources. */
  get available(): number {
    throw new Error("TODO: implement available");
  }
  /** Resources lent out. */
  get borrowed(): number {
    throw new Error("TODO: implement borrowed");
  }
  /** Callers waiting in acquire(). */
  get pending(): number {
    throw new Error("TODO: implement pending");
  }

  /** Lends a resource: idle (validated), new, or the next one given back. */
  acquire(): Promise<T> {
    throw new Error("TODO: implement acquire()");
  }

  /** Gives a borrowed resource back; throws when it is not borrowed from this pool. */
  release(_resource: T): void {
    throw new Error("TODO: implement release()");
  }

  /** Destroys a borrowed resource (found broken); throws when it is not borrowed. */
  destroy(_resource: T): void {
    throw new Error("TODO: implement destroy()");
  }

  /** Borrows a resource for fn and gives it back however fn ends. */
  use<R>(_fn: (resource: T) => R | Promise<R>): Promise<R> {
    throw new Error("TODO: implement use()");
  }

  /** Refuses new acquires, waits for the work in flight, destroys everything. */
  drain(): Promise<void> {
    throw new Error("TODO: implement drain()");
  }
}
