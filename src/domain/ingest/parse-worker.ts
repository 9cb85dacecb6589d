// The parsing thread of one ingest: reads the file's chunks as the ingest hands them over, and
// sends its parsed parts back in batches, never more than a few ahead of the ingest storing them.
import { parentPort, workerData } from "node:worker_threads";
import type { ParsedPart } from "./parts.ts";
import { type FromParser, type ParseJob, type ToParser, toWire, type WirePart } from "./parse-wire.ts";
import { csvStreamParts, edifactStreamParts, wholeTextParts } from "./source-parts.ts";

const port = parentPort;
if (!port) {
  throw new Error("the parsing thread runs only as a worker thread");
}
const job = workerData as ParseJob;
const post = (message: FromParser): void => port.postMessage(message);

/** Chunks handed over and not yet read. */
const inbox: (ArrayBuffer | string)[] = [];
let text: string | null = null;
let isEnded = false;
let asked = 0;
let wake: (() => void) | null = null;
/** Batches sent and not yet taken by the ingest. */
let inFlight = 0;
let onAck: (() => void) | null = null;

port.on("message", (message: ToParser) => {
  switch (message.t) {
    case "chunk":
      asked--;
      inbox.push(message.data);
      break;
    case "text":
      text = message.text;
      isEnded = true;
      break;
    case "end":
      asked = 0;
      isEnded = true;
      break;
    case "ack":
      inFlight--;
      onAck?.();
      onAck = null;
      return;
  }
  wake?.();
  wake = null;
});

function askAhead(): void {
  while (!isEnded && inbox.length + asked < job.readAhead) {
    asked++;
    post({ t: "need" });
  }
}

let batch: WirePart[] = [];
let records = 0;
let sent = 0;

async function flush(): Promise<void> {
  if (batch.length === 0) {
    return;
  }
  post({ t: "parts", parts: batch });
  batch = [];
  records = 0;
  sent++;
  inFlight++;
  if (job.fault && sent >= job.fault.after) {
    if (job.fault.how === "exit") {
      process.exit(3);
    }
    throw new Error("the parser failed on purpose");
  }
  while (inFlight >= job.maxInFlight) {
    await new Promise<void>((resolve) => (onAck = resolve));
  }
}

/** The chunks as they arrive; what was parsed so far is sent before waiting for more. */
async function* chunks(): AsyncGenerator<Uint8Array | string, void, undefined> {
  for (;;) {
    askAhead();
    const next = inbox.shift();
    if (next !== undefined) {
      yield typeof next === "string" ? next : new Uint8Array(next);
      continue;
    }
    if (isEnded) {
      return;
    }
    if (batch.length > 0) {
      // Chunks may come in while the batch waits to be taken: look again before waiting for one.
      await flush();
      continue;
    }
    await new Promise<void>((resolve) => (wake = resolve));
  }
}

async function take(part: ParsedPart, withRaw: boolean): Promise<void> {
  batch.push(toWire(part, withRaw));
  records += part.shipments.length + part.events.length + part.stowage.length + 1;
  if (records >= job.batchRecords) {
    await flush();
  }
}

async function wholeText(): Promise<void> {
  while (text === null) {
    if (isEnded) {
      throw new Error("the parsing thread was given no text");
    }
    await new Promise<void>((resolve) => (wake = resolve));
  }
  const whole = wholeTextParts(text, { file: job.file, format: job.format, csvLayout: job.csvLayout });
  text = null;
  let isFirst = true;
  for (const part of whole.parts) {
    batch.push(toWire(part, false));
    // The digest goes with the first batch: the parts' records fall back on it for a reference.
    post({ t: "parts", parts: batch, sha256: isFirst ? whole.sha256 : undefined });
    isFirst = false;
    batch = [];
    sent++;
    inFlight++;
    while (inFlight >= job.maxInFlight) {
      await new Promise<void>((resolve) => (onAck = resolve));
    }
  }
}

async function main(): Promise<void> {
  if (job.mode === "whole") {
    await wholeText();
  } else {
    const parts =
      job.mode === "edifact"
        ? edifactStreamParts(chunks(), job.file)
        : csvStreamParts(chunks(), job.file, job.csvLayout);
    for await (const part of parts) {
      await take(part, true);
    }
    await flush();
  }
  post({ t: "done" });
}

main().catch((err: unknown) => {
  post({ t: "failed", message: err instanceof Error ? err.message : String(err) });
});
