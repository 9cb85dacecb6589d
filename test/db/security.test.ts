import assert from "node:assert/strict";
import { it } from "node:test";
import { sql } from "kysely";
import { withAgency } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import { describeOnEngines } from "../helpers/db.ts";
import { seedTestWorld } from "../helpers/world.ts";

const count = (rows: { n: string | number }[]) => Number(rows[0]?.n);

describeOnEngines(
  "database defences",
  (database) => seedTestWorld(database.db, 150),
  (ctx) => {
    it("re-running migrations changes nothing", async () => {
      assert.deepEqual(await migrateToLatest(ctx().database.db), []);
    });

    it("row-level security limits a query that forgets its filter", async () => {
      const { db } = ctx().database;
      const { agencies, counts } = ctx().fixture;
      const asJapan = await withAgency(db, agencies.jp, async (tx) => {
        const shipments = await sql<{ n: string }>`select count(*) as n from shipment`.execute(tx);
        const containers = await sql<{
          n: string;
        }>`select count(*) as n from shipment_container c join shipment s on s.id = c.shipment_id where s.destination_country <> 'JP' and s.discharge_country <> 'JP'`.execute(
          tx,
        );
        const goods = await sql<{ n: string }>`select count(distinct shipment_id) as n from shipment_goods`.execute(tx);
        return {
          shipments: count(shipments.rows),
          foreignContainers: count(containers.rows),
          goodsShipments: count(goods.rows),
        };
      });
      assert.equal(asJapan.shipments, counts.japanBound);
      assert.equal(asJapan.foreignContainers, 0);
      assert.equal(asJapan.goodsShipments, counts.japanBound);
      const asUs = await withAgency(db, agencies.us, (tx) =>
        sql<{ n: string }>`select count(*) as n from shipment`.execute(tx),
      );
      assert.equal(count(asUs.rows), counts.total);
      const asKorea = await withAgency(db, agencies.kr, (tx) =>
        sql<{ n: string }>`select count(*) as n from shipment`.execute(tx),
      );
      assert.equal(count(asKorea.rows), 0);
    });

    it("row-level security shares nothing outside an agreement's dates", async () => {
      const { db } = ctx().database;
      const { agencies } = ctx().fixture;
      const partnerCount = async () =>
        count(
          (
            await withAgency(db, agencies.jp, (tx) =>
              sql<{ n: string }>`select count(*) as n from shipment`.execute(tx),
            )
          ).rows,
        );
      assert.ok((await partnerCount()) > 0);
      await sql`update agreement set valid_until = current_date - 1 where code = 'CSI-USCBP-JPCUS'`.execute(db);
      try {
        assert.equal(await partnerCount(), 0, "expired agreement");
      } finally {
        await sql`update agreement set valid_until = null where code = 'CSI-USCBP-JPCUS'`.execute(db);
      }
      await sql`update agreement set valid_from = current_date + 1 where code = 'CSI-USCBP-JPCUS'`.execute(db);
      try {
        assert.equal(await partnerCount(), 0, "agreement not yet in force");
      } finally {
        await sql`update agreement set valid_from = '2002-08-01' where code = 'CSI-USCBP-JPCUS'`.execute(db);
      }
      assert.ok((await partnerCount()) > 0);
    });

    it("a partner cannot write the host's shipments, even by id", async () => {
      const { db } = ctx().database;
      const { agencies, japanBound } = ctx().fixture;
      const updated = await withAgency(db, agencies.jp, (tx) =>
        tx
          .updateTable("shipment")
          .set({ consignee_name: "TAMPERED" })
          .where("id", "=", japanBound.id)
          .executeTakeFirst(),
      );
      assert.equal(Number(updated.numUpdatedRows), 0);
      await assert.rejects(
        withAgency(db, agencies.jp, (tx) =>
          tx
            .insertInto("shipment")
            .values({
              owner_agency_id: agencies.us,
              bill_of_lading: "FORGED1",
              carrier_scac: "MAEU",
              port_of_loading: "USLAX",
              port_of_discharge: "JPTYO",
              shipper_name: "X",
              consignee_name: "Y",
              filed_at: new Date(),
            })
            .execute(),
        ),
        /row-level security/,
      );
    });

    it("the audit log refuses updates and deletes, even from the owner", async () => {
      const { db } = ctx().database;
      await assert.rejects(sql`update audit_event set action = 'forged'`.execute(db), /append-only/);
      await assert.rejects(sql`delete from audit_event`.execute(db), /append-only/);
      const { agencies } = ctx().fixture;
      await assert.rejects(
        withAgency(db, agencies.jp, (tx) => sql`update audit_event set action = 'forged'`.execute(tx)),
        /permission denied|append-only/,
      );
    });

    it("an agency cannot append events in another agency's name only", async () => {
      const { db } = ctx().database;
      const { agencies } = ctx().fixture;
      await assert.rejects(
        withAgency(db, agencies.jp, (tx) =>
          tx
            .insertInto("audit_event")
            .values({
              agency_ids: [agencies.us],
              action: "forged",
              entity_type: "x",
              actor_user_id: null,
              actor_agency_id: null,
              entity_id: null,
              payload: "{}",
            })
            .execute(),
        ),
        /row-level security/,
      );
    });

    it("verification finds the first event whose stored hash no longer matches", async () => {
      const { db } = ctx().database;
      const before = (
        await sql<{ events: string; first_broken_seq: string | null }>`select * from audit_chain_verify()`.execute(db)
      ).rows[0];
      assert.equal(before?.first_broken_seq, null);
      assert.ok(Number(before?.events) >= 1);
      // Only someone able to disable triggers (the database owner) can do this; the chain still shows it.
      await db.transaction().execute(async (tx) => {
        await sql`alter table audit_event disable trigger audit_event_no_update`.execute(tx);
        await sql`update audit_event set payload = '{"forged": true}'::jsonb where seq = (select min(seq) from audit_event)`.execute(
          tx,
        );
        await sql`alter table audit_event enable trigger audit_event_no_update`.execute(tx);
      });
      const after = (
        await sql<{
          first_broken_seq: string | null;
          min: string;
        }>`select v.first_broken_seq, (select min(seq) from audit_event)::text as min from audit_chain_verify() v`.execute(
          db,
        )
      ).rows[0];
      assert.equal(after?.first_broken_seq, after?.min);
    });
  },
);
