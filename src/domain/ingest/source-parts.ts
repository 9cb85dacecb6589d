import { createHash } from "node:crypto";
import { Slicer } from "../slices.ts";
import {
  type ChunkSource,
  type CsvLayout,
  dedupeDiagnostics,
  DiagnosticCollector,
  EdifactLexer,
  type EdifactMessage,
  EdifactMessageAssembler,
  type EdifactSegment,
  mapEdifactMessage,
  parseMessageText,
  piecesOf,
  streamManifestCsv,
  type TradeFormat,
} from "../../trade/index.ts";
import type { ParsedPart } from "./parts.ts";
import { rawTextReader } from "./raw-text.ts";

/** Records per part when a whole parsed file is handed on in slices. */
const SLICE = 1000;

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * The source text of a record of a whole text, looked up once per message (or CSV row): a file of
 * many bad records must not search the text again for each.
 */
export function wholeTextRaw(text: string, format: TradeFormat): ParsedPart["rawText"] {
  const texts = new Map<string, string | null>();
  const readRaw = rawTextReader(text, format);
  return (record) => {
    const key = `${record.source.messageRef ?? ""}\u0000${record.source.line ?? ""}`;
    let found = texts.get(key);
    if (found === undefined) {
      found = readRaw(record.source);
      texts.set(key, found);
    }
    return found ?? JSON.stringify(record);
  };
}

/** A whole text parsed at once, handed on in slices; the first carries the findings, the last the events and cells. */
export function wholeTextParts(
  text: string,
  options: { file: string; format?: TradeFormat; csvLayout?: CsvLayout },
): { format: TradeFormat; sha256: string; parts: ParsedPart[] } {
  const digest = sha256(text);
  const parsed = parseMessageText(text, { format: options.format, file: options.file, csvLayout: options.csvLayout });
  const rawText = wholeTextRaw(text, parsed.format);
  const fallbackRef = (): string => digest.slice(0, 16);
  const parts: ParsedPart[] = [];
  const count = Math.max(1, Math.ceil(parsed.shipments.length / SLICE));
  for (let i = 0; i < count; i++) {
    parts.push({
      format: parsed.format,
      messages: i === 0 ? parsed.messages : 0,
      diagnostics: i === 0 ? parsed.diagnostics : [],
      shipments: parsed.shipments.slice(i * SLICE, (i + 1) * SLICE),
      events: i === count - 1 ? parsed.containerEvents : [],
      stowage: i === count - 1 ? parsed.stowage : [],
      rawText,
      fallbackRef,
    });
  }
  return { format: parsed.format, sha256: digest, parts };
}

// The release character goes before service characters; a message rebuilt this way reads back
// under the default UNA whatever delimiters the original interchange declared.
function escapeComponent(value: string): string {
  return value.replace(/[?'+:]/g, "?$&");
}

/** The text of one message (UNH … UNT) rebuilt from its segments, in the default delimiters. */
export function edifactMessageText(message: EdifactMessage): string {
  const segments = [message.unh, ...message.body, ...(message.unt ? [message.unt] : [])];
  return (
    segments
      .map((s) => `${[s.tag, ...s.elements.map((e) => e.map(escapeComponent).join(":"))].join("+")}'`)
      .join("\n") + "\n"
  );
}

function messagePart(message: EdifactMessage, out: DiagnosticCollector): ParsedPart {
  const records = mapEdifactMessage(message, out);
  let text: string | undefined;
  const rawText = (): string => (text ??= edifactMessageText(message));
  return {
    format: records.format,
    messages: 1,
    diagnostics: dedupeDiagnostics(out.list.splice(0)),
    shipments: records.shipments,
    events: records.containerEvents,
    stowage: records.stowage,
    rawText,
    fallbackRef: () => sha256(rawText()).slice(0, 16),
  };
}

function* messagesOf(
  segments: readonly EdifactSegment[],
  assembler: EdifactMessageAssembler,
): Generator<EdifactMessage, void, undefined> {
  for (const segment of segments) {
    const message = assembler.push(segment);
    if (message) {
      yield message;
    }
  }
}

/**
 * EDIFACT from chunks, one part per message. Each chunk is tokenized a piece at a time (no promise
 * per segment; piecesOf), and diagnostics are handed on with the message they precede and not kept, so memory
 * holds one chunk and one message at a time.
 */
export async function* edifactStreamParts(
  chunks: ChunkSource,
  file: string,
): AsyncGenerator<ParsedPart, void, undefined> {
  const out = new DiagnosticCollector(file);
  const lexer = new EdifactLexer(out);
  const assembler = new EdifactMessageAssembler(out);
  const decoder = new TextDecoder("utf-8");
  // Parsing runs between reads of the stream; the slicer lets other requests (and the answers to
  // the chunk being stored) in between messages, each message mapped only when its turn comes.
  const slicer = new Slicer();
  for await (const chunk of chunks) {
    for (const piece of piecesOf(typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true }))) {
      for (const message of messagesOf(lexer.push(piece), assembler)) {
        yield messagePart(message, out);
        await slicer.pause();
      }
    }
  }
  for (const message of messagesOf([...lexer.push(decoder.decode()), ...lexer.end()], assembler)) {
    yield messagePart(message, out);
  }
  const last = assembler.end();
  if (last) {
    yield messagePart(last, out);
  }
  if (out.list.length > 0) {
    yield {
      format: "unknown",
      messages: 0,
      diagnostics: dedupeDiagnostics(out.list.splice(0)),
      shipments: [],
      events: [],
      stowage: [],
      rawText: () => "",
      fallbackRef: () => "",
    };
  }
}

/** CSV from chunks, one part per bill of lading (the rows of a bill must be contiguous). */
export async function* csvStreamParts(
  chunks: ChunkSource,
  file: string,
  layout?: CsvLayout,
): AsyncGenerator<ParsedPart, void, undefined> {
  const slicer = new Slicer();
  for await (const item of streamManifestCsv(chunks, { file, layout })) {
    await slicer.pause();
    yield {
      format: "csv",
      messages: 0,
      diagnostics: item.diagnostics,
      shipments: item.shipment ? [item.shipment] : [],
      events: [],
      stowage: [],
      rawText: () => item.raw,
      fallbackRef: () => sha256(item.raw).slice(0, 16),
    };
  }
}
