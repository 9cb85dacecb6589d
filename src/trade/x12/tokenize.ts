/**
 * ANSI X12 tokenizer. Separators come from the ISA segment: the element separator is ISA
 * character 4, the component separator is ISA16 and the segment terminator is the character
 * after ISA16. Line breaks after terminators are tolerated.
 */

import { DiagnosticCollector } from "../diagnostics.ts";
import type { Diagnostic } from "../diagnostics.ts";
import { countNewlines } from "../text.ts";

/** One X12 segment: uppercase tag and its elements (elements[0] is element 01). */
export interface X12Segment {
  tag: string;
  elements: string[];
  /** 1-based segment number in the file. */
  index: number;
  /** 1-based line where the segment starts. */
  line: number;
}

/** Separators read from the ISA. */
export interface X12Delimiters {
  element: string;
  component: string;
  segment: string;
}

/** Segments, separators and diagnostics of one X12 text. */
export interface X12TokenizeResult {
  segments: X12Segment[];
  delimiters?: X12Delimiters;
  diagnostics: Diagnostic[];
}

/** Read the separators from the ISA; undefined (with an error) when there is no usable ISA. */
export function readIsaDelimiters(text: string, out: DiagnosticCollector): X12Delimiters | undefined {
  if (text.slice(0, 3).toUpperCase() !== "ISA" || text.length < 4) {
    out.error("x12.missing_isa", "X12 text does not start with an ISA segment", { line: 1 });
    return undefined;
  }
  const element = text.charAt(3);
  let position = 3;
  // The first separator is at index 3; ISA16 follows the 16th.
  for (let n = 0; n < 15; n++) {
    position = text.indexOf(element, position + 1);
    if (position < 0) {
      out.error("x12.truncated_isa", "ISA segment is truncated (fewer than 16 elements)", {
        segment: 1,
        segmentTag: "ISA",
        line: 1,
      });
      return undefined;
    }
  }
  const component = text.charAt(position + 1);
  const segment = text.charAt(position + 2);
  if (!segment) {
    out.error("x12.truncated_isa", "ISA segment has no segment terminator", { segment: 1, segmentTag: "ISA", line: 1 });
    return undefined;
  }
  if (position + 2 !== 105) {
    out.warning("x12.isa_width", `ISA is ${position + 3} characters long, not the fixed 106`, {
      segment: 1,
      segmentTag: "ISA",
      line: 1,
    });
  }
  return { element, component, segment };
}

/** Tokenize an X12 interchange; never throws. */
export function tokenizeX12(
  text: string,
  options: { file?: string; diagnostics?: DiagnosticCollector } = {},
): X12TokenizeResult {
  const out = options.diagnostics ?? new DiagnosticCollector(options.file);
  const leading = /^[\uFEFF\s]*/.exec(text)?.[0] ?? "";
  const body = text.slice(leading.length);
  const delimiters = readIsaDelimiters(body, out);
  if (!delimiters) {
    return { segments: [], diagnostics: out.list };
  }
  const segments: X12Segment[] = [];
  let line = 1 + countNewlines(leading);
  const pieces = body.split(delimiters.segment);
  pieces.forEach((piece, i) => {
    const trimmedStart = piece.replace(/^[\r\n\s]+/, "");
    const startLine = line + countNewlines(piece.slice(0, piece.length - trimmedStart.length));
    line += countNewlines(piece) + (delimiters.segment === "\n" ? 1 : 0);
    const content = trimmedStart.replace(/[\r\n]+/g, "");
    if (!content.trim()) {
      return;
    }
    const [tag = "", ...elements] = content.split(delimiters.element);
    const segment: X12Segment = {
      tag: tag.trim().toUpperCase(),
      elements,
      index: segments.length + 1,
      line: startLine,
    };
    if (i === pieces.length - 1) {
      out.error("x12.truncated", `input ends inside segment ${segment.tag} (no segment terminator)`, {
        segment: segment.index,
        segmentTag: segment.tag,
        line: startLine,
      });
    }
    if (!/^[A-Z][A-Z0-9]{1,2}$/.test(segment.tag)) {
      out.error("x12.invalid_tag", `"${segment.tag}" is not a valid segment tag`, {
        segment: segment.index,
        segmentTag: segment.tag,
        line: startLine,
      });
    }
    segments.push(segment);
  });
  return { segments, delimiters, diagnostics: out.list };
}
