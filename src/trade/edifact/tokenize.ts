/**
 * EDIFACT tokenizer entry points: whole-string, and an async generator over chunks for huge files.
 */

import { DiagnosticCollector } from "../diagnostics.ts";
import type { Diagnostic } from "../diagnostics.ts";
import { EdifactLexer } from "./lexer.ts";
import type { EdifactSegment } from "./lexer.ts";
import type { EdifactDelimiters } from "./syntax.ts";

/** Text or bytes arriving in pieces (a file stream, an HTTP body, an array of strings). */
export type ChunkSource = AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;

/** Options shared by the tokenizer entry points. */
export interface TokenizeOptions {
  /** File name stamped on diagnostics. */
  file?: string;
  /** Collector to report into (lets streaming callers read diagnostics as they go). */
  diagnostics?: DiagnosticCollector;
  /** Byte decoding for Uint8Array chunks; default utf-8 (use latin1 for true ISO 8859-1 UNOC files). */
  encoding?: "utf-8" | "latin1";
}

/** Result of tokenizing a whole string. */
export interface TokenizeResult {
  segments: EdifactSegment[];
  delimiters: EdifactDelimiters;
  diagnostics: Diagnostic[];
}

/** Tokenize a complete EDIFACT text into segments; never throws. */
export function tokenizeEdifact(text: string, options: TokenizeOptions = {}): TokenizeResult {
  const out = options.diagnostics ?? new DiagnosticCollector(options.file);
  const lexer = new EdifactLexer(out);
  const segments = [...lexer.push(text), ...lexer.end()];
  return { segments, delimiters: lexer.delimiters, diagnostics: out.list };
}

/** Tokenize chunk by chunk, yielding each segment as soon as it is complete (bounded memory). */
export async function* streamEdifactSegments(
  source: ChunkSource,
  options: TokenizeOptions = {},
): AsyncGenerator<EdifactSegment, void, undefined> {
  const out = options.diagnostics ?? new DiagnosticCollector(options.file);
  const lexer = new EdifactLexer(out);
  const decoder = new TextDecoder(options.encoding ?? "utf-8");
  for await (const chunk of source) {
    const text = typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    yield* lexer.push(text);
  }
  const tail = decoder.decode();
  if (tail) {
    yield* lexer.push(tail);
  }
  yield* lexer.end();
}
