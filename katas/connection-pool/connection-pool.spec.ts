import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  ConnectionRefusedError,
  DatabaseError,
  type FakeConnection,
  FakeDatabase,
} from "../../fixtures/katas/connection-pool/fake-database";
import {
  Pool,
  PoolDrainingError,
  type PoolFactory,
  type PoolOptions,
  PoolTimeoutError,
} from "./connection-pool";

// ---------------------------------------------------------------------------------------------
// A pool of connections to a fake PostgreSQL (fixtures/katas/connection-pool/fake-database.ts),
// on fake timers: time moves only when a test advances it.
// ---------------------------------------------------------------------------------------------

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Moves time forward, firing due timers and settling what they resolve. */
const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);
/** Settles pending promise callbacks without moving time. */
const flush = () => vi.advanceTimersByTimeAsync(0);

/** Watches a promise without awaiting it, so a test can ask "settled yet?" at any moment. */
function track<T>(promise: Promise<T>) {
  const seen: { state: "pending" | "resolved" | "rejected"; value?: T; reason?: unknown } = {
    state: "pending",
  };
  promise.then(
    (value) => {
      seen.state = "resolved";
      seen.value = value;
    },
    (reason: unknown) => {
      seen.state = "rejected";
      seen.reason = reason;
    },
  );
  return seen;
}

/** The validation a real pool runs: a trivial query on the connection. */
async function pingsOk(connection: FakeConnection): Promise<boolean> {
  try {
    await connection.query("SELECT 1");
    return true;
  } catch {
    return false;
  }
}

function setup(
  options: Partial<PoolOptions> = {},
  { db = new FakeDatabase(), validate = true }: { db?: FakeDatabase; validate?: boolean } = {},
) {
  const destroyed: FakeConnection[] = [];
  const validated: FakeConnection[] = [];
  const factory: PoolFactory<FakeConnection> = {
    create: () => db.connect(),
    destroy: async (connection) => {
      destroyed.push(connection);
      await connection.end();
    },
  };
  if (validate) {
    factory.validate = (connection) => {
      validated.push(connection);
      return pingsOk(connection);
    };
  }
  const pool = new Pool(factory, { max: 3, ...options });
  return { db, pool, factory, destroyed, validated };
}

/**
 * A pool whose every validation passes after `validateMs`: a connection handed out stays "out for
 * validation" that long. Records what it destroys.
 */
function slowlyValidatedPool(
  options: PoolOptions,
  { db = new FakeDatabase(), validateMs = 100 }: { db?: FakeDatabase; validateMs?: number } = {},
) {
  const destroyed: FakeConnection[] = [];
  const pool = new Pool<FakeConnection>(
    {
      create: () => db.connect(),
      destroy: (connection) => {
        destroyed.push(connection);
        return connection.end();
      },
      validate: () => new Promise((resolve) => setTimeout(() => resolve(true), validateMs)),
    },
    options,
  );
  return { db, pool, destroyed };
}

/**
 * A factory whose creates take the given times, in order, and then succeed (a number) or fail
 * (`{ failAfter }`): creates that finish out of order.
 */
function timedFactory(db: FakeDatabase, plan: (number | { failAfter: number })[]) {
  const factory: PoolFactory<FakeConnection> = {
    create: async () => {
      const step = plan.shift() ?? 0;
      const ms = typeof step === "number" ? step : step.failAfter;
      await new Promise((resolve) => setTimeout(resolve, ms));
      if (typeof step !== "number") throw new ConnectionRefusedError();
      return db.connect();
    },
    destroy: (connection) => connection.end(),
  };
  return factory;
}

/** Acquires `n` resources at once and returns them once all are there. */
async function acquireAll(pool: Pool<FakeConnection>, n: number) {
  const calls = Array.from({ length: n }, () => pool.acquire());
  await flush();
  return Promise.all(calls);
}

const stats = (pool: Pool<unknown>) => ({
  size: pool.size,
  available: pool.available,
  borrowed: pool.borrowed,
  pending: pool.pending,
});

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return expect.fail("expected a throw");
}

// ---------------------------------------------------------------------------------------------

describe("step 1 — borrowing and returning", () => {
  it("opens nothing until the first acquire, then opens one connection for it", async () => {
    const { pool, db } = setup();
    expect(stats(pool)).toEqual({ size: 0, available: 0, borrowed: 0, pending: 0 });
    expect(db.connectAttempts, "a pool creates lazily").toBe(0);
    const connection = await pool.acquire();
    expect(connection.usable).toBe(true);
    expect(db.openConnections).toBe(1);
    expect(stats(pool)).toEqual({ size: 1, available: 0, borrowed: 1, pending: 0 });
  });

  it("takes a released connection back and lends the same one again", async () => {
    const { pool, db } = setup();
    const first = await pool.acquire();
    pool.release(first);
    expect(stats(pool)).toEqual({ size: 1, available: 1, borrowed: 0, pending: 0 });
    const second = await pool.acquire();
    expect(second, "the same connection, reused").toBe(first);
    expect(db.connectAttempts).toBe(1);
  });

  it("lends the most recently released idle connection first", async () => {
    const { pool } = setup();
    const [a, b, c] = await acquireAll(pool, 3);
    pool.release(b as FakeConnection);
    pool.release(a as FakeConnection);
    pool.release(c as FakeConnection);
    expect(await pool.acquire(), "c was released last").toBe(c);
    expect(await pool.acquire()).toBe(a);
    expect(await pool.acquire()).toBe(b);
  });

  it("calls create, validate and destroy as the factory's methods: a class works", async () => {
    class PgFactory implements PoolFactory<FakeConnection> {
      readonly created: FakeConnection[] = [];
      readonly validated: FakeConnection[] = [];
      readonly destroyed: FakeConnection[] = [];
      constructor(private readonly db: FakeDatabase) {}
      async create() {
        const connection = await this.db.connect();
        this.created.push(connection);
        return connection;
      }
      validate(connection: FakeConnection) {
        this.validated.push(connection);
        return pingsOk(connection);
      }
      destroy(connection: FakeConnection) {
        this.destroyed.push(connection);
        return connection.end();
      }
    }
    const factory = new PgFactory(new FakeDatabase());
    const pool = new Pool(factory, { max: 1 });
    const connection = await pool.acquire();
    expect(factory.created, "create() ran with this = the factory").toEqual([connection]);
    pool.release(connection);
    expect(await pool.acquire(), "the idle connection, validated").toBe(connection);
    expect(factory.validated, "validate() ran with this = the factory").toEqual([connection]);
    pool.destroy(connection);
    expect(factory.destroyed, "destroy() ran with this = the factory").toEqual([connection]);
  });

  it("throws on a release of a connection that is not borrowed (a double release)", async () => {
    const { pool } = setup();
    const connection = await pool.acquire();
    pool.release(connection);
    const error = thrownBy(() => pool.release(connection));
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      "cannot release a resource that is not borrowed from this pool",
    );
    expect(stats(pool), "the pool is unchanged").toEqual({
      size: 1,
      available: 1,
      borrowed: 0,
      pending: 0,
    });
  });

  it("throws on a destroy of a connection that is idle: only a borrowed one can be destroyed", async () => {
    const { pool, destroyed } = setup();
    const connection = await pool.acquire();
    pool.release(connection);
    const error = thrownBy(() => pool.destroy(connection));
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      "cannot destroy a resource that is not borrowed from this pool",
    );
    expect(destroyed, "factory.destroy is not called").toEqual([]);
    expect(stats(pool), "the pool is unchanged: the connection is still idle").toEqual({
      size: 1,
      available: 1,
      borrowed: 0,
      pending: 0,
    });
    expect(await pool.acquire(), "and is lent again").toBe(connection);
  });

  it("throws on a release or destroy of something the pool never lent", async () => {
    const { pool } = setup();
    const stranger = await new FakeDatabase().connect();
    expect(() => pool.release(stranger)).toThrow(
      "cannot release a resource that is not borrowed from this pool",
    );
    expect(() => pool.destroy(stranger)).toThrow(
      "cannot destroy a resource that is not borrowed from this pool",
    );
    expect(pool.size).toBe(0);
  });
});

