/**
 * A Chromium for the page tests, found without an apt step, so `npm install && npm test` runs
 * them on a fresh machine:
 *
 * 1. `CHROMIUM_PATH`, when set (an unusual install: it must exist);
 * 2. a Chrome or Chromium the system already has, where the usual installs put it;
 * 3. on Linux x64, the Chromium that ships inside the `@sparticuz/chromium` package (unpacked to
 *    a temp dir on first use, a second or two);
 * 4. Playwright's own lookup of an installed Google Chrome (`channel: "chrome"`).
 *
 * None of them: the page tests say so in one line and skip, except in CI (`CI=true`), where a
 * missing browser fails the run.
 */
import { existsSync } from "node:fs";
import { arch, platform } from "node:os";
import { type Browser, chromium } from "playwright-core";

/** What every launch adds: no sandbox (CI runs as root), and no call to Google's hosts. */
const QUIET_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-default-apps",
  "--no-first-run",
  "--no-default-browser-check",
  "--metrics-recording-only",
];

const SYSTEM_BROWSERS: Partial<Record<NodeJS.Platform, string[]>> = {
  linux: [
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
    "/snap/bin/chromium",
  ],
  darwin: [
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
  ],
  win32: [
    "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe",
    "C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe",
    "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe",
  ],
};

export interface FoundBrowser {
  /** Where it came from, for the test's output. */
  source: string;
  launch(): Promise<Browser>;
}

/** The first browser of the list in the header, or a sentence on why there is none. */
export async function findBrowser(
  env: NodeJS.ProcessEnv = process.env,
): Promise<FoundBrowser | { missing: string }> {
  const override = env.CHROMIUM_PATH;
  if (override) {
    if (!existsSync(override)) return { missing: `CHROMIUM_PATH=${override} does not exist` };
    return executable(override, `CHROMIUM_PATH (${override})`);
  }
  const system = (SYSTEM_BROWSERS[platform()] ?? []).find((path) => existsSync(path));
  if (system) return executable(system, `the system's ${system}`);
  if (platform() === "linux" && arch() === "x64") {
    const bundled = await bundledChromium();
    if (bundled) return bundled;
  }
  if (await canLaunch({ channel: "chrome" }))
    return {
      source: "the installed Google Chrome",
      launch: () => launchWith({ channel: "chrome" }),
    };
  return {
    missing:
      "no Chrome or Chromium found (none on the system, and the bundled one is for Linux x64 only): install one, or set CHROMIUM_PATH to it",
  };
}

function executable(path: string, source: string): FoundBrowser {
  return { source, launch: () => launchWith({ executablePath: path }) };
}

function launchWith(options: { executablePath?: string; channel?: string }) {
  return chromium.launch({ ...options, headless: true, args: QUIET_FLAGS });
}

async function canLaunch(options: { channel: string }): Promise<boolean> {
  try {
    const browser = await launchWith(options);
    await browser.close();
    return true;
  } catch {
    return false;
  }
}

/** @sparticuz/chromium's Chromium, unpacked on first use; undefined if the package is absent. */
async function bundledChromium(): Promise<FoundBrowser | undefined> {
  try {
    const { default: bundled } = await import("@sparticuz/chromium");
    const path = await bundled.executablePath();
    // Its own `args` are tuned for AWS Lambda (one process, web security off): not needed here.
    return executable(path, `the Chromium bundled in @sparticuz/chromium (${path})`);
  } catch {
    return undefined;
  }
}
