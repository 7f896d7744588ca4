// The projector page: renders the dojo's snapshots pushed over server-sent events. The countdown
// is computed here from the time left when the snapshot arrived, so it runs smoothly between
// pushes and, after a reload, picks up from the server's value instead of starting over.
// Every value is written with textContent: names and test messages are never parsed as HTML.

const NOTICE_MS = 8000;
let state = null;
let receivedAt = 0;

const $ = (id) => document.getElementById(id);

function remainingMs() {
  if (!state) return 0;
  if (state.phase !== "running") return state.remainingMs;
  return Math.max(0, state.remainingMs - (performance.now() - receivedAt));
}

function elapsedMs() {
  if (!state) return 0;
  const moving = state.phase !== "ready" && state.phase !== "ended";
  return state.elapsedMs + (moving ? performance.now() - receivedAt : 0);
}

// Whole seconds rounded up, like the terminal: 0:00 only when the time is really up.
function formatCountdown(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, "0");
  return hours > 0
    ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}`
    : `${minutes}:${seconds}`;
}

function formatElapsed(ms) {
  return formatCountdown(Math.floor(Math.max(0, ms) / 1000) * 1000);
}

const minutes = (ms) => `${Math.round(ms / 60000)} min`;

function setText(id, text) {
  const element = $(id);
  if (element.textContent !== text) element.textContent = text;
}

// Called every 200 ms: only the moving parts.
function tick() {
  if (!state) return;
  const left = remainingMs();
  const countdown = $("countdown");
  const text = formatCountdown(left);
  setText("countdown", text);
  countdown.classList.toggle("paused", state.phase === "paused" || state.phase === "ended");
  countdown.classList.toggle("late", state.phase === "running" && left <= 30000);
  countdown.classList.toggle("warn", state.phase === "running" && left > 30000 && left <= 60000);
  const turn = state.phase === "ready" ? "before turn 1" : `turn ${state.turn}`;
  setText("clock", `${turn} · ${formatElapsed(elapsedMs())} elapsed`);
  const who =
    state.phase === "running" || state.phase === "paused" ? ` · ${state.driver} driving` : "";
  document.title = `${text}${who} — Dojo`;
  if (state.notice && performance.now() - receivedAt > NOTICE_MS) setText("notice", "");
}

function render() {
  const s = state;
  setText("title", s.kata.title);
  renderStep(s);

  const between = s.phase === "ready" || s.phase === "handover";
  $("timer").hidden = between;
  $("rotation").hidden = !between;
  const label = $("timer-label");
  label.classList.toggle("paused", s.phase === "paused");
  setText(
    "timer-label",
    s.phase === "paused"
      ? "PAUSED"
      : s.phase === "ended"
        ? s.retroPath
          ? `Dojo ended · retro: ${s.retroPath}`
          : "Dojo ended"
        : `${minutes(s.turnLengthMs)} turn`,
  );
  if (between) renderRotation(s);

  setText("driver", s.driver);
  setText("navigator", s.navigator ?? "— solo —");
  setText("next", s.upNext ?? "—");
  const away = between ? "Sitting out this turn" : "Sitting out next turn";
  setText("away", s.skipped.length > 0 ? `${away}: ${s.skipped.join(", ")}` : "");

  renderStatus(s);
  renderTimeline(s);

  const green = $("green");
  green.hidden = !s.green;
  if (s.green) {
    const turns = `${s.green.turns} turn${s.green.turns === 1 ? "" : "s"}`;
    setText("green", `✔ Green in ${formatElapsed(s.green.afterMs)} and ${turns}`);
  }
  renderPanel(s.panel);
  setText("notice", s.notice ?? "");
  tick();
}

function renderStep(s) {
  const st = s.status;
  if (!st.hasRun) setText("step", "Running the spec for the first time…");
  else if (st.loadError) setText("step", "The spec cannot run: the file does not load.");
  else if (st.step)
    setText("step", `Step ${st.step.number} of ${s.kata.stepCount} — ${st.step.title}`);
  else setText("step", `All ${s.kata.stepCount} steps green`);
}

function renderRotation(s) {
  if (s.phase === "ready") {
    setText("rotation-title", "Ready when you are — Enter starts turn 1");
  } else {
    setText("rotation-title", `Turn ${s.turn} is over — rotate`);
  }
  setText("rotation-driver", s.driver);
  $("rotation-navigator-line").hidden = s.navigator === null;
  setText("rotation-navigator", s.navigator ?? "");
  const pause = $("break");
  pause.hidden = !s.breakSuggested;
  const done = `${s.turnsCompleted} turn${s.turnsCompleted === 1 ? "" : "s"} done`;
  setText("break", s.breakSuggested ? `${done}: time for a short break` : "");
  setText(
    "rotation-hint",
    `Next turn: ${minutes(s.turnLengthMs)}${s.upNext ? ` · then ${s.upNext} navigates` : ""}`,
  );
}

function renderStatus(s) {
  const st = s.status;
  const tests = $("tests");
  tests.classList.toggle("solved", st.solved);
  const running = st.running ? "  ⟳" : "";
  if (!st.hasRun) setText("tests", `Waiting for the first run${running}`);
  else if (st.loadError) setText("tests", `The spec could not run${running}`);
  else setText("tests", `${st.solved ? "✔ " : ""}${st.passed}/${st.total} tests passing${running}`);
  $("bar-fill").style.width = st.total > 0 ? `${(100 * st.passed) / st.total}%` : "0";

  const failure = $("failure");
  failure.replaceChildren();
  if (st.loadError) failure.append(st.loadError);
  else if (st.failure) {
    const name = document.createElement("div");
    name.className = "test";
    name.textContent = `✗ ${st.failure.test}`;
    const message = document.createElement("div");
    message.textContent = st.failure.message.split("\n").slice(0, 4).join("\n");
    failure.append(name, message);
  } else if (st.hasRun && st.typeErrors > 0) {
    failure.append(`Tests pass, but ${st.typeErrors} type error(s): ${st.firstTypeError ?? ""}`);
  }
}

function renderTimeline(s) {
  if (s.timeline.length === 0) return setText("timeline", "");
  const parts = s.timeline
    .slice(-12)
    .map((entry) => `T${entry.turn}: ${entry.passed ?? "–"}${entry.live ? " (now)" : ""}`);
  setText("timeline", `Green per turn — ${parts.join(" · ")}`);
}

function renderPanel(panel) {
  const section = $("panel");
  section.hidden = !panel;
  document.querySelector("main").classList.toggle("with-panel", Boolean(panel));
  if (!panel) return;
  const body = $("panel-body");
  body.replaceChildren();
  if (panel.kind === "hint") {
    setText("panel-title", `Hint ${panel.tier} of ${panel.of} — ${panel.title}`);
    body.append(...markdown(panel.body));
    return;
  }
  setText("panel-title", "Your file → the reference");
  const pre = document.createElement("pre");
  for (const line of panel.diff.split("\n")) {
    const span = document.createElement("span");
    if (line.startsWith("+") && !line.startsWith("+++")) span.className = "add";
    else if (line.startsWith("-") && !line.startsWith("---")) span.className = "del";
    else if (line.startsWith("@@")) span.className = "hunk";
    span.textContent = `${line}\n`;
    pre.append(span);
  }
  body.append(pre);
}

/**
 * The hints' markdown as elements: paragraphs (the file's own line breaks joined), lists, fenced
 * code, and `code`, **bold** and *emphasis* inside a line. Built with text nodes only, so nothing
 * in a hint can become markup.
 */
function markdown(text) {
  const blocks = [];
  const lines = text.split("\n");
  let paragraph = [];
  let list = null;
  const flush = () => {
    if (paragraph.length > 0) blocks.push(element("p", inline(paragraph.join(" "))));
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^\s*```/.test(line)) {
      flush();
      list = null;
      const code = [];
      while (++i < lines.length && !/^\s*```/.test(lines[i])) code.push(lines[i]);
      const pre = document.createElement("pre");
      pre.append(element("code", [document.createTextNode(code.join("\n"))]));
      blocks.push(pre);
      continue;
    }
    const item = /^\s*(?:[-*+]|(\d+)\.)\s+(.*)$/.exec(line);
    if (item) {
      flush();
      const tag = item[1] ? "ol" : "ul";
      if (!list || list.tagName.toLowerCase() !== tag) {
        list = document.createElement(tag);
        blocks.push(list);
      }
      list.append(element("li", inline(item[2])));
      continue;
    }
    if (line.trim() === "") {
      flush();
      list = null;
      continue;
    }
    if (list && /^\s+/.test(line)) {
      list.lastChild.append(document.createTextNode(" "), ...inline(line.trim()));
      continue;
    }
    list = null;
    paragraph.push(line.trim());
  }
  flush();
  return blocks;
}

function inline(text) {
  const nodes = [];
  const pattern = /`([^`]+)`|\*\*([^*]+)\*\*|\*([^*]+)\*/g;
  let last = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    if (match.index > last) nodes.push(document.createTextNode(text.slice(last, match.index)));
    if (match[1] !== undefined) nodes.push(element("code", [document.createTextNode(match[1])]));
    else if (match[2] !== undefined)
      nodes.push(element("strong", [document.createTextNode(match[2])]));
    else nodes.push(element("em", [document.createTextNode(match[3])]));
    last = pattern.lastIndex;
  }
  if (last < text.length) nodes.push(document.createTextNode(text.slice(last)));
  return nodes;
}

function element(tag, children) {
  const node = document.createElement(tag);
  node.append(...children);
  return node;
}

function connect() {
  const source = new EventSource("/events");
  source.onopen = () => setText("connection", "");
  source.onmessage = (event) => {
    state = JSON.parse(event.data);
    receivedAt = performance.now();
    render();
  };
  source.onerror = () => {
    if (state && state.phase === "ended") {
      source.close(); // the dojo is over and the server gone: keep the last picture
      setText("connection", "");
    } else {
      setText("connection", "Connection lost — reconnecting…");
    }
  };
}

connect();
setInterval(tick, 200);
