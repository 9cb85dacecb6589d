import { createHash } from "node:crypto";
import type { Worker } from "node:worker_threads";
import { AppError } from "../../errors.ts";
import type { CsvLayout, TradeFormat } from "../../trade/index.ts";
import { prepareWorker, startWorker } from "../../workers/spawn.ts";
import type { ParsedPart } from "./parts.ts";
import type { FromParser, ParseJob, ToParser, WirePart } from "./parse-wire.ts";
import { wholeTextParts, wholeTextRaw } from "./source-parts.ts";

const ENTRY = new URL("./parse-worker.ts", import.meta.url);

/**
 * How ingest parses off the event loop. A file smaller than `minBytes` is parsed in place (a
 * thread costs more to start than such a file to read). The young generation of the thread is
 * sized for a parser's many short-lived objects, so that it collects them less often.
 */
export const parseThreadSettings: {
  minBytes: number;
  youngGenerationMb: number;
  batchRecords: number;
  maxInFlight: number;
  readAhead: number;
  /** For tests of a failing thread only. */
  fault?: ParseJob["fault"];
} = {
  minBytes: 256 * 1024,
  // Against the default (16 MB), a CUSCAR file took about a third less CPU in the thread and its
  // collector helpers at 48 MB; larger sizes did no better.
  youngGenerationMb: 48,
  // The thread stays less than one stored chunk ahead of the ingest: enough to parse while a
  // chunk is stored, little enough that what was read and not stored stays about as in place.
  batchRecords: 250,
  maxInFlight: 2,
  readAhead: 1,
};

/** What the thread parses: the stream's chunks, or one whole text the caller holds. */
export type ParseInput =
  { mode: "edifact" | "csv"; chunks: AsyncIterable<string | Uint8Array> } | { mode: "whole"; text: string };

