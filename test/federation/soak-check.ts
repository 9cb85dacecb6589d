import { sql } from "kysely";
import type { Database } from "../../src/db/database.ts";
import { fed } from "../../src/domain/federation/tables.ts";
import type { PlannedContainer } from "./soak-plan.ts";
import { outboxTotals } from "./two-nodes.ts";

// After a soak run, with both nodes stopped: what each node's data says. The message tables show
// that every message arrived once and in its subject's order; the records show that each took
// effect once — a version per amendment, a scan per scan result, each request in the state its
// last message left it, an occupancy per report — and the audit log holds one settling event
// per message id.

/** Messages one node sent the other, checked on both sides. */
export interface FlowCheck {
  /** Rows in the sender's outbox, and per kind. */
  sent: number;
  byKind: Record<string, number>;
  outbox: Awaited<ReturnType<typeof outboxTotals>>;
  /** On the receiver. */
  received: number;
  missing: number;
  applied: number;
  /** Kept with a reason instead of taking effect (none when every message names a record the receiver has). */
  failed: number;
  /** Settling audit events (applied or failed), message ids among them, and ids with more than one. */
  settledEvents: number;
  settledMessageIds: number;
  messageIdsSettledTwice: number;
  /** Subjects whose messages were applied out of their sequence. */
  subjectsOutOfOrder: number;
}

export interface SoakCheck {
  /** US → Japan (the node that is killed receives them). */
  toReceiver: FlowCheck;
  /** Japan → US (requests and Japan's own shipments; the killed node sends them). */
  toSender: FlowCheck;
  /** Containers with a subject applied out of order on the receiver. */
  containersOutOfOrder: number;
  /** The receiver's records against the plans. */
  records: {
    shipments: number;
    amendments: number;
    withdrawn: number;
    partnerRequests: number;
    scans: number;
    hostedRequests: number;
    occupancies: number;
  };
  /** The first differences between the plans and either node's records (none when exactly once). */
  mismatches: string[];
}

async function flow(sender: Database, receiver: Database): Promise<FlowCheck & { bySubject: Map<string, boolean> }> {
  const sent = await fed(sender.db).selectFrom("federation_outbox").select(["message_id", "kind"]).execute();
  const byKind: Record<string, number> = {};
  for (const row of sent) {
    byKind[row.kind] = (byKind[row.kind] ?? 0) + 1;
  }
  const rows = await fed(receiver.db)
    .selectFrom("federation_inbox")
    .select(["message_id", "subject", "subject_seq", "applied_order", "applied_at", "failure"])
    .execute();
  const sentIds = new Set(sent.map((s) => s.message_id));
  const mine = rows.filter((r) => sentIds.has(r.message_id));
  const events = await receiver.db
    .selectFrom("audit_event")
    .select(["entity_id", sql<string>`count(*)`.as("n")])
    .where("action", "in", ["federation.message_applied", "federation.message_failed"])
    .groupBy("entity_id")
    .execute();
  const settled = events.filter((e) => e.entity_id !== null && sentIds.has(e.entity_id));
  const bySubject = new Map<string, { seq: number; order: number }[]>();
  for (const r of mine) {
    if (r.applied_order !== null) {
      bySubject.set(r.subject, [
        ...(bySubject.get(r.subject) ?? []),
        { seq: Number(r.subject_seq), order: Number(r.applied_order) },
      ]);
    }
  }
  const inOrder = new Map<string, boolean>();
  for (const [subject, list] of bySubject) {
    list.sort((a, b) => a.order - b.order);
    inOrder.set(
      subject,
      list.every((item, i) => item.seq === i + 1),
    );
  }
  const got = new Set(mine.map((r) => r.message_id));
  return {
    sent: sent.length,
    byKind,
    outbox: await outboxTotals(sender),
    received: mine.length,
    missing: sent.filter((s) => !got.has(s.message_id)).length,
    applied: mine.filter((r) => r.applied_at !== null).length,
    failed: mine.filter((r) => r.failure !== null).length,
    settledEvents: settled.reduce((sum, e) => sum + Number(e.n), 0),
    settledMessageIds: settled.length,
    messageIdsSettledTwice: settled.filter((e) => Number(e.n) > 1).length,
    subjectsOutOfOrder: [...inOrder.values()].filter((ok) => !ok).length,
    bySubject: inOrder,
  };
}

