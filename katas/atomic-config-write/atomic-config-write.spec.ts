import implementationPath from "kata:implementation-path";
import {
  chmodSync,
  closeSync,
  existsSync,
  constants as fsConstants,
  fsyncSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import * as fsp from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { isMainThread } from "node:worker_threads";
import { execa } from "execa";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import {
  NEW_CONTENT,
  OLD_CONTENT,
  UNDER_WAY,
} from "../../fixtures/katas/atomic-config-write/crash-payload";
import {
  type FailableOp,
  type FsEvent,
  systemError,
  useFsSpy,
} from "../../fixtures/katas/atomic-config-write/fs-spy";
import { InvalidConfigError, updateJsonConfig, writeFileAtomic } from "./atomic-config-write";

// Every import of node:fs/promises (yours too) now gets spies that call the real functions.
// useFsSpy() uses them to record the order of your calls and to make chosen calls fail.
vi.mock("node:fs/promises", { spy: true });
const fsSpy = useFsSpy();

// Files are set up and inspected with the synchronous API, which the spy does not record.
let dir: string;
let target: string;
beforeEach(() => {
  // realpath: on macOS the temp dir is behind a symlink (/var → /private/var).
  dir = realpathSync(mkdtempSync(join(tmpdir(), "kata-atomic-")));
  target = join(dir, "app.conf");
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const read = (path: string) => readFileSync(path, "utf8");
const modeOf = (path: string) => statSync(path).mode & 0o777;
/** With the setuid, setgid and sticky bits: what chmod sets. */
const fullModeOf = (path: string) => statSync(path).mode & 0o7777;
const octal = (mode: number | undefined) => `0o${mode?.toString(8)}`;
const entries = (directory = dir) => readdirSync(directory).sort();

/** The outcome of a promise: its value, or the error it rejected with. */
const settle = (promise: Promise<unknown>) =>
  promise.then(
    (value) => ({ value, error: undefined }),
    (error: unknown) => ({ value: undefined, error }),
  );

async function expectTypeError(promise: Promise<unknown>, message: string) {
  const { error } = await settle(promise);
  expect(error, `expected a TypeError("${message}")`).toBeInstanceOf(TypeError);
  expect((error as Error).message).toBe(message);
}

/**
 * Tests that set the process umask. Node allows that only on a process's main thread: vitest runs
 * specs in child processes (forks), but a worker-thread pool (Stryker's mutation runs use one)
 * skips these tests rather than failing them.
 */
const umaskTest = isMainThread ? it : it.skip;

/** Runs `work` with the process umask set to `mask`, then puts the old umask back. */
async function withUmask(mask: number, work: () => Promise<unknown>) {
  const previous = process.umask(mask);
  try {
    await work();
  } finally {
    process.umask(previous);
  }
}

/**
 * The recorded writes, syncs and renames as short lines, consecutive repeats collapsed:
 * ["write temp", "sync temp", "rename temp → target", "sync directory"]. "temp" is any other file
 * in the target's directory.
 */
function story(file: string): string[] {
  const folder = dirname(file);
  const role = (path = "") => {
    if (path === file) return "target";
    if (path === folder) return "directory";
    return dirname(path) === folder ? "temp" : `file elsewhere (${path})`;
  };
  const lines = fsSpy.events
    .filter((event) => event.op === "write" || event.op === "sync" || event.op === "rename")
    .map((event) =>
      event.op === "rename"
        ? `rename ${role(event.path)} → ${role(event.to)}`
        : `${event.op} ${role(event.path)}`,
    );
  return lines.filter((line, index) => line !== lines[index - 1]);
}

const renames = () => fsSpy.events.filter((event) => event.op === "rename");

/**
 * The content of every file renamed over `file` from now on, read just before its rename. Uses the
 * fs spy's failNext hook as a watcher: its condition reads the source and never picks the call,
 * so no rename is made to fail (and the hook stays planted for the rest of the test).
 */
function contentsRenamedOver(file: string): string[] {
  const seen: string[] = [];
  fsSpy.failNext(
    "rename",
    () => new Error("never raised: this hook only watches"),
    (call) => {
      if (call.to !== file) return false;
      try {
        seen.push(readFileSync(call.path, "utf8"));
      } catch (error) {
        seen.push(`<unreadable ${call.path}: ${(error as NodeJS.ErrnoException).code}>`);
      }
      return false;
    },
  );
  return seen;
}

/** "wx", "xw", "wx+"…, or numeric flags with O_CREAT and O_EXCL: an open that refuses an existing file. */
function isExclusiveCreate(flags: unknown): boolean {
  if (typeof flags === "string") return flags.includes("x") && /[wa]/.test(flags);
  if (typeof flags !== "number") return false;
  const { O_CREAT, O_EXCL } = fsConstants;
  return (flags & O_CREAT) !== 0 && (flags & O_EXCL) !== 0;
}

/**
 * Makes close() fail (EIO, as it can on NFS) for every handle that open() gives for a path
 * `isChosen` picks: the file is really closed first, then the close rejects. Wraps the fs spy's
 * own open (which the spy's afterEach resets). Returns the errors raised, in order.
 */
function failCloseOf(isChosen: (path: string) => boolean): Error[] {
  const raised: Error[] = [];
  const spied = vi.mocked(fsp.open).getMockImplementation();
  if (!spied) throw new Error("failCloseOf() needs the fs spy's open installed");
  vi.mocked(fsp.open).mockImplementation(async (...args) => {
    const handle = await spied(...args);
    const path = String(args[0]);
    if (isChosen(path)) {
      const close = handle.close;
      handle.close = async () => {
        await close();
        const error = systemError("EIO", "close", path);
        raised.push(error);
        throw error;
      };
    }
    return handle;
  });
  return raised;
}

/**
 * Makes chmod fail (EPERM, as on vfat or some SMB mounts) for a path `isChosen` picks, whether it
 * is done through a handle open() gave (`handle.chmod`) or by path (`fs/promises` `chmod`); the
 * mode is left unchanged. Returns the errors raised, in order, and a function that undoes it.
 */
function failChmodOf(isChosen: (path: string) => boolean): { raised: Error[]; undo: () => void } {
  const raised: Error[] = [];
  const spied = vi.mocked(fsp.open).getMockImplementation();
  if (!spied) throw new Error("failChmodOf() needs the fs spy's open installed");
  const refuse = (path: string) => {
    const error = systemError("EPERM", "fchmod", path);
    raised.push(error);
    return error;
  };
  vi.mocked(fsp.open).mockImplementation(async (...args) => {
    const handle = await spied(...args);
    const path = String(args[0]);
    if (isChosen(path)) handle.chmod = async () => Promise.reject(refuse(path));
    return handle;
  });
  vi.mocked(fsp.chmod).mockImplementation(async (path, mode) => {
    if (isChosen(String(path))) throw refuse(String(path));
    const actual = await vi.importActual<typeof fsp>("node:fs/promises");
    return actual.chmod(path, mode);
  });
  return { raised, undo: () => vi.mocked(fsp.chmod).mockReset() };
}

/**
 * The mode of every chmod from now on, whether through a handle open() gave (`handle.chmod`) or
 * by path (`fs/promises` `chmod`), in order. Each chmod still runs as usual.
 */
function recordChmodModes(): { modes: unknown[]; undo: () => void } {
  const modes: unknown[] = [];
  const spied = vi.mocked(fsp.open).getMockImplementation();
  if (!spied) throw new Error("recordChmodModes() needs the fs spy's open installed");
  vi.mocked(fsp.open).mockImplementation(async (...args) => {
    const handle = await spied(...args);
    const chmod = handle.chmod.bind(handle);
    handle.chmod = async (mode) => {
      modes.push(mode);
      return chmod(mode);
    };
    return handle;
  });
  vi.mocked(fsp.chmod).mockImplementation(async (path, mode) => {
    modes.push(mode);
    const actual = await vi.importActual<typeof fsp>("node:fs/promises");
    return actual.chmod(path, mode);
  });
  return { modes, undo: () => vi.mocked(fsp.chmod).mockReset() };
}

/**
 * Makes every `write()` on a FileHandle short, as a real disk can (ENOSPC part-way, signals): each
 * call writes only the first half of the bytes it was given (at least one byte) and reports that
 * truthfully in `bytesWritten`, so "check once and write the rest once more" still loses data.
 * A string is counted in the bytes of its encoding, as Node does. Wraps the prototype's `write`
 * (the fs spy's), so each call is still recorded. Returns how many writes were made short, and a
 * function that undoes it.
 */
async function shortWrites(): Promise<{ shortened: () => number; undo: () => void }> {
  const actual = await vi.importActual<typeof fsp>("node:fs/promises");
  const probe = await actual.open(fileURLToPath(import.meta.url), "r");
  await probe.close();
  const proto = Object.getPrototypeOf(probe) as fsp.FileHandle;
  const write = proto.write;
  let shortened = 0;
  proto.write = async function (this: fsp.FileHandle, data: unknown, ...rest: unknown[]) {
    let bytes: Uint8Array;
    let position: unknown;
    if (typeof data === "string") {
      bytes = Buffer.from(data, typeof rest[1] === "string" ? (rest[1] as BufferEncoding) : "utf8");
      position = rest[0];
    } else {
      const view = data as ArrayBufferView;
      const whole = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
      const options =
        typeof rest[0] === "object" && rest[0] !== null
          ? (rest[0] as { offset?: number; length?: number; position?: number | null })
          : { offset: rest[0] as number, length: rest[1] as number, position: rest[2] as number };
      const offset = options.offset ?? 0;
      const length = options.length ?? whole.byteLength - offset;
      bytes = whole.subarray(offset, offset + length);
      position = options.position;
    }
    if (bytes.byteLength < 2) return Reflect.apply(write, this, [data, ...rest]);
    shortened += 1;
    const half = Math.floor(bytes.byteLength / 2);
    const { bytesWritten } = await Reflect.apply(write, this, [bytes, 0, half, position]);
    return { bytesWritten, buffer: data };
  } as typeof write;
  return {
    shortened: () => shortened,
    undo: () => {
      proto.write = write;
    },
  };
}

/** The library variant: write-file-atomic opens its temp file with "w" (NOTES.md, rule 11). */
const OPENS_WITH_W = basename(implementationPath) === "atomic-config-write.lib.ts";

describe("step 1 — write a file", () => {
  it("creates a new file holding the given text", async () => {
    await expect(writeFileAtomic(target, "port = 8080\n")).resolves.toBeUndefined();
    expect(read(target)).toBe("port = 8080\n");
  });

  it("encodes text as UTF-8", async () => {
    await writeFileAtomic(target, "name = café ✓\n");
    expect(readFileSync(target)).toEqual(Buffer.from("name = café ✓\n", "utf8"));
  });

  it("writes a Uint8Array byte for byte", async () => {
    const bytes = new Uint8Array([0x00, 0xff, 0x0a, 0x0d, 0x80, 0x7f]);
    await writeFileAtomic(target, bytes);
    expect(readFileSync(target)).toEqual(Buffer.from(bytes));
  });

  it("writes a Uint8Array that views part of a larger buffer: only its own bytes", async () => {
    const whole = new Uint8Array([0x41, 0x42, 0x6f, 0x6b, 0x0a, 0x43]);
    await writeFileAtomic(target, whole.subarray(2, 5));
    expect([...readFileSync(target)], "bytes 2 to 4 of the buffer, nothing around them").toEqual([
      0x6f, 0x6b, 0x0a,
    ]);
    const pooled = Buffer.from("pooled\n"); // a small Buffer is a view on Node's shared pool
    await writeFileAtomic(target, pooled);
    expect(read(target)).toBe("pooled\n");
  });

  it("writes an empty string as an empty file", async () => {
    writeFileSync(target, "something\n");
    await writeFileAtomic(target, "");
    expect(read(target)).toBe("");
  });

  it("replaces the whole content of an existing file: no tail of the old content survives", async () => {
    writeFileSync(target, `${"x".repeat(100)}\n`);
    await writeFileAtomic(target, "short\n");
    expect(read(target)).toBe("short\n");
  });

  it.each([
    ["an empty string", ""],
    ["a number", 42],
    ["undefined", undefined],
    ["a file: URL", new URL("file:///tmp/app.conf")],
    ["a Buffer", Buffer.from("/tmp/app.conf")],
  ])("rejects %s as the path with a TypeError", async (_label, path) => {
    await expectTypeError(writeFileAtomic(path as string, "x"), "path must be a non-empty string");
  });

  it.each([
    ["a number", 42],
    ["null", null],
    ["a plain object", { port: 8080 }],
    ["a DataView", new DataView(new ArrayBuffer(4))],
    ["a Uint16Array", new Uint16Array([0x6f6b])],
    ["a Float64Array", new Float64Array([1.5])],
    ["an ArrayBuffer", new ArrayBuffer(4)],
    ["an Int8Array", new Int8Array([0x6f, 0x6b])],
    ["a Uint8ClampedArray", new Uint8ClampedArray([0x6f, 0x6b])],
  ])("rejects %s as the data with a TypeError, before creating anything", async (_label, data) => {
    await expectTypeError(
      writeFileAtomic(target, data as unknown as string),
      "data must be a string or a Uint8Array",
    );
    expect(entries(), "nothing may be created for invalid data").toEqual([]);
  });

  it("takes a whitespace-only path as a path: it is not trimmed, so the data's TypeError comes next", async () => {
    // The bad data stops the call before the disk is touched: nothing named "   " is created.
    await expectTypeError(
      writeFileAtomic("   ", 42 as unknown as string),
      "data must be a string or a Uint8Array",
    );
  });

  it("checks the path before the data: with both bad, the path's TypeError wins", async () => {
    await expectTypeError(
      writeFileAtomic("", 42 as unknown as string),
      "path must be a non-empty string",
    );
    expect(entries()).toEqual([]);
  });

  it("checks the data before looking the path up: bad data through a symlink loop is the data's TypeError, not ELOOP", async () => {
    symlinkSync("b.conf", join(dir, "a.conf"));
    symlinkSync("a.conf", join(dir, "b.conf"));
    const { error } = await settle(writeFileAtomic(join(dir, "a.conf"), 42 as unknown as string));
    expect(
      error,
      "the input is checked before the disk is touched, reads included (no realpath, no stat): expected the data's TypeError",
    ).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe("data must be a string or a Uint8Array");
  });
});

describe("step 2 — a temp file, renamed over the target", () => {
  it("writes a temp file next to the target and renames it over the target, once", async () => {
    writeFileSync(target, "v1\n");
    await writeFileAtomic(target, "v2\n");
    expect(read(target)).toBe("v2\n");
    expect(renames(), "expected exactly one rename: temp file → target").toHaveLength(1);
    const [publish] = renames() as [FsEvent];
    expect(publish.to).toBe(target);
    expect(
      dirname(publish.path),
      "the temp file must be in the target's own directory: a rename across file systems fails (EXDEV)",
    ).toBe(dir);
    expect(
      basename(publish.path),
      "the temp file's name should contain the target's name",
    ).toContain("app.conf");
    expect(publish.path).not.toBe(target);
  });

  it("uses a fresh temp file name for every write", async () => {
    await writeFileAtomic(target, "v1\n");
    await writeFileAtomic(target, "v2\n");
    const [first, second] = renames().map((event) => event.path);
    expect(first, "expected one rename per write").toBeDefined();
    expect(second, "two writes must not share a temp file name").not.toBe(first);
  });

  it("uses a fresh temp file name for two writes of the same content: the random part is not derived from the data", async () => {
    await writeFileAtomic(target, "same\n");
    await writeFileAtomic(target, "same\n");
    const [first, second] = renames().map((event) => event.path);
    expect(first, "expected one rename per write").toBeDefined();
    expect(
      second,
      "two writes of the same content to the same path must not share a temp file name",
    ).not.toBe(first);
  });

  it("writes all the data even when every write() is short: bytesWritten is checked and the rest written, in a loop, counted in bytes", async () => {
    writeFileSync(target, "v0\n");
    // Multi-byte UTF-8 ("é" 2 bytes, "€" 3, "🚀" 4): bytesWritten counts bytes, not characters.
    const text = "replicas = 5 é € 🚀\n".repeat(4000);
    const short = await shortWrites();
    try {
      await writeFileAtomic(target, text);
    } finally {
      short.undo();
    }
    const written = readFileSync(target);
    const expected = Buffer.from(text, "utf8");
    expect(
      written.byteLength,
      `the file must hold all ${expected.byteLength} bytes of the UTF-8 text, with every write() short: bytesWritten is a count of bytes, and the rest must be written until none is left`,
    ).toBe(expected.byteLength);
    expect(
      written.equals(expected),
      "the file must hold the new content, byte for byte (a rest taken by characters instead of bytes repeats or skips data)",
    ).toBe(true);
  });

  it("leaves nothing but the target in the directory", async () => {
    await writeFileAtomic(target, "v1\n");
    expect(entries()).toEqual(["app.conf"]);
  });

  it("syncs the temp file after writing it and before renaming it", async () => {
    await writeFileAtomic(target, "v1\n");
    const lines = story(target);
    const published = lines.indexOf("rename temp → target");
    expect(published, `no "rename temp → target" in [${lines.join(", ")}]`).not.toBe(-1);
    expect(lines.slice(0, published + 1)).toEqual([
      "write temp",
      "sync temp",
      "rename temp → target",
    ]);
  });

  it('creates the temp file with flag "wx" (O_CREAT | O_EXCL): it never reuses a file already there', async () => {
    await writeFileAtomic(target, "v1\n");
    const [publish] = renames() as [FsEvent | undefined];
    expect(publish, "expected one rename: temp file → target").toBeDefined();
    const created = fsSpy.events.filter(
      (event) => event.op === "open" && event.path === publish?.path,
    );
    expect(created, "the temp file is opened once").toHaveLength(1);
    const flags = created[0]?.flags;
    if (OPENS_WITH_W) {
      // write-file-atomic opens its temp file with "w": the one rule its variant cannot meet
      // (solutions/atomic-config-write/NOTES.md, rule 11). If it ever changes, drop this branch.
      expect(flags).toBe("w");
      return;
    }
    expect(
      isExclusiveCreate(flags),
      `open(temp, ${JSON.stringify(flags)}): expected "wx", so that a file (or a planted symlink) already at that name makes the open fail instead of being truncated or followed`,
    ).toBe(true);
  });

  it("syncs the directory after the rename, so the rename itself survives a power cut", async () => {
    await writeFileAtomic(target, "v1\n");
    const lines = story(target);
    const published = lines.indexOf("rename temp → target");
    expect(published, `no "rename temp → target" in [${lines.join(", ")}]`).not.toBe(-1);
    expect(lines.slice(published)).toEqual(["rename temp → target", "sync directory"]);
  });

  it("fsyncs the directory with sync() too, not datasync()", async () => {
    await writeFileAtomic(target, "v1\n");
    const directorySyncs = fsSpy.events.filter(
      (event) => event.op === "sync" && event.path === dir,
    );
    expect(directorySyncs, "expected one fsync of the directory").toHaveLength(1);
    expect(
      directorySyncs[0]?.dataOnly,
      `the directory ${dir} was synced with datasync() (fdatasync): step 5 asks for a full sync()`,
    ).toBeUndefined();
  });

  it("closes every file it opens", async () => {
    await expect(writeFileAtomic(target, "v1\n")).resolves.toBeUndefined();
    expect(fsSpy.openFiles(), "these files were left open").toEqual([]);
  });

  it("waits for each close to finish: the temp file's before the rename, the directory's before resolving", async () => {
    const { closing } = slowCloses();
    let closingAtRename: string[] | undefined;
    fsSpy.failNext(
      "rename",
      () => new Error("never made: `when` says no"),
      () => {
        closingAtRename = [...closing];
        return false;
      },
    );
    await expect(writeFileAtomic(target, "v1\n")).resolves.toBeUndefined();
    expect(closingAtRename, "a rename: the write publishes the temp file").toBeDefined();
    expect(closingAtRename, "the temp file's close() must have finished before the rename").toEqual(
      [],
    );
    expect(closing, "every close() must have finished before the promise resolves").toEqual([]);
    fsSpy.failNext("write", () => systemError("ENOSPC", "write"));
    const { error } = await settle(writeFileAtomic(target, "v2\n"));
    expect(error).toMatchObject({ code: "ENOSPC" });
    expect(closing, "every close() must have finished before the promise rejects").toEqual([]);
  });
});

/**
 * Makes every close() of a handle from open() finish 20 ms after the real close, and keeps the
 * paths whose close has been called but has not finished yet: a close that is not awaited shows.
 */
function slowCloses(): { closing: string[] } {
  const recorded = vi.mocked(fsp.open).getMockImplementation();
  if (recorded === undefined) throw new Error("useFsSpy() should have installed open()");
  const closing: string[] = [];
  vi.mocked(fsp.open).mockImplementation(async (...args) => {
    const handle = await recorded(...args);
    const close = handle.close;
    handle.close = async () => {
      const path = String(args[0]);
      closing.push(path);
      await close();
      await new Promise((resolve) => setTimeout(resolve, 20));
      closing.splice(closing.indexOf(path), 1);
    };
    return handle;
  });
  return { closing };
}

describe("step 3 — modes and symlinks", () => {
  umaskTest("gives a new file mode 0o644, whatever the umask", async () => {
    await withUmask(0o077, () => writeFileAtomic(target, "v1\n"));
    expect(octal(modeOf(target))).toBe("0o644");
  });

  umaskTest("applies options.mode exactly: the umask does not narrow it", async () => {
    await withUmask(0o022, () => writeFileAtomic(target, "v1\n", { mode: 0o666 }));
    expect(octal(modeOf(target))).toBe("0o666");
  });

  it("never changes the process umask: the exact mode comes from chmod, not from a umask(0) around open", async () => {
    const umask = vi.spyOn(process, "umask");
    let calls: unknown[][];
    try {
      await writeFileAtomic(target, "v1\n", { mode: 0o666 });
    } finally {
      calls = [...umask.mock.calls]; // read before mockRestore(), which clears them
      umask.mockRestore();
    }
    const changes = calls.filter((args) => args[0] !== undefined);
    expect(
      changes,
      "process.umask(mask) is process-wide: changing it widens every file the process creates meanwhile",
    ).toEqual([]);
    expect(octal(modeOf(target))).toBe("0o666");
  });

  umaskTest.each([
    ["0o600", 0o600],
    ["0o666", 0o666],
    ["0o755", 0o755],
  ])("keeps an existing file's mode (%s)", async (_label, mode) => {
    writeFileSync(target, "v1\n");
    chmodSync(target, mode);
    await withUmask(0o022, () => writeFileAtomic(target, "v2\n"));
    expect(read(target)).toBe("v2\n");
    expect(octal(modeOf(target))).toBe(octal(mode));
  });

  it("applies mode: 0 as given, and keeps an existing file's mode 0o000", async () => {
    await writeFileAtomic(target, "v1\n", { mode: 0 });
    expect(octal(modeOf(target)), "mode: 0 is a mode, not a missing option").toBe("0o0");
    const other = join(dir, "other.conf");
    writeFileSync(other, "v1\n");
    chmodSync(other, 0o000);
    await writeFileAtomic(other, "v2\n");
    expect(octal(modeOf(other)), "an existing 0o000 is kept").toBe("0o0");
    chmodSync(other, 0o600); // so that a test run by a user other than root can read it
    expect(read(other)).toBe("v2\n");
  });

  it.each([
    ["setgid", 0o2755],
    ["setuid", 0o4750],
  ])("keeps an existing file's %s bit with its permission bits", async (_label, mode) => {
    // (Not the sticky bit: BSDs refuse it on a regular file.)
    writeFileSync(target, "v1\n");
    chmodSync(target, mode);
    expect(octal(fullModeOf(target)), "the test's own chmod").toBe(octal(mode));
    await writeFileAtomic(target, "v2\n");
    expect(read(target)).toBe("v2\n");
    expect(octal(fullModeOf(target)), "mode & 0o7777 of the old file").toBe(octal(mode));
  });

  it("applies an options.mode with a setgid bit exactly", async () => {
    await writeFileAtomic(target, "v1\n", { mode: 0o2750 });
    expect(octal(fullModeOf(target))).toBe("0o2750");
  });

  it("passes options.mode on as given: a stat().mode such as 0o100600 works, chmod keeps its permission bits", async () => {
    const source = join(dir, "secret.conf");
    writeFileSync(source, "x\n");
    chmodSync(source, 0o600);
    const { mode } = statSync(source);
    expect(octal(mode), "the test's own stat(): the file type bits and 0o600").toBe("0o100600");
    const { modes: chmods, undo } = recordChmodModes();
    const { error } = await settle(writeFileAtomic(target, "v1\n", { mode }));
    undo();
    expect(
      error,
      "a mode outside 0..0o7777 is not checked by you (no error of your own): open and chmod take it as given",
    ).toBeUndefined();
    expect(read(target)).toBe("v1\n");
    expect(octal(fullModeOf(target)), "chmod keeps the permission bits of 0o100600").toBe("0o600");
    const [publish] = renames() as [FsEvent];
    const created = fsSpy.events.filter(
      (event) => event.op === "open" && event.path === publish.path,
    );
    expect(created, "the temp file is opened once").toHaveLength(1);
    expect(
      octal(Number(created[0]?.openMode)),
      "open(temp, flags, mode) gets options.mode as given (0o100600), not masked with 0o7777 first",
    ).toBe(octal(mode));
    expect(chmods.length, "expected the temp file to be chmod-ed").toBeGreaterThan(0);
    for (const given of chmods) {
      expect(octal(Number(given)), "chmod gets options.mode as given, not masked first").toBe(
        octal(mode),
      );
    }
  });

  it.each([
    ["-1", -1],
    ["1.5", 1.5],
    ["NaN", Number.NaN],
  ])(
    "passes a mode Node refuses (%s) on as given: rejects with Node's own error, writes nothing",
    async (_label, mode) => {
      writeFileSync(target, "v1\n");
      chmodSync(target, 0o640);
      // The error Node's fs itself raises for this mode (the real open, not the spy's).
      const real = await vi.importActual<typeof fsp>("node:fs/promises");
      const scratch = mkdtempSync(join(tmpdir(), "kata-atomic-probe-"));
      const expected = await settle(real.open(join(scratch, "probe"), "wx", mode));
      rmSync(scratch, { recursive: true, force: true });
      expect(expected.error, "the test's own open() with this mode must fail").toBeInstanceOf(
        Error,
      );
      const nodeError = expected.error as NodeJS.ErrnoException;
      const { error } = await settle(writeFileAtomic(target, "v2\n", { mode }));
      expect(
        error,
        `a bad mode is not checked, fixed or ignored by you: open and chmod refuse it with Node's own ${nodeError.code}`,
      ).toBeInstanceOf(nodeError.constructor);
      expect(error).toMatchObject({
        name: nodeError.name,
        code: nodeError.code,
        message: nodeError.message,
      });
      expect(read(target), "the target is untouched").toBe("v1\n");
      expect(octal(fullModeOf(target)), "the target's mode is untouched").toBe("0o640");
      expect(entries(), "no temp file is left").toEqual(["app.conf"]);
    },
  );

  it("lets options.mode replace an existing file's mode", async () => {
    writeFileSync(target, "v1\n");
    chmodSync(target, 0o600);
    await writeFileAtomic(target, "v2\n", { mode: 0o640 });
    expect(octal(modeOf(target))).toBe("0o640");
  });

  umaskTest(
    "keeps the temp file as private as a 0o600 target while the data is written into it",
    async () => {
      writeFileSync(target, "password = old\n");
      chmodSync(target, 0o600);
      await withUmask(0o022, () => writeFileAtomic(target, "password = new\n"));
      const writes = fsSpy.events.filter((event) => event.op === "write");
      expect(writes.length, "expected the data to be written to a temp file").toBeGreaterThan(0);
      for (const write of writes) {
        expect(octal(write.mode), `mode of ${write.path} while the secret was written`).toBe(
          "0o600",
        );
      }
    },
  );

  umaskTest(
    "fsyncs the temp file with its final mode already set (chmod before the fsync)",
    async () => {
      await withUmask(0o022, () => writeFileAtomic(target, "v1\n", { mode: 0o666 }));
      const tempSyncs = fsSpy.events.filter(
        (event) => event.op === "sync" && event.path !== dir && event.path !== target,
      );
      expect(tempSyncs.length, "expected the temp file to be fsynced").toBeGreaterThan(0);
      for (const sync of tempSyncs) {
        expect(octal(sync.mode), `mode of ${sync.path} when it was fsynced (umask 0o022)`).toBe(
          "0o666",
        );
      }
    },
  );

  it("fsyncs the temp file with sync() (fsync), not datasync(): fdatasync need not flush the mode", async () => {
    await writeFileAtomic(target, "v1\n", { mode: 0o640 });
    const tempSyncs = fsSpy.events.filter(
      (event) => event.op === "sync" && event.path !== dir && event.path !== target,
    );
    expect(tempSyncs.length, "expected the temp file to be fsynced").toBeGreaterThan(0);
    for (const sync of tempSyncs) {
      expect(
        sync.dataOnly,
        `${sync.path} was synced with datasync() (fdatasync), which may leave the new mode only in memory: use sync()`,
      ).toBeUndefined();
    }
  });

  it("replaces a dangling symlink with a regular file, creating nothing where it pointed", async () => {
    mkdirSync(join(dir, "releases"));
    symlinkSync("releases/missing.conf", target);
    await writeFileAtomic(target, "new\n");
    expect(lstatSync(target).isFile(), "a dangling link is a path that does not exist yet").toBe(
      true,
    );
    expect(read(target)).toBe("new\n");
    expect(entries(join(dir, "releases")), "nothing is created at the link's destination").toEqual(
      [],
    );
  });

  it("replaces the path given when a chain of links ends nowhere: the later links stay as they are", async () => {
    mkdirSync(join(dir, "releases"));
    const middle = join(dir, "current.conf");
    symlinkSync("releases/missing.conf", middle);
    symlinkSync("current.conf", target);
    await writeFileAtomic(target, "new\n");
    expect(lstatSync(target).isFile(), "the path given becomes a regular file").toBe(true);
    expect(read(target)).toBe("new\n");
    expect(lstatSync(middle).isSymbolicLink(), "the link in the middle stays a link").toBe(true);
    expect(readlinkSync(middle), "pointing where it pointed").toBe("releases/missing.conf");
    expect(entries(join(dir, "releases")), "nothing is created at the chain's end").toEqual([]);
  });

  it("gives the file replacing a dangling symlink mode 0o644, a new file's mode, not the link's own", async () => {
    mkdirSync(join(dir, "releases"));
    symlinkSync("releases/missing.conf", target);
    await writeFileAtomic(target, "new\n");
    expect(lstatSync(target).isFile()).toBe(true);
    expect(
      octal(fullModeOf(target)),
      "a dangling link has no existing file behind it: the result is a new file, 0o644 (never the link's own mode, 0o777)",
    ).toBe("0o644");
  });

  it("writes through a symlink: the file it points to changes, the link stays a link", async () => {
    mkdirSync(join(dir, "releases"));
    const destination = join(dir, "releases", "v2.conf");
    writeFileSync(destination, "old\n");
    symlinkSync("releases/v2.conf", target);
    await writeFileAtomic(target, "new\n");
    expect(read(destination)).toBe("new\n");
    expect(lstatSync(target).isSymbolicLink(), "the symlink must survive the write").toBe(true);
    expect(readlinkSync(target)).toBe("releases/v2.conf");
  });

  it("follows a chain of links to its end: the last file changes, every link stays a link", async () => {
    mkdirSync(join(dir, "releases"));
    const middle = join(dir, "current.conf");
    const destination = join(dir, "releases", "v2.conf");
    writeFileSync(destination, "old\n");
    symlinkSync("releases/v2.conf", middle);
    symlinkSync("current.conf", target);
    await writeFileAtomic(target, "new\n");
    expect(read(destination), "the regular file at the end of the chain gets the content").toBe(
      "new\n",
    );
    expect(
      lstatSync(middle).isSymbolicLink(),
      "current.conf, the link in the middle of the chain, must stay a link",
    ).toBe(true);
    expect(readlinkSync(middle)).toBe("releases/v2.conf");
    expect(lstatSync(target).isSymbolicLink(), "the first link must stay a link").toBe(true);
    expect(readlinkSync(target)).toBe("current.conf");
  });

  it("resolves the path again on every call: a symlink switched between two writes is followed to its new destination", async () => {
    mkdirSync(join(dir, "releases"));
    const blue = join(dir, "releases", "v2.conf");
    const green = join(dir, "releases", "v3.conf");
    writeFileSync(blue, "blue\n");
    writeFileSync(green, "green\n");
    symlinkSync("releases/v2.conf", target);
    await writeFileAtomic(target, "first\n");
    expect(read(blue), "the first write goes to the link's destination, v2.conf").toBe("first\n");
    // The blue/green switch: a new link renamed over the old one.
    symlinkSync("releases/v3.conf", join(dir, "switch.conf"));
    renameSync(join(dir, "switch.conf"), target);
    await writeFileAtomic(target, "second\n");
    expect(
      read(green),
      "the second write goes to v3.conf, where the link points now: nothing is remembered between calls",
    ).toBe("second\n");
    expect(read(blue), "v2.conf keeps the first write").toBe("first\n");
    expect(lstatSync(target).isSymbolicLink(), "the link stays a link").toBe(true);
    expect(readlinkSync(target)).toBe("releases/v3.conf");
  });

  it("reads the existing file's mode again on every call: a mode changed between two writes is kept", async () => {
    writeFileSync(target, "v1\n");
    chmodSync(target, 0o600);
    await writeFileAtomic(target, "v2\n");
    expect(octal(modeOf(target))).toBe("0o600");
    chmodSync(target, 0o640);
    await writeFileAtomic(target, "v3\n");
    expect(read(target)).toBe("v3\n");
    expect(
      octal(modeOf(target)),
      "the file's mode now (0o640), not the one a previous call saw: nothing is remembered between calls",
    ).toBe("0o640");
  });

  it("puts the temp file next to the link's destination, not next to the link", async () => {
    mkdirSync(join(dir, "releases"));
    const destination = join(dir, "releases", "v2.conf");
    writeFileSync(destination, "old\n");
    symlinkSync("releases/v2.conf", target);
    await writeFileAtomic(target, "new\n");
    const [publish] = renames() as [FsEvent | undefined];
    expect(publish?.to).toBe(destination);
    expect(dirname(publish?.path ?? "")).toBe(join(dir, "releases"));
    expect(story(destination).at(-1), "the directory to sync is the destination's").toBe(
      "sync directory",
    );
    expect(
      basename(publish?.path ?? ""),
      "the temp file's name contains the destination's name, not the link's",
    ).toContain("v2.conf");
  });

  umaskTest("keeps the mode of a symlink's destination, not the link's own", async () => {
    mkdirSync(join(dir, "releases"));
    const destination = join(dir, "releases", "v2.conf");
    writeFileSync(destination, "old\n");
    chmodSync(destination, 0o600);
    symlinkSync("releases/v2.conf", target);
    await withUmask(0o022, () => writeFileAtomic(target, "new\n"));
    expect(read(destination)).toBe("new\n");
    expect(octal(modeOf(destination)), "the destination's own mode").toBe("0o600");
  });

  it("sets the mode after the write: a write without CAP_FSETID clears setuid and setgid, the chmod puts them back", {
    timeout: 15_000,
  }, async (context) => {
    // A write by a process without CAP_FSETID clears the setuid and setgid bits of the file. Root
    // has that capability, so as root the write runs in a child whose capabilities lack it
    // (`setpriv --bounding-set=-fsetid`, util-linux). The child stays root: it can read the
    // checkout wherever it is (a clone in a `mktemp -d` folder is 0700, closed to "nobody").
    if (process.getuid === undefined) return context.skip(); // not POSIX: no setuid bits to lose
    const asRoot = process.getuid() === 0;
    const withoutFsetid = asRoot ? ["setpriv", "--bounding-set=-fsetid", "--"] : [];
    if (asRoot) {
      const probe = await execa("setpriv", ["--version"], { reject: false, stdin: "ignore" });
      if (probe.exitCode !== 0) return context.skip(); // no setpriv: root cannot shed CAP_FSETID
    }
    writeFileSync(target, "v1\n");
    chmodSync(target, 0o6755);
    const plainChild = fileURLToPath(
      new URL("../../fixtures/katas/atomic-config-write/plain-writer.ts", import.meta.url),
    );
    const [command = process.execPath, ...prefix] = [...withoutFsetid, process.execPath];
    const child = await execa(
      command,
      [...prefix, "--import", "tsx", plainChild, implementationPath, target, "v2\n"],
      {
        cwd: fileURLToPath(new URL("../..", import.meta.url)),
        reject: false,
        stdin: "ignore",
        timeout: 10_000,
      },
    );
    expect(child.exitCode, `the write failed:\n${String(child.stderr)}`).toBe(0);
    expect(read(target)).toBe("v2\n");
    expect(
      octal(fullModeOf(target)),
      "the existing file's 0o6755 (setuid, setgid): a chmod before the write loses both bits",
    ).toBe("0o6755");
  });

  it("creates the temp file with the final mode, not a wider mode changed later", async () => {
    writeFileSync(target, "v1\n");
    chmodSync(target, 0o600);
    await writeFileAtomic(target, "v2\n");
    const [publish] = renames() as [FsEvent];
    const created = fsSpy.events.filter(
      (event) => event.op === "open" && event.path === publish.path,
    );
    expect(created, "the temp file is opened once").toHaveLength(1);
    expect(
      octal(Number(created[0]?.openMode)),
      "open(temp, flags, mode): the mode given to open is already the final one",
    ).toBe("0o600");
  });

  it.each([
    ["a new file, no mode option", undefined, undefined, "0o644"],
    ["mode: 0o640", undefined, 0o640, "0o640"],
    ["mode: 0o400", undefined, 0o400, "0o400"],
    ["an existing 0o444 file", 0o444, undefined, "0o444"],
    ["mode: 0o2750, its setgid bit included", undefined, 0o2750, "0o2750"],
    ["an existing 0o4755 file, its setuid bit included", 0o4755, undefined, "0o4755"],
  ] as const)(
    "gives open() exactly the final mode, neither wider nor narrower (%s)",
    async (_label, existing, mode, expected) => {
      if (existing !== undefined) {
        writeFileSync(target, "v1\n");
        chmodSync(target, existing);
      }
      await writeFileAtomic(target, "v2\n", mode === undefined ? {} : { mode });
      const [publish] = renames() as [FsEvent];
      const created = fsSpy.events.filter(
        (event) => event.op === "open" && event.path === publish.path,
      );
      expect(created, "the temp file is opened once").toHaveLength(1);
      expect(
        octal(Number(created[0]?.openMode)),
        `open(temp, "wx", mode) with the final mode ${expected} itself, not a fixed 0o600 chmod-ed later`,
      ).toBe(expected);
      chmodSync(target, 0o644); // so that a test run by a user other than root can clean up
      expect(read(target)).toBe("v2\n");
    },
  );

  it("rejects a symlink loop with ELOOP and replaces nothing", async () => {
    symlinkSync("b.conf", join(dir, "a.conf"));
    symlinkSync("a.conf", join(dir, "b.conf"));
    await expect(writeFileAtomic(join(dir, "a.conf"), "v1\n")).rejects.toMatchObject({
      code: "ELOOP",
    });
    expect(entries()).toEqual(["a.conf", "b.conf"]);
    expect(lstatSync(join(dir, "a.conf")).isSymbolicLink(), "a.conf must still be a link").toBe(
      true,
    );
  });
});

describe("step 4 — a failure leaves the original untouched", () => {
  const ORIGINAL = Buffer.from("replicas = 3\nimage = web:1.4\n");

  const failures: { op: FailableOp; makeError: (call: FsEvent) => Error }[] = [
    { op: "open", makeError: (call) => systemError("EACCES", "open", call.path) },
    { op: "write", makeError: () => systemError("ENOSPC", "write") },
    { op: "sync", makeError: () => systemError("EIO", "fsync") },
    { op: "rename", makeError: (call) => systemError("EXDEV", "rename", call.path, call.to) },
  ];

  it.each(failures)(
    "when $op fails, rejects with that very error, keeps the original byte for byte and removes the temp file",
    async ({ op, makeError }) => {
      writeFileSync(target, ORIGINAL);
      let injected: Error | undefined;
      fsSpy.failNext(op, (call) => {
        injected = makeError(call);
        return injected;
      });
      const { error } = await settle(writeFileAtomic(target, "replicas = 5\n"));
      expect(injected, `expected a "${op}" call: the one this test makes fail`).toBeDefined();
      expect(error, "the caller must get the file system's own error").toBe(injected);
      expect(readFileSync(target).equals(ORIGINAL), "the original must be unchanged").toBe(true);
      expect(entries(), "the temp file must be removed").toEqual(["app.conf"]);
      expect(fsSpy.openFiles(), "every file opened must be closed, also on failure").toEqual([]);
      expect(
        fsSpy.events.filter((event) => event.path === dir).map((event) => event.op),
        "no rename happened, so the directory is neither opened nor fsynced",
      ).toEqual([]);
    },
  );

  it("rejects with the write's error even when removing the temp file fails too: a cleanup error never replaces it", async () => {
    writeFileSync(target, ORIGINAL);
    const injected = systemError("ENOSPC", "write");
    fsSpy.failNext("write", () => injected);
    // Whichever function the cleanup uses, it fails (once) as a busy file system would.
    const refuse = (syscall: string) => async (path: unknown) => {
      throw systemError("EBUSY", syscall, String(path));
    };
    vi.mocked(fsp.rm).mockImplementationOnce(refuse("rm"));
    vi.mocked(fsp.unlink).mockImplementationOnce(refuse("unlink"));
    try {
      const { error } = await settle(writeFileAtomic(target, "replicas = 5\n"));
      expect(error, "the caller gets the write's ENOSPC, not the cleanup's EBUSY").toBe(injected);
      expect(readFileSync(target).equals(ORIGINAL), "the original must be unchanged").toBe(true);
    } finally {
      vi.mocked(fsp.rm).mockReset();
      vi.mocked(fsp.unlink).mockReset();
    }
  });

  it.each(["write", "sync"] as const)(
    "when %s fails and the temp file's close fails too, rejects with that first error: a close error never replaces it",
    async (op) => {
      if (OPENS_WITH_W) {
        // write-file-atomic closes with the callback API (it ignores that close's error).
        return;
      }
      writeFileSync(target, ORIGINAL);
      const injected = systemError(
        op === "write" ? "ENOSPC" : "EIO",
        op === "write" ? "write" : "fsync",
      );
      fsSpy.failNext(
        op,
        () => injected,
        (call) => call.path !== dir,
      );
      const closeErrors = failCloseOf((path) => path !== dir);
      const { error } = await settle(writeFileAtomic(target, "replicas = 5\n"));
      expect(
        closeErrors,
        `expected the temp file to be closed after the failed ${op}`,
      ).toHaveLength(1);
      expect(
        error,
        `the caller gets the ${op}'s own error, not the close's EIO that followed it (a close in a finally would replace it)`,
      ).toBe(injected);
      expect(readFileSync(target).equals(ORIGINAL), "the original must be unchanged").toBe(true);
      expect(entries(), "the temp file must be removed").toEqual(["app.conf"]);
    },
  );

  it("when only the temp file's close fails, rejects with the close's error, keeps the original and removes the temp file", async () => {
    if (OPENS_WITH_W) {
      // write-file-atomic closes with the callback API, which failCloseOf does not reach.
      return;
    }
    writeFileSync(target, ORIGINAL);
    const closeErrors = failCloseOf((path) => path !== dir);
    const { error } = await settle(writeFileAtomic(target, "replicas = 5\n"));
    expect(closeErrors, "expected the temp file to be closed once").toHaveLength(1);
    expect(error, "a failed close is a failure before the rename: its own error").toBe(
      closeErrors[0],
    );
    expect(renames(), "no rename after a failed close").toHaveLength(0);
    expect(readFileSync(target).equals(ORIGINAL), "the original must be unchanged").toBe(true);
    expect(entries(), "the temp file must be removed").toEqual(["app.conf"]);
  });

  it("when the temp file's chmod fails, rejects with that very error: chmod is not best effort", async () => {
    writeFileSync(target, ORIGINAL);
    const { raised, undo } = failChmodOf((path) => path !== dir && path !== target);
    try {
      const { error } = await settle(writeFileAtomic(target, "replicas = 5\n", { mode: 0o640 }));
      expect(raised, "expected the temp file's mode to be set with chmod").not.toHaveLength(0);
      expect(error, "a failed chmod is a failure before the rename: its own error").toBe(raised[0]);
      expect(renames(), "no rename after a failed chmod").toHaveLength(0);
      expect(readFileSync(target).equals(ORIGINAL), "the original must be unchanged").toBe(true);
      expect(entries(), "the temp file must be removed").toEqual(["app.conf"]);
      expect(fsSpy.openFiles(), "every file opened must be closed, also on failure").toEqual([]);
    } finally {
      undo();
    }
  });

  it("when only the directory's close fails, after a good fsync, rejects with the close's error", async () => {
    const closeErrors = failCloseOf((path) => path === dir);
    const { error } = await settle(writeFileAtomic(target, "replicas = 5\n"));
    expect(closeErrors, "expected the directory to be closed once").toHaveLength(1);
    expect(error, "a failed close of the directory is not ignored: its own error").toBe(
      closeErrors[0],
    );
    expect(read(target), "the rename happened: the new content is in place").toBe("replicas = 5\n");
    expect(entries(), "no temp file may be left").toEqual(["app.conf"]);
  });

  it("when the directory's fsync and then its close fail, rejects with the fsync's error", async () => {
    writeFileSync(target, ORIGINAL);
    const injected = systemError("EIO", "fsync", dir);
    fsSpy.failNext(
      "sync",
      () => injected,
      (call) => call.path === dir,
    );
    const closeErrors = failCloseOf((path) => path === dir);
    const { error } = await settle(writeFileAtomic(target, "replicas = 5\n"));
    expect(closeErrors, "expected the directory to be closed after its failed fsync").toHaveLength(
      1,
    );
    expect(error, "the caller gets the directory fsync's own error, not the close's EIO").toBe(
      injected,
    );
    expect(read(target), "the rename happened: the new content is in place").toBe("replicas = 5\n");
    expect(entries(), "no temp file may remain").toEqual(["app.conf"]);
  });

  it("when the directory's fsync fails after the rename, rejects with that error and closes the directory", async () => {
    writeFileSync(target, ORIGINAL);
    let injected: Error | undefined;
    fsSpy.failNext(
      "sync",
      (call) => {
        injected = systemError("EIO", "fsync", call.path);
        return injected;
      },
      (call) => call.path === dir,
    );
    const { error } = await settle(writeFileAtomic(target, "replicas = 5\n"));
    expect(
      injected,
      "expected a sync of the directory: the one this test makes fail",
    ).toBeDefined();
    expect(error, "the caller must get the file system's own error").toBe(injected);
    expect(read(target), "the rename happened: the new content is in place").toBe("replicas = 5\n");
    expect(entries(), "no temp file may remain").toEqual(["app.conf"]);
    expect(fsSpy.openFiles(), "the directory must be closed, also when its sync fails").toEqual([]);
  });

  it.each([
    ["sync", "EINVAL"],
    ["sync", "ENOTSUP"],
    ["open", "EACCES"],
  ] as const)(
    "when the directory's %s fails with %s after the rename, rejects with that very error",
    async (op, code) => {
      writeFileSync(target, ORIGINAL);
      let injected: Error | undefined;
      fsSpy.failNext(
        op,
        (call) => {
          injected = systemError(code, op === "sync" ? "fsync" : "open", call.path);
          return injected;
        },
        (call) => call.path === dir,
      );
      const { error } = await settle(writeFileAtomic(target, "replicas = 5\n"));
      expect(
        injected,
        `expected a ${op} of the directory: the one this test makes fail`,
      ).toBeDefined();
      expect(error, "never swallowed, whatever the code: the caller decides").toBe(injected);
      expect(read(target), "the rename happened: the new content is in place").toBe(
        "replicas = 5\n",
      );
      expect(entries(), "no temp file may remain").toEqual(["app.conf"]);
      expect(fsSpy.openFiles()).toEqual([]);
    },
  );

  it.each(["open", "write", "rename"] as const)(
    "a failed call leaves nothing behind: after %s fails, the next write to the same path succeeds",
    async (op) => {
      writeFileSync(target, ORIGINAL);
      let injected: Error | undefined;
      fsSpy.failNext(op, (call) => {
        injected = systemError("EIO", op, call.path);
        return injected;
      });
      const { error } = await settle(writeFileAtomic(target, "replicas = 5\n"));
      expect(error, `the first write gets the injected ${op} error`).toBe(injected);
      const next = await settle(writeFileAtomic(target, "replicas = 6\n"));
      expect(
        next.error,
        "a later call must write, not fail with an earlier call's error (a queue per path must not pass a failure on)",
      ).toBeUndefined();
      expect(read(target)).toBe("replicas = 6\n");
      expect(entries(), "no temp file may remain").toEqual(["app.conf"]);
    },
  );

  it.each(["EBUSY", "EPERM", "EACCES"])(
    "when the rename fails with %s, rejects with that very error after exactly one rename: no retry",
    async (code) => {
      writeFileSync(target, ORIGINAL);
      let injected: Error | undefined;
      fsSpy.failNext("rename", (call) => {
        injected = systemError(code, "rename", call.path, call.to);
        return injected;
      });
      const { error } = await settle(writeFileAtomic(target, "replicas = 5\n"));
      expect(injected, "expected a rename: the one this test makes fail").toBeDefined();
      expect(error, "the caller must get the rename's own error, not a retry's outcome").toBe(
        injected,
      );
      expect(renames(), "exactly one rename: a failed rename is not retried").toHaveLength(1);
      expect(readFileSync(target).equals(ORIGINAL), "the original must be unchanged").toBe(true);
      expect(entries(), "the temp file must be removed").toEqual(["app.conf"]);
    },
  );

  it.each([
    { op: "write", makeError: () => systemError("ENOSPC", "write") },
    {
      op: "rename",
      makeError: (call: FsEvent) => systemError("EXDEV", "rename", call.path, call.to),
    },
  ] as { op: FailableOp; makeError: (call: FsEvent) => Error }[])(
    "when $op fails, the cleanup removes only this call's temp file: another writer's, named like its own, stays",
    async ({ op, makeError }) => {
      writeFileSync(target, ORIGINAL);
      // Another writer (another call, another process) is still writing its temp file, named
      // the way this call names its own.
      const theirs = ".app.conf.0b9e4c1a-6f2d-4e8b-a7c3-5d1e2f3a4b5c.tmp";
      writeFileSync(join(dir, theirs), "from the other writer, half");
      let injected: Error | undefined;
      fsSpy.failNext(op, (call) => {
        injected = makeError(call);
        return injected;
      });
      const { error } = await settle(writeFileAtomic(target, "replicas = 5\n"));
      expect(injected, `expected a "${op}" call: the one this test makes fail`).toBeDefined();
      expect(error, "the caller must get the file system's own error").toBe(injected);
      expect(
        entries(),
        "after a failure, only this call's temp file is removed: another writer's temp file, even one named like its own, must be left alone",
      ).toEqual([theirs, "app.conf"]);
      expect(read(join(dir, theirs)), "the other writer's temp file must be untouched").toBe(
        "from the other writer, half",
      );
      expect(readFileSync(target).equals(ORIGINAL), "the original must be unchanged").toBe(true);
    },
  );

  it("when the temp file's own open fails with EEXIST, leaves the file at that name alone: it is not this call's", async () => {
    writeFileSync(target, ORIGINAL);
    let injected: Error | undefined;
    let theirs: string | undefined;
    fsSpy.failNext(
      "open",
      (call) => {
        // Another writer created a file at this very name just before our open.
        theirs = call.path;
        writeFileSync(call.path, "another writer's content\n");
        injected = systemError("EEXIST", "open", call.path);
        return injected;
      },
      (call) => call.path !== dir,
    );
    const { error } = await settle(writeFileAtomic(target, "replicas = 5\n"));
    expect(injected, "expected the temp file's open: the one this test makes fail").toBeDefined();
    expect(error, "the caller must get the open's own EEXIST").toBe(injected);
    expect(
      fsSpy.events.filter((call) => call.op === "open" && call.path !== dir),
      "a failed open of the temp file (EEXIST included) is not retried with another name: one open only",
    ).toHaveLength(1);
    expect(readFileSync(target).equals(ORIGINAL), "the original must be unchanged").toBe(true);
    if (OPENS_WITH_W) {
      // write-file-atomic unlinks its temp name whatever happened (NOTES.md, rule 11's limit).
      return;
    }
    expect(
      theirs !== undefined && existsSync(theirs) ? read(theirs) : undefined,
      "a call removes only its own temp file: the one its open did not create must stay, untouched",
    ).toBe("another writer's content\n");
  });

  it("after a failed directory fsync, the next write syncs the directory again: each call stands alone", async () => {
    fsSpy.failNext(
      "sync",
      (call) => systemError("EINVAL", "fsync", call.path),
      (call) => call.path === dir,
    );
    await settle(writeFileAtomic(target, "v1\n"));
    const before = fsSpy.events.length;
    await writeFileAtomic(target, "v2\n");
    const directorySyncs = fsSpy.events
      .slice(before)
      .filter((event) => event.op === "sync" && event.path === dir);
    expect(
      directorySyncs,
      "the second write must fsync the directory too: a failure is not remembered for later calls",
    ).toHaveLength(1);
    expect(read(target)).toBe("v2\n");
  });

  it("rejects with ENOENT when the target's directory does not exist, and creates nothing", async () => {
    await expect(writeFileAtomic(join(dir, "missing", "app.conf"), "v1\n")).rejects.toMatchObject({
      code: "ENOENT",
    });
    expect(entries()).toEqual([]);
  });

  it("rejects a directory target with the rename's own EISDIR, not one made up from a stat", async () => {
    mkdirSync(target);
    const { error } = await settle(writeFileAtomic(target, "v1\n"));
    expect(error, "the file system's error: an Error with code EISDIR").toMatchObject({
      code: "EISDIR",
    });
    expect(
      error,
      'the very error rename raised (syscall "rename", a numeric errno), not a copy of its code',
    ).toMatchObject({ syscall: "rename", errno: expect.any(Number) });
    expect(renames(), "the rename is tried: it is what refuses a directory").toHaveLength(1);
    expect(entries(), "the temp file must be removed").toEqual(["app.conf"]);
  });

  it("cleans up after a real refused rename (the target is a directory: EISDIR)", async () => {
    mkdirSync(target);
    await expect(writeFileAtomic(target, "v1\n")).rejects.toMatchObject({ code: "EISDIR" });
    expect(entries(), "the temp file must be removed").toEqual(["app.conf"]);
    expect(statSync(target).isDirectory()).toBe(true);
  });
});

describe("step 5 — several writes at once", () => {
  it("five writes of the same content to one path at once all succeed: their temp names differ", async () => {
    writeFileSync(target, "v0\n");
    const text = "replicas = 5\n".repeat(2000);
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => writeFileAtomic(target, text)),
    );
    const failures = results.flatMap((result) =>
      result.status === "rejected" ? [String(result.reason)] : [],
    );
    expect(
      failures,
      "every write should succeed (a temp name derived from the path or the data collides: EEXIST)",
    ).toEqual([]);
    expect(read(target), "the file must hold the content, whole").toBe(text);
    expect(entries(), "no temp file may remain").toEqual(["app.conf"]);
  });

  it("five writes to one path at once all succeed, and the file holds exactly one of them, whole", async () => {
    writeFileSync(target, "v0\n");
    const contents = Array.from({ length: 5 }, (_, i) => `writer ${i}\n`.repeat(500 * (i + 1)));
    const results = await Promise.allSettled(contents.map((text) => writeFileAtomic(target, text)));
    const failures = results.flatMap((result) =>
      result.status === "rejected" ? [String(result.reason)] : [],
    );
    expect(failures, "every write should succeed").toEqual([]);
    const final = read(target);
    const winner = contents.indexOf(final);
    expect(
      winner,
      `the file must hold one whole write, not a mix (${final.length} chars)`,
    ).not.toBe(-1);
    expect(entries(), "no temp file may remain").toEqual(["app.conf"]);
  });

  it("each of five writes at once renames its own content over the target before it resolves: no joining another call's write", async () => {
    writeFileSync(target, "v0\n");
    const renamed = contentsRenamedOver(target);
    const contents = Array.from({ length: 5 }, (_, i) => `writer ${i}\n`.repeat(300 * (i + 1)));
    const resolvedEarly: number[] = [];
    const results = await Promise.allSettled(
      contents.map((text, i) =>
        writeFileAtomic(target, text).then(() => {
          if (!renamed.includes(text)) resolvedEarly.push(i);
        }),
      ),
    );
    const failures = results.flatMap((result) =>
      result.status === "rejected" ? [String(result.reason)] : [],
    );
    expect(failures, "every write should succeed").toEqual([]);
    expect(
      resolvedEarly,
      "a call resolves only once its own content is renamed over the target (these calls resolved before)",
    ).toEqual([]);
    expect(
      renamed.map((text) => contents.indexOf(text)).sort(),
      "each call writes its own temp file with its own content and renames it over the target, once (by call number)",
    ).toEqual([0, 1, 2, 3, 4]);
  });

  it("when one of two writes at once fails, only that call rejects, with its own error: the other writes its own content", async () => {
    writeFileSync(target, "v0\n");
    const injected = systemError("ENOSPC", "write");
    fsSpy.failNext("write", () => injected);
    const contents = ["from the first call\n", "from the second call\n"];
    const results = await Promise.allSettled(contents.map((text) => writeFileAtomic(target, text)));
    const reasons = results.flatMap((result) =>
      result.status === "rejected" ? [result.reason as unknown] : [],
    );
    expect(reasons, "exactly one call's write failed, so exactly one call rejects").toHaveLength(1);
    expect(reasons[0], "the failed call rejects with its own write's error").toBe(injected);
    const winner = results.findIndex((result) => result.status === "fulfilled");
    expect(read(target), "the call that did not fail wrote its own content").toBe(contents[winner]);
    expect(entries(), "no temp file may remain").toEqual(["app.conf"]);
  });

  it("when one of two writes at once in one process fails at its rename, its cleanup leaves the other call's temp file alone", async () => {
    writeFileSync(target, "v0\n");
    // The second temp file opened is held before its fsync until the other call has rejected, so
    // the failed call's cleanup runs while the other call's temp file is still being written.
    const recorded = vi.mocked(fsp.open).getMockImplementation();
    if (recorded === undefined) throw new Error("useFsSpy() should have installed open()");
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let tempOpens = 0;
    vi.mocked(fsp.open).mockImplementation(async (...args) => {
      const handle = await recorded(...args);
      if (isExclusiveCreate(args[1])) {
        tempOpens += 1;
        if (tempOpens === 2) {
          const sync = handle.sync.bind(handle);
          handle.sync = async () => {
            await gate;
            return sync();
          };
        }
      }
      return handle;
    });
    const injected = systemError("EIO", "rename");
    fsSpy.failNext("rename", () => injected);
    const contents = ["from the first call\n", "from the other call\n"];
    const calls = contents.map((text) => writeFileAtomic(target, text));
    void Promise.race(calls.map((call) => call.catch(() => {}))).then(release);
    setTimeout(release, 2000);
    const results = await Promise.allSettled(calls);
    const reasons = results.flatMap((result) =>
      result.status === "rejected" ? [result.reason as unknown] : [],
    );
    expect(
      reasons,
      "only the call whose rename failed may reject (a cleanup that removes every temp file with this process's prefix deletes the other call's)",
    ).toEqual([injected]);
    const winner = results.findIndex((result) => result.status === "fulfilled");
    expect(read(target), "the call that did not fail wrote its own content").toBe(contents[winner]);
    expect(entries(), "no temp file may remain").toEqual(["app.conf"]);
  });

  it("picks a temp name no other process picks, even in the same millisecond: two fresh module instances, one clock", async () => {
    // Two "processes": two fresh instances of your module (nothing shared, every counter back at
    // its start), whose clocks read the same millisecond. A name from the time and a counter is
    // then the same in both; a random part is not.
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-03-01T09:00:00.000Z") });
    try {
      const tempNames: string[] = [];
      for (const run of [1, 2]) {
        vi.resetModules();
        const fresh = await import("./atomic-config-write");
        const before = fsSpy.events.length;
        await fresh.writeFileAtomic(target, `from process ${run}\n`);
        const renamed = fsSpy.events.slice(before).find((event) => event.op === "rename");
        expect(renamed, `process ${run} must rename a temp file over the target`).toBeDefined();
        tempNames.push(basename(renamed?.path ?? ""));
      }
      expect(
        tempNames[0],
        "two processes writing in the same millisecond must not pick the same temp name (a random part is required, not the time and a counter)",
      ).not.toBe(tempNames[1]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("leaves another writer's temp file alone: that write, still under way, then completes", async () => {
    // The race, set up on purpose: another writer (another process, or a call this one cannot
    // see) has created its temp file next to the target and is still writing it when this call
    // runs. Its temp file is not this call's to remove.
    writeFileSync(target, "v0\n");
    const theirs = join(dir, ".app.conf.7d3f0c2e-5b1a-4c8e-9f00-3a2b1c0d9e8f.tmp");
    const other = openSync(theirs, "wx", 0o644);
    try {
      writeSync(other, "from the other writer, ");
      await expect(writeFileAtomic(target, "from this call\n")).resolves.toBeUndefined();
      expect(read(target)).toBe("from this call\n");
      expect(
        entries(),
        "the other writer's temp file must still be there: it removes only its own temp file",
      ).toEqual([".app.conf.7d3f0c2e-5b1a-4c8e-9f00-3a2b1c0d9e8f.tmp", "app.conf"]);
      writeSync(other, "whole\n");
      fsyncSync(other);
    } finally {
      closeSync(other);
    }
    renameSync(theirs, target); // the other writer finishes: its rename must still work
    expect(read(target)).toBe("from the other writer, whole\n");
    expect(entries()).toEqual(["app.conf"]);
  });
});

describe("step 6 — updateJsonConfig", () => {
  it("passes the parsed file to update and writes the result as 2-space JSON with a trailing newline", async () => {
    writeFileSync(target, '{"replicas":2,"image":"web:1.4"}');
    const update = vi.fn((current: { replicas: number; image: string }) => ({
      ...current,
      replicas: 5,
    }));
    await expect(updateJsonConfig(target, update)).resolves.toEqual({
      replicas: 5,
      image: "web:1.4",
    });
    expect(update).toHaveBeenCalledWith({ replicas: 2, image: "web:1.4" });
    expect(read(target)).toBe('{\n  "replicas": 5,\n  "image": "web:1.4"\n}\n');
  });

  it("uses an existing file as it is: defaultValue is not merged into it", async () => {
    writeFileSync(target, '{"replicas":2}');
    const update = vi.fn((current: Record<string, unknown>) => ({ ...current, image: "web:1.5" }));
    await updateJsonConfig(target, update, {
      defaultValue: { replicas: 1, region: "eu-west-1" },
    });
    expect(
      update,
      "update must get the file's content alone: the default is only for a file that does not exist",
    ).toHaveBeenCalledWith({ replicas: 2 });
    expect(read(target), "no key of the default may reach an existing file").toBe(
      '{\n  "replicas": 2,\n  "image": "web:1.5"\n}\n',
    );
  });

  it.each([
    ["0", 0],
    ["false", false],
    ["true", true],
    ['""', ""],
    ['"blue"', "blue"],
    ["[1,2]", [1, 2]],
  ])(
    "passes a file holding %s, JSON that is not an object, to update as it parsed",
    async (text, parsed) => {
      writeFileSync(target, `${text}\n`);
      const update = vi.fn((_current: unknown) => ({ replicas: 1 }));
      await expect(
        updateJsonConfig(target, update),
        `${text} is valid JSON: it must not be refused as a config`,
      ).resolves.toEqual({ replicas: 1 });
      expect(update, `update must get ${text} as JSON.parse gives it`).toHaveBeenCalledWith(parsed);
      expect(read(target)).toBe('{\n  "replicas": 1\n}\n');
    },
  );

  it("resolves with the very value update returned", async () => {
    writeFileSync(target, "{}");
    const next = { replicas: 1 };
    await expect(updateJsonConfig(target, () => next)).resolves.toBe(next);
  });

  it("waits for an async update", async () => {
    writeFileSync(target, '{"replicas":2}');
    const result = await updateJsonConfig(target, async (current: { replicas: number }) => ({
      replicas: current.replicas + 1,
    }));
    expect(result).toEqual({ replicas: 3 });
    expect(read(target)).toBe('{\n  "replicas": 3\n}\n');
  });

  it("replaces the file atomically (a temp file renamed over it)", async () => {
    writeFileSync(target, "{}");
    await updateJsonConfig(target, () => ({ replicas: 1 }));
    const [publish] = renames() as [FsEvent | undefined];
    expect(publish?.to, "expected the file to be replaced by a rename").toBe(target);
    expect(dirname(publish?.path ?? "")).toBe(dir);
  });

  it("starts from {} when the file does not exist", async () => {
    const update = vi.fn(() => ({ replicas: 1 }));
    await updateJsonConfig(target, update);
    expect(update).toHaveBeenCalledWith({});
    expect(read(target)).toBe('{\n  "replicas": 1\n}\n');
  });

  it("starts every call from a new {}: an update that mutates it changes no later call", async () => {
    const first = await updateJsonConfig<Record<string, unknown>>(target, (current) => {
      current.replicas = 5;
      return current;
    });
    expect(first).toEqual({ replicas: 5 });
    const update = vi.fn((current: Record<string, unknown>) => ({ ...current }));
    await updateJsonConfig(join(dir, "other.json"), update);
    expect(
      update.mock.calls[0]?.[0],
      "the second missing file starts from {}, not from the object the first update changed",
    ).toEqual({});
    expect(update.mock.calls[0]?.[0], "a new {} for each call").not.toBe(first);
  });

  it("starts from a copy of options.defaultValue, which it never changes", async () => {
    const defaults = { replicas: 1, tags: ["web"] };
    const result = await updateJsonConfig(
      target,
      (current) => {
        current.tags.push("canary");
        return current;
      },
      { defaultValue: defaults },
    );
    expect(result).toEqual({ replicas: 1, tags: ["web", "canary"] });
    expect(defaults, "the caller's defaultValue must not be mutated").toEqual({
      replicas: 1,
      tags: ["web"],
    });
  });

  it.each([
    ["0", 0, "0\n"],
    ["false", false, "false\n"],
    ['""', "", '""\n'],
  ])("starts from a falsy defaultValue %s as given, not from {}", async (_label, value, text) => {
    const update = vi.fn((current: unknown) => current);
    await updateJsonConfig(target, update, { defaultValue: value });
    expect(update, "only a missing, undefined or null default becomes {}").toHaveBeenCalledWith(
      value,
    );
    expect(read(target)).toBe(text);
  });

  it("copies defaultValue with structuredClone: a Date stays a Date, a Map a Map", async () => {
    const since = new Date("2024-05-01T00:00:00Z");
    const defaults = { since, seen: new Map([["web", 1]]), note: undefined as string | undefined };
    let received: typeof defaults | undefined;
    await updateJsonConfig(
      target,
      (current) => {
        received = current;
        return current;
      },
      { defaultValue: defaults },
    );
    expect(received?.since, "a Date, not its JSON string").toBeInstanceOf(Date);
    expect(received?.since.getTime()).toBe(since.getTime());
    expect(received?.since, "a copy, not the caller's own Date").not.toBe(since);
    expect(received?.seen, "a Map, not {}").toBeInstanceOf(Map);
    expect(received?.seen.get("web")).toBe(1);
    expect(received && "note" in received, "an undefined field is kept").toBe(true);
  });

  it("starts from {} when options.defaultValue is null", async () => {
    const update = vi.fn((current: object) => current);
    await updateJsonConfig(target, update, { defaultValue: null as unknown as object });
    expect(update, "null counts as no default").toHaveBeenCalledWith({});
    expect(read(target)).toBe("{}\n");
  });

  it.each([
    ["null", null, "null\n"],
    ["0", 0, "0\n"],
    ["false", false, "false\n"],
  ])("writes %s when update returns it: only undefined is refused", async (_label, value, text) => {
    writeFileSync(target, '{"replicas":2}');
    await expect(updateJsonConfig(target, () => value as unknown as object)).resolves.toBe(value);
    expect(read(target)).toBe(text);
  });

  it("passes options.mode on to the write", async () => {
    await updateJsonConfig(target, () => ({ token: "s3cret" }), { mode: 0o600 });
    expect(octal(modeOf(target))).toBe("0o600");
  });

  it.each([
    ["a truncated file", '{"replicas": 2,'],
    ["an empty file", ""],
  ])(
    "rejects %s with an InvalidConfigError naming the file, and writes nothing",
    async (_label, text) => {
      writeFileSync(target, text);
      const update = vi.fn((current: unknown) => current);
      const { error } = await settle(updateJsonConfig(target, update));
      expect(error).toBeInstanceOf(InvalidConfigError);
      const invalid = error as InvalidConfigError;
      expect(invalid.name).toBe("InvalidConfigError");
      expect(invalid.path).toBe(target);
      expect(
        Object.getOwnPropertyDescriptor(invalid, "cause")?.enumerable,
        "cause is the one Error sets from super(message, { cause }): an own property, not enumerable (not this.cause = cause)",
      ).toBe(false);
      expect(invalid.cause, "cause: the SyntaxError from JSON.parse").toBeInstanceOf(SyntaxError);
      expect(invalid.message).toBe(
        `${target} is not valid JSON: ${(invalid.cause as Error).message}`,
      );
      expect(
        update,
        "update must not run on a file that could not be parsed",
      ).not.toHaveBeenCalled();
      expect(read(target), "a broken config must be left for a human to see").toBe(text);
    },
  );

  it("keeps an existing config's mode when no mode is given (a 0o600 config stays 0o600)", async () => {
    writeFileSync(target, '{"token":"old"}');
    chmodSync(target, 0o600);
    await updateJsonConfig(target, () => ({ token: "new" }));
    expect(read(target)).toBe('{\n  "token": "new"\n}\n');
    expect(
      octal(modeOf(target)),
      "{ mode: options.mode } with no mode: writeFileAtomic keeps the existing file's mode",
    ).toBe("0o600");
  });

  it("reads the file as it is: a byte-order mark is not stripped, so it is an InvalidConfigError", async () => {
    const text = '\uFEFF{"replicas":2}';
    writeFileSync(target, text);
    const update = vi.fn((current: unknown) => current);
    const { error } = await settle(updateJsonConfig(target, update));
    expect(error, "JSON.parse refuses a leading U+FEFF").toBeInstanceOf(InvalidConfigError);
    expect(update, "update must not run on a file that could not be parsed").not.toHaveBeenCalled();
    expect(read(target), "the file is left as it was").toBe(text);
  });

  it("names the file as given: a relative path stays relative in its errors", async () => {
    const given = relative(process.cwd(), target);
    expect(given.startsWith("/"), "the test needs a relative path").toBe(false);
    writeFileSync(target, "{");
    const { error } = await settle(updateJsonConfig(given, (current: object) => current));
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect((error as InvalidConfigError).path).toBe(given);
    expect((error as InvalidConfigError).message).toBe(
      `${given} is not valid JSON: ${((error as InvalidConfigError).cause as Error).message}`,
    );
    writeFileSync(target, "{}");
    await expectTypeError(
      updateJsonConfig(given, () => undefined as unknown as object),
      `update for ${given} returned undefined: return the new config`,
    );
  });

  it.each([
    ["a ./ prefix and a doubled slash", (folder: string) => `./${folder}//app.conf`],
    ["a .. through a subdirectory", (folder: string) => `${folder}/sub/../app.conf`],
  ])(
    "names the file by the very string given, not normalized: a path with %s stays as written in its errors",
    async (_label, spell) => {
      mkdirSync(join(dir, "sub"));
      const given = spell(relative(process.cwd(), dir));
      expect(given.startsWith("/"), "the test needs a relative path").toBe(false);
      writeFileSync(target, "{");
      const { error } = await settle(updateJsonConfig(given, (current: object) => current));
      expect(error).toBeInstanceOf(InvalidConfigError);
      expect(
        (error as InvalidConfigError).path,
        "InvalidConfigError.path is the very string passed in, not a normalized one",
      ).toBe(given);
      expect(
        (error as InvalidConfigError).message,
        "the message names the very string passed in, not a normalized one",
      ).toBe(
        `${given} is not valid JSON: ${((error as InvalidConfigError).cause as Error).message}`,
      );
      writeFileSync(target, "{}");
      await expectTypeError(
        updateJsonConfig(given, () => undefined as unknown as object),
        `update for ${given} returned undefined: return the new config`,
      );
    },
  );

  it("rejects with the read error, without calling update, when the file cannot be read", async () => {
    mkdirSync(target); // reading a directory fails with EISDIR
    const update = vi.fn(() => ({}));
    await expect(updateJsonConfig(target, update)).rejects.toMatchObject({ code: "EISDIR" });
    expect(update).not.toHaveBeenCalled();
  });

  it("rejects with ENOTDIR, without calling update, when a parent of the path is a file: only ENOENT is a missing file", async () => {
    writeFileSync(target, "{}\n");
    const update = vi.fn(() => ({}));
    await expect(updateJsonConfig(join(target, "app.json"), update)).rejects.toMatchObject({
      code: "ENOTDIR",
    });
    expect(
      update,
      "ENOTDIR is a read error, not a missing file: update must not be called",
    ).not.toHaveBeenCalled();
    expect(read(target)).toBe("{}\n");
  });

  it("when update throws, rejects with that error and writes nothing", async () => {
    writeFileSync(target, '{"replicas":2}');
    const failure = new Error("replicas must be positive");
    await expect(
      updateJsonConfig(target, () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(read(target)).toBe('{"replicas":2}');
    expect(renames()).toEqual([]);
  });

  it("rejects with a TypeError when update returns undefined, and writes nothing", async () => {
    writeFileSync(target, '{"replicas":2}');
    await expectTypeError(
      updateJsonConfig(target, () => undefined as unknown as object),
      `update for ${target} returned undefined: return the new config`,
    );
    expect(read(target)).toBe('{"replicas":2}');
  });

  it.each([
    ["a function", () => ({ replicas: 5 }), "function"],
    ["a symbol", Symbol("config"), "symbol"],
    ["an object whose toJSON() returns undefined", { toJSON: () => undefined }, "object"],
  ])(
    "rejects with a TypeError when update returns %s (JSON has no text for it), and writes nothing",
    async (_label, value, type) => {
      writeFileSync(target, '{"replicas":2}');
      await expectTypeError(
        updateJsonConfig(target, () => value as unknown as object),
        `update for ${target} returned ${type}: return the new config`,
      );
      expect(read(target), 'never "undefined\\n": the old config stays').toBe('{"replicas":2}');
      expect(renames()).toEqual([]);
    },
  );

  it("rejects with JSON.stringify's own TypeError for a BigInt, and writes nothing", async () => {
    writeFileSync(target, '{"replicas":2}');
    const { error } = await settle(updateJsonConfig(target, () => ({ replicas: 5n })));
    expect(error).toBeInstanceOf(TypeError);
    let own: unknown;
    try {
      JSON.stringify({ replicas: 5n });
    } catch (thrown) {
      own = thrown;
    }
    expect(
      (error as Error).message,
      "the very TypeError JSON.stringify threw, not one of your own wrapping it",
    ).toBe((own as Error).message);
    expect(read(target)).toBe('{"replicas":2}');
    expect(renames()).toEqual([]);
  });

  it("rejects an empty path or a missing update function with a TypeError, before reading", async () => {
    const update = vi.fn(() => ({}));
    await expectTypeError(updateJsonConfig("", update), "path must be a non-empty string");
    await expectTypeError(
      updateJsonConfig(target, "not a function" as unknown as () => object),
      "update must be a function",
    );
    expect(update).not.toHaveBeenCalled();
  });

  it.each([
    ["a file that is not valid JSON", (file: string) => writeFileSync(file, "{")],
    ["a directory (EISDIR)", (file: string) => mkdirSync(file)],
  ])(
    "checks update before reading: with %s and no update function, the rejection is the update TypeError",
    async (_label, setUp) => {
      setUp(target);
      await expectTypeError(
        updateJsonConfig(target, undefined as unknown as () => object),
        "update must be a function",
      );
    },
  );

  it("passes null to update when the file holds null: the default is for a missing file only", async () => {
    writeFileSync(target, "null\n");
    const update = vi.fn((current: unknown) => current ?? { replicas: 1 });
    await updateJsonConfig(target, update, { defaultValue: { replicas: 3 } });
    expect(
      update,
      "the file exists and parses to null: neither defaultValue nor {} replaces it",
    ).toHaveBeenCalledWith(null);
  });

  it("rejects with the very SyntaxError update throws, not an InvalidConfigError: the file was valid", async () => {
    writeFileSync(target, '{"replicas":2}');
    const failure = new SyntaxError("REPLICAS is not a number");
    const { error } = await settle(
      updateJsonConfig(target, () => {
        throw failure;
      }),
    );
    expect(error, "update's own error, as it is").toBe(failure);
    expect(read(target)).toBe('{"replicas":2}');
    expect(renames()).toEqual([]);
  });

  it("rejects with a TypeError when an async update resolves with undefined, and writes nothing", async () => {
    writeFileSync(target, '{"replicas":2}');
    await expectTypeError(
      updateJsonConfig(target, async () => undefined as unknown as object),
      `update for ${target} returned undefined: return the new config`,
    );
    expect(read(target), 'never "undefined\n": the old config stays').toBe('{"replicas":2}');
    expect(renames()).toEqual([]);
  });

  it("takes a whitespace-only path as a path: the update's TypeError comes next", async () => {
    await expectTypeError(
      updateJsonConfig(" \t ", undefined as unknown as () => object),
      "update must be a function",
    );
  });

  it("checks the path before update: with both bad, the path's TypeError wins", async () => {
    await expectTypeError(
      updateJsonConfig("", "not a function" as unknown as () => object),
      "path must be a non-empty string",
    );
  });

  it("writes even when the file already holds the new text: options.mode applied, a rename done", async () => {
    const text = `${JSON.stringify({ replicas: 2 }, null, 2)}\n`;
    writeFileSync(target, text);
    chmodSync(target, 0o600);
    const before = renames().length;
    await updateJsonConfig(target, (current) => current, { mode: 0o640 });
    expect(read(target)).toBe(text);
    expect(octal(modeOf(target)), "options.mode is applied even when the text is unchanged").toBe(
      octal(0o640),
    );
    expect(
      renames().length - before,
      "an unchanged update still writes: one rename over the target",
    ).toBe(1);
  });

  it("passes writeFileAtomic's rejection on as it is: the very error, not wrapped", async () => {
    writeFileSync(target, '{"replicas":2}\n');
    const injected = systemError("EIO", "rename");
    fsSpy.failNext("rename", () => injected);
    const result = await settle(updateJsonConfig(target, () => ({ replicas: 3 })));
    expect(
      result.error,
      "updateJsonConfig rejects with the write's own error, the same object",
    ).toBe(injected);
    expect(read(target)).toBe('{"replicas":2}\n');
  });
});

describe("step 7 — a crash part-way through", () => {
  const CHILD = fileURLToPath(
    new URL("../../fixtures/katas/atomic-config-write/crash-writer.ts", import.meta.url),
  );
  /** A child that makes one ordinary write and exits: the process that starts after a crash. */
  const PLAIN_CHILD = fileURLToPath(
    new URL("../../fixtures/katas/atomic-config-write/plain-writer.ts", import.meta.url),
  );
  /** A preload that gives a child the same pid as every other child started with it. */
  const SAME_PID = fileURLToPath(
    new URL("../../fixtures/katas/atomic-config-write/same-pid.ts", import.meta.url),
  );
  const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
  /** Starting node with tsx takes about a second at most; this only bounds a child that hangs. */
  const CHILD_TIMEOUT_MS = 8_000;

  interface Crash {
    dir: string;
    target: string;
    /** Did the child print UNDER_WAY, i.e. freeze with half of its data written? */
    frozen: boolean;
    /** What a reader found while the child was frozen (undefined: the file was missing). */
    seenWhileFrozen: string | undefined;
    signal: string | undefined;
    /** What the file held after the child was killed. */
    after: string | undefined;
    output: string;
  }
  let crash: Crash;

  const readIfPresent = (path: string) => {
    try {
      return read(path);
    } catch {
      return undefined;
    }
  };

  /** Starts the child on a 1.5 MiB write over a 1 MiB file, kills it half-way, records what it saw. */
  async function crashAWrite(preload: string[] = []): Promise<Crash> {
    const crashDir = realpathSync(mkdtempSync(join(tmpdir(), "kata-crash-")));
    const crashTarget = join(crashDir, "app.conf");
    writeFileSync(crashTarget, OLD_CONTENT);
    const child = execa(
      process.execPath,
      ["--import", "tsx", ...preload, CHILD, implementationPath, crashTarget],
      // timeout: a child that neither freezes nor exits is killed rather than left behind.
      { cwd: REPO_ROOT, reject: false, stdin: "ignore", timeout: CHILD_TIMEOUT_MS },
    );
    let stdout = "";
    const frozen = await new Promise<boolean>((resolve) => {
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes(UNDER_WAY)) resolve(true);
      });
      void child.then(() => resolve(false)); // it exited on its own: it never froze
    });
    const seenWhileFrozen = frozen ? readIfPresent(crashTarget) : undefined;
    child.kill("SIGKILL");
    const result = await child;
    return {
      dir: crashDir,
      target: crashTarget,
      frozen,
      seenWhileFrozen,
      signal: result.signal,
      after: readIfPresent(crashTarget),
      output: `${result.timedOut ? "timed out" : `exit code ${result.exitCode}`}\n${stdout}${String(result.stderr)}`,
    };
  }

  beforeAll(async () => {
    crash = await crashAWrite();
  }, CHILD_TIMEOUT_MS + 5_000);
  afterAll(() => {
    if (crash) rmSync(crash.dir, { recursive: true, force: true });
  });

  const describeContent = (text: string | undefined) => {
    if (text === undefined) return "no file at all";
    if (text === OLD_CONTENT) return "the old content";
    if (text === NEW_CONTENT) return "the new content";
    return `${text.length} chars: a mix, starting ${JSON.stringify(text.slice(0, 16))}`;
  };

  function expectFrozenPartWay() {
    expect(
      crash.frozen,
      `the child should have frozen half-way through its write, but it exited:\n${crash.output}`,
    ).toBe(true);
  }

  it("the child really is killed part-way through its write", () => {
    expectFrozenPartWay();
    expect(crash.signal).toBe("SIGKILL");
  });

  it("while the write is under way, readers still find the old content, whole", () => {
    expectFrozenPartWay();
    expect(describeContent(crash.seenWhileFrozen)).toBe("the old content");
  });

  it("after the kill, the file holds the old or the new content, never a mix", () => {
    expectFrozenPartWay();
    expect(["the old content", "the new content"]).toContain(describeContent(crash.after));
  });

  it("the next write in a fresh process succeeds too: a temp name is new across processes", {
    timeout: CHILD_TIMEOUT_MS + 5_000,
  }, async () => {
    expectFrozenPartWay();
    const next = await execa(
      process.execPath,
      ["--import", "tsx", PLAIN_CHILD, implementationPath, crash.target, "after a restart\n"],
      { cwd: REPO_ROOT, reject: false, stdin: "ignore", timeout: CHILD_TIMEOUT_MS },
    );
    expect(
      next.exitCode,
      `a new process's first write failed (a temp name that repeats across processes, such as a counter, collides with the one the crash left behind):\n${String(next.stderr)}`,
    ).toBe(0);
    expect(read(crash.target)).toBe("after a restart\n");
  });

  it("the next write succeeds even when the new process gets the crashed one's pid (PID 1 in a container)", {
    timeout: 2 * CHILD_TIMEOUT_MS + 5_000,
  }, async () => {
    const samePid = await crashAWrite(["--import", SAME_PID]);
    try {
      expect(
        samePid.frozen,
        `the child should have frozen half-way through its write, but it exited:\n${samePid.output}`,
      ).toBe(true);
      const next = await execa(
        process.execPath,
        [
          "--import",
          "tsx",
          "--import",
          SAME_PID,
          PLAIN_CHILD,
          implementationPath,
          samePid.target,
          "after a restart\n",
        ],
        { cwd: REPO_ROOT, reject: false, stdin: "ignore", timeout: CHILD_TIMEOUT_MS },
      );
      expect(
        next.exitCode,
        `a new process with the crashed one's pid failed its first write (a temp name from pid + counter repeats when a pid is reused; a random part never does):\n${String(next.stderr)}`,
      ).toBe(0);
      expect(read(samePid.target)).toBe("after a restart\n");
    } finally {
      rmSync(samePid.dir, { recursive: true, force: true });
    }
  });

  it("the next write succeeds, whatever the crash left behind", async () => {
    expectFrozenPartWay();
    await writeFileAtomic(crash.target, "after the crash\n");
    expect(read(crash.target)).toBe("after the crash\n");
  });
});
