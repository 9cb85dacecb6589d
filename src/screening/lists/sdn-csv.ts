import type { EntityType, LoadResult, ScreeningEntry } from "../types.ts";
import { addCountry } from "./countries.ts";
import { parseDelimited } from "./csv.ts";
import { decodeWindows1252 } from "./decode.ts";
import { parseRemarks } from "./remarks.ts";

const COLUMNS = 12;

/** OFAC writes "-0- " (with a trailing space) for an empty field. */
function value(field: string | undefined): string | undefined {
  if (field === undefined) {
    return undefined;
  }
  const trimmed = field.trim();
  if (trimmed === "" || trimmed === "-0-") {
    return undefined;
  }
  return trimmed;
}

function sdnType(field: string | undefined): EntityType | undefined {
  const v = value(field)?.toLowerCase();
  if (v === undefined) {
    return "entity";
  }
  if (v === "individual" || v === "vessel" || v === "aircraft") {
    return v;
  }
  return undefined;
}

/** Loads OFAC's headerless 12-column sdn.csv (Windows-1252 bytes or already-decoded text). */
export function loadSdnCsv(input: Uint8Array | string): LoadResult {
  const text = typeof input === "string" ? input : decodeWindows1252(input);
  const result: LoadResult = { entries: [], bad: [] };
  for (const record of parseDelimited(text)) {
    const f = record.fields;
    if (f.length === 1 && f[0]?.trim() === "") {
      result.bad.push({ row: record.line, reason: "empty line" });
      continue;
    }
    if (f.length !== COLUMNS) {
      result.bad.push({ row: record.line, reason: `expected ${COLUMNS} columns, got ${f.length}` });
      continue;
    }
    const entry = toEntry(f);
    if (typeof entry === "string") {
      result.bad.push({ row: record.line, reason: entry });
      continue;
    }
    result.entries.push(entry);
  }
  return result;
}

function toEntry(f: string[]): ScreeningEntry | string {
  const id = value(f[0]);
  const name = value(f[1]);
  const type = sdnType(f[2]);
  if (!id || !/^\d+$/.test(id)) {
    return `bad ent_num ${JSON.stringify(f[0])}`;
  }
  if (!name) {
    return "missing SDN_Name";
  }
  if (!type) {
    return `unknown SDN_Type ${JSON.stringify(f[2])}`;
  }
  const remarks = value(f[11]);
  const facts = parseRemarks(remarks);
  const countries = [...facts.countries];
  addCountry(countries, value(f[9]));
  const programs = (value(f[3]) ?? "")
    .split(/\]\s*\[|;/)
    .map((p) => p.replace(/[[\]]/g, "").trim())
    .filter((p) => p.length > 0);
  const entry: ScreeningEntry = { list: "SDN", id, name, aliases: facts.aliases, type, countries, programs };
  if (facts.imo && type === "vessel") {
    entry.imo = facts.imo;
  }
  if (remarks) {
    entry.remarks = remarks;
  }
  return entry;
}