describe("step 2 — a bounded pool", () => {
  it("never has more than max connections: the rest of the callers wait", async () => {
    const { pool, db } = setup({ max: 3 });
    const calls = Array.from({ length: 5 }, () => track(pool.acquire()));
    await flush();
    expect(calls.map((call) => call.state)).toEqual([
      "resolved",
      "resolved",
      "resolved",
      "pending",
      "pending",
    ]);
    expect(db.openConnections).toBe(3);
    expect(stats(pool)).toEqual({ size: 3, available: 0, borrowed: 3, pending: 2 });
  });

  it("hands a released connection straight to the caller that has waited longest", async () => {
    const { pool } = setup({ max: 2 });
    const [a, b] = await acquireAll(pool, 2);
    const order: string[] = [];
    const waiters = ["first", "second", "third"].map((name) =>
      pool.acquire().then((connection) => {
        order.push(name);
        return connection;
      }),
    );
    await flush();
    pool.release(b as FakeConnection);
    await flush();
    expect(order).toEqual(["first"]);
    expect(pool.available, "it never sat idle").toBe(0);
    pool.release(a as FakeConnection);
    await flush();
    pool.release(await (waiters[0] as Promise<FakeConnection>));
    await flush();
    expect(order).toEqual(["first", "second", "third"]);
    expect(await waiters[2], "third got the connection first gave back").toBe(b);
  });

  it("opens connections in parallel when several callers arrive at once", async () => {
    const db = new FakeDatabase(100, 200); // each connection takes 200 ms to open
    const { pool } = setup({ max: 3 }, { db });
    const calls = Array.from({ length: 3 }, () => track(pool.acquire()));
    await flush();
    expect(pool.size, "connections being opened count against max").toBe(3);
    expect(pool.borrowed).toBe(0);
    await advance(200);
    expect(calls.map((call) => call.state)).toEqual(["resolved", "resolved", "resolved"]);
  });

  it("counts connections being opened against max: a fourth caller waits", async () => {
    const db = new FakeDatabase(100, 200);
    const { pool } = setup({ max: 3 }, { db });
    for (let i = 0; i < 4; i++) pool.acquire();
    await flush();
    expect(db.connectAttempts).toBe(3);
    expect(pool.pending, "the fourth waits even before any connection is open").toBe(4);
  });

  it("gives the first new connection ready to the caller who came first, whichever create it was", async () => {
    const db = new FakeDatabase();
    const pool = new Pool(timedFactory(db, [300, 100]), { max: 2 });
    const first = track(pool.acquire());
    const second = track(pool.acquire());
    await advance(100);
    expect(first.state, "the create started second finished first: its connection").toBe(
      "resolved",
    );
    expect(second.state).toBe("pending");
    await advance(200);
    expect(second.state).toBe("resolved");
    expect([first.value?.id, second.value?.id]).toEqual([1, 2]);
  });

  it("lends a released connection to a caller still waiting for a new one to open", async () => {
    const db = new FakeDatabase(100, 5_000); // 5 s to connect
    const { pool } = setup({ max: 2 }, { db });
    const held = pool.acquire();
    await advance(5_000);
    const connection = await held;
    const waiting = track(pool.acquire());
    await advance(1_000);
    expect(stats(pool), "a connection is being opened for the waiting caller").toEqual({
      size: 2,
      available: 0,
      borrowed: 1,
      pending: 1,
    });
    pool.release(connection);
    await flush();
    expect(waiting.state, "served now, not in 4 s").toBe("resolved");
    expect(waiting.value).toBe(connection);
    await advance(4_000);
    expect(stats(pool), "the new connection arrives with nobody waiting: idle").toEqual({
      size: 2,
      available: 1,
      borrowed: 1,
      pending: 0,
    });
  });

  it("serves a caller during acquire() when an idle connection needs no validation", async () => {
    const { pool } = setup({}, { validate: false });
    const connection = await pool.acquire();
    pool.release(connection);
    const call = pool.acquire();
    expect(stats(pool), "right after the call: borrowed, not pending").toEqual({
      size: 1,
      available: 0,
      borrowed: 1,
      pending: 0,
    });
    await expect(call).resolves.toBe(connection);
  });

  it("counts a caller in pending while its idle connection is being validated", async () => {
    const { pool } = setup();
    const connection = await pool.acquire();
    pool.release(connection);
    const call = pool.acquire();
    expect(stats(pool), "right after the call: the check is still running").toEqual({
      size: 1,
      available: 0,
      borrowed: 0,
      pending: 1,
    });
    await expect(call).resolves.toBe(connection);
    expect(pool.pending).toBe(0);
  });
});

