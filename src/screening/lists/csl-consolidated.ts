import { guessEntityType } from "../normalize/name.ts";
import type { EntityType, ListCode, LoadResult, ScreeningEntry } from "../types.ts";
import { addCountry } from "./countries.ts";
import { splitNames } from "./csl-lists.ts";
import { stableId } from "./decode.ts";
import { readTable, type TableRow } from "./tabular.ts";

/** Codes in the parenthesis of the CSL `source` column ("Entity List (EL) - Bureau of Industry and Security"). */
const OWN_CODES: ReadonlySet<string> = new Set(["SDN", "EL", "DPL", "DTC", "ISN", "UVL", "MEU"]);

/** Maps a CSL `source` value to our list code; OFAC's other non-SDN lists fold into CONS. */
export function cslSourceCode(source: string | undefined): ListCode | undefined {
  const code = /\(([A-Z-]+)\)/.exec(source ?? "")?.[1];
  if (!code) {
    return undefined;
  }
  return OWN_CODES.has(code) ? (code as ListCode) : "CONS";
}

function cslType(value: string | undefined, name: string): EntityType {
  const v = value?.toLowerCase();
  if (v === "individual" || v === "entity" || v === "vessel" || v === "aircraft") {
    return v;
  }
  return guessEntityType(name);
}

/** The country is the last comma part of each "street, city, postal, country" address. */
function countriesOf(row: TableRow): string[] {
  const out: string[] = [];
  for (const address of splitNames(row.get("addresses"))) {
    addCountry(out, address.split(",").pop()?.trim());
  }
  for (const column of ["citizenships", "nationalities"]) {
    for (const c of splitNames(row.get(column)).flatMap((x) => x.split(","))) {
      addCountry(out, c.trim());
    }
  }
  return out;
}

function toEntry(row: TableRow): ScreeningEntry | string {
  const name = row.get("name");
  const list = cslSourceCode(row.get("source"));
  if (!name) {
    return "missing name";
  }
  if (!list) {
    return `unknown source ${JSON.stringify(row.get("source") ?? "")}`;
  }
  const own = row.get("entity_number") ?? row.get("_id");
  const entry: ScreeningEntry = {
    list,
    id: own ?? stableId(list, name.toUpperCase()),
    name,
    aliases: splitNames(row.get("alt_names")).filter((a) => a.toUpperCase() !== name.toUpperCase()),
    type: cslType(row.get("type"), name),
    countries: countriesOf(row),
    programs: splitNames(row.get("programs")),
  };
  const imo = /\bIMO\D{0,3}(\d{7})\b/.exec(row.get("ids") ?? "")?.[1];
  if (imo && entry.type === "vessel") {
    entry.imo = imo;
  }
  const remarks = row.get("remarks");
  if (remarks) {
    entry.remarks = remarks;
  }
  return entry;
}

/** Loads trade.gov's consolidated screening list CSV (`consolidated.csv`, header `_id,source,entity_number,…`). */
export function loadConsolidatedCsv(text: string): LoadResult {
  const { rows, bad } = readTable(text);
  const result: LoadResult = { entries: [], bad };
  for (const row of rows) {
    const entry = toEntry(row);
    if (typeof entry === "string") {
      bad.push({ row: row.line, reason: entry });
      continue;
    }
    result.entries.push(entry);
  }
  return result;
}
