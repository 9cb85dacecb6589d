/**
 * ManifestShipment[] → UN/EDIFACT CUSCAR D:95B interchange (UNA, UNB UNOC:3, UNH…UNT, UNZ).
 * Consecutive shipments that share function, carrier, vessel and voyage go into one message
 * (BGM + TDT+20 header), one CNI consignment each; places and ETD common to every consignment
 * are stated once in the header. Output reads back through parseMessageText.
 */

import type { ManifestShipment, MessageFunction, Vessel } from "../records.ts";
import { consignmentSegments, etdSegments, locationSegment, PLACE_QUALIFIERS } from "./write-consignment.ts";
import type { PlaceField, SharedHeader } from "./write-consignment.ts";
import { edifactSegment, WRITER_UNA } from "./write-segment.ts";
import type { EdiElement } from "./write-segment.ts";

/** Interchange settings for writeCuscar. */
export interface CuscarWriteOptions {
  /** UNB sender identification. */
  sender: string;
  /** UNB recipient identification. */
  recipient: string;
  /** UNB/UNZ interchange control reference (an..14). */
  interchangeRef: string;
  /** Preparation time for UNB and DTM+137, written in UTC. */
  preparedAt: Date;
  /** Message references are this prefix plus a 4-digit sequence (default "M": M0001, M0002 …). */
  messageRefPrefix?: string;
  /** Most consignments per message (default: no limit). */
  shipmentsPerMessage?: number;
}

const FUNCTION_CODES: Readonly<Record<MessageFunction, string>> = { original: "9", replace: "5", cancel: "1" };

/**
 * Write shipments as a CUSCAR interchange. Line breaks in text become spaces; throws RangeError for
 * text outside ISO 8859-1 (UNOC) and for a shipmentsPerMessage that is not a positive integer.
 * Parties' native-script names are written in UTF-8 under UNOW, and only they may leave ISO 8859-1.
 */
export function writeCuscar(shipments: readonly ManifestShipment[], opts: CuscarWriteOptions): string {
  const limit = opts.shipmentsPerMessage ?? Number.POSITIVE_INFINITY;
  if (!(limit >= 1) || (Number.isFinite(limit) && !Number.isInteger(limit))) {
    throw new RangeError(`shipmentsPerMessage must be a positive integer, got ${limit}`);
  }
  const stamp = opts.preparedAt.toISOString().replace(/\D/g, "");
  const prefix = opts.messageRefPrefix ?? "M";
  const messages = groupMessages(shipments, limit).map((batch, i) =>
    messageSegments(batch, `${prefix}${String(i + 1).padStart(4, "0")}`, stamp),
  );
  const segments = [
    edifactSegment(
      "UNB",
      [syntaxOf(shipments), syntaxOf(shipments) === "UNOW" ? "4" : "3"],
      opts.sender,
      opts.recipient,
      [stamp.slice(2, 8), stamp.slice(8, 12)],
      opts.interchangeRef,
    ),
    ...messages.flat(),
    edifactSegment("UNZ", messages.length, opts.interchangeRef),
  ];
  return `${WRITER_UNA}\n${segments.join("\n")}\n`;
}

/** UNOC (ISO 8859-1) unless a party's native-script name needs UNOW (UTF-8, syntax version 4). */
function syntaxOf(shipments: readonly ManifestShipment[]): "UNOC" | "UNOW" {
  return shipments.some((s) => Object.values(s.parties).some((p) => p?.nativeName)) ? "UNOW" : "UNOC";
}

function headerKey(shipment: ManifestShipment): string {
  const { imo, callSign, otherId, name, flag } = shipment.vessel;
  return JSON.stringify([shipment.function, shipment.carrierScac, shipment.voyage, imo, callSign, otherId, name, flag]);
}

/** Split into messages: consecutive shipments with the same header data, at most `limit` each. */
function groupMessages(shipments: readonly ManifestShipment[], limit: number): ManifestShipment[][] {
  const batches: ManifestShipment[][] = [];
  let key: string | undefined;
  for (const shipment of shipments) {
    const current = batches.at(-1);
    const next = headerKey(shipment);
    if (current && next === key && current.length < limit) {
      current.push(shipment);
    } else {
      batches.push([shipment]);
    }
    key = next;
  }
  return batches;
}

function messageSegments(batch: readonly ManifestShipment[], ref: string, stamp: string): string[] {
  const [first] = batch;
  if (!first) {
    return [];
  }
  const shared = sharedHeader(batch);
  const body = [
    edifactSegment("BGM", "85", ref, FUNCTION_CODES[first.function]),
    edifactSegment("DTM", ["137", stamp.slice(0, 12), "203"]),
    transportSegment(first),
    ...PLACE_QUALIFIERS.filter(([, field]) => shared.places.has(field)).map(([qualifier, field]) =>
      locationSegment(qualifier, first[field] ?? ""),
    ),
    ...(shared.etd ? etdSegments(first.etd) : []),
    ...batch.flatMap((shipment, i) => consignmentSegments(shipment, i + 1, shared)),
  ];
  return [
    edifactSegment("UNH", ref, ["CUSCAR", "D", "95B", "UN"]),
    ...body,
    edifactSegment("UNT", body.length + 2, ref),
  ];
}

/** Places and ETD that every consignment in the message has, with the same value. */
function sharedHeader(batch: readonly ManifestShipment[]): SharedHeader {
  const same = (value: (s: ManifestShipment) => string | undefined): boolean => {
    const first = batch[0] ? value(batch[0]) : undefined;
    return first !== undefined && batch.every((s) => value(s) === first);
  };
  const places = new Set<PlaceField>(
    PLACE_QUALIFIERS.map(([, field]) => field).filter((field) => same((s) => s[field])),
  );
  return { places, etd: same((s) => s.etd) && etdSegments(batch[0]?.etd).length > 0 };
}

/** TDT+20 main carriage: voyage, mode 1 (maritime), carrier SCAC (C040), vessel (C222). */
function transportSegment(shipment: ManifestShipment): string {
  const carrier = shipment.carrierScac ? [shipment.carrierScac, "172", "182"] : undefined;
  return edifactSegment(
    "TDT",
    "20",
    shipment.voyage,
    "1",
    undefined,
    carrier,
    undefined,
    undefined,
    vesselElement(shipment.vessel),
  );
}

/** C222: IMO with code list 146 (agency 11, Lloyd's), else call sign (103), else any other id; then name and flag. */
function vesselElement(vessel: Vessel): EdiElement {
  if (vessel.imo) {
    return [vessel.imo, "146", "11", vessel.name, vessel.flag];
  }
  if (vessel.callSign) {
    return [vessel.callSign, "103", undefined, vessel.name, vessel.flag];
  }
  return [vessel.otherId, undefined, undefined, vessel.name, vessel.flag];
}
