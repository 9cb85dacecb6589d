import { createHash } from "node:crypto";
import { findBadText, isBadText } from "../text.ts";
import type { Diagnostic, ManifestShipment, MessageFunction, Party, TradeFormat } from "../../trade/index.ts";

const LOCODE = /^[A-Z]{2}[A-Z2-9]{3}$/;

/** A manifest shipment checked and shaped for storage. */
export interface CleanShipment {
  messageKey: string;
  messageRef: string;
  function: MessageFunction;
  billOfLading: string;
  carrierScac: string;
  vesselImo: string | null;
  vesselName: string | null;
  voyageNo: string | null;
  portOfLoading: string;
  portOfDischarge: string;
  finalDestination: string | null;
  etd: string | null;
  shipper: CleanParty;
  consignee: CleanParty;
  notifyName: string | null;
  /** The notify party's name in its own script, present only when given. */
  notifyNameNative?: string;
  goods: {
    lineNo: number;
    hsCode: string;
    description: string;
    packages: number | null;
    packageType: string | null;
    grossWeightKg: number | null;
    containerNo: string | null;
  }[];
  containers: { containerNo: string; sizeType: string; sealNo: string | null; isFull: boolean }[];
  /** sha256 of the stored fields: the same content twice is recognised. */
  contentHash: string;
}

export interface CleanParty {
  name: string;
  address: string | null;
  country: string | null;
  /** The name in the party's own script, present only when the file gave one (so older snapshots and hashes stay as they were). */
  nativeName?: string;
}

/** Why a record was not accepted, pointing at where it came from. */
export interface Rejection {
  location: string;
  /** Set when the record was rejected after validation, at storage. */
  messageKey?: string;
  reasons: { code: string; message: string }[];
}

/** Describes a record's place in its file for people: "cuscar.edi message 7 segment 42". */
export function describeSource(source: ManifestShipment["source"]): string {
  const parts = [source.file ?? "input"];
  if (source.messageRef) {
    parts.push(`message ${source.messageRef}`);
  }
  if (source.segment) {
    parts.push(`segment ${source.segment}`);
  } else if (source.line) {
    parts.push(`line ${source.line}`);
  }
  return parts.join(" ");
}

/** Where a diagnostic points, as one readable string. */
export function describeDiagnostic(d: Diagnostic): string {
  const parts = [d.file ?? "input"];
  if (d.row !== undefined) {
    parts.push(`row ${d.row}`);
  }
  if (d.column) {
    parts.push(`column ${d.column}`);
  }
  if (d.segment !== undefined) {
    parts.push(`segment ${d.segment}${d.segmentTag ? ` (${d.segmentTag})` : ""}`);
  }
  if (d.element !== undefined) {
    parts.push(`element ${d.element}${d.component !== undefined ? `.${d.component}` : ""}`);
  }
  if (d.line !== undefined && d.row === undefined) {
    parts.push(`line ${d.line}`);
  }
  return parts.join(" ");
}

function party(p: Party | undefined): CleanParty | null {
  if (!p?.name?.trim()) {
    return null;
  }
  const address = [...p.address, [p.city, p.region, p.postalCode].filter(Boolean).join(" ")]
    .filter((s) => s && s.trim())
    .join(", ");
  const nativeName = p.nativeName?.trim();
  const clean: CleanParty = { name: p.name.trim(), address: address || null, country: p.country ?? null };
  return nativeName && nativeName !== clean.name ? { ...clean, nativeName } : clean;
}

// Times in manifests rarely state a zone; they are read as UTC. The shipments of a voyage follow
// one another with the same departure, so the last time read is kept.
let lastTime: { raw: string; iso: string | null } = { raw: "", iso: null };
function isoTime(raw: string | undefined): string | null {
  if (!raw) {
    return null;
  }
  if (raw !== lastTime.raw) {
    const date = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(raw) ? raw : `${raw}Z`);
    lastTime = { raw, iso: Number.isNaN(date.getTime()) ? null : date.toISOString() };
  }
  return lastTime.iso;
}

/**
 * Checks one parsed shipment: accepted with its clean form, or rejected with every reason.
 * `fallbackRef` names a record whose message carries no reference (a content hash, say).
 */
