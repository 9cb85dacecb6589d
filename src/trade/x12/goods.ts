/**
 * Goods and equipment helpers for the X12 manifest mappers (310 L0/L5/N7/M7, 309 VID/N10).
 */

import { checkHsCode, checkSizeType } from "../diagnostics.ts";
import type { DiagnosticCollector } from "../diagnostics.ts";
import type { ContainerRef, GoodsLine } from "../records.ts";
import { joinEquipmentId } from "./common.ts";
import { el, xat } from "./segment.ts";
import type { X12Segment } from "./tokenize.ts";

/** Commodity code qualifiers (X12 element 23) that carry an HS-based code [memory: H = Harmonized]. */
const HS_QUALIFIERS = new Set(["H", "HS"]);

/** Split a transaction body into loops that each start with `tag` (LX, VID …); segments before the first are dropped. */
export function splitLoops(body: readonly X12Segment[], tag: string): X12Segment[][] {
  const loops: X12Segment[][] = [];
  for (const segment of body) {
    if (segment.tag === tag) {
      loops.push([segment]);
    } else {
      loops.at(-1)?.push(segment);
    }
  }
  return loops;
}

/**
 * Append a continuation line of free text. Lines that fill the field (hard-wrapped, ≥ 45 chars)
 * are joined without a space ("FIBERBO" + "ARD"), except between a number and a word.
 */
export function appendText(previous: string | undefined, next: string): string {
  if (!previous) {
    return next;
  }
  const hardWrapped = previous.length >= 45;
  const numberMeetsWord =
    /\d$/.test(previous) !== /^\d/.test(next) && /[A-Za-z\d]$/.test(previous) && /^[A-Za-z\d]/.test(next);
  return hardWrapped && !numberMeetsWord ? previous + next : `${previous} ${next}`;
}

/** HS code from a commodity code + qualifier pair, when the qualifier says HS. */
export function commodityHs(
  code: string | undefined,
  qualifier: string | undefined,
  at: ReturnType<typeof xat>,
  out: DiagnosticCollector,
): string | undefined {
  return qualifier && HS_QUALIFIERS.has(qualifier.toUpperCase()) ? checkHsCode(code, at, out) : undefined;
}

/** Container from a 310 N7 (N701 initial, N702 number incl. check digit, N722 type, N711 description code). */
export function readN7(segment: X12Segment, out: DiagnosticCollector, fallbackSizeType?: string): ContainerRef {
  const checked = joinEquipmentId(el(segment, 1), el(segment, 2), undefined, xat(segment, 2), out);
  const ref: ContainerRef = { ...checked, equipmentType: el(segment, 11) ?? "CN", seals: [] };
  const sizeType = checkSizeType(el(segment, 22) ?? fallbackSizeType, xat(segment, 22), out);
  if (sizeType) {
    ref.sizeType = sizeType;
  }
  return ref;
}

/** Container from a 309 VID (VID01 description code, VID02 initial, VID03 number, VID04/05 seals, VID09 type). */
export function readVid(segment: X12Segment, out: DiagnosticCollector): ContainerRef {
  const checked = joinEquipmentId(el(segment, 2), el(segment, 3), undefined, xat(segment, 3), out);
  const seals = [el(segment, 4), el(segment, 5)].filter((s): s is string => s !== undefined);
  const ref: ContainerRef = { ...checked, equipmentType: el(segment, 1) ?? "CN", seals };
  const sizeType = checkSizeType(el(segment, 9), xat(segment, 9), out);
  if (sizeType) {
    ref.sizeType = sizeType;
  }
  return ref;
}

/** An empty goods line. */
export function newGoods(lineNumber?: number): GoodsLine {
  return lineNumber === undefined ? { containerNumbers: [] } : { lineNumber, containerNumbers: [] };
}
