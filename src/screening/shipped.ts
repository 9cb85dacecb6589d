import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadListAs, type ListFormat } from "./lists/detect.ts";
import type { BadRow, ListCode, ScreeningEntry } from "./types.ts";

const DATA = new URL("./data/", import.meta.url);

/** Per-file outcome of loading the shipped lists. */
export interface ListReport {
  list: ListCode | "mixed";
  file: string;
  entries: number;
  bad: BadRow[];
}

/** All shipped entries plus a report per file. */
export interface ShippedLists {
  entries: ScreeningEntry[];
  reports: ListReport[];
}

/**
 * One line of data/lists.json, the manifest of shipped list files (`reciprocity screen-lists update` rewrites it).
 * The 2014 SDN XML sample is not in it because the 2024 SDN csv supersedes it (see data/SOURCES.md).
 */
export interface ShippedSource {
  list: ListCode | "mixed";
  file: string;
  format: ListFormat;
}

/** Absolute path of the shipped data folder. */
export function shippedDataDir(): string {
  return fileURLToPath(DATA);
}

/** Absolute path of a file in src/screening/data. */
export function shippedFilePath(file: string): string {
  return fileURLToPath(new URL(file, DATA));
}

/** Reads the manifest of shipped list files from a data folder (default src/screening/data). */
export function readShippedManifest(dataDir = shippedDataDir()): ShippedSource[] {
  return JSON.parse(readFileSync(`${dataDir}/lists.json`, "utf8")) as ShippedSource[];
}

/** Loads every list named in the data folder's lists.json (SDN 2024-05-03 plus the CSL source samples as shipped). */
export function loadShippedLists(dataDir = shippedDataDir()): ShippedLists {
  const result: ShippedLists = { entries: [], reports: [] };
  for (const source of readShippedManifest(dataDir)) {
    const loaded = loadListAs(source.format, readFileSync(`${dataDir}/${source.file}`));
    result.entries.push(...loaded.entries);
    result.reports.push({ list: source.list, file: source.file, entries: loaded.entries.length, bad: loaded.bad });
  }
  return result;
}
