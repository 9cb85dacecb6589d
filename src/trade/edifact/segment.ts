/**
 * Read values out of tokenized EDIFACT segments, and point diagnostics at them.
 */

import type { SourcePosition } from "../diagnostics.ts";
import type { EdifactSegment } from "./lexer.ts";

/** Trimmed value of element e (1-based), component c (1-based); undefined when absent or blank. */
export function val(segment: EdifactSegment, e: number, c = 1): string | undefined {
  const value = segment.elements[e - 1]?.[c - 1]?.trim();
  return value ? value : undefined;
}

/** All components of element e (1-based), trimmed; empty array when absent. */
export function comps(segment: EdifactSegment, e: number): string[] {
  return (segment.elements[e - 1] ?? []).map((part) => part.trim());
}

/** Non-blank components of element e joined with a space (free-text lines). */
export function joinText(segment: EdifactSegment, e: number): string | undefined {
  const text = comps(segment, e)
    .filter((part) => part !== "")
    .join(" ");
  return text ? text : undefined;
}

/** Position of a segment (and optionally one of its elements/components) for a diagnostic. */
export function at(segment: EdifactSegment, element?: number, component?: number): SourcePosition {
  return { segment: segment.index, segmentTag: segment.tag, line: segment.line, element, component };
}

/** True when the segment has this tag and (if given) first-element qualifier. */
export function is(segment: EdifactSegment, tag: string, qualifier?: string): boolean {
  if (segment.tag !== tag) {
    return false;
  }
  return qualifier === undefined || val(segment, 1) === qualifier;
}
