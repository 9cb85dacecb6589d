/**
 * Incremental EDIFACT lexer: feed it text in any chunk sizes and it returns complete segments.
 * Handles UNA, the release character, CR/LF/no newlines and whitespace between segments.
 */

import type { DiagnosticCollector } from "../diagnostics.ts";
import { DEFAULT_DELIMITERS, parseUna } from "./syntax.ts";
import type { EdifactDelimiters } from "./syntax.ts";
import { countNewlines } from "../text.ts";

/** One segment: uppercase tag plus data elements, each a list of components (release characters removed). */
export interface EdifactSegment {
  tag: string;
  /** elements[0] is the first element after the tag (`EQD+CN+…`: ["CN"]). */
  elements: string[][];
  /** 1-based segment number in the file (UNA not counted). */
  index: number;
  /** 1-based line where the segment starts. */
  line: number;
}

const TAG_PATTERN = /^[A-Z][A-Z0-9]{2}$/;
const WHITESPACE = new Set([" ", "\t", "\r", "\n"]);

/** Streaming tokenizer state machine; one instance per input file. */
export class EdifactLexer {
  private delims: EdifactDelimiters = { ...DEFAULT_DELIMITERS };
  private release = DEFAULT_DELIMITERS.release;
  private started = false;
  private head = "";
  private elements: string[][] = [];
  private components: string[] = [];
  private text = "";
  private inSegment = false;
  private released = false;
  private line = 1;
  private segmentLine = 1;
  private count = 0;

  constructor(private readonly out: DiagnosticCollector) {}

  /** Separators in force (defaults until a UNA has been read). */
  get delimiters(): EdifactDelimiters {
    return { ...this.delims };
  }

  /** Number of segments emitted so far. */
  get segmentCount(): number {
    return this.count;
  }

  /** Feed the next chunk of text; returns the segments it completed. */
  push(chunk: string): EdifactSegment[] {
    const segments: EdifactSegment[] = [];
    if (this.started) {
      this.scan(chunk, segments);
      return segments;
    }
    this.head += chunk;
    const rest = this.readHead(false);
    if (rest !== undefined) {
      this.scan(rest, segments);
    }
    return segments;
  }

  /** Signal end of input; returns a final partial segment (reported as truncated) if any. */
  end(): EdifactSegment[] {
    const segments: EdifactSegment[] = [];
    if (!this.started) {
      this.scan(this.readHead(true) ?? "", segments);
    }
    if (this.released) {
      this.out.error("edifact.dangling_release", "input ends with a release character", { line: this.line });
    }
    if (this.inSegment) {
      const tag = (this.elements[0]?.[0] ?? this.text).trim().toUpperCase() || "?";
      this.out.error("edifact.truncated", `input ends inside segment ${tag} (no segment terminator)`, {
        segment: this.count + 1,
        segmentTag: tag,
        line: this.segmentLine,
      });
      this.finish(segments);
    }
    return segments;
  }

  /** Skip a BOM and leading whitespace, read an optional UNA; returns the text left to scan. */
  private readHead(final: boolean): string | undefined {
    let start = 0;
    while (start < this.head.length && (this.head[start] === "\uFEFF" || WHITESPACE.has(this.head[start] ?? ""))) {
      start++;
    }
    const body = this.head.slice(start);
    if (!final && body.length < 9) {
      return undefined;
    }
    this.line += countNewlines(this.head.slice(0, start));
    this.started = true;
    this.head = "";
    if (body.slice(0, 3).toUpperCase() !== "UNA") {
      return body;
    }
    const una = parseUna(body.slice(0, 9));
    if (!una.ok) {
      this.out.error("edifact.invalid_una", `${una.reason}; default separators used`, { line: this.line });
      return body.slice(Math.min(body.length, 9));
    }
    this.delims = una.delimiters;
    this.release = una.delimiters.release === " " ? "" : una.delimiters.release;
    return body.slice(9);
  }

  /**
   * Reads a chunk a run at a time: the text between two service characters is taken with one
   * slice, so a value costs one string however long it is.
   */
  private scan(chunk: string, segments: EdifactSegment[]): void {
    const { component, element, segment } = this.delims;
    const [seg, ele, com, rel] = [segment, element, component, this.release].map(codeOf) as [
      number,
      number,
      number,
      number,
    ];
    let i = 0;
    while (i < chunk.length) {
      if (this.released) {
        i = this.takeReleased(chunk, i);
        continue;
      }
      if (!this.inSegment) {
        const ch = chunk.charAt(i);
        if (WHITESPACE.has(ch) || ch === segment) {
          if (ch === "\n") {
            this.line++;
          }
          i++;
          continue;
        }
        this.inSegment = true;
        this.segmentLine = this.line;
      }
      let end = i;
      for (; end < chunk.length; end++) {
        const code = chunk.charCodeAt(end);
        if (code === seg || code === ele || code === com || code === rel || code === LF || code === CR) {
          break;
        }
      }
      if (end > i) {
        this.text += chunk.slice(i, end);
      }
      if (end === chunk.length) {
        return;
      }
      i = end + 1;
      const code = chunk.charCodeAt(end);
      if (code === LF) {
        // Line breaks inside a segment are wrapping, not data.
        this.line++;
      } else if (code === CR) {
        continue;
      } else if (code === rel) {
        this.released = true;
      } else if (code === seg) {
        this.finish(segments);
      } else if (code === ele) {
        this.components.push(this.text);
        this.elements.push(this.components);
        this.components = [];
        this.text = "";
      } else {
        this.components.push(this.text);
        this.text = "";
      }
    }
  }

  /** The character after a release character is data (a line break there is still wrapping). */
  private takeReleased(chunk: string, i: number): number {
    this.released = false;
    const ch = chunk.charAt(i);
    if (ch === "\n") {
      this.line++;
    } else if (ch !== "\r") {
      this.text += ch;
    }
    return i + 1;
  }

  private finish(segments: EdifactSegment[]): void {
    this.components.push(this.text);
    this.elements.push(this.components);
    const [tagElement = [""], ...data] = this.elements;
    const tag = (tagElement[0] ?? "").trim().toUpperCase();
    this.count++;
    if (!TAG_PATTERN.test(tag)) {
      this.out.error("edifact.invalid_tag", `"${tag}" is not a valid segment tag`, {
        segment: this.count,
        segmentTag: tag,
        line: this.segmentLine,
      });
    }
    segments.push({ tag, elements: data, index: this.count, line: this.segmentLine });
    this.elements = [];
    this.components = [];
    this.text = "";
    this.inSegment = false;
  }
}

const LF = 10;
const CR = 13;

/** The code unit of a service character; -1 (matching nothing) when unused, or when it takes two code units, as before. */
function codeOf(ch: string | undefined): number {
  return ch?.length === 1 ? ch.charCodeAt(0) : -1;
}
