/**
 * First pass of the CUSCAR/IFTMIN mappers: walk the segments once and collect header-level and
 * per-consignment (CNI) data into drafts, tracking which goods line or equipment is current.
 */

import { checkHsCode } from "../diagnostics.ts";
import type { DiagnosticCollector } from "../diagnostics.ts";
import { assignDefined } from "../records.ts";
import type { ContainerRef, GoodsLine, Party } from "../records.ts";
import { readDate, readEquipment, readParty, readTransport, readWeight } from "./common.ts";
import type { Transport } from "./common.ts";
import type { EdifactSegment } from "./lexer.ts";
import { at, joinText, val } from "./segment.ts";
import { toCount } from "./values.ts";

/** Data gathered for the message header or one consignment. */
export interface Scope {
  segment: EdifactSegment;
  documentNumber?: string;
  refs: Map<string, string>;
  documents: Map<string, string>;
  /** LOC segments by qualifier (first wins). */
  places: Map<string, EdifactSegment>;
  parties: Map<string, Party>;
  /** DTM values by qualifier (ISO). */
  dates: Map<string, string>;
  goods: GoodsLine[];
  equipment: ContainerRef[];
}

/** Everything the scan found in one message. */
export interface ConsignmentScan {
  header: Scope;
  bgm?: EdifactSegment;
  transport?: Transport;
  consignments: Scope[];
}

/** Create an empty scope starting at a segment. */
export function newScope(segment: EdifactSegment): Scope {
  return {
    segment,
    refs: new Map(),
    documents: new Map(),
    places: new Map(),
    parties: new Map(),
    dates: new Map(),
    goods: [],
    equipment: [],
  };
}

/** Walk a message body and collect header and consignment drafts. */
export function scanConsignments(
  unh: EdifactSegment,
  body: readonly EdifactSegment[],
  out: DiagnosticCollector,
): ConsignmentScan {
  const scan: ConsignmentScan = { header: newScope(unh), consignments: [] };
  let scope = scan.header;
  let goods: GoodsLine | undefined;
  let equipment: ContainerRef | undefined;
  for (const segment of body) {
    switch (segment.tag) {
      case "BGM":
        scan.bgm = segment;
        break;
      case "TDT":
        if (
          scope === scan.header &&
          (!scan.transport || (scan.transport.qualifier !== "20" && val(segment, 1) === "20"))
        ) {
          scan.transport = readTransport(segment, out);
        }
        break;
      case "CNI":
        scope = newScope(segment);
        assignDefined(scope, { documentNumber: val(segment, 2) });
        scan.consignments.push(scope);
        goods = undefined;
        equipment = undefined;
        break;
      case "GID":
        goods = readGoods(segment);
        scope.goods.push(goods);
        equipment = undefined;
        break;
      case "EQD":
        equipment = toContainerRef(segment, out);
        scope.equipment.push(equipment);
        goods = undefined;
        break;
      default:
        addDetail(segment, scope, goods, equipment, out);
    }
  }
  return scan;
}

function addDetail(
  segment: EdifactSegment,
  scope: Scope,
  goods: GoodsLine | undefined,
  equipment: ContainerRef | undefined,
  out: DiagnosticCollector,
): void {
  if (goods && addGoodsDetail(segment, goods, out)) {
    return;
  }
  if (equipment && addEquipmentDetail(segment, equipment)) {
    return;
  }
  addScopeDetail(segment, scope, out);
}

function addScopeDetail(segment: EdifactSegment, scope: Scope, out: DiagnosticCollector): void {
  const qualifier = val(segment, 1);
  if (!qualifier) {
    return;
  }
  if (segment.tag === "RFF" && val(segment, 1, 2) && !scope.refs.has(qualifier)) {
    scope.refs.set(qualifier, val(segment, 1, 2) ?? "");
  } else if (segment.tag === "DOC" && val(segment, 2) && !scope.documents.has(qualifier)) {
    scope.documents.set(qualifier, val(segment, 2) ?? "");
  } else if (segment.tag === "LOC" && !scope.places.has(qualifier)) {
    scope.places.set(qualifier, segment);
  } else if (segment.tag === "NAD" && !scope.parties.has(qualifier)) {
    scope.parties.set(qualifier, readParty(segment));
  } else if (segment.tag === "DTM") {
    const { iso } = readDate(segment, out);
    if (iso && !scope.dates.has(qualifier)) {
      scope.dates.set(qualifier, iso);
    }
  }
}

function readGoods(segment: EdifactSegment): GoodsLine {
  return assignDefined<GoodsLine>(
    { containerNumbers: [] },
    {
      lineNumber: toCount(val(segment, 1)),
      packages: toCount(val(segment, 2)),
      packageType: val(segment, 2, 2),
    },
  );
}

/** Apply a goods-item detail segment; false when the segment does not belong to the goods line. */
function addGoodsDetail(segment: EdifactSegment, goods: GoodsLine, out: DiagnosticCollector): boolean {
  switch (segment.tag) {
    case "FTX": {
      const text = val(segment, 1) === "AAA" ? joinText(segment, 4) : undefined;
      if (text) {
        goods.description = goods.description ? `${goods.description} ${text}` : text;
      }
      return true;
    }
    case "PIA":
      assignDefined(goods, { hsCode: goods.hsCode ?? readHsCode(segment, out) });
      return true;
    case "PAC":
      assignDefined(goods, {
        packages: goods.packages ?? toCount(val(segment, 1)),
        packageType: goods.packageType ?? val(segment, 3),
      });
      return true;
    case "PCI":
      assignDefined(goods, { marks: goods.marks ?? joinText(segment, 2) });
      return true;
    case "MEA": {
      const weight = readWeight(segment);
      if (weight?.kind === "gross") {
        goods.grossWeightKg = weight.kg;
      }
      return true;
    }
    case "SGP": {
      const id = val(segment, 1)?.toUpperCase().replace(/\s+/g, "");
      if (id && !goods.containerNumbers.includes(id)) {
        goods.containerNumbers.push(id);
      }
      return true;
    }
    default:
      return ["HAN", "TMP", "RNG", "MOA", "GIN", "DGS", "GDS", "DIM", "QTY"].includes(segment.tag);
  }
}

function readHsCode(segment: EdifactSegment, out: DiagnosticCollector): string | undefined {
  for (let e = 2; e <= 6; e++) {
    const type = val(segment, e, 2)?.toUpperCase();
    if (type === "HS" || type === "HT") {
      return checkHsCode(val(segment, e), at(segment, e, 1), out);
    }
  }
  return undefined;
}

function addEquipmentDetail(segment: EdifactSegment, equipment: ContainerRef): boolean {
  if (segment.tag === "SEL") {
    const seal = val(segment, 1);
    if (seal) {
      equipment.seals.push(seal);
    }
    return true;
  }
  if (segment.tag === "MEA") {
    const weight = readWeight(segment);
    if (weight?.kind === "gross" || weight?.kind === "vgm") {
      equipment.grossWeightKg ??= weight.kg;
    }
    return true;
  }
  return ["EQA", "TMP", "RNG", "DIM", "TPL", "HAN"].includes(segment.tag);
}

function toContainerRef(segment: EdifactSegment, out: DiagnosticCollector): ContainerRef {
  const equipment = readEquipment(segment, out);
  return assignDefined<ContainerRef>(
    { number: equipment.number, isValid: equipment.isValid, equipmentType: equipment.equipmentType, seals: [] },
    { sizeType: equipment.sizeType, fullEmpty: equipment.fullEmpty },
  );
}
