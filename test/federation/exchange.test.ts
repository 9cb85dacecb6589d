import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import { openDatabase, type Database } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import type { Actor } from "../../src/domain/actor.ts";
import { recordAudit } from "../../src/domain/audit.ts";
import { fixedClock, systemClock } from "../../src/domain/clock.ts";
import { deliverOnce } from "../../src/domain/federation/delivery.ts";
import { nodeIdentity } from "../../src/domain/federation/node.ts";
import { enqueueMessage } from "../../src/domain/federation/outbox.ts";
import { federationStatus, retryDeadMessage } from "../../src/domain/federation/status.ts";
import { fed } from "../../src/domain/federation/tables.ts";
import {
  generateNodeKey,
  importPrivateKey,
  importPublicKey,
  signMessage,
  verifyReceipt,
  type SigningKey,
} from "../../src/federation/envelope.ts";
import type { Message } from "../../src/federation/messages.ts";
import { buildApp } from "../../src/server/app.ts";
import { engines } from "../helpers/db.ts";
import { JP, peerNodes, seedAgencies, US } from "./nodes.ts";

const FAST = { batchSize: 50, timeoutMs: 5_000, baseMs: 10, capMs: 50, maxAttempts: 2 };

function actorOf(agencyId: string, code: string, roles: Actor["roles"]): Actor {
  return {
    userId: randomUUID(),
    username: `${code.toLowerCase()}.user`,
    displayName: "Test",
    agencyId,
    agencyCode: code,
    agencyName: code,
    agencyCountry: "XX",
    roles,
    siteId: null,
  };
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

for (const engine of engines()) {
  describe(`federation between two nodes [receiver on ${engine.name}]`, () => {
    let us: Database;
    let jp: Database;
    let dropJp: () => Promise<void>;
    let jpApp: FastifyInstance;
    let jpPublic: string;
    let usKey: SigningKey;
    let agencies: { us: string; jp: string };
    const clock = fixedClock(new Date());

    before(async () => {
      us = await openDatabase({ memory: true });
      const opened = await engine.open();
      jp = opened.database;
      dropJp = () => opened.drop();
      await migrateToLatest(us.db);
      await migrateToLatest(jp.db);
      agencies = await seedAgencies(us.db);
      await seedAgencies(jp.db);
      jpApp = await buildApp({ db: jp.db, clock, webDir: "/nonexistent", logger: false });
      await jpApp.listen({ port: 0, host: "127.0.0.1" });
      const address = jpApp.server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      const keys = await peerNodes(us, jp, { us: "http://127.0.0.1:9", jp: `http://127.0.0.1:${port}` });
      jpPublic = keys.jpKey;
      const identity = await nodeIdentity(us.db);
      assert.ok(identity);
      usKey = identity.key;
    });
    after(async () => {
      await jpApp.close();
      await us.close();
      await dropJp();
    });

    function message(overrides: Partial<Message> = {}): Message {
      // A portal occupancy takes effect on any node (it needs no earlier record), so each one
      // sent here is applied, not kept as a failure.
      const at = clock.now().toISOString();
      return {
        v: 1,
        id: randomUUID(),
        kind: "portal.occupancy",
        sender: US,
        recipient: JP,
        createdAt: at,
        sentAt: at,
        subject: `container:${randomUUID()}`,
        seq: 1,
        body: {
          occupancyId: `OCC-${randomUUID()}`,
          portal: "RPM-USLAX-03",
          locode: "USLAX",
          containerNo: "MSCU1234565",
          startedAt: at,
          endedAt: at,
          grossGamma: [1210, 1250, 1302],
          grossNeutron: [3, 2, 4],
          alarms: [],
          analysis: { verdict: "no_alarm", nuclides: [], note: null },
          n42: null,
        },
        ...overrides,
      };
    }

    async function post(envelopes: string[]) {
      const res = await jpApp.inject({ method: "POST", url: "/api/federation/inbox", payload: { envelopes } });
      assert.equal(res.statusCode, 200, res.body);
      const key = await importPublicKey(jpPublic);
      const receipts = res.json<{ receipts: string[] }>().receipts;
      return Promise.all(
        receipts.map(async (r) => {
          const verified = await verifyReceipt(r, key);
          assert.ok(verified.isValid, "every receipt verifies with the receiver's pinned key");
          return verified.value;
        }),
      );
    }

    async function rejectionsAudited(reason: string): Promise<number> {
      const rows = await jp.db
        .selectFrom("audit_event")
        .select("seq")
        .where("action", "=", "federation.message_rejected")
        .where(sql<boolean>`payload->>'reason' = ${reason}`)
        .execute();
      return rows.length;
    }

    test("a signed message is applied once; a second copy is answered duplicate and changes nothing", async () => {
      const m = message();
      const jws = await signMessage(m, usKey);
      const [first] = await post([jws]);
      const [second] = await post([jws]);
      assert.equal(first?.status, "applied");
      assert.equal(first?.messageId, m.id);
      assert.equal(second?.status, "duplicate");
      const applied = await jp.db
        .selectFrom("audit_event")
        .select("seq")
        .where("action", "=", "federation.message_applied")
        .where("entity_id", "=", m.id)
        .execute();
      assert.equal(applied.length, 1);
      const occupancies = await fed(jp.db)
        .selectFrom("portal_occupancy as o")
        .innerJoin("agency as a", "a.id", "o.reporting_agency_id")
        .select(["o.portal", "a.code"])
        .where("o.occupancy_ref", "=", m.body.occupancyId as string)
        .execute();
      assert.deepEqual(
        occupancies,
        [{ portal: "RPM-USLAX-03", code: US }],
        "the occupancy is in the receiver's portal data once",
      );
    });

    test("tampered, replayed, wrongly addressed, unknown-key and malformed messages are rejected with a reason and audited", async () => {
      const tampered = await signMessage(message(), usKey);
      const [h, p, s] = tampered.split(".") as [string, string, string];
      const changed = JSON.parse(Buffer.from(p, "base64url").toString("utf8")) as Message;
      changed.body = { ...changed.body, portal: "RPM-FORGED" };
      const forged = `${h}.${Buffer.from(JSON.stringify(changed)).toString("base64url")}.${s}`;

      const stale = await signMessage(
        message({ sentAt: new Date(clock.now().getTime() - 3_600_000).toISOString() }),
        usKey,
      );
      const misaddressed = await signMessage(message({ recipient: "KRCS" }), usKey);
      const stranger = await generateNodeKey();
      const unknown = await signMessage(message(), {
        kid: stranger.kid,
        agency: US,
        privateKey: await importPrivateKey(stranger.privatePem),
      });
      const malformed = await signMessage(message({ body: { ...message().body, secretField: "x" } }), usKey);
      const impostor = await signMessage(message({ sender: JP }), usKey);

      const receipts = await post([forged, stale, misaddressed, unknown, malformed, impostor, "not.a.jws"]);
      assert.deepEqual(
        receipts.map((r) => [r.status, r.reason]),
        [
          ["rejected", "bad_signature"],
          ["rejected", "replay_outside_window"],
          ["rejected", "wrong_recipient"],
          ["rejected", "unknown_key"],
          ["rejected", "schema_violation"],
          ["rejected", "sender_mismatch"],
          ["rejected", "unreadable"],
        ],
      );
      for (const reason of [
        "bad_signature",
        "replay_outside_window",
        "wrong_recipient",
        "unknown_key",
        "schema_violation",
        "sender_mismatch",
        "unreadable",
      ]) {
        assert.ok((await rejectionsAudited(reason)) >= 1, `${reason} is in the audit log`);
      }
      const inbox = await fed(jp.db)
        .selectFrom("federation_inbox")
        .select("message_id")
        .where("message_id", "=", changed.id)
        .execute();
      assert.equal(inbox.length, 0, "nothing rejected reaches the inbox");
    });

    test("a captured envelope replayed after the window is refused, though its message was accepted", async () => {
      const jws = await signMessage(message(), usKey);
      assert.equal((await post([jws]))[0]?.status, "applied");
      const before = await rejectionsAudited("replay_outside_window");
      clock.advance(11 * 60_000);
      try {
        assert.equal((await post([jws]))[0]?.reason, "replay_outside_window");
      } finally {
        clock.advance(-11 * 60_000);
      }
      assert.equal(await rejectionsAudited("replay_outside_window"), before + 1);
    });

    test("duplicated and reordered messages are each applied exactly once, in their subject's order", async () => {
      const subjects = [0, 1, 2].map(() => `container:${randomUUID()}`);
      const messages = subjects.flatMap((subject) =>
        Array.from({ length: 15 }, (_, i) => message({ subject, seq: i + 1 })),
      );
      const envelopes = await Promise.all(messages.map((m) => signMessage(m, usKey)));
      const sends = shuffled([...envelopes, ...envelopes, ...envelopes.slice(0, 10)], 7);
      const statuses = new Map<string, string[]>();
      for (let i = 0; i < sends.length;) {
        const size = 1 + (i % 7);
        for (const r of await post(sends.slice(i, i + size))) {
          statuses.set(r.messageId as string, [...(statuses.get(r.messageId as string) ?? []), r.status]);
        }
        i += size;
      }
      assert.ok(
        [...statuses.values()].some((s) => s.includes("queued")),
        "some messages arrived before their predecessors",
      );
      const rows = await fed(jp.db)
        .selectFrom("federation_inbox")
        .select(["subject", "subject_seq", "applied_order", "applied_at"])
        .where("subject", "in", subjects)
        .execute();
      assert.equal(rows.length, 45);
      assert.ok(rows.every((r) => r.applied_at !== null));
      for (const subject of subjects) {
        const order = rows
          .filter((r) => r.subject === subject)
          .sort((a, b) => Number(a.applied_order) - Number(b.applied_order));
        assert.deepEqual(
          order.map((r) => Number(r.subject_seq)),
          Array.from({ length: 15 }, (_, i) => i + 1),
        );
      }
      const applied = await jp.db
        .selectFrom("audit_event")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .where("action", "=", "federation.message_applied")
        .where(
          "entity_id",
          "in",
          messages.map((m) => m.id),
        )
        .executeTakeFirstOrThrow();
      assert.equal(Number(applied.n), 45, "one applied event per message");
    });

    test("a shared change enters the outbox in its own transaction, with only the allowed fields, and is delivered", async () => {
      const usActor = actorOf(agencies.us, US, ["supervisor"]);
      const requestId = randomUUID();
      await us.db.transaction().execute(async (tx) => {
        await recordAudit(tx, usActor, {
          action: "inspection_request.accepted",
          entityType: "inspection_request",
          entityId: requestId,
          otherAgencyIds: [agencies.jp],
          payload: { reference: "REQ-9", from: "requested", to: "accepted", note: "ok", internalScore: 97 },
        });
        await recordAudit(tx, usActor, {
          action: "inspection_request.scheduled",
          entityType: "inspection_request",
          entityId: requestId,
          otherAgencyIds: [agencies.jp],
        });
        await recordAudit(tx, usActor, {
          action: "inspection_request.hold_lifted",
          entityType: "inspection_request",
          entityId: requestId,
          otherAgencyIds: [agencies.jp],
          payload: { from: "accepted", to: "accepted" },
        });
        // Not the partner's business (no partner agency named), and a change the partner made: neither leaves.
        await recordAudit(tx, usActor, {
          action: "inspection_request.dispositioned",
          entityType: "inspection_request",
          entityId: randomUUID(),
        });
        await recordAudit(tx, actorOf(agencies.jp, JP, ["targeter"]), {
          action: "inspection_request.created",
          entityType: "inspection_request",
          entityId: randomUUID(),
          otherAgencyIds: [agencies.us],
        });
      });
      // A change rolled back takes its message with it.
      await assert.rejects(
        us.db.transaction().execute(async (tx) => {
          await recordAudit(tx, usActor, {
            action: "inspection_request.withdrawn",
            entityType: "inspection_request",
            entityId: requestId,
            otherAgencyIds: [agencies.jp],
          });
          throw new Error("rolled back");
        }),
      );
      const queued = await fed(us.db)
        .selectFrom("federation_outbox")
        .select(["kind", "subject_seq", "body", "state"])
        .where("subject", "=", `inspection_request:${requestId}`)
        .orderBy("subject_seq")
        .execute();
      assert.deepEqual(
        queued.map((q) => [q.kind, Number(q.subject_seq)]),
        [
          ["inspection_request.decided", 1],
          ["inspection_request.hold_released", 2],
        ],
      );
      const turn = await deliverOnce(us.db, clock, FAST);
      assert.equal(turn.delivered, 2);
      const received = await fed(jp.db)
        .selectFrom("federation_inbox")
        .select(["kind", "body", "applied_at"])
        .where("subject", "=", `inspection_request:${requestId}`)
        .orderBy("subject_seq")
        .execute();
      assert.equal(received.length, 2);
      const body = received[0]?.body as Record<string, unknown>;
      assert.equal(body.reference, "REQ-9");
      assert.equal(body.note, "ok");
      assert.equal(body.internalScore, undefined, "a field no schema names never leaves the node");
      // The Japan node never made this request, so the steps cannot take effect there: each is
      // delivered, kept by the receiver with its reason, and the reason comes back to the sender.
      assert.ok(received.every((r) => r.applied_at !== null));
      const kept = await fed(jp.db)
        .selectFrom("federation_inbox")
        .select("failure")
        .where("subject", "=", `inspection_request:${requestId}`)
        .execute();
      assert.ok(
        kept.every((k) => k.failure?.startsWith("inspection_request.not_found")),
        JSON.stringify(kept),
      );
      const states = await fed(us.db)
        .selectFrom("federation_outbox")
        .select(["state", "receipt_status", "last_error"])
        .where("subject", "=", `inspection_request:${requestId}`)
        .execute();
      assert.ok(
        states.every(
          (s) => s.state === "delivered" && s.receipt_status === "failed" && s.last_error?.includes("not_found"),
        ),
        JSON.stringify(states),
      );
    });

    test("an unreachable peer gets retries with backoff, then a dead letter the administrator can retry", async () => {
      const jpUrl = (
        await fed(us.db)
          .selectFrom("federation_peer")
          .select("url")
          .where("agency_code", "=", JP)
          .executeTakeFirstOrThrow()
      ).url;
      await fed(us.db)
        .updateTable("federation_peer")
        .set({ url: "http://127.0.0.1:9" })
        .where("agency_code", "=", JP)
        .execute();
      const subject = `portal:${randomUUID()}`;
      const id = await us.db.transaction().execute((tx) =>
        enqueueMessage(tx, {
          peerAgency: JP,
          kind: "portal.occupancy",
          subject,
          body: {
            occupancyId: "OCC-1",
            portal: "RPM-7",
            locode: "JPYOK",
            containerNo: "MSCU1234565",
            startedAt: "2026-11-27T01:00:00Z",
            endedAt: "2026-11-27T01:00:09Z",
            grossGamma: [120, 130, 480, 125],
            grossNeutron: [2, 3, 2, 2],
            alarms: [{ kind: "gamma", at: "2026-11-27T01:00:04Z", sigma: 6.1 }],
            analysis: { verdict: "naturally_occurring", nuclides: ["K-40"], note: null },
            n42: null,
          },
        }),
      );
      const first = await deliverOnce(us.db, clock, FAST);
      assert.equal(first.failed, 1);
      const waiting = await fed(us.db)
        .selectFrom("federation_outbox")
        .select(["state", "attempts", "next_attempt_at", "last_error"])
        .where("message_id", "=", id)
        .executeTakeFirstOrThrow();
      assert.equal(waiting.state, "pending");
      assert.equal(waiting.attempts, 1);
      assert.ok(waiting.next_attempt_at.getTime() > Date.now() - 1000 && waiting.last_error);
      await new Promise((resolve) => setTimeout(resolve, 80));
      await deliverOnce(us.db, clock, FAST);
      const admin = actorOf(agencies.us, US, ["admin"]);
      const status = await federationStatus(us.db, admin);
      const dead = status.deadLetters.find((d) => d.messageId === id);
      assert.ok(dead, "the message is dead after its last attempt");
      assert.equal(status.outbox.dead >= 1, true);
      await assert.rejects(federationStatus(us.db, actorOf(agencies.us, US, ["targeter"])), /administrators/);
      await assert.rejects(federationStatus(us.db, actorOf(agencies.jp, JP, ["admin"])), /not found/i);

      await fed(us.db).updateTable("federation_peer").set({ url: jpUrl }).where("agency_code", "=", JP).execute();
      await retryDeadMessage(us.db, admin, dead.id);
      await deliverOnce(us.db, clock, FAST);
      const done = await fed(us.db)
        .selectFrom("federation_outbox")
        .select("state")
        .where("message_id", "=", id)
        .executeTakeFirstOrThrow();
      assert.equal(done.state, "delivered");
      const retried = await us.db
        .selectFrom("audit_event")
        .select("seq")
        .where("action", "=", "federation.dead_letter_retried")
        .where("entity_id", "=", id)
        .execute();
      assert.equal(retried.length, 1);
    });
  });
}

test("a receiver that is not a federated node answers not found", async () => {
  const database = await openDatabase({ memory: true });
  try {
    await migrateToLatest(database.db);
    const app = await buildApp({ db: database.db, clock: systemClock, webDir: "/nonexistent", logger: false });
    const res = await app.inject({ method: "POST", url: "/api/federation/inbox", payload: { envelopes: ["a.b.c"] } });
    assert.equal(res.statusCode, 404);
    await app.close();
  } finally {
    await database.close();
  }
});
