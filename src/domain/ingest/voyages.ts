import { sql } from "kysely";
import type { Tx } from "../../db/database.ts";
import { insertUnnest } from "./bulk.ts";
import type { CleanShipment } from "./validate.ts";

const HOUR_MS = 60 * 60 * 1000;

/** The voyage a shipment sails on, as a lookup key; null when the manifest names none. */
export function voyageKey(s: CleanShipment): string | null {
  return s.vesselImo && s.voyageNo ? `${s.vesselImo}|${s.voyageNo}|${s.portOfLoading}` : null;
}

/**
 * Ids of the agency's own voyages the shipments sail on, creating vessels and voyages its
 * manifests name for the first time. Another agency's schedule for the same vessel, voyage and
 * port is never used nor changed: each agency keeps its own loading clock. `known` caches ids
 * across the chunks of one file, so a chunk whose voyages were all seen before costs no query.
 */
export async function resolveVoyages(
  tx: Tx,
  agencyId: string,
  items: readonly CleanShipment[],
  known: Map<string, string>,
): Promise<Map<string, string>> {
  const wanted = new Map<string, CleanShipment>();
  for (const s of items) {
    const key = voyageKey(s);
    if (key && !known.has(key)) {
      wanted.set(key, s);
    }
  }
  if (wanted.size === 0) {
    return known;
  }
  const voyages = [...wanted.values()];
  const vessels = new Map(voyages.map((s) => [s.vesselImo as string, s.vesselName ?? `IMO ${s.vesselImo}`]));
  await insertUnnest(
    tx,
    "vessel",
    [
      ["imo", "text", ([imo]: [string, string]) => imo],
      ["name", "text", ([, name]: [string, string]) => name],
    ],
    [...vessels],
    "on conflict (imo) do nothing",
  );
  // Manifests carry the ETD but not the terminal's cut-off; until a schedule says otherwise the
  // cut-off is taken as 24 hours before departure and marked as an estimate.
  await insertUnnest(
    tx,
    "voyage",
    [
      ["agency_id", "uuid", () => agencyId],
      ["vessel_imo", "text", (s: CleanShipment) => s.vesselImo],
      ["voyage_no", "text", (s: CleanShipment) => s.voyageNo],
      ["carrier_scac", "text", (s: CleanShipment) => s.carrierScac],
      ["port_of_loading", "text", (s: CleanShipment) => s.portOfLoading],
      ["etd", "timestamptz", (s: CleanShipment) => s.etd],
      [
        "loading_cutoff",
        "timestamptz",
        (s: CleanShipment) => new Date(new Date(s.etd as string).getTime() - 24 * HOUR_MS).toISOString(),
      ],
      ["is_cutoff_estimated", "boolean", () => true],
    ],
    voyages.filter((s) => s.etd),
    "on conflict (agency_id, vessel_imo, voyage_no, port_of_loading) do nothing",
  );
  // Row-level security also shows partners' voyages of shipments shared with this agency; only its own count.
  const rows = await sql<{ id: string; vessel_imo: string; voyage_no: string; port_of_loading: string }>`
    select id, vessel_imo, voyage_no, port_of_loading from voyage
    where agency_id = ${agencyId} and vessel_imo = any(${[...vessels.keys()]}::text[])`.execute(tx);
  for (const r of rows.rows) {
    known.set(`${r.vessel_imo}|${r.voyage_no}|${r.port_of_loading}`, r.id);
  }
  return known;
}
