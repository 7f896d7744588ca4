// Mistake: aggregateFile splits the decoded stream itself (`\r\n`, `\n` or a lone `\r`, holding a `\r` at a chunk's end) and, at the end, yields the rest as the
// last line even when it is empty, like `text.split("\n")`, so a file ending in a newline gets one extra blank line and an empty file gives `lines: 1, blank: 1`;
// the README: "the last line needs no newline; an empty file gives an empty summary (all zeros)" (readline yields no line after a final newline). (adversarial review, round 13)
import { createReadStream } from "node:fs";
import { pipeline, type Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { aggregateLines, type LogSummary } from "../log-aggregation";

export * from "../log-aggregation";

/** Streams the file chunk by chunk (UTF-8 decoded across chunks) and counts it line by line. */
export async function aggregateFile(path: string): Promise<LogSummary> {
  return aggregateLines(readLines(path));
}

async function* readLines(path: string): AsyncGenerator<string> {
  const input = openLog(path);
  input.setEncoding("utf8");
  let rest = "";
  for await (const chunk of input as AsyncIterable<string>) {
    rest += chunk;
    // A `\r` at the very end may be the first half of a `\r\n` split across two reads.
    const breaks = /\r\n|\r(?!$)|\n/g;
    let start = 0;
    for (let match = breaks.exec(rest); match !== null; match = breaks.exec(rest)) {
      yield rest.slice(start, match.index);
      start = breaks.lastIndex;
    }
    rest = rest.slice(start);
  }
  yield rest.endsWith("\r") ? rest.slice(0, -1) : rest;
}

function openLog(path: string): Readable {
  const file = createReadStream(path);
  if (!path.endsWith(".gz")) return file;
  return pipeline(file, createGunzip(), () => {});
}
