import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadDplTxt, loadEntityListCsv, loadIsnCsv, loadItarDebarredCsv, loadUvlCsv } from "./lists/csl-sources.ts";
import { decodeUtf8 } from "./lists/decode.ts";
import { loadSdnCsv } from "./lists/sdn-csv.ts";
import { loadSdnXml } from "./lists/sdn-xml.ts";
import type { BadRow, ListCode, LoadResult, ScreeningEntry } from "./types.ts";

const DATA = new URL("./data/", import.meta.url);

/** Per-file outcome of loading the shipped lists. */
export interface ListReport {
  list: ListCode;
  file: string;
  entries: number;
  bad: BadRow[];
}

/** All shipped entries plus a report per file. */
export interface ShippedLists {
  entries: ScreeningEntry[];
  reports: ListReport[];
}

/** Shipped source files; the 2014 SDN XML sample is left out because the 2024 SDN csv supersedes it (see data/SOURCES.md). */
const SOURCES: Array<{ list: ListCode; file: string; load: (bytes: Buffer) => LoadResult }> = [
  { list: "SDN", file: "ofac-sdn-2024-05-03.csv", load: (b) => loadSdnCsv(b) },
  { list: "CONS", file: "csl/treasury_consolidated-consolidated.xml", load: (b) => loadSdnXml(decodeUtf8(b), "CONS") },
  { list: "EL", file: "csl/el-el.csv", load: (b) => loadEntityListCsv(decodeUtf8(b)) },
  { list: "DPL", file: "csl/dpl-dpl.txt", load: (b) => loadDplTxt(decodeUtf8(b)) },
  { list: "DTC", file: "csl/dtc-itar_debarred_parties.csv", load: (b) => loadItarDebarredCsv(decodeUtf8(b)) },
  { list: "ISN", file: "csl/isn-isn.csv", load: (b) => loadIsnCsv(decodeUtf8(b)) },
  { list: "UVL", file: "csl/uvl-uvl.csv", load: (b) => loadUvlCsv(decodeUtf8(b)) },
];

/** Absolute path of a file in src/screening/data. */
export function shippedFilePath(file: string): string {
  return fileURLToPath(new URL(file, DATA));
}

/** Loads every list shipped in src/screening/data (SDN 2024-05-03 plus the CSL source samples). */
export function loadShippedLists(): ShippedLists {
  const result: ShippedLists = { entries: [], reports: [] };
  for (const source of SOURCES) {
    const loaded = source.load(readFileSync(shippedFilePath(source.file)));
    result.entries.push(...loaded.entries);
    result.reports.push({ list: source.list, file: source.file, entries: loaded.entries.length, bad: loaded.bad });
  }
  return result;
}
