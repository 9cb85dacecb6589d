/**
 * Readers for the segments most EDIFACT transport messages share: TDT, NAD, LOC, DTM, EQD, MEA, RFF.
 */

import { checkContainer, checkImo, checkLocation, checkScac, checkSizeType } from "../diagnostics.ts";
import type { CheckedContainer, DiagnosticCollector } from "../diagnostics.ts";
import { assignDefined } from "../records.ts";
import type { FullEmpty, MovementStatus, Party, Vessel } from "../records.ts";
import { splitNameScripts } from "../text.ts";
import type { EdifactSegment } from "./lexer.ts";
import { at, comps, val } from "./segment.ts";
import { dateFormatMismatch, edifactDate, toKilograms } from "./values.ts";

/** Main transport details from a TDT segment. */
export interface Transport {
  qualifier?: string;
  /** Mode of transport code as sent (e3: 1/10 maritime, 2/20 rail, 3/30 road …). */
  mode?: string;
  /** Name or id of a non-maritime conveyance (truck, train), which is not a vessel. */
  conveyance?: string;
  voyage?: string;
  carrier?: string;
  vessel: Vessel;
}

/**
 * Read TDT: voyage (e2), mode (e3), carrier (e5) and the means of transport (e8, or e7 in SMDG 3
 * examples). Only maritime (or unstated) modes fill `vessel`; trucks and trains go to `conveyance`.
 */
export function readTransport(segment: EdifactSegment, out: DiagnosticCollector): Transport {
  const e = val(segment, 8) !== undefined || val(segment, 8, 4) !== undefined ? 8 : 7;
  const [id, qualifier, third, fourth] = comps(segment, e);
  const name = fourth || (third && /[A-Z]{3,}/i.test(third) && !/^\d+$/.test(third) ? third : undefined);
  const mode = val(segment, 3);
  const transport: Transport = { vessel: {} };
  assignDefined(transport, {
    qualifier: val(segment, 1),
    mode,
    voyage: val(segment, 2),
    carrier: checkScac(val(segment, 5), at(segment, 5, 1), out),
  });
  if (!isMaritimeMode(mode)) {
    assignDefined(transport, { conveyance: name ?? id });
    return transport;
  }
  assignDefined(transport.vessel, { name });
  if (id) {
    Object.assign(transport.vessel, vesselId(id, qualifier, at(segment, e, 1), out));
  }
  return transport;
}

/** Mode of transport codes (EDIFACT 8067 one digit, Rec. 19 two digits): 1x maritime, 8x inland water. */
export function isMaritimeMode(mode: string | undefined): boolean {
  if (!mode) {
    return true;
  }
  const first = mode.replace(/^0+/, "").charAt(0);
  return first === "1" || first === "8";
}

function vesselId(
  id: string,
  qualifier: string | undefined,
  position: ReturnType<typeof at>,
  out: DiagnosticCollector,
): Vessel {
  if (qualifier === "103") {
    return { callSign: id };
  }
  if (qualifier === "146" || qualifier === "11" || qualifier === "IMO" || /^\d{7}$/.test(id)) {
    return checkImo(id, position, out);
  }
  return { otherId: id };
}

/**
 * Read NAD into a party: coded id, name (structured or first unstructured line), street, city,
 * country. Structured name components (C080) in Japanese script, as a UNOW (UTF-8) or UNOY
 * interchange may carry them beside the romanised ones, are the party's native name.
 */
export function readParty(segment: EdifactSegment): Party {
  const unstructured = comps(segment, 3).filter((line) => line !== "");
  const structured = splitNameScripts(comps(segment, 4).slice(0, 5));
  const structuredName = structured.name ?? "";
  const name = structuredName || unstructured[0];
  const address = structuredName ? [...unstructured] : unstructured.slice(1);
  address.push(...comps(segment, 5).filter((line) => line !== ""));
  const party: Party = { address };
  assignDefined(party, {
    name,
    nativeName: structured.nativeName,
    id: val(segment, 2),
    idAgency: val(segment, 2, 3) ?? val(segment, 2, 2),
    city: val(segment, 6),
    region: val(segment, 7),
    postalCode: val(segment, 8),
    country: val(segment, 9)?.toUpperCase(),
  });
  return party;
}

