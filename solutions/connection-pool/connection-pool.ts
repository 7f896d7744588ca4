/**
 * A bounded async resource pool (database connections, say): at most `max` resources exist,
 * callers beyond that wait in a FIFO queue with a timeout, idle resources are destroyed after
 * `idleTimeoutMs`, a resource is validated each time it is handed out again, and `drain()`
 * closes everything once the work in flight is done.
 *
 * One rule drives the dispatch: whatever becomes ready (a new resource, one that passed its
 * validation, one released) goes to the caller that has waited longest. Nothing is promised to
 * a particular caller, so a caller that times out needs no clean-up beyond leaving the queue.
 * Idle resources are lent before new ones are awaited: a caller whose new resource is still
 * being created takes an idle one if one comes back meanwhile.
 */

export interface PoolFactory<T> {
  /** Opens a new resource; a rejection is handed to the longest waiter. */
  create(): Promise<T>;
  /** Closes a resource; errors are ignored (the resource is gone either way). */
  destroy(resource: T): Promise<void> | void;
  /** Checks a resource before it is handed out again; false or an error means broken. */
  validate?(resource: T): Promise<boolean> | boolean;
}

export interface PoolOptions {
  /** The most resources that may exist at once (being created, idle or borrowed): an integer >= 1. */
  max: number;
  /** How long acquire() waits before rejecting with a PoolTimeoutError (default 30 000). */
  acquireTimeoutMs?: number;
  /** An idle resource is destroyed once idle for this long (default 10 000). */
  idleTimeoutMs?: number;
}

export class PoolTimeoutError extends Error {
  override readonly name = "PoolTimeoutError";
  constructor(readonly timeoutMs: number) {
    super(`no resource available within ${timeoutMs} ms`);
  }
}

export class PoolDrainingError extends Error {
  override readonly name = "PoolDrainingError";
  constructor() {
    super("the pool is draining: no new acquire");
  }
}

interface Waiter<T> {
  resolve: (resource: T) => void;
  reject: (reason: unknown) => void;
  timer: ReturnType<typeof setTimeout>;
}

interface Idle<T> {
  resource: T;
  timer: ReturnType<typeof setTimeout>;
}

export class Pool<T> {
  readonly #factory: PoolFactory<T>;
  readonly #max: number;
  readonly #acquireTimeoutMs: number;
  readonly #idleTimeoutMs: number;

  /** Oldest first; a waiter leaves when served or timed out. */
  readonly #waiters: Waiter<T>[] = [];
  /** A stack: the most recently released is handed out first, so the surplus idles out. */
  readonly #idle: Idle<T>[] = [];
  /** Each borrowed resource with its loan: a fresh object per lending, so use() ends only its own. */
  readonly #borrowed = new Map<T, object>();
  /** Resources being created: each will serve the longest waiter when ready. */
  #creating = 0;
  /** Idle resources being validated: each will serve the longest waiter if it passes. */
  #validating = 0;
  /** factory.destroy calls not yet settled: drain() waits for them. */
  readonly #destroying = new Set<Promise<void>>();
  #drain: { promise: Promise<void>; quiet: () => void } | undefined;

