import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Migrator, sql, type Kysely, type Migration } from "kysely";
import { withAgency } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import type { DB } from "../../src/db/schema.ts";
import { describeOnEngines, engines } from "../helpers/db.ts";
import { seedTestWorld } from "../helpers/world.ts";

// Voyages and request counters belong to one agency (migrations/0011_agency_voyages.sql): checked
// here under the app role, where row-level security and the grants decide, whatever the query says.

const ids = (rows: { id: string }[]) => new Set(rows.map((r) => r.id));

describeOnEngines(
  "agency voyages and request counters under row-level security",
  (database) => seedTestWorld(database.db, 150),
  (ctx) => {
    const voyagesAs = (agencyId: string) =>
      withAgency(ctx().database.db, agencyId, (tx) => tx.selectFrom("voyage").select("id").execute());

    it("lets a partner read a host's voyage only through a shipment it may see", async () => {
      const { db } = ctx().database;
      const { agencies } = ctx().fixture;
      const all = await db.selectFrom("voyage").select(["id", "agency_id"]).execute();
      assert.ok(all.length > 0);
      assert.ok(
        all.every((v) => v.agency_id === agencies.us),
        "the demo's schedules are the host's",
      );
      const throughShared = await withAgency(db, agencies.jp, (tx) =>
        tx.selectFrom("shipment").select("voyage_id as id").where("voyage_id", "is not", null).distinct().execute(),
      );
      const seenByJapan = await voyagesAs(agencies.jp);
      assert.ok(seenByJapan.length > 0);
      assert.deepEqual(
        ids(seenByJapan),
        ids(throughShared as { id: string }[]),
        "exactly the voyages of the shipments Japan Customs may see",
      );
      assert.ok(seenByJapan.length < all.length, "voyages carrying nothing for Japan stay hidden");
      assert.equal((await voyagesAs(agencies.kr)).length, 0);
      assert.equal((await voyagesAs(agencies.us)).length, all.length);
    });

    it("hides every host voyage from the partner once the agreement has expired", async () => {
      const { db } = ctx().database;
      const { agencies } = ctx().fixture;
      await sql`update agreement set valid_until = current_date - 1 where code = 'CSI-USCBP-JPCUS'`.execute(db);
      try {
        assert.equal((await voyagesAs(agencies.jp)).length, 0);
      } finally {
        await sql`update agreement set valid_until = null where code = 'CSI-USCBP-JPCUS'`.execute(db);
      }
    });

    it("lets only the owner write a voyage, and nobody change whose it is", async () => {
      const { db } = ctx().database;
      const { agencies, japanBound } = ctx().fixture;
      const shared = await db
        .selectFrom("shipment as s")
        .innerJoin("voyage as v", "v.id", "s.voyage_id")
        .select(["v.id", "v.vessel_imo", "v.voyage_no", "v.port_of_loading"])
        .where("s.id", "=", japanBound.id)
        .executeTakeFirstOrThrow();
      const voyageId = shared.id;
      const updated = await withAgency(db, agencies.jp, (tx) =>
        tx
          .updateTable("voyage")
          .set({ loading_cutoff: new Date("2026-12-31T00:00:00Z") })
          .where("id", "=", voyageId)
          .executeTakeFirst(),
      );
      assert.equal(Number(updated.numUpdatedRows), 0, "a partner that sees the voyage still cannot move it");
      // The same vessel, voyage number and port as the host's: Japan Customs' own schedule of that sailing.
      const row = {
        vessel_imo: shared.vessel_imo,
        voyage_no: shared.voyage_no,
        carrier_scac: "ONEY",
        port_of_loading: shared.port_of_loading,
        etd: new Date("2026-12-01T00:00:00Z"),
        loading_cutoff: new Date("2026-11-30T00:00:00Z"),
      };
      await assert.rejects(
        withAgency(db, agencies.jp, (tx) =>
          tx
            .insertInto("voyage")
            .values({ ...row, agency_id: agencies.us })
            .execute(),
        ),
        /row-level security/,
      );
      const own = await withAgency(db, agencies.jp, (tx) =>
        tx
          .insertInto("voyage")
          .values({ ...row, agency_id: agencies.jp })
          .returning("id")
          .executeTakeFirstOrThrow(),
      );
      await assert.rejects(
        withAgency(db, agencies.jp, (tx) =>
          tx.updateTable("voyage").set({ agency_id: agencies.us }).where("id", "=", own.id).execute(),
        ),
        /permission denied/,
      );
      await assert.rejects(
        withAgency(db, agencies.jp, (tx) =>
          tx.updateTable("voyage").set({ voyage_no: "RLS2" }).where("id", "=", own.id).execute(),
        ),
        /permission denied/,
      );
      await assert.rejects(
        withAgency(db, agencies.jp, (tx) => tx.deleteFrom("voyage").where("id", "=", own.id).execute()),
        /permission denied/,
      );
      const moved = await withAgency(db, agencies.jp, (tx) =>
        tx
          .updateTable("voyage")
          .set({ loading_cutoff: new Date("2026-11-30T06:00:00Z") })
          .where("id", "=", own.id)
          .executeTakeFirst(),
      );
      assert.equal(Number(moved.numUpdatedRows), 1, "the owner moves its own schedule");
      const host = await db
        .selectFrom("voyage")
        .select("loading_cutoff")
        .where("id", "=", voyageId)
        .executeTakeFirstOrThrow();
      assert.notEqual(host.loading_cutoff.toISOString(), "2026-12-31T00:00:00.000Z");
    });

    it("refuses a shipment that sails on another agency's voyage, even from the owner", async () => {
      const { db } = ctx().database;
      const { agencies, japanBound } = ctx().fixture;
      const hostVoyage = (
        await db.selectFrom("shipment").select("voyage_id").where("id", "=", japanBound.id).executeTakeFirstOrThrow()
      ).voyage_id;
      await assert.rejects(
        db
          .insertInto("shipment")
          .values({
            owner_agency_id: agencies.jp,
            bill_of_lading: "RLSFOREIGN1",
            carrier_scac: "ONEY",
            voyage_id: hostVoyage,
            port_of_loading: "USLAX",
            port_of_discharge: "USLGB",
            shipper_name: "X",
            consignee_name: "Y",
            filed_at: new Date(),
          })
          .execute(),
        /shipment_voyage_same_agency/,
      );
    });

    it("keeps each agency's request counter to itself", async () => {
      const { db } = ctx().database;
      const { agencies } = ctx().fixture;
      await db
        .insertInto("inspection_request_counter")
        .values({ agency_id: agencies.us, year: 2031, last_number: 41 })
        .execute();
      const seen = await withAgency(db, agencies.jp, (tx) =>
        tx.selectFrom("inspection_request_counter").select("agency_id").execute(),
      );
      assert.ok(seen.every((c) => c.agency_id === agencies.jp));
      const bumped = await withAgency(db, agencies.jp, (tx) =>
        tx
          .updateTable("inspection_request_counter")
          .set({ last_number: 1 })
          .where("agency_id", "=", agencies.us)
          .executeTakeFirst(),
      );
      assert.equal(Number(bumped.numUpdatedRows), 0);
      await assert.rejects(
        withAgency(db, agencies.jp, (tx) =>
          tx
            .insertInto("inspection_request_counter")
            .values({ agency_id: agencies.us, year: 2032, last_number: 1 })
            .execute(),
        ),
        /row-level security/,
      );
      // Taking the next number of another agency's year conflicts with a row the caller may not update.
      await assert.rejects(
        withAgency(db, agencies.jp, (tx) =>
          tx
            .insertInto("inspection_request_counter")
            .values({ agency_id: agencies.us, year: 2031, last_number: 1 })
            .onConflict((oc) =>
              oc
                .columns(["agency_id", "year"])
                .doUpdateSet({ last_number: sql<number>`inspection_request_counter.last_number + 1` }),
            )
            .execute(),
        ),
        /row-level security/,
      );
      const after = await db
        .selectFrom("inspection_request_counter")
        .select("last_number")
        .where("agency_id", "=", agencies.us)
        .where("year", "=", 2031)
        .executeTakeFirstOrThrow();
      assert.equal(after.last_number, 41);
    });
  },
);

