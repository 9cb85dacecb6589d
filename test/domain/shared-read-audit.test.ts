import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { it } from "node:test";
import { sql } from "kysely";
import { withAgency } from "../../src/db/database.ts";
import { recordAudit, recordSharedRead, recordSharedReadAlone } from "../../src/domain/audit.ts";
import { actorForUser } from "../../src/domain/auth.ts";
import { describeOnEngines } from "../helpers/db.ts";
import { seedTestWorld } from "../helpers/world.ts";

describeOnEngines(
  "a read of shared data is audited in one statement",
  (database) => seedTestWorld(database.db, 20),
  (ctx) => {
    const agencies = async () => {
      const rows = await ctx().database.db.selectFrom("agency").select(["id", "code"]).execute();
      return (code: string) => rows.find((a) => a.code === code)?.id as string;
    };

    it("writes one event per owner, naming only its records, chained in every agency's chain", async () => {
      const db = ctx().database.db;
      const id = await agencies();
      const user = await db
        .selectFrom("app_user")
        .select("id")
        .where("username", "=", "partner.targeter")
        .executeTakeFirstOrThrow();
      const actor = await actorForUser(db, user.id);
      const [hostA, hostB, kr, own] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      const before = await db
        .selectFrom("audit_event")
        .select(sql<string>`coalesce(max(seq), 0)::text`.as("seq"))
        .executeTakeFirstOrThrow();
      const setting = await withAgency(db, actor.agencyId, async (tx) => {
        await recordSharedRead(tx, actor, {
          action: "shipments.listed",
          entityType: "shipment",
          records: [
            { id: hostA, ownerAgencyId: id("USCBP") },
            { id: kr, ownerAgencyId: id("KRCS") },
            { id: own, ownerAgencyId: actor.agencyId },
            { id: hostB, ownerAgencyId: id("USCBP") },
          ],
          payload: { filters: { sort: "etd" } },
        });
        return (await sql<{ value: string }>`select current_setting('synchronous_commit') as value`.execute(tx)).rows[0]
          ?.value;
      });
      // The read's commit does not wait for the disk: nothing else was written in its transaction.
      assert.equal(setting, "off");
      const events = await db
        .selectFrom("audit_event")
        .select(["seq", "agency_ids", "actor_user_id", "actor_agency_id", "action", "entity_type", "payload"])
        .where("seq", ">", before.seq)
        .orderBy("seq")
        .execute();
      assert.deepEqual(
        events.map((e) => ({ agencies: e.agency_ids, payload: e.payload, user: e.actor_user_id, action: e.action })),
        [
          {
            agencies: [id("USCBP"), actor.agencyId],
            payload: { filters: { sort: "etd" }, ids: [hostA, hostB] },
            user: actor.userId,
            action: "shipments.listed",
          },
          {
            agencies: [id("KRCS"), actor.agencyId],
            payload: { filters: { sort: "etd" }, ids: [kr] },
            user: actor.userId,
            action: "shipments.listed",
          },
        ],
      );
      const whole = await sql<{ first_broken_seq: string | null }>`select * from audit_chain_verify()`.execute(db);
      assert.equal(whole.rows[0]?.first_broken_seq, null);
      for (const agency of [id("USCBP"), id("KRCS"), actor.agencyId]) {
        const verdict = await withAgency(db, agency, (tx) =>
          sql<{ first_broken_seq: string | null; events: string }>`select * from audit_agency_chain_verify()`.execute(
            tx,
          ),
        );
        assert.equal(verdict.rows[0]?.first_broken_seq, null, `chain of ${agency}`);
      }
    });

    it("keeps full durability in a transaction that already changed something, and writes nothing for own data", async () => {
      const db = ctx().database.db;
      const id = await agencies();
      const user = await db
        .selectFrom("app_user")
        .select("id")
        .where("username", "=", "partner.targeter")
        .executeTakeFirstOrThrow();
      const actor = await actorForUser(db, user.id);
      const count = async () =>
        Number(
          (
            await db
              .selectFrom("audit_event")
              .select(sql<string>`count(*)`.as("n"))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const start = await count();
      const setting = await withAgency(db, actor.agencyId, async (tx) => {
        await recordAudit(tx, actor, { action: "test.changed", entityType: "test" });
        await recordSharedRead(tx, actor, {
          action: "shipment.viewed",
          entityType: "shipment",
          records: [{ id: randomUUID(), ownerAgencyId: id("USCBP") }],
        });
        return (await sql<{ value: string }>`select current_setting('synchronous_commit') as value`.execute(tx)).rows[0]
          ?.value;
      });
      assert.equal(setting, "on");
      assert.equal(await count(), start + 2);
      await withAgency(db, actor.agencyId, (tx) =>
        recordSharedRead(tx, actor, {
          action: "shipments.listed",
          entityType: "shipment",
          records: [{ id: randomUUID(), ownerAgencyId: actor.agencyId }],
        }),
      );
      assert.equal(await count(), start + 2);
    });

    it("after the read, in one message of its own: same events, text kept byte for byte, nothing left on the connection", async () => {
      const db = ctx().database.db;
      const id = await agencies();
      const user = await db
        .selectFrom("app_user")
        .select("id")
        .where("username", "=", "partner.targeter")
        .executeTakeFirstOrThrow();
      const actor = await actorForUser(db, user.id);
      const [host, kr] = [randomUUID(), randomUUID()];
      const tricky = "O'Brien \\ 'x' \\' ; select 1; -- 株式会社";
      const before = await db
        .selectFrom("audit_event")
        .select(sql<string>`coalesce(max(seq), 0)::text`.as("seq"))
        .executeTakeFirstOrThrow();
      await recordSharedReadAlone(db, actor, {
        action: "shipments.listed",
        entityType: "shipment",
        entityId: tricky,
        records: [
          { id: host, ownerAgencyId: id("USCBP") },
          { id: kr, ownerAgencyId: id("KRCS") },
        ],
        payload: { filters: { q: tricky } },
      });
      const events = await db
        .selectFrom("audit_event")
        .select(["agency_ids", "actor_user_id", "actor_agency_id", "entity_id", "payload"])
        .where("seq", ">", before.seq)
        .orderBy("seq")
        .execute();
      assert.deepEqual(events, [
        {
          agency_ids: [id("USCBP"), actor.agencyId],
          actor_user_id: actor.userId,
          actor_agency_id: actor.agencyId,
          entity_id: tricky,
          payload: { filters: { q: tricky }, ids: [host] },
        },
        {
          agency_ids: [id("KRCS"), actor.agencyId],
          actor_user_id: actor.userId,
          actor_agency_id: actor.agencyId,
          entity_id: tricky,
          payload: { filters: { q: tricky }, ids: [kr] },
        },
      ]);
      const whole = await sql<{ first_broken_seq: string | null }>`select * from audit_chain_verify()`.execute(db);
      assert.equal(whole.rows[0]?.first_broken_seq, null);
      // The agency, the role and the durability setting ended with the message's transaction.
      const left = await sql<{ agency: string | null; role: string; durability: string }>`
        select nullif(current_setting('app.agency_id', true), '') as agency, current_user as role,
          current_setting('synchronous_commit') as durability`.execute(db);
      assert.deepEqual(left.rows[0], { agency: null, role: left.rows[0]?.role, durability: "on" });
      assert.notEqual(left.rows[0]?.role, "reciprocity_app");
      // Nothing is written for one's own records.
      await recordSharedReadAlone(db, actor, {
        action: "shipments.listed",
        entityType: "shipment",
        records: [{ id: randomUUID(), ownerAgencyId: actor.agencyId }],
      });
      const after = await db
        .selectFrom("audit_event")
        .select(sql<string>`count(*)::text`.as("n"))
        .where("seq", ">", before.seq)
        .executeTakeFirstOrThrow();
      assert.equal(after.n, "2");
    });
  },
);
