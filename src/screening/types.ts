/** Kind of listed party; `unknown` when the source list does not say and no legal form tells us. */
export type EntityType = "individual" | "entity" | "vessel" | "aircraft" | "unknown";

/** Source list codes, following trade.gov CSL source abbreviations (OFAC's non-SDN lists SSI, FSE, PLC, CAP, CMIC, MBS are all CONS). */
export type ListCode = "SDN" | "CONS" | "EL" | "DPL" | "DTC" | "ISN" | "UVL" | "MEU";

/** One listed party, whatever list it came from. */
export interface ScreeningEntry {
  /** Source list code. */
  list: ListCode;
  /** The list's own id (SDN ent_num / XML uid); a stable name hash for lists that have none. */
  id: string;
  /** Primary name as published. */
  name: string;
  /** Alternative names (a.k.a./f.k.a./n.k.a.) as published. */
  aliases: string[];
  type: EntityType;
  /** ISO 3166-1 alpha-2 codes derived from addresses, flags, nationality and remarks. */
  countries: string[];
  programs: string[];
  /** IMO ship number (7 digits) for vessels. */
  imo?: string;
  remarks?: string;
}

/** A source row that could not be turned into an entry, with why. */
export interface BadRow {
  /** 1-based line/record number in the source. */
  row: number;
  reason: string;
}

/** Result of loading one list. */
export interface LoadResult {
  entries: ScreeningEntry[];
  bad: BadRow[];
}
