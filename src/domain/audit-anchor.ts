// Anchors of the audit chain's head, kept outside the audit table. The chain proves that no stored
// event was edited, but deleting the newest events leaves a shorter chain that still verifies; an
// anchor written down earlier (a file line, or a head an auditor exported) shows the tail is gone.
import { mkdir, open, readFile } from "node:fs/promises";
import path from "node:path";
import { sql, type Kysely } from "kysely";
import { z } from "zod";
import { withAgency, type DatabaseTarget } from "../db/database.ts";
import type { DB } from "../db/schema.ts";
import { forbidden, notFound } from "../errors.ts";
import { hasRole, type Actor } from "./actor.ts";
import type { ExportedHead, ExportedHeadVerdict } from "../contract/audit-events.ts";

/** The `kind` every anchor line carries, so a stray file is not mistaken for an anchor file. */
export const ANCHOR_KIND = "reciprocity.audit-anchor";

/** The newest event of the whole chain when it was read. */
export interface ChainHead {
  /** Sequence number of the newest event (int8, as a string). */
  seq: string;
  /** Its chained SHA-256, lower-case hex. */
  hash: string;
  /** How many events the log held. */
  count: number;
  /** When the head was read, ISO 8601. */
  at: string;
}

/** One line of the anchor file (JSON Lines). */
const AnchorLine = z.object({
  kind: z.literal(ANCHOR_KIND),
  seq: z.string().regex(/^\d{1,18}$/),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  count: z.number().int().nonnegative(),
  at: z.string(),
});

/** A (seq, hash) pair written down earlier, with where it came from for the report. */
export interface AnchorRef {
  seq: string;
  hash: string;
  /** "anchored at 2026-…Z (audit-anchors.jsonl line 3)", or how else the pair was kept. */
  source: string;
}

/** The first thing that does not add up, in sequence order. */
export interface Discrepancy {
  seq: string;
  kind: "missing" | "changed" | "broken";
  message: string;
}

/** What the log looks like against the anchors. */
export interface AnchorVerdict {
  isIntact: boolean;
  events: number;
  head: { seq: string; hash: string } | null;
  anchorsChecked: number;
  /** How many anchors the log no longer holds as written (all of them, not only the first). */
  anchorsFailed: number;
  /** The first event whose hash or link no longer checks out, anchors aside. */
  firstBrokenSeq: string | null;
  discrepancy: Discrepancy | null;
  /** Lines of the anchor file that are not anchors; skipped. */
  warnings: string[];
}

/**
 * Where anchors go unless told otherwise: `RECIPROCITY_AUDIT_ANCHOR_FILE`, else
 * `<dataDir>/audit-anchors.jsonl` for the embedded database and `./audit-anchors.jsonl` for
 * PostgreSQL; null for an in-memory database, which has nothing to anchor across restarts.
 */
export function anchorFileFor(target: DatabaseTarget, env: NodeJS.ProcessEnv = process.env): string | null {
  const configured = env.RECIPROCITY_AUDIT_ANCHOR_FILE;
  if (configured) {
    return path.resolve(configured);
  }
  if ("dataDir" in target) {
    return path.join(target.dataDir, "audit-anchors.jsonl");
  }
  return "url" in target ? path.resolve("audit-anchors.jsonl") : null;
}

/**
 * Which chain: the whole log (the operator's, over every agency), or the calling agency's own
 * chain (an auditor's: numbered for that agency alone, so it reveals nothing of the others).
 */
export type ChainScope = "whole" | "agency";

const CHAIN_FUNCTIONS: Record<ChainScope, { head: string; verify: string; anchors: string }> = {
  whole: { head: "audit_chain_head", verify: "audit_chain_verify", anchors: "audit_anchors_check" },
  agency: {
    head: "audit_agency_chain_head",
    verify: "audit_agency_chain_verify",
    anchors: "audit_agency_anchors_check",
  },
};

/** Reads the head of a chain; null when it is empty. The agency chain needs an agency transaction. */
export async function readChainHead(db: Kysely<DB>, scope: ChainScope = "whole"): Promise<ChainHead | null> {
  const fn = sql.raw(CHAIN_FUNCTIONS[scope].head);
  const { rows } = await sql<{
    seq: string;
    hash: string;
    events: string;
  }>`select seq, hash, events from ${fn}()`.execute(db);
  const row = rows[0];
  if (!row) {
    return null;
  }
  return { seq: String(row.seq), hash: row.hash, count: Number(row.events), at: new Date().toISOString() };
}

/** Appends the current head to the anchor file and flushes it to disk; null (nothing written) when the log is empty. */
export async function writeAnchor(db: Kysely<DB>, file: string): Promise<ChainHead | null> {
  const head = await readChainHead(db);
  if (!head) {
    return null;
  }
  // Reads of shared data commit without waiting for the disk (recordSharedRead). Before the head
  // is written out, a transaction that takes an id commits synchronously, which flushes the log up
  // to and past the head: an anchor never names an event a crash could still take back.
  await db.transaction().execute((tx) => sql`select pg_current_xact_id()`.execute(tx));
  await appendAnchor(file, head);
  return head;
}

