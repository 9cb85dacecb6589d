import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type { FastifyInstance } from "fastify";
import type { Kysely } from "kysely";
import type { DB } from "../../src/db/schema.ts";
import type { Actor } from "../../src/domain/actor.ts";
import { actorForUser } from "../../src/domain/auth.ts";
import { fixedClock } from "../../src/domain/clock.ts";
import { ingestFile } from "../../src/domain/ingest/pipeline.ts";
import { createInspectionRequest, type NewInspectionRequest } from "../../src/domain/inspection-requests/index.ts";
import { serviceActor } from "../../src/domain/service-accounts.ts";
import { buildTestApp, loginAs, type Client } from "../helpers/api.ts";
import { describeOnEngines } from "../helpers/db.ts";
import { seedTestWorld, TEST_ANCHOR } from "../helpers/world.ts";

// Inspection request references count per requesting agency and year (IR-<agency>-<year>-<n>), so
// a partner's numbers say nothing about how many requests other agencies made.

const HEADER =
  "bill_of_lading,message_ref,carrier_scac,vessel_imo,voyage,port_of_loading,port_of_discharge,etd,shipper_name,consignee_name,container_number,size_type,hs_code,description,packages,gross_weight_kg";
const CONTAINERS = ["CSQU3054383", "MWCU6059784", "CMAU5127498"];

/** The number at the end of a reference of the agency, for the test world's year. */
function numberOf(reference: string, agency: string): number {
  const match = new RegExp(`^IR-${agency}-2026-(\\d{6})$`).exec(reference);
  assert.ok(match, `${reference} is not a ${agency} reference of 2026`);
  return Number(match[1]);
}

/** Japan-bound host shipments the partner may request on, one container each, not yet requested. */
async function partnerTargets(
  db: Kysely<DB>,
  count: number,
  skip: number,
): Promise<{ shipmentId: string; containerNo: string }[]> {
  const rows = await db
    .selectFrom("shipment as s")
    .innerJoin("agency as a", "a.id", "s.owner_agency_id")
    .select((eb) => [
      "s.id",
      eb
        .selectFrom("shipment_container as c")
        .select("c.container_no")
        .whereRef("c.shipment_id", "=", "s.id")
        .orderBy("c.container_no")
        .limit(1)
        .as("container_no"),
    ])
    .where("a.code", "=", "USCBP")
    .where("s.destination_country", "=", "JP")
    .orderBy("s.bill_of_lading")
    .offset(skip)
    .limit(count)
    .execute();
  assert.equal(rows.length, count, "the test world has too few Japan-bound shipments");
  return rows.map((r) => ({ shipmentId: r.id, containerNo: r.container_no ?? "" }));
}