/** Read a LOC place code (element 2) as a UN/LOCODE; non-LOCODE codes kept with a warning. */
export function readLocation(segment: EdifactSegment, what: string, out: DiagnosticCollector): string | undefined {
  return checkLocation(val(segment, 2), what, at(segment, 2, 1), out);
}

/** Read DTM into qualifier and ISO date; warns when the value is not a valid date. */
export function readDate(segment: EdifactSegment, out: DiagnosticCollector): { qualifier?: string; iso?: string } {
  const qualifier = val(segment, 1);
  const raw = val(segment, 1, 2);
  const format = val(segment, 1, 3);
  const iso = edifactDate(raw, format);
  if (raw && iso && dateFormatMismatch(raw, format)) {
    out.warning(
      "edifact.date_format_mismatch",
      `DTM ${qualifier ?? ""} value "${raw}" does not match format ${format ?? ""}`,
      at(segment, 1, 3),
    );
  }
  if (raw && !iso) {
    out.warning("edifact.invalid_date", `DTM ${qualifier ?? ""} value "${raw}" is not a valid date`, at(segment, 1, 2));
  }
  return { qualifier, iso };
}

/** Equipment details from EQD. */
export interface Equipment extends CheckedContainer {
  equipmentType: string;
  sizeType?: string;
  movementCode?: string;
  movement?: MovementStatus;
  fullEmpty?: FullEmpty;
}

const MOVEMENTS: Readonly<Record<string, MovementStatus>> = { "2": "export", "3": "import", "4": "transshipment" };

/** Read EQD; container ids (qualifier CN) are ISO 6346-checked, other equipment is kept with a warning. */
export function readEquipment(segment: EdifactSegment, out: DiagnosticCollector): Equipment {
  const equipmentType = (val(segment, 1) ?? "CN").toUpperCase();
  const id = checkedEquipmentId(segment, equipmentType, out);
  const movementCode = val(segment, 5);
  const equipment: Equipment = { ...id, equipmentType };
  // C224: the code (8155), its list and agency, then a free-text description (8154). The list
  // qualifiers of an empty code (`:102:5`) are not a size/type.
  const sentType = val(segment, 3) ?? val(segment, 3, 4);
  const sizeType =
    equipmentType === "CN" ? checkSizeType(sentType, at(segment, 3), out) : sentType?.trim().toUpperCase() || undefined;
  assignDefined(equipment, {
    sizeType,
    movementCode,
    movement: movementCode ? (MOVEMENTS[movementCode] ?? "other") : undefined,
    fullEmpty: fullEmpty(val(segment, 6)),
  });
  return equipment;
}

function checkedEquipmentId(
  segment: EdifactSegment,
  equipmentType: string,
  out: DiagnosticCollector,
): CheckedContainer {
  const raw = val(segment, 2);
  if (equipmentType === "CN") {
    return checkContainer(raw, at(segment, 2, 1), out);
  }
  out.warning(
    "edifact.equipment_not_container",
    `equipment ${raw ?? "(no id)"} has type ${equipmentType}, not CN; kept without ISO 6346 check`,
    at(segment, 1),
  );
  return { number: (raw ?? "").toUpperCase(), isValid: false };
}

/** Full/empty indicator (EDIFACT 8169): 5 full, 4 empty. */
export function fullEmpty(code: string | undefined): FullEmpty | undefined {
  if (code === "5") {
    return "full";
  }
  return code === "4" ? "empty" : undefined;
}

/** A weight read from MEA. */
export interface Weight {
  kind: "gross" | "vgm" | "tare" | "other";
  kg: number;
}

/** Read MEA as a weight (MEA+AAE+G+KGM:n, MEA+WT++KGM:n, MEA+VGM++KGM:n); undefined for non-mass measures. */
export function readWeight(segment: EdifactSegment): Weight | undefined {
  const unit = val(segment, 3);
  const kg = toKilograms(val(segment, 3, 2), unit);
  if (kg === undefined || !unit) {
    return undefined;
  }
  const purpose = val(segment, 1);
  const property = val(segment, 2);
  if (purpose === "VGM" || property === "VGM") {
    return { kind: "vgm", kg };
  }
  if (property === "T" || property === "AAF") {
    return { kind: "tare", kg };
  }
  if (purpose === "WT" || purpose === "AAI" || property === "G" || property === "AET" || property === "AAB") {
    return { kind: "gross", kg };
  }
  return { kind: "other", kg };
}