/** The options of a parse, as the parsers in source-parts.ts take them. */
export interface ParseOptions {
  file: string;
  format?: TradeFormat;
  csvLayout?: CsvLayout;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** A chunk as the thread's own buffer: copied once here, then handed over without another copy. */
function owned(chunk: string | Uint8Array): { data: ArrayBuffer | string; transfer: ArrayBuffer[] } {
  if (typeof chunk === "string") {
    return { data: chunk, transfer: [] };
  }
  const copy = new Uint8Array(chunk.byteLength);
  copy.set(chunk);
  return { data: copy.buffer, transfer: [copy.buffer] };
}

function readerFailed(why: string): AppError {
  return new AppError(500, "ingest.reader_failed", `Reading the file failed: ${why}`);
}

/** A part of a streamed file, its source text with it. */
function streamedPart(wire: WirePart): ParsedPart {
  const raw = wire.raw ?? "";
  const ref = wire.ref;
  return {
    format: wire.format,
    messages: wire.messages,
    diagnostics: wire.diagnostics,
    shipments: wire.shipments,
    events: wire.events,
    stowage: wire.stowage,
    rawText: () => raw,
    fallbackRef: () => ref ?? sha256(raw).slice(0, 16),
  };
}

/**
 * The parts of a file parsed on a thread of its own, in file order, as they come: the event loop
 * only hands chunks over and takes parts back, and the thread parses ahead of the caller by a few
 * batches at most, so memory stays bounded however large the file. Findings about the content come
 * in the parts exactly as when parsing in place; a thread that fails or ends early makes the
 * iteration throw (after the parts it did send), and stopping the iteration stops the thread.
 */
export async function* parseInThread(
  input: ParseInput,
  options: ParseOptions,
  onDigest?: (sha256: string) => void,
): AsyncGenerator<ParsedPart, void, undefined> {
  const settings = parseThreadSettings;
  const job: ParseJob = {
    mode: input.mode,
    file: options.file,
    format: options.format,
    csvLayout: options.csvLayout,
    batchRecords: settings.batchRecords,
    maxInFlight: settings.maxInFlight,
    readAhead: settings.readAhead,
    fault: settings.fault,
  };
  const worker: Worker = startWorker(ENTRY, await prepareWorker(ENTRY), job as unknown as Record<string, unknown>, {
    maxYoungGenerationSizeMb: settings.youngGenerationMb,
  });
  const batches: { parts: WirePart[]; sha256?: string }[] = [];
  let failure: Error | null = null;
  let isDone = false;
  let wake: (() => void) | null = null;
  const signal = (): void => {
    wake?.();
    wake = null;
  };
  const send = (message: ToParser, transfer: ArrayBuffer[] = []): void => {
    if (!isDone && !failure) {
      worker.postMessage(message, transfer);
    }
  };

  // Chunks are read one at a time, each when the thread asks for one.
  const iterator = input.mode === "whole" ? null : input.chunks[Symbol.asyncIterator]();
  let reading: Promise<void> = Promise.resolve();
  let isInputEnded = false;
  const readNext = async (): Promise<void> => {
    if (!iterator || isInputEnded || failure) {
      return;
    }
    try {
      const next = await iterator.next();
      if (next.done) {
        isInputEnded = true;
        send({ t: "end" });
        return;
      }
      const { data, transfer } = owned(next.value);
      send({ t: "chunk", data }, transfer);
    } catch (err) {
      // Reading the input failed (a body over its limit, a broken connection): that error is the ingest's.
      failure ??= err instanceof Error ? err : new Error(String(err));
      signal();
    }
  };

  worker.on("message", (message: FromParser) => {
    switch (message.t) {
      case "need":
        reading = reading.then(readNext);
        return;
      case "parts":
        batches.push({ parts: message.parts, sha256: message.sha256 });
        break;
      case "done":
        isDone = true;
        break;
      case "failed":
        failure ??= readerFailed(message.message);
        break;
    }
    signal();
  });
  worker.on("error", (err) => {
    failure ??=
      (err as { code?: string }).code === "ERR_WORKER_OUT_OF_MEMORY"
        ? new AppError(422, "ingest.reader_failed", "Reading the file failed: it needs more memory than a file may use")
        : readerFailed(err.message);
    signal();
  });
  worker.on("exit", (code) => {
    if (!isDone) {
      failure ??= readerFailed(`the reader stopped unexpectedly (exit code ${code})`);
    }
    signal();
  });

  /** The source text of a record of a whole text, looked up in the text once per message (or CSV row). */
  let wholeRaw: ((record: ParsedPart["shipments"][number]) => string) | null = null;
  let fallback = "";
  try {
    if (input.mode === "whole") {
      send({ t: "text", text: input.text });
    }
    for (;;) {
      const next = batches.shift();
      if (next) {
        if (next.sha256 !== undefined && input.mode === "whole") {
          fallback = next.sha256.slice(0, 16);
          onDigest?.(next.sha256);
          wholeRaw = wholeTextRaw(input.text, next.parts[0]?.format ?? "unknown");
        }
        for (const wire of next.parts) {
          if (wholeRaw) {
            const ref = fallback;
            yield { ...streamedPart(wire), rawText: wholeRaw, fallbackRef: () => ref };
          } else {
            yield streamedPart(wire);
          }
        }
        send({ t: "ack" });
        continue;
      }
      // Set by the thread's handlers, which the compiler does not see run.
      const failed = failure as Error | null;
      if (failed) {
        throw failed;
      }
      if (isDone) {
        return;
      }
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    isDone = true;
    worker.removeAllListeners("exit");
    await worker.terminate();
    // Stopped early: the stream is let go once a read in progress has settled.
    if (!isInputEnded) {
      void reading.then(() => iterator?.return?.()).catch(() => undefined);
    }
  }
}

/**
 * The parts of a whole text (X12, a file held in memory), its digest given to `onDigest` once
 * known: parsed in place when small, on a thread otherwise.
 */
export async function* wholeParts(
  text: string,
  options: ParseOptions,
  onDigest?: (sha256: string) => void,
): AsyncGenerator<ParsedPart, void, undefined> {
  if (text.length < parseThreadSettings.minBytes) {
    const whole = wholeTextParts(text, options);
    onDigest?.(whole.sha256);
    yield* whole.parts;
    return;
  }
  yield* parseInThread({ mode: "whole", text }, options, onDigest);
}