describeOnEngines(
  "inspection request references",
  (database) => seedTestWorld(database.db, 150),
  (ctx) => {
    let app: FastifyInstance;
    let partner: Client;
    let host: Client;
    let partnerActor: Actor;

    before(async () => {
      ({ app } = await buildTestApp(ctx().database.db));
      partner = await loginAs(app, "partner.targeter");
      host = await loginAs(app, "host.targeter");
      const user = await ctx()
        .database.db.selectFrom("app_user")
        .select("id")
        .where("username", "=", "partner.targeter")
        .executeTakeFirstOrThrow();
      partnerActor = await actorForUser(ctx().database.db, user.id);
    });
    after(async () => {
      await app.close();
    });

    /** A routine request on one container, as the domain takes it. */
    const ask = (
      target: { shipmentId: string; containerNo: string },
      over: Partial<NewInspectionRequest> = {},
    ): NewInspectionRequest => ({
      requestType: "inspection",
      reasonCodes: ["random_selection"],
      reason: "Reference numbering check",
      priority: "routine",
      scansRequested: ["radiation_portal"],
      ...target,
      ...over,
    });

    it("numbers each agency's requests 1, 2, 3… on their own, with the agency in the reference", async () => {
      const { db } = ctx().database;
      // Japan Customs' exports to Los Angeles, shared with the host, for the host to request on.
      const rows = CONTAINERS.map(
        (c, i) =>
          `JPREF000${i},JR${i},ONEY,9356127,31E,JPTYO,USLAX,2026-12-03T10:00,TOKAI EXPORT CO,HARBOR IMPORTS INC,${c},42G1,870323,USED VEHICLES,1,5000`,
      );
      const feed = await serviceActor(db, "JPCUS", "feed.references");
      const report = await ingestFile(db, fixedClock(TEST_ANCHOR), feed, {
        fileName: "japan-exports-references.csv",
        text: [HEADER, ...rows].join("\n"),
        format: "csv",
      });
      assert.equal(report.inserted, 3, JSON.stringify(report.errors));
      const japanShipments = await db
        .selectFrom("shipment")
        .select("id")
        .where("bill_of_lading", "like", "JPREF%")
        .orderBy("bill_of_lading")
        .execute();
      const hostShipments = await partnerTargets(db, 3, 0);
      const references: Record<"JPCUS" | "USCBP", string[]> = { JPCUS: [], USCBP: [] };
      // Interleaved, so each request of one agency comes after one of the other.
      for (const [i, target] of hostShipments.entries()) {
        const byPartner = await partner.post("/api/inspection-requests", {
          ...target,
          reason: "Reference numbering check",
        });
        assert.equal(byPartner.statusCode, 201, byPartner.body);
        references.JPCUS.push(byPartner.json().reference as string);
        const byHost = await host.post("/api/inspection-requests", {
          shipmentId: japanShipments[i]?.id,
          containerNo: CONTAINERS[i],
          reason: "Reference numbering check",
        });
        assert.equal(byHost.statusCode, 201, byHost.body);
        references.USCBP.push(byHost.json().reference as string);
      }
      assert.deepEqual(references, {
        JPCUS: ["IR-JPCUS-2026-000001", "IR-JPCUS-2026-000002", "IR-JPCUS-2026-000003"],
        USCBP: ["IR-USCBP-2026-000001", "IR-USCBP-2026-000002", "IR-USCBP-2026-000003"],
      });
    });

    it("gives a number back when the request is not stored", async () => {
      const { db } = ctx().database;
      const clock = fixedClock(new Date(TEST_ANCHOR.getTime() + 8 * 3_600_000));
      const [failing, next] = await partnerTargets(db, 2, 3);
      assert.ok(failing && next);
      // A priority the database refuses fails the insert after the number was taken.
      await assert.rejects(
        createInspectionRequest(
          db,
          clock,
          partnerActor,
          ask(failing, { priority: "whenever" as NewInspectionRequest["priority"] }),
        ),
        /check constraint/,
      );
      const stored = await createInspectionRequest(db, clock, partnerActor, ask(next));
      assert.equal(stored.reference, "IR-JPCUS-2026-000004");
    });

    it("gives 20 concurrent requests of one agency 20 distinct consecutive numbers", async () => {
      const { db } = ctx().database;
      const clock = fixedClock(new Date(TEST_ANCHOR.getTime() + 8 * 3_600_000));
      const targets = await partnerTargets(db, 20, 5);
      // On PostgreSQL these run in up to ten transactions at once and queue on the counter row.
      const created = await Promise.all(targets.map((t) => createInspectionRequest(db, clock, partnerActor, ask(t))));
      const numbers = created.map((r) => numberOf(r.reference, "JPCUS")).sort((a, b) => a - b);
      assert.deepEqual(
        numbers,
        Array.from({ length: 20 }, (_, i) => 5 + i),
      );
      const counter = await db
        .selectFrom("inspection_request_counter as c")
        .innerJoin("agency as a", "a.id", "c.agency_id")
        .select("c.last_number")
        .where("a.code", "=", "JPCUS")
        .where("c.year", "=", 2026)
        .executeTakeFirstOrThrow();
      assert.equal(counter.last_number, 24);
      const host = await db
        .selectFrom("inspection_request_counter as c")
        .innerJoin("agency as a", "a.id", "c.agency_id")
        .select("c.last_number")
        .where("a.code", "=", "USCBP")
        .executeTakeFirstOrThrow();
      assert.equal(host.last_number, 3, "the host's count did not move");
    });
  },
);
