/**
 * X12 309 Customs Manifest (US AMS ocean) → one ManifestShipment per LX loop (bill of lading).
 * M10 SCAC/vessel/voyage/purpose, P4 US port of unlading (Schedule D) + arrival date; per LX:
 * M11 bill (port of lading, usually Schedule K), N9 refs, N1 loops, M12 in-bond, VID equipment
 * (+ seals) each followed by N10 goods lines. No public 309 sample exists; see test fixtures.
 */

import { checkLocation, checkScac } from "../diagnostics.ts";
import type { DiagnosticCollector } from "../diagnostics.ts";
import { toCount } from "../edifact/values.ts";
import { assignDefined } from "../records.ts";
import type { GoodsLine, ManifestShipment, Vessel } from "../records.ts";
import { partyOf, purposeFunction, readParties, readVessel, x12Kilograms, x12Source } from "./common.ts";
import type { X12Transaction } from "./envelope.ts";
import { commodityHs, newGoods, readVid, splitLoops } from "./goods.ts";
import { el, xat } from "./segment.ts";
import type { X12Segment } from "./tokenize.ts";

interface Header {
  m10?: X12Segment;
  vessel: Vessel;
  portOfDischarge?: string;
}

/** Map one 309 transaction set into its bills; never throws. */
export function map309(transaction: X12Transaction, out: DiagnosticCollector): ManifestShipment[] {
  const m10 = transaction.body.find((s) => s.tag === "M10");
  const p4 = transaction.body.find((s) => s.tag === "P4");
  if (!m10) {
    out.error("x12.309_missing_m10", "309 has no M10 manifest header", xat(transaction.st));
  }
  const header: Header = {
    m10,
    vessel: m10 ? readVessel(el(m10, 4), el(m10, 5), el(m10, 3), xat(m10, 4), out) : {},
    portOfDischarge: p4 ? checkLocation(el(p4, 1), "port of unlading", xat(p4, 1), out) : undefined,
  };
  const loops = splitLoops(transaction.body, "LX");
  if (loops.length === 0) {
    out.dropped("warning", "x12.309_no_bills", "309 has no LX bill loops; no shipment recorded", xat(transaction.st));
  }
  return loops.map((loop) => mapBill(transaction, header, loop, out));
}

function mapBill(
  transaction: X12Transaction,
  header: Header,
  loop: readonly X12Segment[],
  out: DiagnosticCollector,
): ManifestShipment {
  const { m10 } = header;
  const m11 = loop.find((s) => s.tag === "M11");
  const refs = new Map(loop.filter((s) => s.tag === "N9").map((s) => [el(s, 1) ?? "", el(s, 2) ?? ""]));
  const parties = readParties(loop);
  const shipment: ManifestShipment = {
    source: x12Source("x12-309", transaction, out.file, loop[0]),
    messageRef: transaction.control,
    function: purposeFunction(m10 ? el(m10, 13) : undefined) ?? "original",
    vessel: { ...header.vessel },
    parties: {},
    goods: [],
    containers: [],
  };
  if (!m11) {
    out.warning("shipment.no_bill_of_lading", "LX loop has no M11 bill of lading", xat(loop[0] ?? transaction.st));
  }
  assignDefined(shipment, {
    billOfLading: m11 ? el(m11, 1) : undefined,
    bookingNumber: refs.get("BN") || undefined,
    carrierScac:
      checkScac(m11 ? el(m11, 12) : undefined, m11 ? xat(m11, 12) : {}, out) ?? (m10 ? el(m10, 1) : undefined),
    voyage: m10 ? el(m10, 6) : undefined,
    portOfLoading: m11 ? checkLocation(el(m11, 2), "port of lading", xat(m11, 2), out) : undefined,
    portOfDischarge: header.portOfDischarge,
    placeOfReceipt: m11 ? el(m11, 10) : undefined,
  });
  assignDefined(shipment.parties, {
    shipper: partyOf(parties, ["SH"]),
    consignee: partyOf(parties, ["CN"]),
    notify: partyOf(parties, ["N1", "NP"]),
  });
  for (const vidLoop of splitLoops(loop, "VID")) {
    readVidLoop(vidLoop, shipment, out);
  }
  return shipment;
}

function readVidLoop(loop: readonly X12Segment[], shipment: ManifestShipment, out: DiagnosticCollector): void {
  const [vid] = loop;
  if (!vid) {
    return;
  }
  const container = readVid(vid, out);
  shipment.containers.push(container);
  for (const n10 of loop.filter((s) => s.tag === "N10")) {
    const goods: GoodsLine = assignDefined(newGoods(), {
      packages: toCount(el(n10, 1)),
      description: el(n10, 2),
      marks: el(n10, 3),
      hsCode: commodityHs(el(n10, 5), el(n10, 4), xat(n10, 5), out),
      grossWeightKg: x12Kilograms(el(n10, 8), el(n10, 7)),
      packageType: el(n10, 10),
    });
    if (container.number) {
      goods.containerNumbers.push(container.number);
    }
    shipment.goods.push(goods);
  }
}