async function appendAnchor(file: string, head: ChainHead): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const line = JSON.stringify({ kind: ANCHOR_KIND, seq: head.seq, hash: head.hash, count: head.count, at: head.at });
  const handle = await open(file, "a+");
  let isNew = false;
  try {
    const { size } = await handle.stat();
    isNew = size === 0;
    // A line torn by a crash must not swallow the next anchor.
    const last = Buffer.alloc(1);
    const isTorn = !isNew && (await handle.read(last, 0, 1, size - 1)).bytesRead === 1 && last[0] !== 0x0a;
    await handle.write(`${isTorn ? "\n" : ""}${line}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  if (isNew) {
    await syncDirectory(path.dirname(file));
  }
}

/** Makes a new file's directory entry durable; platforms that cannot fsync a directory skip it. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Windows cannot open a directory for fsync; the file itself is already synced.
  }
}

/** Parses an anchor file; lines that are not anchors are reported and skipped. Throws if unreadable. */
export async function readAnchorFile(
  file: string,
): Promise<{ anchors: (ChainHead & { line: number })[]; warnings: string[] }> {
  const text = await readFile(file, "utf8");
  const anchors: (ChainHead & { line: number })[] = [];
  const warnings: string[] = [];
  for (const [i, raw] of text.split("\n").entries()) {
    if (raw.trim() === "") {
      continue;
    }
    const parsed = AnchorLine.safeParse(parseJson(raw));
    if (!parsed.success) {
      warnings.push(`${file} line ${i + 1} is not an audit anchor; skipped`);
      continue;
    }
    const { seq, hash, count, at } = parsed.data;
    anchors.push({ seq, hash, count, at, line: i + 1 });
  }
  return { anchors, warnings };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Checks the log against every anchor in the file: each anchored (seq, hash) must still be there
 * with the same hash (so the head is not behind the latest anchor), and the chain must verify.
 */
export async function verifyAgainstAnchors(db: Kysely<DB>, file: string): Promise<AnchorVerdict> {
  const { anchors, warnings } = await readAnchorFile(file);
  const name = path.basename(file);
  const refs = anchors.map((a) => ({
    seq: a.seq,
    hash: a.hash,
    source: `anchored at ${a.at} (${name} line ${a.line})`,
  }));
  return { ...(await verifyAnchors(db, refs)), warnings };
}

/** Checks the chain and the given anchors; the discrepancy reported is the one with the lowest seq. */
export async function verifyAnchors(
  db: Kysely<DB>,
  anchors: AnchorRef[],
  scope: ChainScope = "whole",
): Promise<AnchorVerdict> {
  const functions = CHAIN_FUNCTIONS[scope];
  const head = await readChainHead(db, scope);
  const chain = await sql<{
    first_broken_seq: string | null;
  }>`select first_broken_seq from ${sql.raw(functions.verify)}()`.execute(db);
  const failed = await sql<{ anchor_index: string; problem: "missing" | "changed" }>`
    select anchor_index, problem
    from ${sql.raw(functions.anchors)}(${anchors.map((a) => a.seq)}::bigint[], ${anchors.map((a) => a.hash)}::text[])`.execute(
    db,
  );
  const candidates: Discrepancy[] = [];
  for (const row of failed.rows) {
    const anchor = anchors[Number(row.anchor_index) - 1];
    if (anchor) {
      candidates.push(describeFailedAnchor(anchor, row.problem, head));
    }
  }
  const broken = chain.rows[0]?.first_broken_seq ?? null;
  const firstBrokenSeq = broken === null ? null : String(broken);
  if (firstBrokenSeq !== null) {
    const seq = firstBrokenSeq;
    candidates.push({
      seq,
      kind: "broken",
      message: `event ${seq} no longer matches its hash or its link to the event before: it was edited, or events before it were deleted`,
    });
  }
  // Stable sort: on a tie the anchor's account comes first, as it says when the event was known good.
  const first = candidates.sort((a, b) => compareSeq(a.seq, b.seq))[0] ?? null;
  return {
    isIntact: first === null,
    events: head?.count ?? 0,
    head: head ? { seq: head.seq, hash: head.hash } : null,
    anchorsChecked: anchors.length,
    anchorsFailed: failed.rows.length,
    firstBrokenSeq,
    discrepancy: first,
    warnings: [],
  };
}

function describeFailedAnchor(anchor: AnchorRef, problem: "missing" | "changed", head: ChainHead | null): Discrepancy {
  const what = `event ${anchor.seq} ${anchor.source}`;
  if (problem === "changed") {
    return {
      seq: anchor.seq,
      kind: problem,
      message: `${what} now has a different hash: the log was rewritten at or before that event`,
    };
  }
  if (!head) {
    return { seq: anchor.seq, kind: problem, message: `${what} is missing: the log was truncated (it is now empty)` };
  }
  if (compareSeq(anchor.seq, head.seq) > 0) {
    return {
      seq: anchor.seq,
      kind: problem,
      message: `${what} is missing: the log was truncated (it now ends at event ${head.seq})`,
    };
  }
  return {
    seq: anchor.seq,
    kind: problem,
    message: `${what} is missing: it was deleted from the log (which now ends at event ${head.seq})`,
  };
}

function compareSeq(a: string, b: string): number {
  const d = BigInt(a) - BigInt(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/**
 * Anchors the head now, every `intervalMs`, and once more when the returned stop function is
 * called (await it before closing the database); writes only when the head moved since the
 * file's last anchor. Failures go to `onError` and the next tick tries again.
 *
 * Several server processes may anchor into one file: `exclusive` runs each turn in one process at
 * a time (an advisory lock, src/db/advisory-lock.ts), and every turn reads the file's last anchor
 * again, so a process does not repeat a head that another one wrote.
 */
export function startAnchoring(
  db: Kysely<DB>,
  file: string,
  intervalMs: number,
  onError: (err: unknown) => void = (err) => console.error("audit anchoring failed:", err),
  exclusive: (work: () => Promise<void>) => Promise<unknown> = (work) => work(),
): () => Promise<void> {
  let queue: Promise<void> = Promise.resolve();
  let isStopped = false;
  const anchorIfMoved = async () => {
    const last = await readLastAnchor(file);
    const head = await readChainHead(db);
    if (!head || (last && last.seq === head.seq && last.hash === head.hash)) {
      return;
    }
    await appendAnchor(file, head);
  };
  // One anchoring at a time, in order, so a slow tick cannot interleave lines with the next.
  const tick = () => {
    queue = queue
      .then(() => exclusive(anchorIfMoved))
      .then(() => undefined)
      .catch((err: unknown) => {
        try {
          onError(err);
        } catch {
          // A failing error handler must not stop the anchoring.
        }
      });
    return queue;
  };
  void tick();
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return async () => {
    if (isStopped) {
      return queue;
    }
    isStopped = true;
    clearInterval(timer);
    return tick();
  };
}

/** How much of the file's end is read to find its last anchor (anchor lines are ~180 bytes). */
const TAIL_BYTES = 16 * 1024;

/** The file's last anchor, read from its tail (the whole file only when the tail holds none); null when there is no file. */
async function readLastAnchor(file: string): Promise<{ seq: string; hash: string } | null> {
  let handle;
  try {
    handle = await open(file, "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      return null;
    }
    throw err;
  }
  let isWholeFile: boolean;
  try {
    const { size } = await handle.stat();
    const from = Math.max(0, size - TAIL_BYTES);
    isWholeFile = from === 0;
    const tail = Buffer.alloc(size - from);
    await handle.read(tail, 0, tail.length, from);
    // The first line of a tail that starts mid-file is partial: skip it.
    const lines = tail
      .toString("utf8")
      .split("\n")
      .slice(isWholeFile ? 0 : 1);
    for (const line of lines.reverse()) {
      const parsed = AnchorLine.safeParse(parseJson(line));
      if (parsed.success) {
        return { seq: parsed.data.seq, hash: parsed.data.hash };
      }
    }
  } finally {
    await handle.close();
  }
  return isWholeFile ? null : ((await readAnchorFile(file)).anchors.at(-1) ?? null);
}

/** Reads the head of the agency's own chain for its auditor or administrator to export. */
export async function exportChainHead(db: Kysely<DB>, actor: Actor): Promise<ExportedHead> {
  if (!hasRole(actor, "auditor", "admin")) {
    throw forbidden("Only auditors and administrators export the audit log's head");
  }
  const head = await withAgency(db, actor.agencyId, (tx) => readChainHead(tx, "agency"));
  if (!head) {
    throw notFound("audit_event");
  }
  return { seq: head.seq, hash: head.hash, at: head.at };
}

/** Checks a head an auditor exported earlier against the log as it is now. */
export async function verifyExportedHead(
  db: Kysely<DB>,
  actor: Actor,
  exported: { seq: string; hash: string },
): Promise<ExportedHeadVerdict> {
  if (!hasRole(actor, "auditor", "admin")) {
    throw forbidden("Only auditors and administrators verify the audit log");
  }
  const anchor = { seq: exported.seq, hash: exported.hash.toLowerCase(), source: "(the exported head)" };
  const verdict = await withAgency(db, actor.agencyId, (tx) => verifyAnchors(tx, [anchor], "agency"));
  return {
    isIntact: verdict.isIntact,
    isHeadHeld: verdict.anchorsFailed === 0,
    headSeq: verdict.head?.seq ?? null,
    firstBrokenSeq: verdict.firstBrokenSeq,
    discrepancy: verdict.discrepancy?.message ?? null,
  };
}
