/**
 * Readers shared by the X12 ocean mappers: N1 party loops, equipment ids split over elements,
 * R4 port loops, purpose codes, weights.
 */

import { checkContainer, checkImo, checkLocation } from "../diagnostics.ts";
import type { CheckedContainer, DiagnosticCollector } from "../diagnostics.ts";
import { toKilograms } from "../edifact/values.ts";
import { assignDefined } from "../records.ts";
import { splitNameScripts } from "../text.ts";
import type { MessageFunction, Party, RecordSource, TradeFormat, Vessel } from "../records.ts";
import type { X12Transaction } from "./envelope.ts";
import { el, x12DateTime, xat } from "./segment.ts";
import type { X12Segment } from "./tokenize.ts";

/** Provenance of a record starting at `segment` (defaults to the ST). */
export function x12Source(
  format: TradeFormat,
  transaction: X12Transaction,
  file?: string,
  segment?: X12Segment,
): RecordSource {
  const at = segment ?? transaction.st;
  return assignDefined<RecordSource>(
    { format },
    {
      file,
      messageRef: transaction.control,
      interchangeRef: transaction.interchange?.control,
      sender: transaction.interchange?.sender,
      recipient: transaction.interchange?.receiver,
      segment: at.index,
      line: at.line,
    },
  );
}

/**
 * Read N1 loops (N1, N2, N3, N4) starting at index i; returns parties by entity code
 * (SH shipper, CN consignee, N1/NP notify, CA carrier …), first occurrence wins.
 */
export function readParties(body: readonly X12Segment[]): Map<string, Party> {
  const parties = new Map<string, Party>();
  let current: Party | undefined;
  for (const segment of body) {
    if (segment.tag === "N1") {
      const code = el(segment, 1) ?? "";
      current = assignDefined<Party>(
        { address: [] },
        { ...splitNameScripts([el(segment, 2)]), id: el(segment, 4), idAgency: el(segment, 3) },
      );
      if (!parties.has(code)) {
        parties.set(code, current);
      }
      continue;
    }
    if (!current) {
      continue;
    }
    if (segment.tag === "N2") {
      // Additional name lines; those in Japanese script (an X12 file in UTF-8) are the native name.
      Object.assign(current, splitNameScripts([current.name, current.nativeName, el(segment, 1), el(segment, 2)]));
    } else if (segment.tag === "N3") {
      current.address.push(...[el(segment, 1), el(segment, 2)].filter((v): v is string => v !== undefined));
    } else if (segment.tag === "N4") {
      assignDefined(current, {
        city: el(segment, 1),
        region: el(segment, 2),
        postalCode: el(segment, 3),
        country: el(segment, 4),
      });
    } else if (!["PER", "REF", "N9"].includes(segment.tag)) {
      current = undefined;
    }
  }
  return parties;
}

/** Pick the first party present among the entity codes. */
export function partyOf(parties: ReadonlyMap<string, Party>, codes: readonly string[]): Party | undefined {
  return codes.map((code) => parties.get(code)).find((p) => p !== undefined);
}

/**
 * Join an equipment id printed as initial + number (+ separate check digit), e.g. B4 "GMCU",
 * "609413", check "7" → GMCU6094137, and validate it; the error points at the number element.
 */
export function joinEquipmentId(
  initial: string | undefined,
  number: string | undefined,
  checkDigit: string | undefined,
  at: ReturnType<typeof xat>,
  out: DiagnosticCollector,
): CheckedContainer {
  const serial = (number ?? "").replace(/\s+/g, "");
  const digit = serial.length === 6 && checkDigit ? checkDigit : "";
  return checkContainer(`${initial ?? ""}${serial}${digit}`, at, out);
}

/** Ports from R4 loops (R401 L loading, D discharge, E final destination, R receipt) with their DTM. */
export interface R4Ports {
  loading?: string;
  discharge?: string;
  destination?: string;
  receipt?: string;
  /** DTM following the R4*L (139 estimated / 140 actual departure). */
  departure?: string;
}

/** Read every R4 (+ following DTM) in the body. */
export function readR4Ports(body: readonly X12Segment[], out: DiagnosticCollector): R4Ports {
  const ports: R4Ports = {};
  const roles: Readonly<Record<string, keyof R4Ports>> = {
    L: "loading",
    D: "discharge",
    E: "destination",
    R: "receipt",
  };
  let lastRole: string | undefined;
  for (const segment of body) {
    if (segment.tag === "R4") {
      lastRole = el(segment, 1);
      const key = lastRole ? roles[lastRole] : undefined;
      if (key && ports[key] === undefined) {
        ports[key] = checkLocation(el(segment, 3), `R4 ${lastRole ?? ""} location`, xat(segment, 3), out);
      }
    } else if (segment.tag === "DTM" && lastRole === "L" && ports.departure === undefined) {
      ports.departure = x12DateTime(el(segment, 2), el(segment, 3));
    }
  }
  return ports;
}

/** Vessel from a code, its qualifier (L Lloyd's = IMO) and name. */
export function readVessel(
  code: string | undefined,
  name: string | undefined,
  flag: string | undefined,
  at: ReturnType<typeof xat>,
  out: DiagnosticCollector,
): Vessel {
  return assignDefined<Vessel>({ ...checkImo(code, at, out) }, { name, flag });
}

/** X12 purpose codes (353): 00 original, 01 cancellation, 04 change, 05 replace. */
export function purposeFunction(code: string | undefined): MessageFunction | undefined {
  const map: Readonly<Record<string, MessageFunction>> = {
    "00": "original",
    "01": "cancel",
    "04": "replace",
    "05": "replace",
  };
  return code === undefined ? undefined : map[code];
}

/** Weight in kg from an X12 weight and unit code (K kilograms, L pounds, E metric tons). */
export function x12Kilograms(weight: string | undefined, unit: string | undefined): number | undefined {
  return toKilograms(weight, unit ?? "K");
}