// --- the migration on a database that already holds shared voyages -------------------------------

const MIGRATIONS = path.resolve(import.meta.dirname, "../../migrations");

/** Runs the migrations before 0011, named as the app names them, so migrateToLatest carries on from there. */
async function migrateBefore0011(db: Kysely<DB>): Promise<void> {
  const files = (await readdir(MIGRATIONS)).filter((f) => /^\d{4}_.+\.sql$/.test(f) && f < "0011").sort();
  const migrations: Record<string, Migration> = {};
  for (const file of files) {
    const text = await readFile(path.join(MIGRATIONS, file), "utf8");
    migrations[file.replace(/\.sql$/, "")] = {
      up: async (tx) => {
        await sql.raw(text).execute(tx);
      },
    };
  }
  const { error } = await new Migrator({ db, provider: { getMigrations: async () => migrations } }).migrateToLatest();
  if (error) {
    throw error instanceof Error ? error : new Error(JSON.stringify(error));
  }
}

/** The old shape: one voyage row that both agencies' shipments sail on, one no shipment uses, and requests under the global sequence. */
async function seedSharedVoyage(db: Kysely<DB>) {
  const agency = async (code: string, country: string) =>
    (await db.insertInto("agency").values({ code, name: code, country }).returning("id").executeTakeFirstOrThrow()).id;
  const us = await agency("USCBP", "US");
  const jp = await agency("JPCUS", "JP");
  await db.insertInto("vessel").values({ imo: "9356127", name: "ONE HARBOUR", flag: "PA" }).execute();
  // The voyage table of before 0011 has no agency: written as SQL, not through today's types.
  const voyage = async (voyageNo: string) =>
    (
      await sql<{ id: string }>`
        insert into voyage (vessel_imo, voyage_no, carrier_scac, port_of_loading, etd, loading_cutoff)
        values ('9356127', ${voyageNo}, 'ONEY', 'KRPUS', '2026-11-30T18:00:00Z', '2026-11-29T06:00:00Z') returning id`.execute(
        db,
      )
    ).rows[0] as { id: string };
  const shared = await voyage("042W");
  await voyage("043W");
  const shipment = (owner: string, bill: string, createdAt: string) =>
    db
      .insertInto("shipment")
      .values({
        owner_agency_id: owner,
        bill_of_lading: bill,
        carrier_scac: "ONEY",
        voyage_id: shared.id,
        port_of_loading: "KRPUS",
        port_of_discharge: owner === us ? "JPTYO" : "USLAX",
        shipper_name: "S",
        consignee_name: "C",
        filed_at: createdAt,
        created_at: createdAt,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
  const first = await shipment(us, "US1", "2026-11-20T00:00:00Z");
  const second = await shipment(us, "US2", "2026-11-22T00:00:00Z");
  const later = await shipment(jp, "JP1", "2026-11-21T00:00:00Z");
  const user = async (agencyId: string, username: string) =>
    (
      await db
        .insertInto("app_user")
        .values({
          agency_id: agencyId,
          username,
          display_name: username,
          password_hash: "!",
          roles: ["targeter"],
          site_id: null,
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
  const usUser = await user(us, "us.targeter");
  const jpUser = await user(jp, "jp.targeter");
  const agreement = async (code: string, provider: string, recipient: string, country: string) =>
    (
      await db
        .insertInto("agreement")
        .values({
          code,
          provider_agency_id: provider,
          recipient_agency_id: recipient,
          destination_countries: [country],
          legal_basis: "test",
          valid_from: "2002-08-01",
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
  const usToJp = await agreement("US-JP", us, jp, "JP");
  const jpToUs = await agreement("JP-US", jp, us, "US");
  const request = (
    n: number,
    shipmentId: string,
    agreementId: string,
    requester: string,
    host: string,
    by: string,
    at: string,
  ) =>
    db
      .insertInto("inspection_request")
      .values({
        reference: `IR-${at.slice(0, 4)}-${String(n).padStart(6, "0")}`,
        shipment_id: shipmentId,
        container_no: "MSKU7351770",
        agreement_id: agreementId,
        requesting_agency_id: requester,
        host_agency_id: host,
        status: "requested",
        priority: "routine",
        reason: "r",
        scans_requested: [],
        requested_by: by,
        requested_at: at,
        updated_at: at,
      })
      .execute();
  await request(1, first.id, usToJp, jp, us, jpUser, "2025-12-30T00:00:00Z");
  await request(2, first.id, usToJp, jp, us, jpUser, "2026-01-02T00:00:00Z");
  await request(3, later.id, jpToUs, us, jp, usUser, "2026-01-03T00:00:00Z");
  await request(4, second.id, usToJp, jp, us, jpUser, "2026-01-04T00:00:00Z");
  return { us, jp, shared: shared.id, shipments: { first: first.id, second: second.id, later: later.id } };
}

for (const engine of engines()) {
  describe(`migration 0011 on a database with shared voyages [${engine.name}]`, () => {
    let db: Kysely<DB>;
    let drop: () => Promise<void>;
    let seeded: Awaited<ReturnType<typeof seedSharedVoyage>>;

    before(async () => {
      const opened = await engine.open();
      db = opened.database.db;
      drop = () => opened.drop();
      await migrateBefore0011(db);
      seeded = await seedSharedVoyage(db);
      await migrateToLatest(db);
    });
    after(async () => {
      await drop();
    });

    it("splits a voyage two agencies' shipments sail on into one per agency, schedule copied", async () => {
      const voyages = await db.selectFrom("voyage").selectAll().orderBy("agency_id").execute();
      assert.equal(voyages.length, 2, "one per agency; the voyage no shipment sails on is gone");
      const byAgency = new Map(voyages.map((v) => [v.agency_id, v]));
      const usVoyage = byAgency.get(seeded.us);
      const jpVoyage = byAgency.get(seeded.jp);
      assert.ok(usVoyage && jpVoyage);
      assert.equal(usVoyage.id, seeded.shared, "the agency that filed first keeps the row");
      assert.notEqual(jpVoyage.id, seeded.shared);
      for (const v of [usVoyage, jpVoyage]) {
        assert.deepEqual(
          [
            v.vessel_imo,
            v.voyage_no,
            v.port_of_loading,
            v.carrier_scac,
            v.etd.toISOString(),
            v.loading_cutoff.toISOString(),
          ],
          ["9356127", "042W", "KRPUS", "ONEY", "2026-11-30T18:00:00.000Z", "2026-11-29T06:00:00.000Z"],
        );
      }
      const shipments = await db.selectFrom("shipment").select(["id", "voyage_id"]).execute();
      const voyageOf = new Map(shipments.map((s) => [s.id, s.voyage_id]));
      assert.equal(voyageOf.get(seeded.shipments.first), usVoyage.id);
      assert.equal(voyageOf.get(seeded.shipments.second), usVoyage.id);
      assert.equal(voyageOf.get(seeded.shipments.later), jpVoyage.id);
    });

    it("continues each agency's request numbers from the requests it made in each year", async () => {
      const counters = await db
        .selectFrom("inspection_request_counter")
        .select(["agency_id", "year", "last_number"])
        .orderBy("agency_id")
        .orderBy("year")
        .execute();
      const expected = [
        { agency_id: seeded.jp, year: 2025, last_number: 1 },
        { agency_id: seeded.jp, year: 2026, last_number: 2 },
        { agency_id: seeded.us, year: 2026, last_number: 1 },
      ].sort((a, b) => (a.agency_id === b.agency_id ? a.year - b.year : a.agency_id < b.agency_id ? -1 : 1));
      assert.deepEqual(counters, expected);
      const references = (
        await db.selectFrom("inspection_request").select("reference").orderBy("reference").execute()
      ).map((r) => r.reference);
      assert.deepEqual(
        references,
        ["IR-2025-000001", "IR-2026-000002", "IR-2026-000003", "IR-2026-000004"],
        "references already issued are kept",
      );
    });
  });
}
