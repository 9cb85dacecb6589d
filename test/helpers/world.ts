import type { Kysely } from "kysely";
import type { DB } from "../../src/db/schema.ts";
import type { Actor } from "../../src/domain/actor.ts";
import { actorForUser, hashPassword } from "../../src/domain/auth.ts";
import { ensureDemoWorld } from "../../src/domain/demo/seed.ts";

/** Password of every account in test worlds. */
export const TEST_PASSWORD = "correct horse battery staple";
/** The day test worlds centre on; the test clock starts here. */
export const TEST_ANCHOR = new Date("2026-11-27T00:00:00Z");

/** Ids a test needs from the seeded world. */
export interface TestWorld {
  agencies: { us: string; jp: string; kr: string };
  /** A shipment discharged or delivered in Japan: shared with Japan Customs. */
  japanBound: { id: string; containerNo: string; billOfLading: string };
  /** A shipment bound elsewhere: US-only. */
  notShared: { id: string; containerNo: string };
  counts: { total: number; japanBound: number };
}

/**
 * Seeds a small demo world plus a third agency (Korea Customs Service) that has accounts but no
 * agreement, so every test can check it sees nothing.
 */
export async function seedTestWorld(db: Kysely<DB>, shipments = 300): Promise<TestWorld> {
  await ensureDemoWorld(db, { seed: 7, anchor: TEST_ANCHOR, shipments, password: TEST_PASSWORD, withHistory: false });
  const kr = await db
    .insertInto("agency")
    .values({ code: "KRCS", name: "Korea Customs Service", country: "KR" })
    .returning("id")
    .executeTakeFirstOrThrow();
  const hash = await hashPassword(TEST_PASSWORD);
  await db
    .insertInto("app_user")
    .values([
      {
        agency_id: kr.id,
        username: "kr.targeter",
        display_name: "Min-jun Park",
        password_hash: hash,
        roles: ["targeter"],
        site_id: null,
      },
      {
        agency_id: kr.id,
        username: "kr.auditor",
        display_name: "Seo-yeon Kim",
        password_hash: hash,
        roles: ["auditor"],
        site_id: null,
      },
    ])
    .execute();
  const agencies = await db.selectFrom("agency").select(["id", "code"]).execute();
  const id = (code: string) => agencies.find((a) => a.code === code)?.id as string;
  // Take the earliest-cut-off-after-anchor shipment so requests have a deadline in the future.
  const japan = await db
    .selectFrom("shipment as s")
    .innerJoin("shipment_container as c", "c.shipment_id", "s.id")
    .innerJoin("voyage as v", "v.id", "s.voyage_id")
    .select(["s.id", "c.container_no", "s.bill_of_lading"])
    .where("s.destination_country", "=", "JP")
    .where("v.loading_cutoff", ">", TEST_ANCHOR)
    .orderBy("v.loading_cutoff")
    .orderBy("s.bill_of_lading")
    .executeTakeFirstOrThrow();
  const other = await db
    .selectFrom("shipment as s")
    .innerJoin("shipment_container as c", "c.shipment_id", "s.id")
    .select(["s.id", "c.container_no"])
    .where("s.destination_country", "<>", "JP")
    .where("s.discharge_country", "<>", "JP")
    .orderBy("s.bill_of_lading")
    .executeTakeFirstOrThrow();
  const total = await db
    .selectFrom("shipment")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .executeTakeFirstOrThrow();
  const jp = await db
    .selectFrom("shipment")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where((eb) => eb.or([eb("destination_country", "=", "JP"), eb("discharge_country", "=", "JP")]))
    .executeTakeFirstOrThrow();
  return {
    agencies: { us: id("USCBP"), jp: id("JPCUS"), kr: id("KRCS") },
    japanBound: { id: japan.id, containerNo: japan.container_no, billOfLading: japan.bill_of_lading },
    notShared: { id: other.id, containerNo: other.container_no },
    counts: { total: Number(total.n), japanBound: Number(jp.n) },
  };
}

/** The actor of a seeded account, as a request of theirs would be. */
export async function actorOf(db: Kysely<DB>, username: string): Promise<Actor> {
  const user = await db.selectFrom("app_user").select("id").where("username", "=", username).executeTakeFirstOrThrow();
  return actorForUser(db, user.id);
}