  constructor(factory: PoolFactory<T>, options: PoolOptions) {
    if (typeof factory?.create !== "function" || typeof factory.destroy !== "function") {
      throw new TypeError("factory must have create() and destroy() functions");
    }
    if (factory.validate !== undefined && typeof factory.validate !== "function") {
      throw new TypeError("factory.validate must be a function when given");
    }
    this.#factory = factory;
    const { max, acquireTimeoutMs = 30_000, idleTimeoutMs = 10_000 } = options;
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError(`max must be an integer >= 1, got ${max}`);
    }
    this.#max = max;
    this.#acquireTimeoutMs = requirePositive("acquireTimeoutMs", acquireTimeoutMs);
    this.#idleTimeoutMs = requirePositive("idleTimeoutMs", idleTimeoutMs);
  }

  /** Every resource that exists or is being created: idle, borrowed, being validated. */
  get size(): number {
    return this.#idle.length + this.#borrowed.size + this.#creating + this.#validating;
  }
  get available(): number {
    return this.#idle.length;
  }
  get borrowed(): number {
    return this.#borrowed.size;
  }
  get pending(): number {
    return this.#waiters.length;
  }

  acquire(): Promise<T> {
    if (this.#drain) return Promise.reject(new PoolDrainingError());
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        resolve,
        reject,
        // A fractional timeout runs to the first whole millisecond at or after it, as Node's
        // timers do (fake timers truncate the delay: round it up here to be the same on both).
        timer: setTimeout(() => {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          reject(new PoolTimeoutError(this.#acquireTimeoutMs));
          this.#checkDrained();
        }, Math.ceil(this.#acquireTimeoutMs)),
      };
      this.#waiters.push(waiter);
      this.#dispatch();
    });
  }

  /** Gives a borrowed resource back. Throws when it is not borrowed (a double release). */
  release(resource: T): void {
    this.#endLoan(resource, "release");
    this.#makeIdle(resource);
    this.#dispatch();
  }

  /** Destroys a borrowed resource found broken; its place is free for a new one. */
  destroy(resource: T): void {
    this.#endLoan(resource, "destroy");
    this.#destroy(resource);
    this.#dispatch();
  }

  /** Borrows a resource for `fn` and gives it back however `fn` ends. */
  async use<R>(fn: (resource: T) => R | Promise<R>): Promise<R> {
    const resource = await this.acquire();
    const loan = this.#borrowed.get(resource);
    try {
      return await fn(resource);
    } finally {
      // fn may have given it back itself (released, or destroyed as broken), and the pool may
      // have lent it to another caller since: end this loan only, never someone else's.
      if (this.#borrowed.get(resource) === loan) this.release(resource);
    }
  }

  /**
   * Refuses new acquires, lets the waiters and borrowers finish, then destroys every resource.
   * Resolves once the last destroy has settled. Calling it again returns the same promise.
   */
  drain(): Promise<void> {
    if (!this.#drain) {
      let quiet!: () => void;
      const settled = new Promise<void>((resolve) => {
        quiet = resolve;
      });
      const promise = settled.then(async () => {
        for (const idle of this.#idle.splice(0)) {
          clearTimeout(idle.timer);
          this.#destroy(idle.resource);
        }
        await Promise.all(this.#destroying);
      });
      this.#drain = { promise, quiet };
      this.#checkDrained();
    }
    return this.#drain.promise;
  }

  /** Gets resources ready for the waiters: idle ones first, then new ones. */
  #dispatch(): void {
    // An idle resource for every caller not yet covered by a validation, even one whose new
    // resource is still being created: a connection here now beats one that may take seconds
    // to open, or fail. The new one then goes to the next caller, or stays idle.
    while (this.#waiters.length > this.#validating) {
      const idle = this.#idle.pop();
      if (!idle) break;
      clearTimeout(idle.timer);
      this.#handOut(idle.resource);
    }
    // New resources only for the callers nothing is on its way for.
    while (this.#waiters.length > this.#validating + this.#creating && this.size < this.#max) {
      this.#create();
    }
    this.#checkDrained();
  }

  /** An existing resource goes out only once it has passed validation. */
  #handOut(resource: T): void {
    const validate = this.#factory.validate;
    if (!validate) {
      this.#serve(resource);
      return;
    }
    this.#validating += 1;
    // A validate that throws or rejects says the resource is broken, like `false`.
    new Promise<boolean>((resolve) => resolve(validate.call(this.#factory, resource)))
      .catch(() => false)
      .then((valid) => {
        this.#validating -= 1;
        if (valid === true) {
          this.#serve(resource);
        } else {
          this.#destroy(resource);
        }
        this.#dispatch();
      });
  }

  #create(): void {
    this.#creating += 1;
    new Promise<T>((resolve) => resolve(this.#factory.create())).then(
      (resource) => {
        this.#creating -= 1;
        this.#serve(resource);
        this.#dispatch();
      },
      (error: unknown) => {
        this.#creating -= 1;
        // The longest waiter learns the database is unreachable instead of timing out.
        const waiter = this.#waiters.shift();
        if (waiter) {
          clearTimeout(waiter.timer);
          waiter.reject(error);
        }
        this.#dispatch();
      },
    );
  }

  /** Hands a ready resource to the longest waiter, or keeps it idle when nobody waits. */
  #serve(resource: T): void {
    const waiter = this.#waiters.shift();
    if (waiter) {
      clearTimeout(waiter.timer);
      this.#borrowed.set(resource, {});
      waiter.resolve(resource);
    } else {
      this.#makeIdle(resource);
    }
  }

  /** Idle again, with a fresh clock; while draining with nobody waiting, destroyed at once. */
  #makeIdle(resource: T): void {
    if (this.#drain && this.#waiters.length === 0) {
      this.#destroy(resource); // no new caller can come: nobody will need it again
      return;
    }
    const idle: Idle<T> = {
      resource,
      timer: setTimeout(() => {
        this.#idle.splice(this.#idle.indexOf(idle), 1);
        this.#destroy(resource);
      }, Math.ceil(this.#idleTimeoutMs)), // 1.5 ms: gone at 2 ms, as for the acquire timeout
    };
    // An idle pool must not keep the process alive.
    idle.timer.unref();
    this.#idle.push(idle);
  }

  #destroy(resource: T): void {
    const done = new Promise<void>((resolve) => resolve(this.#factory.destroy(resource)))
      .catch(() => {}) // a close that fails still frees the slot
      .then(() => {
        this.#destroying.delete(done);
      });
    this.#destroying.add(done);
  }

  #endLoan(resource: T, action: string): void {
    if (!this.#borrowed.delete(resource)) {
      throw new Error(`cannot ${action} a resource that is not borrowed from this pool`);
    }
  }

  /**
   * Lets drain() go on once nothing is borrowed, being created or being validated. No caller can
   * be waiting then: a caller waits only while every place is borrowed or on its way.
   */
  #checkDrained(): void {
    if (this.#drain && this.#borrowed.size === 0 && this.#creating + this.#validating === 0) {
      this.#drain.quiet();
    }
  }
}

/** setTimeout's limit: Node fires a longer delay after 1 ms, so a longer timeout is refused. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

function requirePositive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0 || value > MAX_TIMEOUT_MS) {
    throw new RangeError(`${name} must be a finite number > 0, got ${value}`);
  }
  return value;
}
