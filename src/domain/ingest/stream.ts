import { type ChunkSource, type CsvLayout, detectFormat, type TradeFormat } from "../../trade/index.ts";
import { ChunkTap } from "./chunk-tap.ts";
import { parseInThread, parseThreadSettings, wholeParts } from "./parse-thread.ts";
import type { ParsedPart } from "./parts.ts";
import type { FileReport } from "./report.ts";
import { dryRunParts, type IngestTarget } from "./run.ts";
import { csvStreamParts, edifactStreamParts } from "./source-parts.ts";

const EDIFACT = new Set<TradeFormat>(["cuscar", "iftmin", "baplie", "coarri", "codeco", "coprar", "iftsta"]);

/** A file arriving in chunks (a file stream, an HTTP body). */
export interface StreamInput {
  fileName: string;
  chunks: ChunkSource;
  /** Detected from the first bytes when absent. */
  format?: TradeFormat;
  csvLayout?: CsvLayout;
  /** Called after each stored chunk with the report so far. */
  onProgress?: (report: FileReport) => void;
  /** Shipments per transaction. */
  chunkSize?: number;
}

async function collectText(chunks: AsyncIterable<string | Uint8Array>): Promise<string> {
  const decoder = new TextDecoder("utf-8");
  let text = "";
  for await (const chunk of chunks) {
    text += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}

/**
 * The parts of a stream: EDIFACT by message and CSV by bill as they arrive; other formats are read
 * whole first. A file of some size is parsed on a thread of its own (parse-thread.ts), a small one
 * in place.
 */
async function* streamParts(
  tap: ChunkTap,
  input: StreamInput,
  format: TradeFormat,
): AsyncGenerator<ParsedPart, void, undefined> {
  const options = { file: input.fileName, format, csvLayout: input.csvLayout };
  const isStreamed = EDIFACT.has(format) || format === "csv";
  if (isStreamed && (await tap.holdsAtLeast(parseThreadSettings.minBytes))) {
    yield* parseInThread({ mode: EDIFACT.has(format) ? "edifact" : "csv", chunks: tap.chunks() }, options);
    return;
  }
  if (EDIFACT.has(format)) {
    yield* edifactStreamParts(tap.chunks(), input.fileName);
    return;
  }
  if (format === "csv") {
    yield* csvStreamParts(tap.chunks(), input.fileName, input.csvLayout);
    return;
  }
  const text = await collectText(tap.chunks());
  yield* wholeParts(text, options);
}

/** A stream as ingest reads it: the target (format detected from the first bytes when not given) and its parts. */
export async function streamSource(
  input: StreamInput,
): Promise<{ target: IngestTarget; parts: AsyncGenerator<ParsedPart, void, undefined> }> {
  const tap = new ChunkTap(input.chunks);
  const format = input.format ?? detectFormat(await tap.peek());
  const target: IngestTarget = {
    fileName: input.fileName,
    format,
    digest: () => tap.digest(),
    onProgress: input.onProgress,
    chunkSize: input.chunkSize,
  };
  return { target, parts: streamParts(tap, input, format) };
}

/** Parses and validates a stream only: the report of what ingesting it would do. */
export async function dryRunStream(input: StreamInput): Promise<FileReport> {
  const { target, parts } = await streamSource(input);
  return dryRunParts(target, parts);
}
