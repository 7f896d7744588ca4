/**
 * The projector page end to end, in a real Chromium driven by playwright-core (the system's,
 * or the one bundled in @sparticuz/chromium: see test-support/browser.ts): the page follows the
 * dojo over server-sent events without reloading, and a reload picks the countdown up from the
 * server's time. The browser's clock is Playwright's fake one, so the countdown is checked to the
 * second without waiting for real seconds.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { findBrowser } from "../test-support/browser.ts";
import { MINUTE_MS } from "./dojo-state.ts";
import { makeDojo, specRun } from "./testing.ts";
import { type ProjectorServer, startProjectorServer } from "./web-server.ts";

const found = await findBrowser();
const missing = "missing" in found ? found.missing : undefined;
// Never a silent skip: one line says why; and in CI a missing browser fails the run.
const inCI = Boolean(process.env.CI) && process.env.CI !== "false";
const skip = missing !== undefined && !inCI;
if (skip) console.warn(`The projector page tests are skipped: ${missing}.`);

let browser: Browser | undefined;
let server: ProjectorServer | undefined;

beforeAll(async () => {
  if (skip) return;
  if ("missing" in found)
    throw new Error(`No browser for the projector page tests in CI: ${found.missing}`);
  // chromium.launch starts from a fresh temporary profile (user-data dir) every time.
  browser = await found.launch();
});

afterEach(async () => {
  await server?.close();
  server = undefined;
});

afterAll(async () => {
  await browser?.close();
});

/** A dojo on a clock the test moves, served on 127.0.0.1 on a free port, publishing every change. */
async function servedDojo(config: Parameters<typeof makeDojo>[0] = {}) {
  let now = new Date("2026-11-22T10:00:00").getTime();
  const dojo = makeDojo(config, { now: () => now });
  server = await startProjectorServer({
    host: "127.0.0.1",
    port: 0,
    current: () => dojo.snapshot(),
  });
  const live = server;
  dojo.subscribe(() => live.publish(dojo.snapshot()));
  return {
    dojo,
    url: server.url,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

async function openPage(url: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
  if (!browser) throw new Error("Chromium did not start");
  const page = await browser.newPage({ viewport });
  // The page's clock stands still from the start and moves only by runFor: every countdown
  // value is exact, whatever the load on the machine. (The page needs no timer to load.)
  const start = Date.now();
  await page.clock.install({ time: start });
  await page.clock.pauseAt(start + 1000);
  await page.goto(url);
  return page;
}

/** Polls from Node (the page's own timers are fake) until the element shows the text. */
async function expectText(page: Page, selector: string, expected: string | RegExp): Promise<void> {
  const deadline = Date.now() + 10_000; // generous: a loaded CI machine can be slow
  let actual: string | null = null;
  for (;;) {
    actual = await page.locator(selector).textContent();
    const ok = typeof expected === "string" ? actual === expected : expected.test(actual ?? "");
    if (ok) return;
    if (Date.now() > deadline) {
      throw new Error(`${selector} shows ${JSON.stringify(actual)}, expected ${expected}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe.skipIf(skip)("the projector page", () => {
  it("follows the dojo live over server-sent events, without reloading", async () => {
    const { dojo, url } = await servedDojo();
    const page = await openPage(url);
    let navigations = 0;
    page.on("framenavigated", () => {
      navigations += 1;
    });

    await expectText(page, "h1", "Retry with exponential backoff");
    await expectText(page, "#rotation-title", /Enter starts turn 1/);
    await expectText(page, "#rotation-driver", "Ana");
    await expectText(page, "#rotation-navigator", "Bo");

    dojo.confirm();
    await expectText(page, "#countdown", "5:00");
    await expectText(page, "#driver", "Ana");
    await expectText(page, "#navigator", "Bo");
    await expectText(page, "#next", "Cy");
    expect(await page.locator("#rotation").isHidden()).toBe(true);

    dojo.recordRun(specRun([3, 1, 0]));
    await expectText(page, "#tests", "4/9 tests passing");
    await expectText(page, "#step", "Step 2 of 3 — retries and the last error");
    await expectText(page, "#failure", /✗ test 2\.2\s*expected 2 attempts/);

    dojo.showNextHint();
    await expectText(page, "#panel-title", "Hint 1 of 3 — nudge");
    await expectText(page, "#panel-body", "What should happen after the first failure?");

    dojo.rotateNow();
    await expectText(page, "#rotation-title", "Turn 1 is over — rotate");
    await expectText(page, "#rotation-driver", "Bo");
    await expectText(page, "#rotation-navigator", "Cy");

    dojo.confirm();
    dojo.recordRun(specRun([3, 3, 3]));
    await expectText(page, "#green", /^✔ Green in 0:00 and 2 turns$/);
    await expectText(page, "#timer-label", "PAUSED");

    expect(navigations, "every update arrived without a reload").toBe(0);
    await page.close();
  });

  it("keeps counting down locally, and picks up the server's time after a reload", async () => {
    const { dojo, url, advance } = await servedDojo();
    dojo.confirm();
    advance(100_000); // the turn has been running for 1:40 when the page opens
    const page = await openPage(url);
    await expectText(page, "#countdown", "3:20");

    await page.clock.runFor(5000);
    await expectText(page, "#countdown", "3:15");

    advance(30_000); // 2:10 into the turn on the dojo's clock
    await page.reload();
    await expectText(page, "#countdown", "2:50");

    dojo.togglePause();
    await expectText(page, "#timer-label", "PAUSED");
    await page.clock.runFor(10_000);
    await expectText(page, "#countdown", "2:50");

    advance(MINUTE_MS);
    dojo.togglePause();
    await page.clock.runFor(1000);
    await expectText(page, "#countdown", "2:49");
    await page.close();
  });

  it("fits a 1280×720 projector with a long hint open: nothing scrolls, markdown is rendered", async () => {
    const hint = [
      "Think about **what the caller sees** after the last attempt: the `last error`, not `undefined`.",
      "This line of the file goes on in the same paragraph,",
      "and so does this one.",
      "",
      "- one attempt, then `retries` more",
      "- a delay *before* each retry, never after the last",
      "",
      "```ts",
      "for (let attempt = 1; attempt <= retries + 1; attempt++) {",
      "  // …",
      "}",
      "```",
      "",
      ...Array.from(
        { length: 30 },
        (_, i) =>
          `More advice, paragraph ${i + 1}, to make the hint long enough to need its own scrolling.\n`,
      ),
    ].join("\n");
    const { dojo, url } = await servedDojo({
      hints: [{ tier: 1, title: "nudge", body: hint }],
    });
    dojo.confirm();
    dojo.recordRun(specRun([3, 1, 0]));
    dojo.showNextHint();
    const page = await openPage(url, { width: 1280, height: 720 });
    await expectText(page, "#panel-title", "Hint 1 of 1 — nudge");
    await expectText(page, "#failure", /✗ test 2\.2/);

    // Run in the page (a string: the workbook's types have no DOM).
    const layout = (await page.evaluate(`(() => {
      const bottom = (id) => document.getElementById(id).getBoundingClientRect().bottom;
      return {
        scrollHeight: document.documentElement.scrollHeight,
        innerHeight: window.innerHeight,
        failureBottom: bottom("failure"),
        panelBottom: bottom("panel"),
        countdownBottom: bottom("countdown"),
      };
    })()`)) as Record<
      "scrollHeight" | "innerHeight" | "failureBottom" | "panelBottom" | "countdownBottom",
      number
    >;
    expect(layout.scrollHeight, "the page does not scroll").toBeLessThanOrEqual(layout.innerHeight);
    expect(layout.failureBottom, "the failing test is on screen").toBeLessThanOrEqual(720);
    expect(layout.panelBottom, "the hint's box is on screen").toBeLessThanOrEqual(720);
    expect(layout.countdownBottom).toBeLessThanOrEqual(720);

    const body = page.locator("#panel-body");
    expect(await body.locator("strong").first().textContent()).toBe("what the caller sees");
    expect(await body.locator("li").count()).toBe(2);
    expect(await body.locator("pre code").textContent()).toContain("for (let attempt = 1;");
    expect(
      await body.locator("p").first().textContent(),
      "the file's line breaks joined",
    ).toContain("paragraph, and so does this one.");
    expect(await body.textContent(), "no raw markdown left").not.toContain("**");
    if (process.env.KATA_SCREENSHOT) await page.screenshot({ path: process.env.KATA_SCREENSHOT });
    await page.close();
  });
});
