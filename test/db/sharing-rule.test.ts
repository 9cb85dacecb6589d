import assert from "node:assert/strict";
import { it } from "node:test";
import { sql, type Kysely } from "kysely";
import { withAgency } from "../../src/db/database.ts";
import type { DB } from "../../src/db/schema.ts";
import { findSharingAgreement, shipmentIsVisible } from "../../src/domain/access.ts";
import type { Actor } from "../../src/domain/actor.ts";
import { describeOnEngines } from "../helpers/db.ts";
import { seedTestWorld, type TestWorld } from "../helpers/world.ts";

// The sharing rule is one set of SQL functions (migrations/0030) that the application's filter and
// the row-level security policies both call. These tests read the same shipments both ways, as the
// table's owner through the application's filter and as the agency under row-level security, over
// agreements in every state: in force, switched off, ended, not yet begun, ending today, begun
// halfway through the shipments' departures; and shipments without an ETD, which count from filing.

function actorOf(agencyId: string): Actor {
  return {
    userId: "00000000-0000-0000-0000-000000000000",
    username: "sharing.reader",
    displayName: "sharing reader",
    agencyId,
    agencyCode: "X",
    agencyName: "X",
    agencyCountry: "XX",
    roles: ["targeter"],
    siteId: null,
  };
}

/** Agreements from the host to Korea in every state, and a few shipments that lose their ETD. */
async function mixAgreements(db: Kysely<DB>, world: TestWorld): Promise<{ halfway: string }> {
  const middle = await sql<{ day: string }>`
    select least(percentile_disc(0.5) within group (order by coalesce(etd, filed_at))::date, current_date)::text as day
    from shipment where owner_agency_id = ${world.agencies.us}`.execute(db);
  const halfway = middle.rows[0]?.day as string;
  const base = { provider_agency_id: world.agencies.us, recipient_agency_id: world.agencies.kr, legal_basis: "test" };
  await db
    .insertInto("agreement")
    .values([
      { ...base, code: "T-KR-HALFWAY", destination_countries: ["KR", "CN"], valid_from: halfway, valid_until: null },
      {
        ...base,
        code: "T-KR-OFF",
        destination_countries: ["VN"],
        valid_from: "2000-01-01",
        valid_until: null,
        is_active: false,
      },
      {
        ...base,
        code: "T-KR-ENDED",
        destination_countries: ["AU"],
        valid_from: "2000-01-01",
        valid_until: sql<string>`current_date - 1`,
      },
      {
        ...base,
        code: "T-KR-FUTURE",
        destination_countries: ["TW"],
        valid_from: sql<string>`current_date + 1`,
        valid_until: null,
      },
      {
        ...base,
        code: "T-KR-TODAY",
        destination_countries: ["JP"],
        valid_from: "2000-01-01",
        valid_until: sql<string>`current_date`,
      },
    ])
    .execute();
  await sql`update shipment set etd = null where id in (select id from shipment order by bill_of_lading limit 25)`.execute(
    db,
  );
  return { halfway };
}

async function appSide(db: Kysely<DB>, agencyId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("shipment as s")
    .select("s.id")
    .where(shipmentIsVisible(actorOf(agencyId)))
    .execute();
  return rows.map((r) => r.id).sort();
}

async function rlsSide(db: Kysely<DB>, agencyId: string): Promise<string[]> {
  const rows = await withAgency(db, agencyId, (tx) => tx.selectFrom("shipment").select("id").execute());
  return rows.map((r) => r.id).sort();
}