/** Checks both nodes against the plans; `us` sent to `jp` (the node that was killed). */
export async function checkSoak(us: Database, jp: Database, plans: readonly PlannedContainer[]): Promise<SoakCheck> {
  const toReceiver = await flow(us, jp);
  const toSender = await flow(jp, us);
  const mismatches: string[] = [];
  const differ = (what: string) => {
    if (mismatches.length < 25) {
      mismatches.push(what);
    }
  };
  const agencies = await jp.db.selectFrom("agency").select(["id", "code"]).execute();
  const usAgency = agencies.find((a) => a.code === "USCBP")?.id as string;
  const jpAgency = agencies.find((a) => a.code === "JPCUS")?.id as string;

  // The receiver's copies of the US exports: one each, at the version of its last amendment.
  const copies = await jp.db
    .selectFrom("shipment")
    .select(["id", "bill_of_lading", "version", "consignee_name", "is_cancelled"])
    .where("owner_agency_id", "=", usAgency)
    .execute();
  const received = await jp.db
    .selectFrom("audit_event")
    .select(["entity_id", sql<string>`count(*)`.as("n")])
    .where("action", "=", "shipment.received")
    .groupBy("entity_id")
    .execute();
  const receivedOf = new Map(received.map((r) => [r.entity_id, Number(r.n)]));
  const withdrawals = await jp.db
    .selectFrom("audit_event")
    .select(["entity_id", sql<string>`count(*)`.as("n")])
    .where("action", "=", "shipment.withdrawn_by_peer")
    .groupBy("entity_id")
    .execute();
  const withdrawnOf = new Map(withdrawals.map((r) => [r.entity_id, Number(r.n)]));
  const requests = await jp.db
    .selectFrom("inspection_request as r")
    .select([
      "r.id",
      "r.container_no",
      "r.status",
      "r.disposition",
      "r.hold_active",
      "r.requesting_agency_id",
      sql<string>`(select count(*) from scan s where s.request_id = r.id)`.as("scans"),
    ])
    .execute();
  const occupancies = await fed(jp.db)
    .selectFrom("portal_occupancy")
    .select(["container_no", sql<string>`count(*)`.as("n")])
    .where("reporting_agency_id", "=", usAgency)
    .groupBy("container_no")
    .execute();
  const occupanciesOf = new Map(occupancies.map((o) => [o.container_no, Number(o.n)]));
  const usHosted = await us.db
    .selectFrom("inspection_request as r")
    .innerJoin("agency as a", "a.id", "r.requesting_agency_id")
    .select(["r.container_no"])
    .where("a.code", "=", "JPCUS")
    .execute();
  const records = {
    shipments: copies.length,
    amendments: 0,
    withdrawn: 0,
    partnerRequests: 0,
    scans: 0,
    hostedRequests: 0,
    occupancies: 0,
  };

  for (const plan of plans) {
    const onJp = requests.filter((r) => r.container_no === plan.container);
    if (plan.side === "us") {
      const copy = copies.filter((c) => c.bill_of_lading === plan.bill);
      const last = plan.consignees.at(-1);
      // A cancellation is one more version of the copy.
      const version = plan.consignees.length + (plan.cancelled ? 1 : 0);
      if (copy.length !== 1 || copy[0]?.version !== version || copy[0]?.consignee_name !== last) {
        differ(
          `${plan.bill}: ${copy.length} copies at version ${copy[0]?.version} (${copy[0]?.consignee_name}), planned 1 at version ${version} (${last})`,
        );
      } else if (receivedOf.get(copy[0].id) !== plan.consignees.length) {
        differ(
          `${plan.bill}: ${receivedOf.get(copy[0].id) ?? 0} shipment.received events, planned ${plan.consignees.length}`,
        );
      } else if (
        copy[0].is_cancelled !== plan.cancelled ||
        (withdrawnOf.get(copy[0].id) ?? 0) !== (plan.cancelled ? 1 : 0)
      ) {
        differ(
          `${plan.bill}: cancelled ${copy[0].is_cancelled} with ${withdrawnOf.get(copy[0].id) ?? 0} withdrawals, planned ${plan.cancelled}`,
        );
      }
      records.withdrawn += copy[0]?.is_cancelled ? 1 : 0;
      records.amendments += copy.length === 1 ? (receivedOf.get(copy[0]?.id ?? "") ?? 1) - 1 : 0;
      const request = plan.request;
      if (!request) {
        if (onJp.length > 0) {
          differ(`${plan.container}: ${onJp.length} requests, none planned`);
        }
        continue;
      }
      const status =
        request.decision === "decline" ? "declined" : request.disposition ? "dispositioned" : "results_recorded";
      const hold = request.disposition === "hold" && !request.holdReleased;
      const mine = onJp[0];
      const hostedCount = usHosted.filter((h) => h.container_no === plan.container).length;
      if (onJp.length !== 1 || !mine || mine.requesting_agency_id !== jpAgency) {
        differ(`${plan.container}: ${onJp.length} requests on the Japan node, planned 1 of Japan's`);
      } else if (
        mine.status !== status ||
        mine.disposition !== request.disposition ||
        mine.hold_active !== hold ||
        Number(mine.scans) !== request.scans.length
      ) {
        differ(
          `${plan.container}: ${mine.status}/${mine.disposition}/hold ${mine.hold_active}/${mine.scans} scans, planned ${status}/${request.disposition}/hold ${hold}/${request.scans.length} scans`,
        );
      }
      if (hostedCount !== 1) {
        differ(`${plan.container}: the US node hosts ${hostedCount} copies of Japan's request`);
      }
      records.partnerRequests += onJp.length;
      records.scans += Number(mine?.scans ?? 0);
      continue;
    }
    const occupied = occupanciesOf.get(plan.container) ?? 0;
    records.occupancies += occupied;
    if (occupied !== plan.occupancies) {
      differ(`${plan.container}: ${occupied} portal occupancies, planned ${plan.occupancies}`);
    }
    const planned = plan.request ? 1 : 0;
    const status = plan.request?.withdrawn ? "withdrawn" : "requested";
    records.hostedRequests += onJp.length;
    if (
      onJp.length !== planned ||
      (planned === 1 && (onJp[0]?.status !== status || onJp[0]?.requesting_agency_id !== usAgency))
    ) {
      differ(`${plan.container}: ${onJp.length} hosted requests (${onJp[0]?.status}), planned ${planned} (${status})`);
    }
  }

  // A container's messages travel under its shipment's, its request's and its portal feed's subjects.
  const subjectsOf = await containerSubjects(us, plans);
  let containersOutOfOrder = 0;
  for (const subjects of subjectsOf.values()) {
    if (subjects.some((s) => toReceiver.bySubject.get(s) === false)) {
      containersOutOfOrder += 1;
    }
  }
  const { bySubject: _a, ...toJp } = toReceiver;
  const { bySubject: _b, ...toUs } = toSender;
  return { toReceiver: toJp, toSender: toUs, containersOutOfOrder, records, mismatches };
}

/** The subjects under which the US node sent each container's messages. */
async function containerSubjects(us: Database, plans: readonly PlannedContainer[]): Promise<Map<string, string[]>> {
  const shipments = await us.db.selectFrom("shipment").select(["id", "bill_of_lading"]).execute();
  const requests = await us.db.selectFrom("inspection_request").select(["id", "container_no"]).execute();
  const byContainer = new Map<string, string[]>(plans.map((p) => [p.container, [`container:${p.container}`]]));
  const containerOfBill = new Map(plans.map((p) => [p.bill, p.container]));
  for (const s of shipments) {
    byContainer.get(containerOfBill.get(s.bill_of_lading) ?? "")?.push(`shipment:${s.id}`);
  }
  for (const r of requests) {
    byContainer.get(r.container_no)?.push(`inspection_request:${r.id}`);
  }
  return byContainer;
}