describe("step 3 — the acquire timeout", () => {
  it("rejects a waiting caller with a PoolTimeoutError after acquireTimeoutMs", async () => {
    const { pool } = setup({ max: 1, acquireTimeoutMs: 2_000 });
    await pool.acquire();
    const waiting = track(pool.acquire());
    await advance(1_999);
    expect(waiting.state).toBe("pending");
    await advance(1);
    expect(waiting.state).toBe("rejected");
    const error = waiting.reason as PoolTimeoutError;
    expect(error).toBeInstanceOf(PoolTimeoutError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("PoolTimeoutError");
    expect(error.message).toBe("no resource available within 2000 ms");
    expect(error.timeoutMs).toBe(2_000);
  });

  it("waits 30 000 ms by default", async () => {
    const { pool } = setup({ max: 1 });
    await pool.acquire();
    const waiting = track(pool.acquire());
    await advance(29_999);
    expect(waiting.state).toBe("pending");
    await advance(1);
    expect((waiting.reason as PoolTimeoutError).message).toBe(
      "no resource available within 30000 ms",
    );
  });

  it("takes a timed-out caller out of the queue: the next release goes to the one behind", async () => {
    const { pool } = setup({ max: 1, acquireTimeoutMs: 1_000 });
    const held = await pool.acquire();
    const early = track(pool.acquire());
    await advance(500);
    const late = track(pool.acquire());
    expect(pool.pending).toBe(2);
    await advance(500);
    expect(early.state).toBe("rejected");
    expect(pool.pending).toBe(1);
    pool.release(held);
    await flush();
    expect(late.state).toBe("resolved");
    expect(late.value).toBe(held);
  });

  it("keeps a connection that finished opening after its caller gave up, for the next caller", async () => {
    const db = new FakeDatabase(100, 5_000); // a slow network: 5 s to connect
    const { pool } = setup({ max: 1, acquireTimeoutMs: 1_000 }, { db });
    const impatient = track(pool.acquire());
    await advance(1_000);
    expect(impatient.state, "the timeout covers the time to connect").toBe("rejected");
    await advance(4_000);
    expect(stats(pool)).toEqual({ size: 1, available: 1, borrowed: 0, pending: 0 });
    await expect(pool.acquire()).resolves.toMatchObject({ id: 1 });
    expect(db.connectAttempts).toBe(1);
  });

  it("stops the timeout once the caller is served: no timer is left", async () => {
    const { pool } = setup({ max: 1, acquireTimeoutMs: 1_000 });
    const held = await pool.acquire();
    const before = vi.getTimerCount();
    const waiting = pool.acquire();
    expect(vi.getTimerCount(), "a waiting caller has its timeout").toBe(before + 1);
    pool.release(held);
    await waiting;
    expect(vi.getTimerCount(), "the served caller's timeout is cleared").toBe(before);
  });

  it("runs acquireTimeoutMs 1.4 to 2 ms, never to the nearest millisecond", async () => {
    const { pool } = setup({ max: 1, acquireTimeoutMs: 1.4 });
    await pool.acquire();
    const waiting = track(pool.acquire());
    await advance(1);
    expect(waiting.state, "1 ms < 1.4 ms: still waiting").toBe("pending");
    await advance(1);
    expect(waiting.state, "2 ms: the first whole millisecond >= 1.4").toBe("rejected");
    expect((waiting.reason as PoolTimeoutError).message, "the timeout as given").toBe(
      "no resource available within 1.4 ms",
    );
  });

  it("runs a fractional acquireTimeoutMs to the first whole millisecond after it (1.5: at 2 ms)", async () => {
    const { pool } = setup({ max: 1, acquireTimeoutMs: 1.5 });
    await pool.acquire();
    const waiting = track(pool.acquire());
    await advance(1);
    expect(waiting.state, "1 ms < 1.5 ms: still waiting").toBe("pending");
    await advance(1);
    expect(waiting.state, "2 ms: the first whole millisecond >= 1.5").toBe("rejected");
    expect(waiting.reason).toBeInstanceOf(PoolTimeoutError);
    expect((waiting.reason as PoolTimeoutError).message, "the timeout as given").toBe(
      "no resource available within 1.5 ms",
    );
    expect((waiting.reason as PoolTimeoutError).timeoutMs).toBe(1.5);
  });
});

describe("step 4 — when opening a connection fails", () => {
  it("rejects the caller with the factory's own error, at once rather than at the timeout", async () => {
    const { pool, db } = setup();
    db.goDown();
    const call = track(pool.acquire());
    await flush();
    expect(call.state).toBe("rejected");
    expect(call.reason).toBeInstanceOf(ConnectionRefusedError);
    expect((call.reason as ConnectionRefusedError).message).toBe(
      "connect ECONNREFUSED 127.0.0.1:5432",
    );
    expect(stats(pool), "the failed attempt frees its place").toEqual({
      size: 0,
      available: 0,
      borrowed: 0,
      pending: 0,
    });
  });

  it("treats a create that throws synchronously as a create that fails: acquire() rejects", async () => {
    const error = new ConnectionRefusedError();
    const pool = new Pool<FakeConnection>(
      {
        create: () => {
          throw error; // not a rejected promise: a plain throw
        },
        destroy: (connection) => connection.end(),
      },
      { max: 1 },
    );
    let call: Promise<FakeConnection> | undefined;
    expect(() => {
      call = pool.acquire();
    }, "the throw must not escape from acquire()").not.toThrow();
    const seen = track(call as Promise<FakeConnection>);
    await flush();
    expect(seen.state, "rejected at once, not at the timeout").toBe("rejected");
    expect(seen.reason, "the very value create() threw").toBe(error);
    expect(stats(pool), "the failed attempt frees its place").toEqual({
      size: 0,
      available: 0,
      borrowed: 0,
      pending: 0,
    });
  });

  it("keeps a create that throws synchronously inside the pool when destroy() starts it", async () => {
    const db = new FakeDatabase();
    const error = new ConnectionRefusedError();
    let creates = 0;
    const pool = new Pool<FakeConnection>(
      {
        create: () => {
          creates += 1;
          if (creates > 1) throw error;
          return db.connect();
        },
        destroy: (connection) => connection.end(),
      },
      { max: 1 },
    );
    const first = await pool.acquire();
    const waiting = track(pool.acquire());
    await flush();
    expect(
      () => pool.destroy(first),
      "destroy() frees a place and creates for the waiter: the throw must not escape",
    ).not.toThrow();
    await flush();
    expect(creates, "a create was started for the waiter").toBe(2);
    expect(waiting.state).toBe("rejected");
    expect(waiting.reason, "the waiter gets the very value create() threw").toBe(error);
    expect(stats(pool)).toEqual({ size: 0, available: 0, borrowed: 0, pending: 0 });
  });

  it("tries again on the next acquire once the database is back", async () => {
    const { pool, db } = setup();
    db.goDown();
    await expect(pool.acquire()).rejects.toBeInstanceOf(ConnectionRefusedError);
    db.comeBack();
    await expect(pool.acquire()).resolves.toMatchObject({ usable: true });
  });

  it("makes one attempt per caller, not a retry storm, while the database is down", async () => {
    const { pool, db } = setup({ max: 3 });
    db.goDown();
    const calls = Array.from({ length: 5 }, () => track(pool.acquire()));
    await flush();
    await flush();
    expect(calls.every((call) => call.state === "rejected")).toBe(true);
    expect(db.connectAttempts, "five callers, five attempts").toBe(5);
  });

  it("passes on the server's refusal when max is above the server's max_connections", async () => {
    const db = new FakeDatabase(2); // max_connections = 2, below the pool's max of 3
    const { pool } = setup({ max: 3 }, { db });
    const calls = Array.from({ length: 3 }, () => track(pool.acquire()));
    await flush();
    const refused = calls.filter((call) => call.state === "rejected");
    expect(calls.filter((call) => call.state === "resolved")).toHaveLength(2);
    expect(refused, "the third connection is refused by the server").toHaveLength(1);
    expect(refused[0]?.reason).toBeInstanceOf(DatabaseError);
    expect(refused[0]?.reason).toMatchObject({
      message: "sorry, too many clients already",
      severity: "FATAL",
      code: "53300",
    });
  });

  it("gives each failure to the caller that has waited longest, and starts a new attempt for the next", async () => {
    const db = new FakeDatabase(100, 100); // 100 ms to connect, or to fail
    const { pool } = setup({ max: 1 }, { db });
    const held = pool.acquire();
    await advance(100);
    const first = track(pool.acquire());
    const second = track(pool.acquire());
    db.goDown();
    pool.destroy(await held); // its place is free: the pool opens a connection for the queue
    await advance(100);
    expect(first.state).toBe("rejected");
    expect(first.reason).toBeInstanceOf(ConnectionRefusedError);
    expect(second.state, "the second caller's own attempt has only just started").toBe("pending");
    await advance(100);
    expect(second.state).toBe("rejected");
    expect(db.connectAttempts).toBe(3);
  });

  it("clears the timer of a caller rejected by a failed create: it never touches the line later", async () => {
    const db = new FakeDatabase(100, 100); // 100 ms to connect, or to fail
    const { pool } = setup({ max: 1, acquireTimeoutMs: 1_000 }, { db });
    db.goDown();
    const failed = track(pool.acquire()); // its create fails at 100 ms
    const served = track(pool.acquire());
    await advance(100);
    expect(failed.state, "100 ms: the failed create rejects the head").toBe("rejected");
    db.comeBack();
    await advance(100);
    expect(served.state, "200 ms: the second caller's own attempt succeeded").toBe("resolved");
    await advance(300);
    const waiting = track(pool.acquire()); // at 500 ms: times out at 1 500 ms
    await advance(501);
    expect(
      { state: waiting.state, pending: pool.pending },
      "1 001 ms: the rejected caller's timer (due at 1 000) was cleared: the waiter is still in line",
    ).toEqual({ state: "pending", pending: 1 });
    pool.release(served.value as FakeConnection);
    await advance(10);
    expect(waiting.state, "the released connection goes to the waiter").toBe("resolved");
  });

  it("ignores a failure that comes after its caller gave up", async () => {
    const db = new FakeDatabase(100, 5_000);
    const { pool } = setup({ max: 1, acquireTimeoutMs: 1_000 }, { db });
    const impatient = track(pool.acquire());
    await advance(1_000);
    db.goDown();
    await advance(4_000);
    expect(impatient.reason).toBeInstanceOf(PoolTimeoutError);
    expect(stats(pool)).toEqual({ size: 0, available: 0, borrowed: 0, pending: 0 });
  });

  it("gives a failure to the caller that has waited longest, even if it was another's create", async () => {
    const db = new FakeDatabase();
    const pool = new Pool(timedFactory(db, [300, { failAfter: 100 }]), { max: 2 });
    const first = track(pool.acquire());
    const second = track(pool.acquire());
    await advance(100);
    expect(first.state, "the first failure goes to the first caller").toBe("rejected");
    expect(first.reason).toBeInstanceOf(ConnectionRefusedError);
    expect(second.state).toBe("pending");
    await advance(200);
    expect(second.state, "and the connection that opened to the second").toBe("resolved");
    expect(db.openConnections).toBe(1);
  });

  it("gives a failure to the head of the line even while an idle connection is validated for it", async () => {
    const db = new FakeDatabase();
    const pool = new Pool<FakeConnection>(
      {
        ...timedFactory(db, [1, { failAfter: 100 }]),
        validate: () => new Promise((resolve) => setTimeout(() => resolve(true), 200)),
      },
      { max: 2 },
    );
    const held = pool.acquire();
    await advance(1);
    const connection = await held;
    const first = track(pool.acquire()); // a create starts for it (it fails at 101 ms)
    pool.release(connection); // and the released connection is validated for it (until 201 ms)
    const second = track(pool.acquire()); // the pool is full: it waits
    await advance(100);
    expect(first.state, "the failure goes to the caller at the head of the line").toBe("rejected");
    expect(first.reason).toBeInstanceOf(ConnectionRefusedError);
    expect(second.state).toBe("pending");
    await advance(100);
    expect(second.state, "the connection that passed goes to the next caller").toBe("resolved");
    expect(second.value).toBe(connection);
  });

  it("ignores the failure of a create whose caller was served by a released connection", async () => {
    const db = new FakeDatabase(100, 5_000);
    const { pool } = setup({ max: 2 }, { db });
    const held = pool.acquire();
    await advance(5_000);
    const connection = await held;
    const waiting = track(pool.acquire());
    pool.release(connection);
    await flush();
    expect(waiting.value).toBe(connection);
    db.goDown(); // the create still running will be refused
    await advance(5_000);
    expect(stats(pool)).toEqual({ size: 1, available: 0, borrowed: 1, pending: 0 });
  });
});

describe("step 5 — validation on borrow", () => {
  it("refuses a release or destroy of a connection out for validation: it is not borrowed", async () => {
    const { pool, destroyed } = slowlyValidatedPool({ max: 1 });
    const connection = await pool.acquire();
    const waiter = track(pool.acquire());
    pool.release(connection); // handed to the waiter: out for validation, 100 ms
    expect(() => pool.release(connection), "a second release while it is validated").toThrow(
      "cannot release a resource that is not borrowed from this pool",
    );
    expect(() => pool.destroy(connection), "a destroy while it is validated").toThrow(
      "cannot destroy a resource that is not borrowed from this pool",
    );
    expect(destroyed, "factory.destroy is not called").toEqual([]);
    expect(stats(pool), "the pool is unchanged: validating for the waiter").toEqual({
      size: 1,
      available: 0,
      borrowed: 0,
      pending: 1,
    });
    await advance(100);
    expect(waiter.value, "the validation passes and the waiter gets it").toBe(connection);
    expect(stats(pool)).toEqual({ size: 1, available: 0, borrowed: 1, pending: 0 });
  });

  it("validates an idle connection each time it is lent again, never a brand-new one", async () => {
    const { pool, validated } = setup();
    const connection = await pool.acquire();
    expect(validated, "a new connection is not validated").toEqual([]);
    pool.release(connection);
    await pool.acquire();
    expect(validated).toEqual([connection]);
    expect(connection.queries).toEqual(["SELECT 1"]);
  });

  it("destroys a connection that fails validation and lends a fresh one instead", async () => {
    const { pool, db, destroyed } = setup();
    const old = await pool.acquire();
    pool.release(old);
    db.restart(); // a failover: every open connection is dropped by the server
    const fresh = await pool.acquire();
    expect(fresh).not.toBe(old);
    expect(fresh.usable).toBe(true);
    expect(destroyed).toEqual([old]);
    expect(stats(pool)).toEqual({ size: 1, available: 0, borrowed: 1, pending: 0 });
  });

  it("tries the next idle connection before opening a new one", async () => {
    const { pool, db } = setup();
    const [a, b] = await acquireAll(pool, 2);
    pool.release(a as FakeConnection);
    pool.release(b as FakeConnection);
    (b as FakeConnection).kill();
    expect(await pool.acquire(), "b was broken, a is fine").toBe(a);
    expect(db.connectAttempts).toBe(2);
  });

  it("treats a validate that throws, rejects or does not return true as a failed check", async () => {
    for (const validate of [
      () => {
        throw new Error("boom");
      },
      () => Promise.reject(new Error("timeout")),
      () => false,
      () => Promise.resolve(undefined as unknown as boolean), // forgot the `return`
      () => Promise.resolve({ rows: [{ "?column?": 1 }] } as unknown as boolean), // the result
    ]) {
      const db = new FakeDatabase();
      const destroyed: FakeConnection[] = [];
      const pool = new Pool<FakeConnection>(
        {
          create: () => db.connect(),
          destroy: (connection) => {
            destroyed.push(connection);
          },
          validate,
        },
        { max: 1 },
      );
      const first = await pool.acquire();
      pool.release(first);
      const second = await pool.acquire();
      expect(second, `${validate}: a fresh connection`).not.toBe(first);
      expect(destroyed).toEqual([first]);
    }
  });

  it("validates a released connection before handing it to a waiting caller", async () => {
    const { pool, db, destroyed } = setup({ max: 1 });
    const held = await pool.acquire();
    const waiting = track(pool.acquire());
    db.restart();
    pool.release(held);
    await flush();
    expect(waiting.state).toBe("resolved");
    expect(waiting.value).not.toBe(held);
    expect(waiting.value?.usable).toBe(true);
    expect(destroyed).toEqual([held]);
  });

  it("replaces a connection the caller destroyed because it broke", async () => {
    const { pool, destroyed } = setup({ max: 1 });
    const broken = await pool.acquire();
    const waiting = track(pool.acquire());
    pool.destroy(broken);
    expect(destroyed, "factory.destroy is called at once").toEqual([broken]);
    expect(pool.borrowed).toBe(0);
    await flush();
    expect(waiting.state).toBe("resolved");
    expect(waiting.value).not.toBe(broken);
  });

  it("counts a connection being validated in size, not in available, and lends it once", async () => {
    const db = new FakeDatabase();
    let checks = 0;
    const pool = new Pool<FakeConnection>(
      {
        create: () => db.connect(),
        destroy: (connection) => connection.end(),
        // a validation round trip that takes 100 ms
        validate: () => new Promise((resolve) => setTimeout(() => resolve(++checks > 0), 100)),
      },
      { max: 1 },
    );
    const connection = await pool.acquire();
    pool.release(connection);
    const first = track(pool.acquire());
    const second = track(pool.acquire());
    await flush();
    expect(stats(pool)).toEqual({ size: 1, available: 0, borrowed: 0, pending: 2 });
    await advance(100);
    expect(first.value).toBe(connection);
    expect(second.state, "one connection, one borrower").toBe("pending");
    expect(checks).toBe(1);
  });

  it("validates several idle connections in parallel, one per waiting caller", async () => {
    const db = new FakeDatabase();
    let inFlight = 0;
    let mostInFlight = 0;
    const pool = new Pool<FakeConnection>(
      {
        create: () => db.connect(),
        destroy: (connection) => connection.end(),
        // a validation round trip that takes 100 ms; counts how many overlap
        validate: () => {
          inFlight += 1;
          mostInFlight = Math.max(mostInFlight, inFlight);
          return new Promise((resolve) =>
            setTimeout(() => {
              inFlight -= 1;
              resolve(true);
            }, 100),
          );
        },
      },
      { max: 2 },
    );
    const [a, b] = await acquireAll(pool, 2);
    pool.release(a as FakeConnection);
    pool.release(b as FakeConnection);
    const first = track(pool.acquire());
    const second = track(pool.acquire());
    await flush();
    expect(mostInFlight, "two callers, two idle connections: both validated at once").toBe(2);
    await advance(99);
    expect([first.state, second.state]).toEqual(["pending", "pending"]);
    await advance(1);
    expect(
      [first.state, second.state],
      "both validations ran side by side: both callers served at 100 ms, not one after the other",
    ).toEqual(["resolved", "resolved"]);
    expect(new Set([first.value, second.value])).toEqual(new Set([a, b]));
    expect(db.connectAttempts, "nothing new was opened").toBe(2);
  });

  it("gives the first validation to finish to the longest waiter, whichever caller it was for", async () => {
    const db = new FakeDatabase();
    const delays = [300, 100]; // the first validation is slow, the second quick: out of order
    const pool = new Pool<FakeConnection>(
      {
        create: () => db.connect(),
        destroy: (connection) => connection.end(),
        validate: () => {
          const ms = delays.shift() ?? 100;
          return new Promise((resolve) => setTimeout(() => resolve(true), ms));
        },
      },
      { max: 2 },
    );
    const [a, b] = (await acquireAll(pool, 2)) as [FakeConnection, FakeConnection];
    pool.release(a);
    pool.release(b);
    const first = track(pool.acquire()); // b (released last) is validated for it: 300 ms
    const second = track(pool.acquire()); // a is validated for it: 100 ms
    await advance(100);
    expect(
      [first.state, second.state],
      "the validation that finished first serves the caller that has waited longest, not the caller it was started for",
    ).toEqual(["resolved", "pending"]);
    expect(first.value, "a passed first: it goes to the first caller").toBe(a);
    await advance(200);
    expect(second.value, "b, validated last, goes to the next caller").toBe(b);
    expect(stats(pool)).toEqual({ size: 2, available: 0, borrowed: 2, pending: 0 });
  });

  it("keeps a connection released while a validation already covers the only waiter idle", async () => {
    const db = new FakeDatabase();
    const validated: FakeConnection[] = [];
    const delays = [100, 10]; // the first validation is slow; a second would be quick
    const pool = new Pool<FakeConnection>(
      {
        create: () => db.connect(),
        destroy: (connection) => connection.end(),
        validate: (connection) => {
          validated.push(connection);
          const ms = delays.shift() ?? 10;
          return new Promise((resolve) => setTimeout(() => resolve(true), ms));
        },
      },
      { max: 2 },
    );
    const [a, b] = (await acquireAll(pool, 2)) as [FakeConnection, FakeConnection];
    pool.release(a);
    const waiting = track(pool.acquire()); // a is validated for it (100 ms)
    pool.release(b); // the only waiter is covered: b stays idle, unvalidated
    expect(pool.available, "b is idle: no caller is left for it").toBe(1);
    await advance(10);
    expect(validated, "only a is validated, for the one caller").toEqual([a]);
    expect(waiting.state).toBe("pending");
    await advance(90);
    expect(waiting.value, "the caller gets the connection validated for it").toBe(a);
    expect(stats(pool)).toEqual({ size: 2, available: 1, borrowed: 1, pending: 0 });
  });

  it("works without a validate: idle connections are lent as they are", async () => {
    const { pool } = setup({}, { validate: false });
    const connection = await pool.acquire();
    pool.release(connection);
    connection.kill();
    expect(await pool.acquire(), "nothing checks it").toBe(connection);
  });
});

describe("step 6 — idle eviction", () => {
  it("destroys a connection idle for idleTimeoutMs", async () => {
    const { pool, db, destroyed } = setup({ idleTimeoutMs: 5_000 });
    const connection = await pool.acquire();
    pool.release(connection);
    await advance(4_999);
    expect(pool.available).toBe(1);
    await advance(1);
    expect(destroyed).toEqual([connection]);
    expect(stats(pool)).toEqual({ size: 0, available: 0, borrowed: 0, pending: 0 });
    expect(db.openConnections).toBe(0);
  });

  it("runs a fractional idleTimeoutMs to the first whole millisecond after it (1.5: gone at 2 ms)", async () => {
    const { pool, destroyed } = setup({ idleTimeoutMs: 1.5 });
    const connection = await pool.acquire();
    pool.release(connection);
    await advance(1);
    expect(pool.available, "1 ms < 1.5 ms: still idle").toBe(1);
    await advance(1);
    expect(destroyed, "2 ms: the first whole millisecond >= 1.5").toEqual([connection]);
  });

  it("runs idleTimeoutMs 1.4 to 2 ms, never to the nearest millisecond", async () => {
    const { pool, destroyed } = setup({ idleTimeoutMs: 1.4 });
    const connection = await pool.acquire();
    pool.release(connection);
    await advance(1);
    expect(pool.available, "1 ms < 1.4 ms: still idle").toBe(1);
    expect(destroyed).toEqual([]);
    await advance(1);
    expect(destroyed, "2 ms: the first whole millisecond >= 1.4").toEqual([connection]);
  });

  it("calls factory.destroy in the eviction itself, not on a later tick", async () => {
    const { pool, destroyed } = setup({ idleTimeoutMs: 5_000 });
    const connection = await pool.acquire();
    pool.release(connection);
    vi.advanceTimersByTime(5_000); // fires the idle timer, runs no promise callback
    expect(destroyed, "factory.destroy is called when the idle clock runs out").toEqual([
      connection,
    ]);
    await flush();
  });

  it("waits 10 000 ms by default", async () => {
    const { pool } = setup();
    pool.release(await pool.acquire());
    await advance(9_999);
    expect(pool.available).toBe(1);
    await advance(1);
    expect(pool.available).toBe(0);
  });

  it("starts the idle clock again each time a connection comes back", async () => {
    const { pool, destroyed } = setup({ idleTimeoutMs: 5_000 });
    const connection = await pool.acquire();
    pool.release(connection);
    await advance(4_000);
    expect(await pool.acquire()).toBe(connection);
    await advance(10_000);
    expect(destroyed, "a borrowed connection is never evicted").toEqual([]);
    pool.release(connection);
    await advance(4_999);
    expect(pool.available).toBe(1);
    await advance(1);
    expect(destroyed).toEqual([connection]);
  });

  it("stops the idle clock when it lends a connection: a quick loan earns a full idle time", async () => {
    const { pool, destroyed } = setup({ idleTimeoutMs: 5_000 });
    const connection = await pool.acquire();
    pool.release(connection); // t = 0
    await advance(4_000);
    expect(await pool.acquire()).toBe(connection);
    await advance(500);
    pool.release(connection); // t = 4 500: idle again, from now
    await advance(500);
    expect(pool.available, "t = 5 000: the clock of t = 0 was stopped").toBe(1);
    await advance(4_499);
    expect(pool.available).toBe(1);
    await advance(1);
    expect(destroyed, "t = 9 500: 5 000 ms after the last release").toEqual([connection]);
  });

  it("lets the connections of a burst go when the traffic falls back to a trickle", async () => {
    const { pool } = setup({ max: 3, idleTimeoutMs: 5_000 });
    const burst = await acquireAll(pool, 3);
    for (const connection of burst) pool.release(connection);
    for (let i = 0; i < 6; i++) {
      await advance(1_000);
      await pool.use(async (connection) => connection.query("SELECT now()"));
    }
    expect(pool.size, "one connection serves the trickle; the other two idled out").toBe(1);
  });

  it("starts a fresh idle clock for a connection validated after its caller gave up", async () => {
    const { pool } = slowlyValidatedPool({
      max: 1,
      acquireTimeoutMs: 50,
      idleTimeoutMs: 1_000,
    });
    const connection = await pool.acquire();
    pool.release(connection); // t = 0: idle
    await advance(900);
    const impatient = track(pool.acquire()); // t = 900: the check starts, 100 ms
    await advance(50);
    expect(impatient.reason).toBeInstanceOf(PoolTimeoutError);
    await advance(50); // t = 1 000: it passes, and nobody waits for it
    expect(pool.available, "idle again, not destroyed on its old clock").toBe(1);
    await advance(999);
    expect(pool.available, "t = 1 999: idle for 999 ms since it passed").toBe(1);
    await advance(1);
    expect(pool.available).toBe(0);
    expect(connection.closed).toBe(true);
  });

  it("puts a connection validated after its caller gave up on top of the idle stack", async () => {
    const db = new FakeDatabase();
    const checks = [100, 10, 10];
    const pool = new Pool<FakeConnection>(
      {
        create: () => db.connect(),
        destroy: (connection) => connection.end(),
        // The first check takes 100 ms (its caller gives up at 50), the next ones 10 ms.
        validate: () => new Promise((resolve) => setTimeout(() => resolve(true), checks.shift())),
      },
      { max: 3, acquireTimeoutMs: 50 },
    );
    const [a, b, c] = await acquireAll(pool, 3);
    pool.release(a as FakeConnection);
    pool.release(b as FakeConnection); // idle, most recent on top: b, a
    const impatient = track(pool.acquire()); // t = 0: b is taken out and checked, 100 ms
    await advance(50);
    expect(impatient.reason).toBeInstanceOf(PoolTimeoutError);
    pool.release(c as FakeConnection); // t = 50: idle while b is out: c, a
    await advance(50); // t = 100: b passes, nobody waits: idle again, as if just released
    expect(pool.available).toBe(3);
    const next = track(pool.acquire());
    await advance(10);
    expect(
      next.value,
      "b became idle last (at 100 ms, after c at 50 ms): it is lent first, not put back below c",
    ).toBe(b);
  });

  it("starts the idle clock of a new connection when it arrives after its caller gave up", async () => {
    const db = new FakeDatabase(100, 5_000);
    const { pool } = setup({ max: 1, acquireTimeoutMs: 1_000, idleTimeoutMs: 2_000 }, { db });
    track(pool.acquire());
    await advance(5_000);
    expect(pool.available).toBe(1);
    await advance(1_999);
    expect(pool.available).toBe(1);
    await advance(1);
    expect(pool.available).toBe(0);
  });
});

describe("step 7 — use() always releases", () => {
  it("resolves with what fn returns and gives the connection back", async () => {
    const { pool } = setup();
    const rows = await pool.use(async (connection) => (await connection.query("SELECT 1")).rows);
    expect(rows).toEqual([{ "?column?": 1 }]);
    expect(stats(pool)).toEqual({ size: 1, available: 1, borrowed: 0, pending: 0 });
  });

  it("keeps the connection while fn runs", async () => {
    const { pool } = setup();
    let finish!: () => void;
    const running = pool.use(() => new Promise<void>((resolve) => (finish = resolve)));
    await flush();
    expect(pool.borrowed).toBe(1);
    finish();
    await running;
    expect(pool.borrowed).toBe(0);
  });

  it("gives the connection back when fn rejects, and rejects with the same error", async () => {
    const { pool } = setup();
    const error = new DatabaseError(
      "canceling statement due to statement timeout",
      "ERROR",
      "57014",
    );
    await expect(pool.use(() => Promise.reject(error))).rejects.toBe(error);
    expect(stats(pool)).toEqual({ size: 1, available: 1, borrowed: 0, pending: 0 });
  });

  it("gives the connection back when fn throws synchronously", async () => {
    const { pool } = setup();
    const error = new TypeError("cannot read properties of undefined");
    const fn = (): never => {
      throw error;
    };
    await expect(pool.use(fn)).rejects.toBe(error);
    expect(pool.borrowed).toBe(0);
    expect(pool.available).toBe(1);
  });

  it("accepts an fn that returns a plain value", async () => {
    const { pool } = setup();
    await expect(pool.use((connection) => connection.id)).resolves.toBe(1);
    expect(pool.borrowed).toBe(0);
  });

  it("does not release again a connection that fn destroyed itself", async () => {
    const { pool, destroyed } = setup();
    const result = pool.use(async (connection) => {
      pool.destroy(connection); // found broken
      return "retried elsewhere";
    });
    await expect(result).resolves.toBe("retried elsewhere");
    expect(destroyed).toHaveLength(1);
    expect(stats(pool)).toEqual({ size: 0, available: 0, borrowed: 0, pending: 0 });
  });

  it("rejects without calling fn when no connection comes in time", async () => {
    const { pool } = setup({ max: 1, acquireTimeoutMs: 1_000 });
    await pool.acquire();
    const fn = vi.fn(async () => "never");
    const call = expect(pool.use(fn)).rejects.toBeInstanceOf(PoolTimeoutError);
    await advance(1_000);
    await call;
    expect(fn).not.toHaveBeenCalled();
  });

  it("ends only its own loan when fn released the connection itself", async () => {
    const { pool } = setup({ max: 1 });
    let other: ReturnType<typeof track<FakeConnection>> | undefined;
    const result = pool.use(async (connection) => {
      other = track(pool.acquire());
      pool.release(connection); // done with it early: it goes to the caller waiting
      await flush();
      return "done early";
    });
    await expect(result).resolves.toBe("done early");
    expect(other?.state).toBe("resolved");
    expect(pool.borrowed, "the other caller's loan is still running").toBe(1);
    expect(() => pool.release(other?.value as FakeConnection), "and it can end it").not.toThrow();
  });
});

describe("step 8 — the connections-exhausted incident", () => {
  // The handler as it was first written: the release is skipped whenever the query throws.
  async function leakyGetUser(pool: Pool<FakeConnection>, id: number) {
    const connection = await pool.acquire();
    const result = await connection.query(`SELECT * FROM users WHERE id = ${id}`);
    pool.release(connection);
    return result.rows;
  }
  // The fix: use() gives the connection back on every path.
  function fixedGetUser(pool: Pool<FakeConnection>, id: number) {
    return pool.use(async (connection) => {
      const result = await connection.query(`SELECT * FROM users WHERE id = ${id}`);
      return result.rows;
    });
  }
  /** Queries for every fifth user time out on the server (a slow plan after a traffic change). */
  function slowForSomeUsers(db: FakeDatabase, ids: number[]) {
    for (const id of ids.filter((n) => n % 5 === 0)) {
      db.failingQueries.set(
        `SELECT * FROM users WHERE id = ${id}`,
        () => new DatabaseError("canceling statement due to statement timeout", "ERROR", "57014"),
      );
    }
  }
  /** `requests` calls, `concurrency` at a time; counts how each one ended. */
  async function load(
    handler: (id: number) => Promise<unknown>,
    requests: number,
    concurrency: number,
  ) {
    const outcome = { ok: 0, failedQuery: 0, timedOut: 0 };
    let next = 1;
    async function worker() {
      while (next <= requests) {
        const id = next++;
        try {
          await handler(id);
          outcome.ok += 1;
        } catch (error) {
          if (error instanceof PoolTimeoutError) outcome.timedOut += 1;
          else outcome.failedQuery += 1;
        }
      }
    }
    let finished = false;
    const done = Promise.all(Array.from({ length: concurrency }, worker)).then(() => {
      finished = true;
    });
    while (!finished) await advance(250); // time passes only for the callers left waiting
    await done;
    return outcome;
  }

  it("the leaky handler: after max failed queries every request times out on a healthy database", async () => {
    const { pool, db } = setup({ max: 3, acquireTimeoutMs: 1_000 });
    const ids = Array.from({ length: 40 }, (_, i) => i + 1);
    slowForSomeUsers(db, ids);
    const outcome = await load((id) => leakyGetUser(pool, id), 40, 4);
    expect(outcome.failedQuery, "users 5, 10 and 15 each kept a connection").toBe(3);
    expect(outcome.timedOut, "from then on, nobody got a connection").toBeGreaterThan(20);
    expect(stats(pool), "three loans that will never come back").toMatchObject({
      size: 3,
      borrowed: 3,
      available: 0,
    });
    expect(db.openConnections, "the database sees three idle sessions, and no load").toBe(3);
  });

  it("the fix: with use(), 200 requests with one in five failing all get a connection", async () => {
    const { pool, db } = setup({ max: 3, acquireTimeoutMs: 1_000 });
    const ids = Array.from({ length: 200 }, (_, i) => i + 1);
    slowForSomeUsers(db, ids);
    const outcome = await load((id) => fixedGetUser(pool, id), 200, 10);
    expect(outcome).toEqual({ ok: 160, failedQuery: 40, timedOut: 0 });
    expect(db.peakConnections, "never more than max").toBeLessThanOrEqual(3);
    expect(stats(pool)).toMatchObject({ borrowed: 0, pending: 0 });
  });
});

describe("step 9 — draining", () => {
  it("refuses new acquires at once with a PoolDrainingError", async () => {
    const { pool } = setup();
    pool.drain();
    const error = await pool.acquire().catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(PoolDrainingError);
    expect((error as Error).name).toBe("PoolDrainingError");
    expect((error as Error).message).toBe("the pool is draining: no new acquire");
  });

  it("waits for every loan to come back, then destroys every connection", async () => {
    const { pool, db, destroyed } = setup();
    const [a, b] = await acquireAll(pool, 2);
    const idle = await pool.acquire();
    pool.release(idle);
    const drained = track(pool.drain());
    await flush();
    expect(drained.state, "two connections are still borrowed").toBe("pending");
    pool.release(a as FakeConnection);
    await flush();
    expect(drained.state).toBe("pending");
    pool.release(b as FakeConnection);
    await flush();
    expect(drained.state).toBe("resolved");
    expect(new Set(destroyed)).toEqual(new Set([a, b, idle]));
    expect(stats(pool)).toEqual({ size: 0, available: 0, borrowed: 0, pending: 0 });
    expect(db.openConnections).toBe(0);
  });

  it("still serves the callers that were waiting when the drain began", async () => {
    const { pool } = setup({ max: 1 });
    const held = await pool.acquire();
    const waiting = track(pool.acquire());
    const drained = track(pool.drain());
    pool.release(held);
    await flush();
    expect(waiting.state).toBe("resolved");
    expect(waiting.value, "the released connection, not a new one").toBe(held);
    expect(drained.state).toBe("pending");
    pool.release(waiting.value as FakeConnection);
    await flush();
    expect(drained.state).toBe("resolved");
  });

  it("destroys a connection released during the drain at once when nobody waits", async () => {
    const { pool, destroyed } = setup();
    const [a, b] = await acquireAll(pool, 2);
    pool.drain();
    pool.release(a as FakeConnection);
    expect(destroyed, "no need to keep it idle").toEqual([a]);
    expect(pool.available).toBe(0);
    pool.release(b as FakeConnection);
  });

  it("waits for a connection still being opened, then destroys it", async () => {
    const db = new FakeDatabase(100, 5_000);
    const { pool, destroyed } = setup({ max: 1, acquireTimeoutMs: 1_000 }, { db });
    const impatient = track(pool.acquire());
    await advance(1_000);
    expect(impatient.state).toBe("rejected");
    const drained = track(pool.drain());
    await advance(3_999);
    expect(drained.state, "the connection is still being opened").toBe("pending");
    await advance(1);
    expect(drained.state).toBe("resolved");
    expect(destroyed).toHaveLength(1);
    expect(db.openConnections).toBe(0);
    expect(pool.size).toBe(0);
  });

  it("waits for a connection being validated and another being opened at the same time", async () => {
    const { db, pool } = slowlyValidatedPool({ max: 2 }, { db: new FakeDatabase(100, 200) }); // 200 ms to connect
    const first = pool.acquire();
    await advance(200);
    pool.release(await first);
    const validated = track(pool.acquire()); // the idle one, checked for 100 ms
    const created = track(pool.acquire()); // a new one, 200 ms
    const drained = track(pool.drain());
    await flush();
    expect(drained.state, "nothing is borrowed, but two connections are on their way").toBe(
      "pending",
    );
    await advance(200);
    expect([validated.state, created.state]).toEqual(["resolved", "resolved"]);
    expect(drained.state).toBe("pending");
    pool.release(validated.value as FakeConnection);
    pool.release(created.value as FakeConnection);
    await flush();
    expect(drained.state).toBe("resolved");
    expect(db.openConnections).toBe(0);
  });

  it("resolves only once every destroy has settled", async () => {
    const db = new FakeDatabase();
    const pool = new Pool<FakeConnection>(
      {
        create: () => db.connect(),
        destroy: (connection) =>
          new Promise<void>((resolve) => setTimeout(() => connection.end().then(resolve), 300)),
      },
      { max: 2 },
    );
    for (const connection of await acquireAll(pool, 2)) pool.release(connection);
    const drained = track(pool.drain());
    await advance(299);
    expect(drained.state).toBe("pending");
    await advance(1);
    expect(drained.state).toBe("resolved");
    expect(db.openConnections).toBe(0);
  });

  it("ignores destroys that fail, synchronously or not", async () => {
    let calls = 0;
    const db = new FakeDatabase();
    const pool = new Pool<FakeConnection>(
      {
        create: () => db.connect(),
        destroy: () => {
          calls += 1;
          if (calls === 1) throw new Error("socket already closed");
          return Promise.reject(new Error("terminating connection due to administrator command"));
        },
      },
      { max: 2 },
    );
    for (const connection of await acquireAll(pool, 2)) pool.release(connection);
    await expect(pool.drain()).resolves.toBeUndefined();
    expect(calls).toBe(2);
    expect(pool.size).toBe(0);
  });

  it("leaves no timer behind, and gives the same promise to every caller", async () => {
    const { pool } = setup();
    for (const connection of await acquireAll(pool, 3)) pool.release(connection);
    const first = pool.drain();
    expect(pool.drain()).toBe(first);
    await first;
    expect(vi.getTimerCount(), "the idle timers are gone with their connections").toBe(0);
  });

  it("resolves at once on a pool that never lent anything", async () => {
    const { pool } = setup();
    const drained = track(pool.drain());
    await flush();
    expect(drained.state).toBe("resolved");
  });

  it("leaves the idle connections idle until the last loan is back, then destroys them", async () => {
    const { pool, destroyed } = setup();
    const [a, b] = await acquireAll(pool, 2);
    pool.release(b as FakeConnection);
    const drained = track(pool.drain());
    await flush();
    expect(destroyed, "b is idle, a still borrowed: nothing is destroyed yet").toEqual([]);
    expect(stats(pool)).toEqual({ size: 2, available: 1, borrowed: 1, pending: 0 });
    pool.release(a as FakeConnection);
    await flush();
    expect(destroyed, "a, released with nobody waiting, then b, the idle one").toEqual([a, b]);
    expect(drained.state).toBe("resolved");
  });

  it("destroys at once a new connection that arrives during the drain after its caller gave up", async () => {
    const db = new FakeDatabase();
    const pool = new Pool(timedFactory(db, [1, 5_000]), { max: 2, acquireTimeoutMs: 1_000 });
    const held = pool.acquire();
    await advance(1);
    const connection = await held;
    const impatient = track(pool.acquire()); // gives up at 1 000 ms; its connection opens at 5 000 ms
    await advance(1_000);
    expect(impatient.state).toBe("rejected");
    const drained = track(pool.drain());
    await advance(4_000);
    expect(db.connectAttempts).toBe(2);
    expect(db.openConnections, "nobody waits and nobody can: closed, not kept idle").toBe(1);
    expect(stats(pool)).toEqual({ size: 1, available: 0, borrowed: 1, pending: 0 });
    expect(drained.state, "the first connection is still borrowed").toBe("pending");
    pool.release(connection);
    await flush();
    expect(drained.state).toBe("resolved");
  });

  it("destroys at once a connection validated during the drain after its caller gave up", async () => {
    const { pool, destroyed } = slowlyValidatedPool({ max: 2, acquireTimeoutMs: 50 });
    const [held, idle] = await acquireAll(pool, 2);
    pool.release(idle as FakeConnection);
    track(pool.acquire()); // the check takes 100 ms; the caller gives up at 50 ms
    await advance(50);
    const drained = track(pool.drain());
    await advance(50);
    expect(destroyed, "it passed, but nobody waits for it any more").toEqual([idle]);
    expect(stats(pool)).toEqual({ size: 1, available: 0, borrowed: 1, pending: 0 });
    pool.release(held as FakeConnection);
    await flush();
    expect(drained.state).toBe("resolved");
  });

  it("waits for every destroy the pool has started, before the drain or during it", async () => {
    const db = new FakeDatabase();
    const pool = new Pool<FakeConnection>(
      {
        create: () => db.connect(),
        destroy: (connection) =>
          new Promise<void>((resolve) => setTimeout(() => connection.end().then(resolve), 300)),
      },
      { max: 2 },
    );
    const [a, b] = await acquireAll(pool, 2);
    pool.destroy(a as FakeConnection); // closing from 0 ms to 300 ms, started before the drain
    await advance(100);
    const drained = track(pool.drain());
    await advance(100);
    pool.destroy(b as FakeConnection); // closing from 200 ms to 500 ms, started during the drain
    await advance(99);
    expect(drained.state, "299 ms: a is still closing").toBe("pending");
    await advance(200);
    expect(drained.state, "499 ms: b is still closing").toBe("pending");
    await advance(1);
    expect(drained.state).toBe("resolved");
    expect(db.openConnections).toBe(0);
  });

  it("waits for a destroy started before the drain even when nothing else is left to close", async () => {
    const db = new FakeDatabase();
    const pool = new Pool<FakeConnection>(
      {
        create: () => db.connect(),
        destroy: (connection) =>
          new Promise<void>((resolve) => setTimeout(() => connection.end().then(resolve), 300)),
      },
      { max: 2, idleTimeoutMs: 100 },
    );
    const [a, b] = await acquireAll(pool, 2);
    pool.destroy(a as FakeConnection); // closing from 0 ms to 300 ms
    pool.release(b as FakeConnection); // evicted at 100 ms, closing until 400 ms
    await advance(200);
    const drained = track(pool.drain()); // nothing borrowed, idle or being opened
    await advance(99);
    expect(drained.state, "299 ms: a, destroyed before the drain, is still closing").toBe(
      "pending",
    );
    await advance(100);
    expect(drained.state, "399 ms: b, evicted before the drain, is still closing").toBe("pending");
    await advance(1);
    expect(drained.state, "400 ms: every destroy the pool started has settled").toBe("resolved");
    expect(db.openConnections).toBe(0);
  });

  it("still evicts the connections already idle while the drain waits for a loan", async () => {
    const { pool, destroyed } = setup({ idleTimeoutMs: 1_000 });
    const [a, b] = await acquireAll(pool, 2);
    pool.release(b as FakeConnection);
    const drained = track(pool.drain());
    await advance(999);
    expect(destroyed, "b has been idle for 999 ms").toEqual([]);
    await advance(1);
    expect(destroyed, "b idle for idleTimeoutMs: evicted, though the drain is not over").toEqual([
      b,
    ]);
    expect(stats(pool)).toEqual({ size: 1, available: 0, borrowed: 1, pending: 0 });
    expect(drained.state).toBe("pending");
    pool.release(a as FakeConnection);
    await flush();
    expect(destroyed).toEqual([b, a]);
    expect(drained.state).toBe("resolved");
  });

  it("destroys at once a connection idle before the drain, validated after its caller gave up", async () => {
    const db = new FakeDatabase();
    const destroyed: FakeConnection[] = [];
    let checks = 0;
    const pool = new Pool<FakeConnection>(
      {
        create: () => db.connect(),
        destroy: (connection) => {
          destroyed.push(connection);
          return connection.end();
        },
        // The first check fails, the next passes; each takes 100 ms.
        validate: () => {
          checks += 1;
          const valid = checks > 1;
          return new Promise((resolve) => setTimeout(() => resolve(valid), 100));
        },
      },
      { max: 3, acquireTimeoutMs: 150 },
    );
    const [a, b, held] = await acquireAll(pool, 3);
    pool.release(a as FakeConnection);
    pool.release(b as FakeConnection);
    const impatient = track(pool.acquire()); // b is checked for it (and fails at 100 ms)
    const drained = track(pool.drain()); // a is idle when the drain begins
    await advance(100);
    expect(destroyed, "b failed its check; a is now checked for the caller").toEqual([b]);
    await advance(50);
    expect(impatient.state, "the caller gives up at 150 ms").toBe("rejected");
    await advance(50);
    expect(destroyed, "a passed at 200 ms, but nobody waits for it: closed at once").toEqual([
      b,
      a,
    ]);
    expect(stats(pool)).toEqual({ size: 1, available: 0, borrowed: 1, pending: 0 });
    expect(drained.state).toBe("pending");
    pool.release(held as FakeConnection);
    await flush();
    expect(drained.state).toBe("resolved");
  });

  it("still opens new connections for the callers that were waiting when the drain began", async () => {
    const { pool, db } = setup({ max: 1 });
    const broken = await pool.acquire();
    const waiting = track(pool.acquire());
    const drained = track(pool.drain());
    pool.destroy(broken); // its place is free: a new connection for the caller waiting
    await flush();
    expect(waiting.state).toBe("resolved");
    expect(waiting.value).not.toBe(broken);
    expect(db.connectAttempts).toBe(2);
    expect(drained.state).toBe("pending");
    pool.release(waiting.value as FakeConnection);
    await flush();
    expect(drained.state).toBe("resolved");
    expect(db.openConnections).toBe(0);
  });
});

describe("step 10 — rejecting bad input", () => {
  const factory: PoolFactory<object> = { create: async () => ({}), destroy: () => {} };

  it.each([
    [{ max: 0 }, "max must be an integer >= 1, got 0"],
    [{ max: 2.5 }, "max must be an integer >= 1, got 2.5"],
    [{ max: Number.NaN }, "max must be an integer >= 1, got NaN"],
    [{ max: Number.POSITIVE_INFINITY }, "max must be an integer >= 1, got Infinity"],
    [{}, "max must be an integer >= 1, got undefined"],
    [{ max: 1, acquireTimeoutMs: 0 }, "acquireTimeoutMs must be a finite number > 0, got 0"],
    [{ max: 1, acquireTimeoutMs: -1 }, "acquireTimeoutMs must be a finite number > 0, got -1"],
    [
      { max: 1, acquireTimeoutMs: Number.NaN },
      "acquireTimeoutMs must be a finite number > 0, got NaN",
    ],
    [
      { max: 1, acquireTimeoutMs: Number.POSITIVE_INFINITY },
      "acquireTimeoutMs must be a finite number > 0, got Infinity",
    ],
    [{ max: 1, idleTimeoutMs: 0 }, "idleTimeoutMs must be a finite number > 0, got 0"],
    [{ max: 1, idleTimeoutMs: Number.NaN }, "idleTimeoutMs must be a finite number > 0, got NaN"],
    [
      { max: 1, idleTimeoutMs: Number.POSITIVE_INFINITY },
      "idleTimeoutMs must be a finite number > 0, got Infinity",
    ],
  ] as [PoolOptions, string][])("throws a RangeError for %o", (options, message) => {
    const error = thrownBy(() => new Pool(factory, options));
    expect(error).toBeInstanceOf(RangeError);
    expect((error as RangeError).message).toBe(message);
  });

  it.each([
    [{ max: 1, acquireTimeoutMs: null }, "acquireTimeoutMs must be a finite number > 0, got null"],
    [{ max: 1, idleTimeoutMs: null }, "idleTimeoutMs must be a finite number > 0, got null"],
  ] as unknown as [PoolOptions, string][])(
    "throws a RangeError for a timeout of null: only undefined means the default (%o)",
    (options, message) => {
      const error = thrownBy(() => new Pool(factory, options));
      expect(error, "null is a bad value, not a timeout left out").toBeInstanceOf(RangeError);
      expect((error as RangeError).message).toBe(message);
    },
  );

  it.each([
    [{ max: "2" }, "max must be an integer >= 1, got 2"],
    [{ max: true }, "max must be an integer >= 1, got true"],
    [{ max: 1, acquireTimeoutMs: "100" }, "acquireTimeoutMs must be a finite number > 0, got 100"],
    [{ max: 1, acquireTimeoutMs: true }, "acquireTimeoutMs must be a finite number > 0, got true"],
    [{ max: 1, idleTimeoutMs: "100" }, "idleTimeoutMs must be a finite number > 0, got 100"],
    [{ max: 1, idleTimeoutMs: true }, "idleTimeoutMs must be a finite number > 0, got true"],
  ] as unknown as [PoolOptions, string][])(
    "refuses an option that is not a number, never converting it: %o",
    (options, message) => {
      const error = thrownBy(() => new Pool(factory, options));
      expect(error, "a string or a boolean is not a number: a RangeError").toBeInstanceOf(
        RangeError,
      );
      expect((error as RangeError).message).toBe(message);
    },
  );

  it.each([undefined, null])(
    "throws the TypeError destructuring raises when the options object is %s",
    (options) => {
      const error = thrownBy(() => new Pool(factory, options as unknown as PoolOptions));
      expect(error, "the options object is required: max has no default").toBeInstanceOf(TypeError);
    },
  );

  it("takes the default for a timeout given as undefined, as for one left out", async () => {
    const options = { max: 1, acquireTimeoutMs: undefined, idleTimeoutMs: undefined };
    const pool = new Pool(factory, options);
    const first = await pool.acquire();
    const waiting = track(pool.acquire());
    await advance(29_999);
    expect(waiting.state, "acquireTimeoutMs undefined: 30 000 ms").toBe("pending");
    await advance(1);
    expect((waiting.reason as PoolTimeoutError).message).toBe(
      "no resource available within 30000 ms",
    );
    pool.release(first);
    await advance(9_999);
    expect(pool.available, "idleTimeoutMs undefined: 10 000 ms").toBe(1);
    await advance(1);
    expect(pool.available).toBe(0);
  });

  it.each([
    ["no create", { destroy: () => {} }],
    ["no destroy", { create: async () => ({}) }],
    ["no factory", undefined],
  ])("throws a TypeError for a factory with %s", (_name, badFactory) => {
    const error = thrownBy(
      () => new Pool(badFactory as unknown as PoolFactory<object>, { max: 1 }),
    );
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe("factory must have create() and destroy() functions");
  });

  it.each([
    ["a create that is not a function", { create: "pg", destroy: () => {} }],
    ["a destroy that is not a function", { create: async () => ({}), destroy: true }],
    ["members that are objects", { create: {}, destroy: {} }],
  ])("throws a TypeError for a factory with %s: truthy is not enough", (_name, badFactory) => {
    const error = thrownBy(
      () => new Pool(badFactory as unknown as PoolFactory<object>, { max: 1 }),
    );
    expect(error, "create and destroy must be functions").toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe("factory must have create() and destroy() functions");
  });

  it.each([
    ["the factory before the options", undefined, { max: 0 }, TypeError, "factory must have"],
    ["max first", factory, { max: 0, acquireTimeoutMs: 0, idleTimeoutMs: 0 }, RangeError, "max "],
    [
      "then acquireTimeoutMs",
      factory,
      { max: 1, acquireTimeoutMs: 0, idleTimeoutMs: 0 },
      RangeError,
      "acquireTimeoutMs ",
    ],
  ])("checks in the order listed: %s", (_order, badFactory, options, type, start) => {
    const error = thrownBy(
      () => new Pool(badFactory as unknown as PoolFactory<object>, options as PoolOptions),
    );
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message.startsWith(start), (error as Error).message).toBe(true);
  });

  it.each([
    [
      { max: 1, acquireTimeoutMs: 3e9 },
      "acquireTimeoutMs must be a finite number > 0, got 3000000000",
    ],
    [
      { max: 1, acquireTimeoutMs: 2 ** 31 },
      "acquireTimeoutMs must be a finite number > 0, got 2147483648",
    ],
    [
      { max: 1, acquireTimeoutMs: 2147483647.5 },
      "acquireTimeoutMs must be a finite number > 0, got 2147483647.5",
    ],
    [{ max: 1, idleTimeoutMs: 3e9 }, "idleTimeoutMs must be a finite number > 0, got 3000000000"],
    [
      { max: 1, idleTimeoutMs: 2 ** 31 },
      "idleTimeoutMs must be a finite number > 0, got 2147483648",
    ],
  ] as [PoolOptions, string][])(
    "refuses a timeout above setTimeout's limit of 2^31 - 1 ms, which Node would fire after 1 ms: %o",
    (options, message) => {
      const error = thrownBy(() => new Pool(factory, options));
      expect(error).toBeInstanceOf(RangeError);
      expect((error as RangeError).message).toBe(message);
    },
  );

  it("accepts timeouts of exactly 2^31 - 1 ms", async () => {
    const limit = 2 ** 31 - 1;
    const pool = new Pool(factory, { max: 1, acquireTimeoutMs: limit, idleTimeoutMs: limit });
    const first = await pool.acquire();
    const waiting = track(pool.acquire());
    await advance(1_000);
    expect(waiting.state, "still waiting after 1 s: its timer did not fire early").toBe("pending");
    pool.release(first);
    await flush();
    expect(waiting.state).toBe("resolved");
    pool.release(waiting.value as object);
    await advance(1_000);
    expect(pool.available, "still idle after 1 s: its idle timer did not fire early").toBe(1);
  });

  it.each([
    ["true", true],
    ["null", null],
    ["an object", {}],
    ["a string", "SELECT 1"],
  ])(
    "throws a TypeError for a validate that is there but not a function (%s)",
    (_name, validate) => {
      const error = thrownBy(
        () => new Pool({ ...factory, validate } as unknown as PoolFactory<object>, { max: 0 }),
      );
      expect(error, "checked with the factory, before the options").toBeInstanceOf(TypeError);
      expect((error as TypeError).message).toBe("factory.validate must be a function when given");
    },
  );

  it("takes a validate given as undefined as no validation", async () => {
    const pool = new Pool({ ...factory, validate: undefined }, { max: 1 });
    const first = await pool.acquire();
    pool.release(first);
    expect(await pool.acquire(), "the idle resource is lent as it is").toBe(first);
  });

  it("accepts max 1 and fractional timeouts", async () => {
    const pool = new Pool(factory, { max: 1, acquireTimeoutMs: 0.5, idleTimeoutMs: 0.5 });
    await expect(pool.acquire()).resolves.toEqual({});
  });
});