describeOnEngines(
  "the sharing rule, read by the application and by row-level security",
  async (database) => {
    const world = await seedTestWorld(database.db, 160);
    return { world, ...(await mixAgreements(database.db, world)) };
  },
  (ctx) => {
    it("every agency sees the same shipments through the application's filter as row-level security lets it read", async () => {
      const { db } = ctx().database;
      const { agencies } = ctx().fixture.world;
      const all = await db.selectFrom("shipment").select(["id", "owner_agency_id"]).execute();
      for (const [name, agencyId] of Object.entries(agencies)) {
        const app = await appSide(db, agencyId);
        assert.deepEqual(app, await rlsSide(db, agencyId), `${name}: application and row-level security disagree`);
        const own = all.filter((s) => s.owner_agency_id === agencyId).length;
        assert.ok(app.length >= own, `${name} sees its own shipments`);
      }
      // The mix is a real one: Korea sees some of the host's shipments but not all, and not Japan's.
      const korea = new Set(await appSide(db, agencies.kr));
      assert.ok(korea.size > 0, "Korea sees what the halfway agreement shares");
      assert.ok(
        all.every((s) => s.owner_agency_id === agencies.us || !korea.has(s.id)),
        "Korea sees only the host's shipments",
      );
    });

    it("an agreement begun halfway shares only what departs after it began, and one ending today what departs before tomorrow", async () => {
      const { db } = ctx().database;
      const { world, halfway } = ctx().fixture;
      const korea = new Set(await rlsSide(db, world.agencies.kr));
      const candidates = await db
        .selectFrom("shipment")
        .select([
          "id",
          "discharge_country",
          "destination_country",
          sql<string>`coalesce(etd, filed_at)::date::text`.as("departs"),
        ])
        .select(sql<boolean>`coalesce(etd, filed_at) >= ${halfway}::date::timestamptz`.as("after_halfway"))
        .select(sql<boolean>`coalesce(etd, filed_at) < (current_date + 1)::timestamptz`.as("before_tomorrow"))
        .where("owner_agency_id", "=", world.agencies.us)
        .execute();
      const bound = (s: (typeof candidates)[number], ...countries: string[]) =>
        countries.includes(s.discharge_country) || countries.includes(s.destination_country);
      const halfwayBound = candidates.filter((s) => bound(s, "KR", "CN"));
      assert.ok(
        halfwayBound.some((s) => s.after_halfway) && halfwayBound.some((s) => !s.after_halfway),
        "shipments on both sides of the start",
      );
      for (const s of candidates) {
        const shared = (bound(s, "KR", "CN") && s.after_halfway) || (bound(s, "JP") && s.before_tomorrow);
        assert.equal(
          korea.has(s.id),
          shared,
          `shipment ${s.id} to ${s.discharge_country}/${s.destination_country} departing ${s.departs}`,
        );
      }
      const withoutEtd = await db.selectFrom("shipment").select("id").where("etd", "is", null).execute();
      assert.equal(withoutEtd.length, 25);
    });

    it("the agreement named for a shipment exists exactly when the shipment is shared, and is one that shares it", async () => {
      const { db } = ctx().database;
      const { agencies } = ctx().fixture.world;
      const shipments = await db
        .selectFrom("shipment")
        .select([
          "id",
          "owner_agency_id",
          "discharge_country",
          "destination_country",
          sql<Date>`coalesce(etd, filed_at)`.as("departs"),
        ])
        .orderBy("bill_of_lading")
        .execute();
      for (const agencyId of [agencies.us, agencies.jp, agencies.kr]) {
        const actor = actorOf(agencyId);
        const visible = new Set(await rlsSide(db, agencyId));
        const named = await withAgency(db, agencyId, async (tx) => {
          const out = new Map<string, string>();
          for (const s of shipments.filter((x) => x.owner_agency_id !== agencyId)) {
            const agreement = await findSharingAgreement(tx, actor, s);
            if (agreement) {
              out.set(s.id, agreement.code);
            }
          }
          return out;
        });
        const shared = shipments.filter((s) => s.owner_agency_id !== agencyId && visible.has(s.id)).map((s) => s.id);
        assert.deepEqual([...named.keys()].sort(), shared.sort());
        if (agencyId === agencies.kr) {
          assert.ok(named.size > 0);
          assert.ok(
            [...named.values()].every((code) => code === "T-KR-HALFWAY" || code === "T-KR-TODAY"),
            [...new Set(named.values())].join(),
          );
        }
      }
    });
  },
);
