import { XMLParser } from "fast-xml-parser";
import type { EntityType, ListCode, LoadResult, ScreeningEntry } from "../types.ts";
import { addCountry } from "./countries.ts";
import { parseRemarks } from "./remarks.ts";

interface XmlName {
  firstName?: string;
  lastName?: string;
}
interface XmlAka extends XmlName {
  type?: string;
}
interface XmlId {
  idType?: string;
  idNumber?: string;
  idCountry?: string;
}
interface XmlEntry extends XmlName {
  uid?: string;
  sdnType?: string;
  nspType?: string;
  remarks?: string;
  programList?: { program?: string[] };
  akaList?: { aka?: XmlAka[] };
  addressList?: { address?: Array<{ country?: string }> };
  idList?: { id?: XmlId[] };
  nationalityList?: { nationality?: Array<{ country?: string }> };
  citizenshipList?: { citizenship?: Array<{ country?: string }> };
  vesselInfo?: { vesselFlag?: string };
}

const REPEATED = new Set(["sdnEntry", "program", "aka", "address", "id", "nationality", "citizenship"]);

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  removeNSPrefix: true,
  trimValues: true,
  isArray: (tagName) => REPEATED.has(tagName),
});

/** OFAC writes individuals as "LASTNAME, Firstname". */
function fullName(n: XmlName): string | undefined {
  const last = n.lastName?.trim();
  const first = n.firstName?.trim();
  if (last && first) {
    return `${last}, ${first}`;
  }
  return last ?? first;
}

function entityType(raw: string | undefined): EntityType | undefined {
  const v = (raw ?? "").trim().toLowerCase();
  if (v === "individual" || v === "vessel" || v === "aircraft" || v === "entity") {
    return v;
  }
  return undefined;
}

/** Loads OFAC's sdn.xml or the non-SDN consolidated.xml (same sdnList schema) into entries. */
export function loadSdnXml(xml: string, list: ListCode = "SDN"): LoadResult {
  const doc = parser.parse(xml) as { sdnList?: { sdnEntry?: XmlEntry[] } };
  const result: LoadResult = { entries: [], bad: [] };
  (doc.sdnList?.sdnEntry ?? []).forEach((raw, i) => {
    const entry = toEntry(raw, list);
    if (typeof entry === "string") {
      result.bad.push({ row: i + 1, reason: entry });
      return;
    }
    result.entries.push(entry);
  });
  return result;
}

function toEntry(raw: XmlEntry, list: ListCode): ScreeningEntry | string {
  const name = fullName(raw);
  const type = entityType(raw.sdnType ?? raw.nspType);
  if (!raw.uid) {
    return "sdnEntry without uid";
  }
  if (!name) {
    return `sdnEntry ${raw.uid} without name`;
  }
  if (!type) {
    return `sdnEntry ${raw.uid} has unknown type ${JSON.stringify(raw.sdnType ?? raw.nspType ?? "")}`;
  }
  const facts = parseRemarks(raw.remarks);
  const aliases = [...facts.aliases];
  for (const aka of raw.akaList?.aka ?? []) {
    const alias = fullName(aka);
    if (alias && !aliases.includes(alias)) {
      aliases.push(alias);
    }
  }
  const countries = [...facts.countries];
  const places = [
    ...(raw.addressList?.address ?? []),
    ...(raw.nationalityList?.nationality ?? []),
    ...(raw.citizenshipList?.citizenship ?? []),
  ];
  for (const place of places) {
    addCountry(countries, place.country);
  }
  addCountry(countries, raw.vesselInfo?.vesselFlag);
  const entry: ScreeningEntry = {
    list,
    id: raw.uid,
    name,
    aliases,
    type,
    countries,
    programs: raw.programList?.program ?? [],
  };
  const imo = findImo(raw.idList?.id ?? []) ?? facts.imo;
  if (imo && type === "vessel") {
    entry.imo = imo;
  }
  if (raw.remarks) {
    entry.remarks = raw.remarks;
  }
  return entry;
}

function findImo(ids: XmlId[]): string | undefined {
  for (const id of ids) {
    const m = /\bIMO\s*(\d{7})\b/i.exec(id.idNumber ?? "");
    if (m?.[1]) {
      return m[1];
    }
  }
  return undefined;
}
