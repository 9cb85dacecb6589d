/**
 * X12 310 Freight Receipt and Invoice (Ocean) → one ManifestShipment per transaction set.
 * B3 (B303 shipment id, B311 SCAC), B2A purpose, N9 BM/BN, V1 vessel, Y2 type, N1 loops,
 * R4 ports (+DTM), LX loops with N7 equipment, M7 seals, L0 quantities/weight and L5 text/commodity.
 */

import type { DiagnosticCollector } from "../diagnostics.ts";
import { checkScac } from "../diagnostics.ts";
import { toCount } from "../edifact/values.ts";
import { assignDefined } from "../records.ts";
import type { ContainerRef, GoodsLine, ManifestShipment } from "../records.ts";
import { partyOf, purposeFunction, readParties, readR4Ports, readVessel, x12Kilograms, x12Source } from "./common.ts";
import type { X12Transaction } from "./envelope.ts";
import { appendText, commodityHs, newGoods, readN7, splitLoops } from "./goods.ts";
import { el, xat } from "./segment.ts";
import type { X12Segment } from "./tokenize.ts";

/** Map one 310 transaction set; never throws. */
export function map310(transaction: X12Transaction, out: DiagnosticCollector): ManifestShipment {
  const { body } = transaction;
  const find = (tag: string): X12Segment | undefined => body.find((s) => s.tag === tag);
  const b3 = find("B3");
  const v1 = find("V1");
  const refs = new Map(body.filter((s) => s.tag === "N9").map((s) => [el(s, 1) ?? "", el(s, 2) ?? ""]));
  const parties = readParties(body);
  const ports = readR4Ports(body, out);
  const shipment: ManifestShipment = {
    source: x12Source("x12-310", transaction, out.file),
    messageRef: transaction.control,
    function: purposeFunction(el(find("B2A") ?? transaction.st, 1)) ?? "original",
    vessel: v1 ? readVessel(el(v1, 1), el(v1, 2), el(v1, 3), xat(v1, 1), out) : {},
    parties: {},
    goods: [],
    containers: [],
  };
  assignDefined(shipment, {
    billOfLading: refs.get("BM") || (b3 ? el(b3, 3) : undefined),
    bookingNumber: refs.get("BN") || undefined,
    carrierScac: checkScac(b3 ? el(b3, 11) : undefined, b3 ? xat(b3, 11) : {}, out) ?? (v1 ? el(v1, 5) : undefined),
    voyage: v1 ? el(v1, 4) : undefined,
    portOfLoading: ports.loading,
    portOfDischarge: ports.discharge,
    finalDestination: ports.destination,
    placeOfReceipt: ports.receipt,
    etd: ports.departure,
  });
  assignDefined(shipment.parties, {
    shipper: partyOf(parties, ["SH"]),
    consignee: partyOf(parties, ["CN"]),
    notify: partyOf(parties, ["N1", "NP", "N2"]),
  });
  const y2 = find("Y2");
  for (const loop of splitLoops(body, "LX")) {
    readLoop(loop, out, y2 ? el(y2, 4) : undefined, shipment);
  }
  return shipment;
}

function readLoop(
  loop: readonly X12Segment[],
  out: DiagnosticCollector,
  sizeType: string | undefined,
  shipment: ManifestShipment,
): void {
  const containers: ContainerRef[] = [];
  const goods: GoodsLine[] = [];
  for (const segment of loop) {
    if (segment.tag === "N7") {
      containers.push(readN7(segment, out, sizeType));
    } else if (segment.tag === "M7") {
      containers
        .at(-1)
        ?.seals.push(...[1, 2, 3, 4].map((n) => el(segment, n)).filter((s): s is string => s !== undefined));
    } else if (segment.tag === "L0") {
      goods.push(readL0(segment));
    } else if (segment.tag === "L5") {
      addL5(segment, goods, out);
    }
  }
  for (const line of goods) {
    line.containerNumbers.push(...containers.map((c) => c.number).filter((n) => n !== ""));
  }
  shipment.containers.push(...containers);
  shipment.goods.push(...goods);
}

function readL0(segment: X12Segment): GoodsLine {
  return assignDefined(newGoods(toCount(el(segment, 1))), {
    grossWeightKg: el(segment, 5) === "N" ? undefined : x12Kilograms(el(segment, 4), el(segment, 11)),
    packages: toCount(el(segment, 8)),
    packageType: el(segment, 9),
  });
}

function addL5(segment: X12Segment, goods: GoodsLine[], out: DiagnosticCollector): void {
  const number = toCount(el(segment, 1));
  let line = goods.find((g) => g.lineNumber === number) ?? goods.at(-1);
  if (!line) {
    line = newGoods(number);
    goods.push(line);
  }
  const text = segment.elements[1]?.trim();
  if (text) {
    line.description = appendText(line.description, text);
  }
  const hsCode = line.hsCode ?? commodityHs(el(segment, 3), el(segment, 4), xat(segment, 3), out);
  assignDefined(line, { hsCode });
}
