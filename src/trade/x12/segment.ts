/**
 * Read values out of X12 segments and point diagnostics at them.
 */

import type { SourcePosition } from "../diagnostics.ts";
import { isoDateTime } from "../edifact/values.ts";
import type { X12Segment } from "./tokenize.ts";

/** Trimmed element n (1-based, "B403" is el(b4, 3)); undefined when absent or blank. */
export function el(segment: X12Segment, n: number): string | undefined {
  const value = segment.elements[n - 1]?.trim();
  return value ? value : undefined;
}

/** Position of a segment (and optionally one element) for a diagnostic. */
export function xat(segment: X12Segment, element?: number): SourcePosition {
  return { segment: segment.index, segmentTag: segment.tag, line: segment.line, element };
}

/** X12 date (CCYYMMDD or YYMMDD) plus optional time (HHMM[SS]) as ISO 8601; undefined if invalid. */
export function x12DateTime(date: string | undefined, time?: string): string | undefined {
  if (!date) {
    return undefined;
  }
  const fullDate = date.length === 6 ? `20${date}` : date;
  const clock = time && /^\d{4}(\d{2})?/.exec(time)?.[0];
  return isoDateTime(clock ? fullDate + clock : fullDate);
}
