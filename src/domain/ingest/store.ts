import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { Tx } from "../../db/database.ts";
import { writeStaged, type FieldChange, type StagedShipment, type StoreContext } from "./store-rows.ts";
import { snapshotText, type CleanShipment, type Rejection } from "./validate.ts";
import { resolveVoyages, voyageKey } from "./voyages.ts";

/** What happened to the shipments of one batch. */
export interface StoreOutcome {
  inserted: number;
  replaced: number;
  cancelled: number;
  unchanged: number;
  duplicates: number;
  containers: number;
  rejected: Rejection[];
}

/** The stored form of a shipment that versions keep and diffs compare. */
export type Snapshot = Omit<CleanShipment, "messageKey" | "messageRef" | "contentHash">;

/** A shipment without its message identity. */
export function snapshotOf(s: CleanShipment): Snapshot {
  const { messageKey: _k, messageRef: _r, contentHash: _h, ...rest } = s;
  return rest;
}

// jsonb returns object keys in its own order, so values compare in a key-sorted form.
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/** Field-level differences between two snapshots; lists compare as wholes; an optional field dropped counts too. */
export function diffSnapshots(before: Partial<Snapshot>, after: Snapshot): FieldChange[] {
  const fields = [...new Set([...Object.keys(after), ...Object.keys(before)])].filter(
    (f) => f !== "function",
  ) as (keyof Snapshot)[];
  return fields
    .filter((f) => canonical(before[f] ?? null) !== canonical(after[f] ?? null))
    .map((f) => ({ field: f, from: before[f] ?? null, to: after[f] ?? null }));
}

/** Splits records into runs in which no bill of lading repeats, keeping their order. */
function uniqueRuns(items: CleanShipment[]): CleanShipment[][] {
  const runs: CleanShipment[][] = [];
  let current: CleanShipment[] = [];
  let seen = new Set<string>();
  for (const s of items) {
    if (seen.has(s.billOfLading)) {
      runs.push(current);
      current = [];
      seen = new Set();
    }
    current.push(s);
    seen.add(s.billOfLading);
  }
  if (current.length > 0) {
    runs.push(current);
  }
  return runs;
}

/** Stores a chunk of validated shipments through the caller's transaction. */
export async function storeShipments(tx: Tx, ctx: StoreContext, items: CleanShipment[]): Promise<StoreOutcome> {
  const outcome: StoreOutcome = {
    inserted: 0,
    replaced: 0,
    cancelled: 0,
    unchanged: 0,
    duplicates: 0,
    containers: 0,
    rejected: [],
  };
  for (const run of uniqueRuns(items)) {
    await storeRun(tx, ctx, run, outcome);
  }
  return outcome;
}

interface Current {
  id: string;
  version: number;
  snapshot: Partial<Snapshot> | null;
}

interface Known {
  /** Content hash of each message of the run received before. */
  messages: Map<string, string>;
  /** The agency's current shipment of each bill whose message is new, locked for the amendment. */
  current: Map<string, Current>;
}

/**
 * What the database knows of a run, in one round trip: the messages received before, and for the
 * other messages the agency's current shipment of their bill with its latest snapshot, locked.
 * The keys are joined (one probe of a primary key each); `key = any(…)` under a generic plan
 * would test every row of the agency against the whole list instead.
 */
async function lookUpRun(tx: Tx, ctx: StoreContext, run: CleanShipment[]): Promise<Known> {
  const rows = await sql<{
    message_key: string | null;
    content_sha256: string | null;
    id: string | null;
    bill_of_lading: string | null;
    version: number | null;
    snapshot: Partial<Snapshot> | null;
  }>`
    with run as (
      select * from unnest(${run.map((s) => s.messageKey)}::text[], ${run.map((s) => s.billOfLading)}::text[]) r(message_key, bill_of_lading)
    ), known as (
      select m.message_key, m.content_sha256
      from run r join ingest_message m on m.agency_id = ${ctx.agencyId} and m.message_key = r.message_key
    ), current as (
      select s.id, s.bill_of_lading, s.version, v.snapshot
      from run r
      join shipment s on s.owner_agency_id = ${ctx.agencyId} and s.bill_of_lading = r.bill_of_lading
      left join shipment_version v on v.shipment_id = s.id and v.version = s.version
      where r.message_key not in (select message_key from known)
      for update of s
    )
    select message_key, content_sha256, null::uuid as id, null::text as bill_of_lading, null::int as version, null::jsonb as snapshot from known
    union all
    select null, null, id, bill_of_lading, version, snapshot from current`.execute(tx);
  const known: Known = { messages: new Map(), current: new Map() };
  for (const r of rows.rows) {
    if (r.message_key !== null) {
      known.messages.set(r.message_key, r.content_sha256 as string);
    } else {
      known.current.set(r.bill_of_lading as string, {
        id: r.id as string,
        version: r.version as number,
        snapshot: r.snapshot,
      });
    }
  }
  return known;
}

