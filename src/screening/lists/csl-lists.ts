import { guessEntityType } from "../normalize/name.ts";
import type { ListCode, LoadResult, ScreeningEntry } from "../types.ts";
import { addCountry } from "./countries.ts";
import { stableId } from "./decode.ts";
import { pushUnique, readTable, type TableRow } from "./tabular.ts";

interface RowMapping {
  list: ListCode;
  delimiter?: string;
  name: string;
  aliases?: (row: TableRow) => string[];
  country?: string;
  programs?: (row: TableRow) => string[];
  remarks?: string;
  /** Rows describing the same party share a key; they are merged into one entry. */
  extraKey?: string;
}

/** Loads a headed trade.gov CSL source file whose parties may repeat across rows (one row per address/alias). */
export function loadGroupedTable(text: string, m: RowMapping): LoadResult {
  const { rows, bad } = readTable(text, m.delimiter ?? ",");
  const byKey = new Map<string, ScreeningEntry>();
  for (const row of rows) {
    const name = row.get(m.name);
    if (!name) {
      bad.push({ row: row.line, reason: `missing ${m.name}` });
      continue;
    }
    const key = `${name.toUpperCase()}|${m.extraKey ? (row.get(m.extraKey) ?? "") : ""}`;
    let entry = byKey.get(key);
    if (!entry) {
      entry = {
        list: m.list,
        id: stableId(m.list, key),
        name,
        aliases: [],
        type: guessEntityType(name),
        countries: [],
        programs: [],
      };
      byKey.set(key, entry);
    }
    mergeRow(entry, row, m);
  }
  return { entries: [...byKey.values()], bad };
}

function mergeRow(entry: ScreeningEntry, row: TableRow, m: RowMapping): void {
  for (const alias of m.aliases?.(row) ?? []) {
    if (alias.toUpperCase() !== entry.name.toUpperCase()) {
      pushUnique(entry.aliases, alias);
    }
  }
  if (m.country) {
    addCountry(entry.countries, row.get(m.country));
  }
  for (const program of m.programs?.(row) ?? []) {
    pushUnique(entry.programs, program);
  }
  const remarks = m.remarks ? row.get(m.remarks) : undefined;
  if (remarks && !entry.remarks) {
    entry.remarks = remarks;
  }
}

/** Splits "a; b" alias cells. */
export function splitNames(cell: string | undefined): string[] {
  return (cell ?? "")
    .split(";")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
