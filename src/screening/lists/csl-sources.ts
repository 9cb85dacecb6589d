import type { LoadResult } from "../types.ts";
import { loadGroupedTable, splitNames } from "./csl-lists.ts";
import { stableId } from "./decode.ts";
import { readTable } from "./tabular.ts";
import { guessEntityType } from "../normalize/name.ts";

/** BIS Entity List (CSL "el.csv" layout: one row per address × alternate name). */
export function loadEntityListCsv(text: string): LoadResult {
  return loadGroupedTable(text, {
    list: "EL",
    name: "Name",
    aliases: (row) => splitNames(row.get("Alternate Name")),
    country: "Country",
    programs: (row) => splitNames(row.get("Programs")),
    remarks: "License Requirement",
  });
}

/** BIS Denied Persons List (tab-separated dpl.txt; Country is ISO alpha-2). */
export function loadDplTxt(text: string): LoadResult {
  return loadGroupedTable(text, {
    list: "DPL",
    delimiter: "\t",
    name: "Name",
    country: "Country",
    remarks: "FR_Citation",
  });
}

/** State Dept ISN nonproliferation sanctions (one row per party × program). */
export function loadIsnCsv(text: string): LoadResult {
  return loadGroupedTable(text, {
    list: "ISN",
    name: "Name",
    aliases: (row) => splitNames(row.get("Alternative Names")),
    country: "Country",
    programs: (row) => splitNames(row.get("Programs")),
    remarks: "Remarks/Notes",
    extraKey: "Country",
  });
}

/** BIS Unverified List (one row per party × address). */
export function loadUvlCsv(text: string): LoadResult {
  return loadGroupedTable(text, { list: "UVL", name: "NAME", country: "COUNTRY", extraKey: "COUNTRY" });
}

/** State Dept ITAR debarred parties; aliases sit inside the name cell as "(a.k.a. X; Y)". */
export function loadItarDebarredCsv(text: string): LoadResult {
  const { rows, bad } = readTable(text);
  const result: LoadResult = { entries: [], bad };
  for (const row of rows) {
    const cell = row.get("Debarred Party Full Name And Alias");
    if (!cell) {
      bad.push({ row: row.line, reason: "missing name" });
      continue;
    }
    const m = /^(.*?)\s*\((?:a\.k\.a\.|aka)\s*(.*)\)\s*$/i.exec(cell);
    const name = (m?.[1] ?? cell).trim();
    const aliases = splitNames(m?.[2]);
    const notice = row.get("Notice");
    result.entries.push({
      list: "DTC",
      id: stableId("DTC", name.toUpperCase()),
      name,
      aliases,
      type: guessEntityType(name),
      countries: [],
      programs: ["ITAR"],
      ...(notice ? { remarks: notice } : {}),
    });
  }
  return result;
}
