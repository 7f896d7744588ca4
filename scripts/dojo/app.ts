/**
 * Wires a dojo together: the state machine, the ticker, the live kata (spec runs on save), the
 * keyboard, the terminal view, the projector page, and the retro at the end. Everything with a
 * rule in it lives in the modules it calls; this file only connects them and cleans up.
 */
import { existsSync } from "node:fs";
import { relative } from "node:path";
import { emitKeypressEvents } from "node:readline";
import type { Kata } from "../lib/catalogue.ts";
import pc from "../lib/colors.ts";
import { type Hint, readHints } from "../lib/hints.ts";
import { kataPaths, ROOT } from "../lib/paths.ts";
import { solutionLines } from "../lib/solution.ts";
import { formatElapsed } from "./big-digits.ts";
import { systemClock, TurnTicker } from "./clock.ts";
import { Dojo } from "./dojo-state.ts";
import { type DojoCommand, KeyController, type KeyPress } from "./keys.ts";
import { LiveKata } from "./live-kata.ts";
import { DEFAULT_RETRO_DIR, type DojoOptions } from "./options.ts";
import { renderRetro, writeRetro } from "./retro.ts";
import { Screen } from "./screen.ts";
import { renderTerminal } from "./terminal-view.ts";
import { type ProjectorServer, startProjectorServer } from "./web-server.ts";

export async function runDojo(kata: Kata, team: string[], options: DojoOptions): Promise<number> {
  const dojo = new Dojo({
    kata: { slug: kata.slug, title: kata.title, steps: kata.steps },
    team,
    turnMinutes: options.minutes,
    breaksEvery: options.breaksEvery,
    hints: hintsOf(kata.slug),
    clock: systemClock,
  });
  // The server first: a port in use should fail before the screen is taken over.
  const server = options.web
    ? await startProjectorServer({ ...options.web, current: () => dojo.snapshot() })
    : null;

  const screen = new Screen(process.stdout);
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const keys = new KeyController();
  let live: LiveKata | undefined;

  let flushQueued = false;
  const flush = () => {
    flushQueued = false;
    server?.publish(dojo.snapshot());
    draw();
  };
  const draw = () =>
    screen.draw(
      renderTerminal(dojo.snapshot(), {
        ...screen.size,
        prompt: keys.prompt,
        pageUrl: server ? [server.url, ...server.lanUrls].join("  ") : undefined,
      }),
    );

  let finish!: () => void;
  const ended = new Promise<void>((resolve) => {
    finish = resolve;
  });

  dojo.subscribe((event) => {
    if (event.type === "turn-ended" && event.byTimer) screen.bell();
    if (event.type === "changed" && dojo.currentPhase === "ended") finish();
    // Several events can come from one command: draw and push once, after it.
    if (!flushQueued) {
      flushQueued = true;
      setImmediate(flush);
    }
  });
  if (!interactive) {
    // Nobody can press Enter: turns start by themselves; Ctrl-C ends the dojo.
    dojo.subscribe(() => {
      const phase = dojo.currentPhase;
      if (phase === "ready" || phase === "handover") setImmediate(() => dojo.confirm());
    });
  }

  const ticker = new TurnTicker(dojo, () => {
    if (interactive) draw();
  });
  const onKey = (_text: string, key: KeyPress) => {
    const command = keys.handle(key, {
      green: dojo.isGreen,
      panelOpen: dojo.snapshot().panel !== null,
    });
    if (command) carryOut(command, dojo, kata);
    draw();
  };
  const onSignal = () => dojo.end();
  const onResize = () => draw();

  try {
    screen.enter();
    if (interactive) {
      emitKeypressEvents(process.stdin);
      process.stdin.setRawMode(true);
      process.stdin.on("keypress", onKey);
      process.stdin.resume();
      process.stdout.on("resize", onResize);
    } else {
      console.log(pc.dim("Not a terminal: turns start by themselves. Ctrl-C ends the dojo."));
      setImmediate(() => dojo.confirm());
    }
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, onSignal);
    ticker.start();
    draw();
    if (server) {
      dojo.say(`Projector page: ${[server.url, ...server.lanUrls].join("  ")}`);
    }

    live = await LiveKata.open(kata, {
      onRunStarted: () => dojo.runStarted(),
      onRun: (run) => dojo.recordRun(run),
      onError: (error) => dojo.say(`The spec run failed: ${(error as Error).message}`),
    });
    // Not awaited: q or a signal during the first run (which can take a while) ends at once.
    if (dojo.currentPhase !== "ended") void live.rerun();
    await ended;
  } catch (error) {
    await server?.close();
    throw error;
  } finally {
    ticker.stop();
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.off(signal, onSignal);
    if (interactive) {
      process.stdin.off("keypress", onKey);
      process.stdin.setRawMode(false);
      process.stdin.pause();
      process.stdout.off("resize", onResize);
    }
    screen.leave();
    dojo.end();
    await live?.close();
  }
  return finishDojo(dojo, options, server);
}

