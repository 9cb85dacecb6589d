/**
 * Second pass of the CUSCAR/IFTMIN mappers: turn scanned drafts into ManifestShipment records,
 * with consignment data taking precedence over message-header data.
 */

import { checkContainer, checkScac } from "../diagnostics.ts";
import { isValidScac, normaliseScac } from "../scac.ts";
import { assignDefined } from "../records.ts";
import type { ContainerRef, ManifestShipment, MessageFunction, Party } from "../records.ts";
import type { ConsignmentScan, Scope } from "./consignment-scan.ts";
import { readLocation } from "./common.ts";
import type { MapContext } from "./context.ts";
import { sourceOf } from "./context.ts";
import { at, val } from "./segment.ts";
import { messageFunction } from "./values.ts";

const BILL_REFS = ["BM", "MB", "BH", "AAM"];
const BILL_DOCS = ["705", "714", "706", "707", "710"];
const ETD_DATES = ["133", "186", "136"];
const SHIPPER_ROLES = ["CZ", "SH", "OS", "SE", "SU"];
const CONSIGNEE_ROLES = ["CN", "UC"];
const NOTIFY_ROLES = ["N1", "NI", "N2"];

/** Build one shipment per consignment (or one from the header when the message has none). */
export function buildShipments(context: MapContext, scan: ConsignmentScan): ManifestShipment[] {
  const fn = readFunction(context, scan);
  const scopes = scan.consignments.length > 0 ? scan.consignments : [scan.header];
  const shipments = scopes.map((scope) => buildShipment(context, scan, scope, fn));
  attachHeaderEquipment(context, scan, shipments);
  return shipments;
}

function readFunction(context: MapContext, scan: ConsignmentScan): MessageFunction {
  const { bgm } = scan;
  if (!bgm) {
    context.out.warning(
      "edifact.missing_bgm",
      "message has no BGM; function assumed original",
      sourcePosition(context),
    );
    return "original";
  }
  const code = val(bgm, 3);
  const fn = messageFunction(code);
  if (!fn) {
    context.out.warning(
      "edifact.unknown_message_function",
      `message function "${code ?? ""}" not recognised; assumed original`,
      at(bgm, 3),
    );
  }
  return fn ?? "original";
}

function sourcePosition(context: MapContext): ReturnType<typeof at> {
  return at(context.message.unh);
}

function buildShipment(
  context: MapContext,
  scan: ConsignmentScan,
  scope: Scope,
  fn: MessageFunction,
): ManifestShipment {
  const { header, transport } = scan;
  const pick = (qualifiers: readonly string[], what: string): string | undefined => {
    const segment = firstPlace(scope, qualifiers) ?? firstPlace(header, qualifiers);
    return segment ? readLocation(segment, what, context.out) : undefined;
  };
  const shipment: ManifestShipment = {
    source: sourceOf(context, scope.segment),
    messageRef: context.message.ref,
    function: fn,
    vessel: { ...(transport?.vessel ?? {}) },
    parties: {},
    goods: scope.goods,
    containers: scope === header ? [] : [...scope.equipment],
  };
  assignDefined(shipment, {
    billOfLading: billOfLading(scope) ?? (scope === header ? undefined : billOfLading(header)),
    bookingNumber: scope.refs.get("BN") ?? header.refs.get("BN"),
    carrierScac: carrier(context, scan),
    voyage: transport?.voyage ?? header.refs.get("VON"),
    portOfLoading: pick(["9", "76", "5"], "port of loading"),
    portOfDischarge: pick(["11", "60"], "port of discharge"),
    finalDestination: pick(["7", "83"], "final destination"),
    placeOfReceipt: pick(["88"], "place of receipt"),
    etd: firstDate(scope) ?? firstDate(header),
  });
  assignDefined(shipment.parties, {
    shipper: party(scope, header, SHIPPER_ROLES),
    consignee: party(scope, header, CONSIGNEE_ROLES),
    notify: party(scope, header, NOTIFY_ROLES),
  });
  if (!shipment.billOfLading) {
    context.out.warning("shipment.no_bill_of_lading", "consignment has no bill of lading number", at(scope.segment));
  }
  return shipment;
}

function billOfLading(scope: Scope): string | undefined {
  const fromRefs = BILL_REFS.map((q) => scope.refs.get(q)).find((v) => v !== undefined);
  const fromDocs = BILL_DOCS.map((q) => scope.documents.get(q)).find((v) => v !== undefined);
  return scope.refs.get("BM") ?? scope.documentNumber ?? fromRefs ?? fromDocs;
}

/** Carrier: NAD+CA id when it is a SCAC, else the TDT carrier, else the NAD+CA id (flagged). */
function carrier(context: MapContext, scan: ConsignmentScan): string | undefined {
  const id = scan.header.parties.get("CA")?.id;
  if (id && isValidScac(id)) {
    return normaliseScac(id);
  }
  if (scan.transport?.carrier) {
    return scan.transport.carrier;
  }
  return id ? checkScac(id, at(scan.header.segment), context.out) : undefined;
}

function firstPlace(scope: Scope, qualifiers: readonly string[]) {
  return qualifiers.map((q) => scope.places.get(q)).find((segment) => segment !== undefined);
}

function firstDate(scope: Scope): string | undefined {
  return ETD_DATES.map((q) => scope.dates.get(q)).find((d) => d !== undefined);
}

function party(scope: Scope, header: Scope, roles: readonly string[]): Party | undefined {
  return (
    roles.map((role) => scope.parties.get(role)).find((p) => p !== undefined) ??
    roles.map((role) => header.parties.get(role)).find((p) => p !== undefined)
  );
}

/**
 * Header-level equipment goes to the shipments whose goods reference it (SGP); with one shipment,
 * or when nothing references it, it goes to every shipment so no container is lost.
 */
function attachHeaderEquipment(context: MapContext, scan: ConsignmentScan, shipments: ManifestShipment[]): void {
  const pool = scan.header.equipment;
  for (const shipment of shipments) {
    const wanted = new Set(shipment.goods.flatMap((g) => g.containerNumbers));
    for (const equipment of pool) {
      const unreferenced = !shipments.some((s) => s.goods.some((g) => g.containerNumbers.includes(equipment.number)));
      if (wanted.has(equipment.number) || shipments.length === 1 || unreferenced) {
        addContainer(shipment, equipment);
      }
    }
    addGoodsOnlyContainers(context, scan, shipment);
  }
}

function addContainer(shipment: ManifestShipment, equipment: ContainerRef): void {
  if (!shipment.containers.some((c) => c.number === equipment.number)) {
    shipment.containers.push({ ...equipment, seals: [...equipment.seals] });
  }
}

/** Containers named only by SGP (no EQD) are still recorded, with their own check. */
function addGoodsOnlyContainers(context: MapContext, scan: ConsignmentScan, shipment: ManifestShipment): void {
  for (const goods of shipment.goods) {
    for (const id of goods.containerNumbers) {
      if (shipment.containers.some((c) => c.number === id)) {
        continue;
      }
      const position = sgpPosition(context, id) ?? at(scan.header.segment);
      const checked = checkContainer(id, position, context.out);
      shipment.containers.push({ number: checked.number, isValid: checked.isValid, equipmentType: "CN", seals: [] });
    }
  }
}

function sgpPosition(context: MapContext, id: string): ReturnType<typeof at> | undefined {
  const segment = context.message.body.find(
    (s) => s.tag === "SGP" && val(s, 1)?.toUpperCase().replace(/\s+/g, "") === id,
  );
  return segment ? at(segment, 1, 1) : undefined;
}
