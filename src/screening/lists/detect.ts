import type { ListCode, LoadResult } from "../types.ts";
import { loadConsolidatedCsv } from "./csl-consolidated.ts";
import { loadDplTxt, loadEntityListCsv, loadIsnCsv, loadItarDebarredCsv, loadUvlCsv } from "./csl-sources.ts";
import { decodeUtf8, decodeWindows1252 } from "./decode.ts";
import { loadSdnCsv } from "./sdn-csv.ts";
import { loadSdnXml } from "./sdn-xml.ts";

/** A list file format this library can read. */
export type ListFormat =
  "sdn-csv" | "sdn-xml" | "cons-xml" | "csl-consolidated" | "el-csv" | "dpl-txt" | "isn-csv" | "uvl-csv" | "dtc-csv";

/** What a file was detected as: its format and the list code its entries carry (`mixed` for the consolidated CSL). */
export interface DetectedList {
  format: ListFormat;
  list: ListCode | "mixed";
}

interface Rule {
  format: ListFormat;
  list: ListCode | "mixed";
  matches: (head: string, fileName: string) => boolean;
  load: (bytes: Uint8Array) => LoadResult;
}

const headerHas = (head: string, ...columns: string[]): boolean => {
  const first = (head.split(/\r?\n/)[0] ?? "").toLowerCase();
  return columns.every((c) => first.includes(c.toLowerCase()));
};

// Order matters: the most specific header first. XML files are told apart by name (OFAC's consolidated
// non-SDN list has the same schema as sdn.xml).
const RULES: Rule[] = [
  {
    format: "cons-xml",
    list: "CONS",
    matches: (h, f) => h.includes("<sdnList") && /cons/i.test(f),
    load: (b) => loadSdnXml(decodeUtf8(b), "CONS"),
  },
  {
    format: "sdn-xml",
    list: "SDN",
    matches: (h) => h.includes("<sdnList"),
    load: (b) => loadSdnXml(decodeUtf8(b), "SDN"),
  },
  {
    format: "csl-consolidated",
    list: "mixed",
    matches: (h) => headerHas(h, "source", "entity_number", "alt_names"),
    load: (b) => loadConsolidatedCsv(decodeUtf8(b)),
  },
  {
    format: "el-csv",
    list: "EL",
    matches: (h) => headerHas(h, "Alternate Name", "Source List"),
    load: (b) => loadEntityListCsv(decodeUtf8(b)),
  },
  {
    format: "isn-csv",
    list: "ISN",
    matches: (h) => headerHas(h, "Alternative Names"),
    load: (b) => loadIsnCsv(decodeUtf8(b)),
  },
  {
    format: "dpl-txt",
    list: "DPL",
    matches: (h) => headerHas(h, "Name\t", "FR_Citation"),
    load: (b) => loadDplTxt(decodeUtf8(b)),
  },
  {
    format: "dtc-csv",
    list: "DTC",
    matches: (h) => headerHas(h, "Debarred Party"),
    load: (b) => loadItarDebarredCsv(decodeUtf8(b)),
  },
  {
    format: "uvl-csv",
    list: "UVL",
    matches: (h) => headerHas(h, "COUNTRY", "NAME", "ADDRESS"),
    load: (b) => loadUvlCsv(decodeUtf8(b)),
  },
  // OFAC sdn.csv has no header: the first field of every row is the numeric ent_num.
  { format: "sdn-csv", list: "SDN", matches: (h) => /^\uFEFF?\d+,"/.test(h), load: (b) => loadSdnCsv(b) },
];

function headOf(bytes: Uint8Array): string {
  return decodeWindows1252(bytes.subarray(0, 4096));
}

/** Recognises an SDN csv/xml, OFAC consolidated xml or a trade.gov CSL file from its first bytes (and name). */
export function detectListFormat(bytes: Uint8Array, fileName = ""): DetectedList | undefined {
  const head = headOf(bytes);
  const rule = RULES.find((r) => r.matches(head, fileName));
  return rule ? { format: rule.format, list: rule.list } : undefined;
}

/** Loads a list file of a known format (see ListFormat). */
export function loadListAs(format: ListFormat, bytes: Uint8Array): LoadResult {
  const rule = RULES.find((r) => r.format === format);
  if (!rule) {
    throw new Error(`unknown list format ${format}`);
  }
  return rule.load(bytes);
}

/** Detects the format of a list file and loads it; throws when the format is not recognised. */
export function loadListFile(bytes: Uint8Array, fileName = ""): LoadResult & DetectedList {
  const detected = detectListFormat(bytes, fileName);
  if (!detected) {
    throw new Error(`${fileName || "list file"}: not a recognised SDN or CSL list format`);
  }
  return { ...detected, ...loadListAs(detected.format, bytes) };
}
