import { sql } from "kysely";
import type { Tx } from "../../db/database.ts";
import type { ContainerEvent, TradeFormat } from "../../trade/index.ts";
import { insertUnnest } from "./bulk.ts";
import type { Held } from "./parts.ts";
import type { StoreContext } from "./store-rows.ts";

function eventTime(time: string | undefined): string | null {
  if (!time) {
    return null;
  }
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(time) ? time : `${time}Z`).toISOString();
}

/** Stores container events once each (a repeat of a known event is skipped); returns how many were new. */
export async function insertEvents(tx: Tx, ctx: StoreContext, events: readonly ContainerEvent[]): Promise<number> {
  if (events.length === 0) {
    return 0;
  }
  const rows = await tx
    .insertInto("container_event")
    .values(
      events.map((e) => ({
        agency_id: ctx.agencyId,
        container_no: e.container,
        event_type: e.eventType,
        event_time: eventTime(e.time),
        place: e.place ?? null,
        vessel_imo: e.vessel.imo ?? null,
        voyage_no: e.voyage ?? null,
        bill_of_lading: e.billOfLading ?? null,
        status_code: e.statusCode ?? null,
        is_planned: e.isPlanned,
        batch_id: ctx.batchId,
        message_ref: e.source.messageRef ?? null,
        recorded_at: ctx.now,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .returning("id")
    .execute();
  return rows.length;
}

/**
 * How many of these events name a container that is on no shipment the agency can see (the
 * transaction's row-level security decides which): they are kept, and counted as unmatched.
 */
export async function countUnmatched(tx: Tx, events: readonly ContainerEvent[]): Promise<number> {
  if (events.length === 0) {
    return 0;
  }
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n
    from unnest(${events.map((e) => e.container)}::text[]) as e(container_no)
    where not exists (select 1 from shipment_container sc where sc.container_no = e.container_no)`.execute(tx);
  return Number(rows[0]?.n ?? 0);
}

/** A text at least this long is kept once when several held records of a write (one chunk) share it. */
const SHARED_TEXT_MIN = 4096;

/**
 * The records of one message all come with that message's whole text. It is kept with the first
 * of them; the others name where it is, so a message of 10,000 bad consignments is stored once,
 * not 10,000 times: once per chunk written (and one resubmission of it carries them all).
 */
function shareMessageText(held: readonly Held[]): Held[] {
  const keptAt = new Map<string, string>();
  return held.map((h) => {
    if (h.raw.length < SHARED_TEXT_MIN) {
      return h;
    }
    const at = keptAt.get(h.raw);
    if (at === undefined) {
      keptAt.set(h.raw, h.rejection.location);
      return h;
    }
    return { ...h, raw: `(this record's message is kept whole with the quarantined record at ${at})` };
  });
}

/** Puts held records in the quarantine; one already waiting there with the same text is not queued twice. */
export async function quarantineHeld(
  tx: Tx,
  ctx: StoreContext,
  format: TradeFormat,
  held: readonly Held[],
): Promise<void> {
  if (held.length === 0) {
    return;
  }
  const waiting = await sql<{ location: string; raw_text: string }>`
    select location, raw_text from quarantine_record
    where agency_id = ${ctx.agencyId} and status = 'open' and location = any(${held.map((h) => h.rejection.location)}::text[])`.execute(
    tx,
  );
  const isWaiting = new Set(waiting.rows.map((w) => JSON.stringify([w.location, w.raw_text])));
  const toQueue = shareMessageText(held.filter((h) => !isWaiting.has(JSON.stringify([h.rejection.location, h.raw]))));
  await insertUnnest(
    tx,
    "quarantine_record",
    [
      ["agency_id", "uuid", () => ctx.agencyId],
      ["batch_id", "uuid", () => ctx.batchId],
      ["format", "text", () => format],
      ["location", "text", (h: Held) => h.rejection.location],
      ["reasons", "jsonb", (h: Held) => JSON.stringify(h.rejection.reasons)],
      ["raw_text", "text", (h: Held) => h.raw],
      ["record", "jsonb", (h: Held) => JSON.stringify(h.record)],
      ["created_at", "timestamptz", () => ctx.now.toISOString()],
    ],
    toQueue,
  );
}
