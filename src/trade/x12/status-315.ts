/**
 * X12 315 Status Details (Ocean) → one ContainerEvent per transaction set.
 * B4: B403 status, B404/B405 date/time, B407+B408(+B413 check digit) equipment, B409 L/E,
 * B410 size/type, B411/B412 location (UN = UN/LOCODE). N9 BM/BN/EQ/SN, Q2 vessel, R4 ports.
 */

import { checkLocation, checkSizeType } from "../diagnostics.ts";
import type { DiagnosticCollector } from "../diagnostics.ts";
import { assignDefined } from "../records.ts";
import type { ContainerEvent, ContainerEventType, FullEmpty } from "../records.ts";
import { parseLocode } from "../unlocode.ts";
import { joinEquipmentId, readR4Ports, readVessel, x12Source } from "./common.ts";
import type { X12Transaction } from "./envelope.ts";
import { el, x12DateTime, xat } from "./segment.ts";

/** 315 status codes we type (others stay "other" with the code kept) [memory: common carrier usage]. */
const STATUS_TYPES: Readonly<Record<string, ContainerEventType>> = {
  I: "gate-in",
  OA: "gate-out",
  AE: "loaded",
  AL: "loaded",
  UV: "discharged",
  UR: "discharged",
  VD: "departed",
  RD: "departed",
  VA: "arrived",
  AR: "arrived",
};

/** Map one 315 transaction set; undefined (with an error) when it has no B4 or no equipment id. */
export function map315(transaction: X12Transaction, out: DiagnosticCollector): ContainerEvent | undefined {
  const b4 = transaction.body.find((s) => s.tag === "B4");
  if (!b4) {
    out.dropped("error", "x12.315_missing_b4", "315 has no B4 status segment; no event recorded", xat(transaction.st));
    return undefined;
  }
  const refs = references(transaction);
  const container = joinEquipmentId(el(b4, 7), el(b4, 8), el(b4, 13), xat(b4, 8), out);
  if (!container.number && refs.EQ) {
    Object.assign(container, joinEquipmentId(undefined, refs.EQ, undefined, xat(b4, 8), out));
  }
  if (!container.number) {
    out.dropped("error", "x12.315_no_equipment", "315 names no container; no event recorded", xat(b4, 7));
    return undefined;
  }
  const q2 = transaction.body.find((s) => s.tag === "Q2");
  const status = el(b4, 3);
  const ports = readR4Ports(transaction.body, out);
  const event: ContainerEvent = {
    source: x12Source("x12-315", transaction, out.file),
    container: container.number,
    containerValid: container.isValid,
    eventType: status ? (STATUS_TYPES[status] ?? "other") : "other",
    isPlanned: false,
    vessel: q2 ? readVessel(el(q2, 1), el(q2, 13), el(q2, 2), xat(q2, 1), out) : {},
  };
  assignDefined(event, {
    statusCode: status,
    time: x12DateTime(el(b4, 4), el(b4, 5)),
    ...place(el(b4, 11), el(b4, 12), xat(b4, 11), out),
    voyage: q2 ? el(q2, 9) : undefined,
    billOfLading: refs.BM,
    bookingNumber: refs.BN,
    sizeType: checkSizeType(el(b4, 10), xat(b4, 10), out),
    fullEmpty: loadEmpty(el(b4, 9)),
    portOfLoading: ports.loading,
    portOfDischarge: ports.discharge,
    finalDestination: ports.destination,
  });
  return event;
}

function references(transaction: X12Transaction): Record<string, string | undefined> {
  const refs: Record<string, string | undefined> = {};
  for (const segment of transaction.body.filter((s) => s.tag === "N9")) {
    const qualifier = el(segment, 1);
    if (qualifier && refs[qualifier] === undefined) {
      refs[qualifier] = el(segment, 2);
    }
  }
  return refs;
}

function place(
  code: string | undefined,
  qualifier: string | undefined,
  at: ReturnType<typeof xat>,
  out: DiagnosticCollector,
): { place?: string; placeName?: string } {
  if (!code) {
    return {};
  }
  if (qualifier === "UN" || (qualifier === undefined && parseLocode(code).ok)) {
    const locode = checkLocation(code, "status location", at, out);
    return locode && parseLocode(locode).ok ? { place: locode } : { placeName: code };
  }
  return { placeName: code };
}

function loadEmpty(code: string | undefined): FullEmpty | undefined {
  if (code === "L") {
    return "full";
  }
  return code === "E" ? "empty" : undefined;
}