/** Drops messages received before: the same content counts as a duplicate, other content is refused. */
function dropKnownMessages(
  run: CleanShipment[],
  knownHash: Map<string, string>,
  outcome: StoreOutcome,
): CleanShipment[] {
  if (knownHash.size === 0) {
    return run;
  }
  const fresh: CleanShipment[] = [];
  for (const s of run) {
    const hash = knownHash.get(s.messageKey);
    if (hash === undefined) {
      fresh.push(s);
    } else if (hash === s.contentHash) {
      outcome.duplicates++;
    } else {
      outcome.rejected.push({
        location: `message ${s.messageRef} B/L ${s.billOfLading}`,
        messageKey: s.messageKey,
        reasons: [
          {
            code: "ingest.reference_reused",
            message: `Message ${s.messageRef} was received before with different content; send a replacement under a new reference`,
          },
        ],
      });
    }
  }
  return fresh;
}

/** Decides per shipment: new (with an id), amended (next version with its diff), unchanged or refused. */
function planRun(
  fresh: CleanShipment[],
  existing: Map<string, Current>,
  voyageOf: (s: CleanShipment) => string | null,
  outcome: StoreOutcome,
): StagedShipment[] {
  const staged: StagedShipment[] = [];
  for (const s of fresh) {
    const current = existing.get(s.billOfLading);
    if (!current && s.function === "cancel") {
      outcome.rejected.push({
        location: `message ${s.messageRef} B/L ${s.billOfLading}`,
        messageKey: s.messageKey,
        reasons: [
          { code: "ingest.cancel_unknown", message: `Cancellation of B/L ${s.billOfLading}, which was never received` },
        ],
      });
      continue;
    }
    if (!current) {
      staged.push({
        action: "insert",
        id: randomUUID(),
        version: 1,
        s,
        voyageId: voyageOf(s),
        diff: [],
        snapshot: snapshotText(s),
      });
      outcome.inserted++;
      outcome.containers += s.containers.length;
      continue;
    }
    const diff = diffSnapshots(current.snapshot ?? {}, snapshotOf(s));
    if (diff.length === 0 && s.function !== "cancel") {
      // Its message is still recorded, so the same message again counts as a duplicate.
      staged.push({ action: "keep", id: current.id, version: current.version, s, voyageId: null, diff, snapshot: "" });
      outcome.unchanged++;
      continue;
    }
    staged.push({
      action: "update",
      id: current.id,
      version: current.version + 1,
      s,
      voyageId: voyageOf(s),
      diff,
      snapshot: snapshotText(s),
    });
    outcome.containers += s.containers.length;
    if (s.function === "cancel") {
      outcome.cancelled++;
    } else {
      outcome.replaced++;
    }
  }
  return staged;
}

/** Stores one run (no bill twice): looked up in one query, staged with COPY, then written with one call. */
async function storeRun(tx: Tx, ctx: StoreContext, run: CleanShipment[], outcome: StoreOutcome): Promise<void> {
  const known = await lookUpRun(tx, ctx, run);
  const fresh = dropKnownMessages(run, known.messages, outcome);
  if (fresh.length === 0) {
    return;
  }
  const voyages = await resolveVoyages(tx, ctx.agencyId, fresh, ctx.voyages ?? new Map<string, string>());
  const voyageOf = (s: CleanShipment): string | null => voyages.get(voyageKey(s) ?? "") ?? null;
  await writeStaged(tx, ctx, planRun(fresh, known.current, voyageOf, outcome));
}
