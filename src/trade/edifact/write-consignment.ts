/**
 * CUSCAR consignment group for one bill of lading: CNI, RFF BM/BN, LOC, DTM, NAD CZ/CN/N1,
 * goods items (GID, FTX+AAA, PIA, MEA, PCI, SGP) and equipment (EQD+CN, MEA, SEL).
 */

import type { ContainerRef, GoodsLine, ManifestShipment, Party } from "../records.ts";
import { parseLocode } from "../unlocode.ts";
import { edifactDateValue, edifactSegment, UnicodeText, wrapText } from "./write-segment.ts";

/** Shipment place fields with their LOC qualifier (3227). */
export const PLACE_QUALIFIERS = [
  ["9", "portOfLoading"],
  ["11", "portOfDischarge"],
  ["7", "finalDestination"],
  ["88", "placeOfReceipt"],
] as const;

/** A shipment field that LOC carries. */
export type PlaceField = (typeof PLACE_QUALIFIERS)[number][1];

/** What the message header already states for every consignment in it (so it is not repeated). */
export interface SharedHeader {
  places: ReadonlySet<PlaceField>;
  etd: boolean;
}

/** LOC for a place; UN/LOCODEs get code list 139 (port) of agency 6 (UN/ECE), other codes go as sent. */
export function locationSegment(qualifier: string, code: string): string {
  return parseLocode(code).ok
    ? edifactSegment("LOC", qualifier, [code, "139", "6"])
    : edifactSegment("LOC", qualifier, code);
}

/** DTM+133 (estimated departure) for an ISO date; nothing when it is not an ISO date. */
export function etdSegments(etd: string | undefined): string[] {
  const date = edifactDateValue(etd);
  return date ? [edifactSegment("DTM", ["133", date.value, date.format])] : [];
}

/** All segments of one consignment; `sequence` is the CNI consolidation item number. */
export function consignmentSegments(shipment: ManifestShipment, sequence: number, shared: SharedHeader): string[] {
  const { billOfLading, bookingNumber, parties } = shipment;
  const segments = [edifactSegment("CNI", sequence, billOfLading)];
  if (billOfLading) {
    segments.push(edifactSegment("RFF", ["BM", billOfLading]));
  }
  if (bookingNumber) {
    segments.push(edifactSegment("RFF", ["BN", bookingNumber]));
  }
  for (const [qualifier, field] of PLACE_QUALIFIERS) {
    const code = shipment[field];
    if (code && !shared.places.has(field)) {
      segments.push(locationSegment(qualifier, code));
    }
  }
  if (!shared.etd) {
    segments.push(...etdSegments(shipment.etd));
  }
  const roles: Array<[string, Party | undefined]> = [
    ["CZ", parties.shipper],
    ["CN", parties.consignee],
    ["N1", parties.notify],
  ];
  for (const [role, party] of roles) {
    if (party) {
      segments.push(partySegment(role, party));
    }
  }
  segments.push(...shipment.goods.flatMap((goods, i) => goodsSegments(goods, i + 1)));
  segments.push(...shipment.containers.flatMap(equipmentSegments));
  return segments;
}

/**
 * NAD with coded id (C082), structured name (C080), street lines (C059), city, region, postcode,
 * country. A native-script name takes the last name component, after the romanised lines.
 */
function partySegment(role: string, party: Party): string {
  const id = party.id || party.idAgency ? [party.id, undefined, party.idAgency] : undefined;
  const lines = party.name ? wrapText(party.name, 35, party.nativeName ? 4 : 5) : [];
  const name = party.nativeName ? [...lines, new UnicodeText(party.nativeName)] : party.name ? lines : undefined;
  const street = party.address.length > 0 ? party.address : undefined;
  return edifactSegment(
    "NAD",
    role,
    id,
    undefined,
    name,
    street,
    party.city,
    party.region,
    party.postalCode,
    party.country,
  );
}

function goodsSegments(goods: GoodsLine, position: number): string[] {
  const segments = [edifactSegment("GID", goods.lineNumber ?? position, [goods.packages, goods.packageType])];
  if (goods.description) {
    segments.push(edifactSegment("FTX", "AAA", undefined, undefined, wrapText(goods.description, 512, 5)));
  }
  if (goods.hsCode) {
    segments.push(edifactSegment("PIA", "5", [goods.hsCode, "HS"]));
  }
  if (goods.grossWeightKg !== undefined) {
    segments.push(edifactSegment("MEA", "AAE", "G", ["KGM", goods.grossWeightKg]));
  }
  if (goods.marks) {
    segments.push(edifactSegment("PCI", "24", wrapText(goods.marks, 35, 10)));
  }
  segments.push(...goods.containerNumbers.map((number) => edifactSegment("SGP", number)));
  return segments;
}

const FULL_EMPTY_CODES = { full: "5", empty: "4" } as const;

function equipmentSegments(container: ContainerRef): string[] {
  const sizeType = container.sizeType ? [container.sizeType, "102", "5"] : undefined;
  const fullEmpty = container.fullEmpty ? FULL_EMPTY_CODES[container.fullEmpty] : undefined;
  const segments = [
    edifactSegment("EQD", container.equipmentType || "CN", container.number, sizeType, undefined, undefined, fullEmpty),
  ];
  if (container.grossWeightKg !== undefined) {
    segments.push(edifactSegment("MEA", "AAE", "G", ["KGM", container.grossWeightKg]));
  }
  segments.push(...container.seals.map((seal) => edifactSegment("SEL", seal)));
  return segments;
}