export function validateShipment(
  record: ManifestShipment,
  context: { format: TradeFormat; fallbackRef: () => string },
): { ok: true; value: CleanShipment } | { ok: false; rejection: Rejection } {
  const reasons: Rejection["reasons"] = [];
  const bill = record.billOfLading?.trim().toUpperCase();
  if (!bill) {
    reasons.push({ code: "ingest.missing_bill_of_lading", message: "The shipment has no bill of lading number" });
  }
  for (const [field, value] of [
    ["port of loading", record.portOfLoading],
    ["port of discharge", record.portOfDischarge],
  ] as const) {
    if (!value || !LOCODE.test(value)) {
      reasons.push({
        code: "ingest.bad_port",
        message: `The ${field} ${value ? `"${value}" is not a UN/LOCODE` : "is missing"}`,
      });
    }
  }
  if (record.finalDestination && !LOCODE.test(record.finalDestination)) {
    reasons.push({
      code: "ingest.bad_port",
      message: `The final destination "${record.finalDestination}" is not a UN/LOCODE`,
    });
  }
  const shipper = party(record.parties.shipper);
  const consignee = party(record.parties.consignee);
  if (!shipper) {
    reasons.push({ code: "ingest.missing_shipper", message: "The shipper's name is missing" });
  }
  if (!consignee) {
    reasons.push({ code: "ingest.missing_consignee", message: "The consignee's name is missing" });
  }
  if (record.containers.length === 0) {
    reasons.push({ code: "ingest.no_containers", message: "The shipment names no container" });
  }
  for (const c of record.containers) {
    if (!c.isValid) {
      reasons.push({ code: "ingest.bad_container", message: `Container "${c.number}" is not a valid ISO 6346 number` });
    }
  }
  // The reader puts SUB in place of a NUL byte, so a record that held one is caught here.
  const garbled = garbledField(record);
  if (garbled) {
    reasons.push({
      code: "ingest.control_character",
      message: `The ${garbled} holds a control character (a NUL or other byte that is not text)`,
    });
  }
  if (reasons.length > 0 || !bill || !shipper || !consignee || !record.portOfLoading || !record.portOfDischarge) {
    return { ok: false, rejection: { location: describeSource(record.source), reasons } };
  }
  const notify = party(record.parties.notify);
  const stored = {
    function: record.function,
    billOfLading: bill,
    carrierScac: record.carrierScac ?? "",
    vesselImo: record.vessel.imo ?? null,
    vesselName: record.vessel.name ?? null,
    voyageNo: record.voyage ?? null,
    portOfLoading: record.portOfLoading,
    portOfDischarge: record.portOfDischarge,
    finalDestination:
      record.finalDestination && record.finalDestination !== record.portOfDischarge ? record.finalDestination : null,
    etd: isoTime(record.etd),
    shipper,
    consignee,
    notifyName: notify?.name ?? null,
    ...(notify?.nativeName ? { notifyNameNative: notify.nativeName } : {}),
    goods: record.goods.map((g, i) => ({
      lineNo: g.lineNumber ?? i + 1,
      hsCode: g.hsCode ?? "",
      description: g.description?.trim() ?? "",
      packages: g.packages ?? null,
      packageType: g.packageType ?? null,
      grossWeightKg: g.grossWeightKg ?? null,
      containerNo: g.containerNumbers[0] ?? null,
    })),
    containers: record.containers.map((c) => ({
      containerNo: c.number,
      sizeType: c.sizeType ?? "",
      sealNo: c.seals[0] ?? null,
      isFull: c.fullEmpty !== "empty",
    })),
  };
  const text = JSON.stringify(stored);
  const contentHash = createHash("sha256").update(text).digest("hex");
  const messageRef = record.messageRef || record.source.messageRef || context.fallbackRef();
  const messageKey = [
    context.format,
    record.source.sender ?? "",
    record.source.interchangeRef ?? "",
    messageRef,
    bill,
  ].join("|");
  const value: CleanShipment = { ...stored, messageKey, messageRef, contentHash };
  snapshotTexts.set(value, text);
  return { ok: true, value };
}

// The stored fields' JSON, kept from hashing: it is the snapshot a version stores (store.ts, snapshotOf).
const snapshotTexts = new WeakMap<CleanShipment, string>();

/** The JSON of a shipment's stored fields, as its version keeps them. */
export function snapshotText(s: CleanShipment): string {
  return snapshotTexts.get(s) ?? JSON.stringify(stored(s));
}

function stored(s: CleanShipment): Omit<CleanShipment, "messageKey" | "messageRef" | "contentHash"> {
  const { messageKey: _k, messageRef: _r, contentHash: _h, ...rest } = s;
  return rest;
}

// Any character that may start bad text (isBadText): a C0 control other than tab and line ends,
// DEL, or half of a surrogate pair. Almost no string holds one, so the exact test seldom runs.
// eslint-disable-next-line no-control-regex
const MAYBE_BAD = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uD800-\uDFFF]/;

/** True when a string, key or value under `value` is bad text; walked in place, with no copy or JSON of the record. */
function holdsBadText(value: unknown, depth: number): boolean {
  if (typeof value === "string") {
    return MAYBE_BAD.test(value) && isBadText(value);
  }
  if (value === null || typeof value !== "object" || depth > 32) {
    return false;
  }
  if (Array.isArray(value)) {
    return value.some((item) => holdsBadText(item, depth + 1));
  }
  for (const key of Object.keys(value)) {
    if ((MAYBE_BAD.test(key) && isBadText(key)) || holdsBadText((value as Record<string, unknown>)[key], depth + 1)) {
      return true;
    }
  }
  return false;
}

/** The path of a field of the record (its source aside) holding bad text, or null: the record is walked for the path only when it holds some. */
function garbledField(record: ManifestShipment): string | null {
  const fields = Object.keys(record).filter((key) => key !== "source") as (keyof ManifestShipment)[];
  if (!fields.some((key) => holdsBadText(record[key], 1))) {
    return null;
  }
  return findBadText(record, "record", (key) => key === "source");
}