function carryOut(command: DojoCommand, dojo: Dojo, kata: Kata): void {
  const actions: Record<DojoCommand, () => void> = {
    confirm: () => dojo.confirm(),
    "toggle-pause": () => dojo.togglePause(),
    rotate: () => dojo.rotateNow(),
    skip: () => dojo.skipNext(),
    longer: () => dojo.changeTurnLength(+1),
    shorter: () => dojo.changeTurnLength(-1),
    hint: () => dojo.showNextHint(),
    reference: () => showReference(dojo, kata),
    dismiss: () => dojo.dismiss(),
    "scroll-up": () => dojo.scrollPanel(-1),
    "scroll-down": () => dojo.scrollPanel(1),
    "page-up": () => dojo.scrollPanel(-10),
    "page-down": () => dojo.scrollPanel(10),
    end: () => dojo.end(),
  };
  actions[command]();
}

function showReference(dojo: Dojo, kata: Kata): void {
  let diff: string;
  try {
    diff = solutionLines(kata.slug).slice(1).join("\n");
  } catch {
    dojo.say(`There is no reference solution to show (solutions/${kata.slug}/${kata.slug}.ts).`);
    return;
  }
  dojo.showReference(diff);
}

/** Writes the retro, tells the page, closes the server, and sums up in the terminal. */
async function finishDojo(
  dojo: Dojo,
  options: DojoOptions,
  server: ProjectorServer | null,
): Promise<number> {
  const record = dojo.record();
  let code = 0;
  const summary: string[] = [];
  const green = record.green;
  summary.push(
    `${pc.bold(`Dojo over: ${record.kata.title}`)} — ${
      green
        ? pc.green(`green in ${formatElapsed(green.afterMs)} and ${plural(green.turns, "turn")}`)
        : `${record.final.passed}/${record.final.total} tests passing`
    }; ${plural(record.turns.length, "turn")} in ${formatElapsed((record.endedAt ?? 0) - (record.startedAt ?? 0))}.`,
  );
  if (record.turns.length === 0) {
    summary.push(pc.dim("No turn was played, so no retro was written."));
  } else {
    try {
      const file = writeRetro(record, options.retroDir);
      const shown = relative(ROOT, file).startsWith("..") ? file : relative(ROOT, file);
      dojo.setRetroPath(shown);
      summary.push(`Retro: ${pc.cyan(shown)}`);
      if (options.retroDir === DEFAULT_RETRO_DIR) {
        summary.push(pc.dim("(dojo/ is git-ignored; docs/dojo.md says how to keep retros)"));
      }
    } catch (error) {
      summary.push(pc.red(`Could not write the retro: ${(error as Error).message}`));
      summary.push(renderRetro(record)); // printed, so the dojo's record is not lost
      code = 1;
    }
  }
  if (server) {
    server.publish(dojo.snapshot()); // the page keeps the final picture, with the retro's name
    await server.close();
  }
  console.log(summary.join("\n"));
  return code;
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

function hintsOf(slug: string): Hint[] {
  const file = kataPaths(slug).hints;
  return existsSync(file) ? readHints(slug) : [];
}
