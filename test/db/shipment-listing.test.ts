import assert from "node:assert/strict";
import { it } from "node:test";
import { sql, type Kysely } from "kysely";
import { withAgency } from "../../src/db/database.ts";
import type { DB } from "../../src/db/schema.ts";
import type { Actor } from "../../src/domain/actor.ts";
import { fixedClock } from "../../src/domain/clock.ts";
import { createInspectionRequest } from "../../src/domain/inspection-requests/create.ts";
import { listShipments, SHIPMENT_SORTS, type ShipmentQuery, type ShipmentSummary } from "../../src/domain/shipments.ts";
import { describeOnEngines } from "../helpers/db.ts";
import { actorOf, seedTestWorld, TEST_ANCHOR } from "../helpers/world.ts";

// The work list reads a per-agency listing kept by triggers. These tests compare it, page by page,
// with what row-level security lets each agency read from the shipment table itself, and change
// the things the listing copies (agreements, destinations, goods, scores) to catch a stale row.

type TextTuning = Parameters<typeof listShipments>[3];

/** Every row of the list, walking the cursors. */
async function walk(
  db: Kysely<DB>,
  actor: Actor,
  query: Omit<ShipmentQuery, "limit" | "cursor">,
  limit = 37,
  text?: TextTuning,
): Promise<ShipmentSummary[]> {
  const all: ShipmentSummary[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await listShipments(db, actor, { ...query, limit, cursor }, text);
    all.push(...page.items);
    if (!page.nextCursor) {
      return all;
    }
    cursor = page.nextCursor;
  }
  throw new Error("the cursor never ended");
}

/** What the agency may read of the shipment table under row-level security, with its score. */
async function truth(db: Kysely<DB>, agencyId: string) {
  return withAgency(db, agencyId, (tx) =>
    tx
      .selectFrom("shipment as s")
      .leftJoin("shipment_score as sc", (join) =>
        join.onRef("sc.shipment_id", "=", "s.id").on("sc.agency_id", "=", agencyId),
      )
      .select((eb) => [
        "s.id",
        "s.etd",
        "s.filed_at",
        "s.bill_of_lading",
        "s.port_of_discharge",
        "sc.score",
        eb
          .selectFrom("shipment_container as c")
          .select(sql<number>`count(*)::int`.as("n"))
          .whereRef("c.shipment_id", "=", "s.id")
          .as("containers"),
        sql<string[]>`array(select g.hs_code from shipment_goods g where g.shipment_id = s.id order by g.line_no)`.as(
          "hs",
        ),
      ])
      .execute(),
  );
}

const ids = (rows: { id: string }[]) => rows.map((r) => r.id).sort();

describeOnEngines(
  "work list from the per-agency listing",
  (database) => seedTestWorld(database.db, 160),
  (ctx) => {
    it("every sort, both directions, pages to exactly the rows row-level security allows, in order, with the right counts and scores", async () => {
      const { db } = ctx().database;
      for (const username of ["host.targeter", "partner.targeter", "kr.targeter"]) {
        const actor = await actorOf(db, username);
        const expected = await truth(db, actor.agencyId);
        const byId = new Map(expected.map((r) => [r.id, r]));
        for (const sort of SHIPMENT_SORTS) {
          for (const order of ["asc", "desc"] as const) {
            const rows = await walk(db, actor, { sort, order });
            assert.deepEqual(ids(rows), ids(expected), `${username} ${sort} ${order}: same rows`);
            assert.equal(
              new Set(rows.map((r) => r.id)).size,
              rows.length,
              `${username} ${sort} ${order}: no row twice`,
            );
            const key = (r: ShipmentSummary): string | number => {
              switch (sort) {
                case "etd":
                  return r.etd ? Date.parse(r.etd) : -Infinity;
                case "filed_at":
                  return Date.parse(r.filedAt);
                case "bill_of_lading":
                  return r.billOfLading;
                case "port_of_discharge":
                  return r.portOfDischarge;
                case "score":
                  return r.score ?? -1;
              }
            };
            for (let i = 1; i < rows.length; i++) {
              const [a, b] = [key(rows[i - 1] as ShipmentSummary), key(rows[i] as ShipmentSummary)];
              const inOrder = order === "asc" ? a <= b : a >= b;
              assert.ok(
                inOrder,
                `${username} ${sort} ${order}: row ${i} out of order (${String(a)} then ${String(b)})`,
              );
            }
          }
        }
        const rows = await walk(db, actor, { sort: "etd", order: "desc" }, 500);
        for (const row of rows) {
          const want = byId.get(row.id);
          assert.ok(want);
          assert.equal(row.containerCount, want.containers, `${row.billOfLading}: containers`);
          assert.deepEqual(row.hsCodes, want.hs, `${row.billOfLading}: HS codes`);
          assert.equal(row.score, want.score === null ? null : Number(want.score), `${row.billOfLading}: score`);
        }
      }
    });

    it("an agreement that ends, is switched off or narrows its countries takes the partner's rows at once, and gives them back", async () => {
      const { db } = ctx().database;
      const partner = await actorOf(db, "partner.targeter");
      const listed = async () =>
        (await walk(db, partner, { sort: "etd", order: "desc" }, 200)).filter((r) => r.isShared).length;
      const before = await listed();
      assert.ok(before > 0);
      const changes: [string, string][] = [
        ["valid_until = current_date - 1", "valid_until = null"],
        ["is_active = false", "is_active = true"],
        ["valid_from = current_date + 1", "valid_from = '2002-08-01'"],
        ["destination_countries = '{ZZ}'", "destination_countries = '{JP}'"],
      ];
      for (const [change, undo] of changes) {
        await sql.raw(`update agreement set ${change} where code = 'CSI-USCBP-JPCUS'`).execute(db);
        try {
          assert.equal(await listed(), 0, change);
          const direct = await withAgency(db, partner.agencyId, (tx) =>
            sql<{ n: number }>`select count(*)::int as n from shipment_listing where not is_own`.execute(tx),
          );
          assert.equal(direct.rows[0]?.n, 0, `${change}: a query on the listing that forgets its filter`);
        } finally {
          await sql.raw(`update agreement set ${undo} where code = 'CSI-USCBP-JPCUS'`).execute(db);
        }
        assert.equal(await listed(), before, `after undoing ${change}`);
      }
      // Moved to another country, the agreement shares that country's shipments and no others.
      await sql`update agreement set destination_countries = '{KR}' where code = 'CSI-USCBP-JPCUS'`.execute(db);
      try {
        const shared = (await walk(db, partner, { sort: "etd", order: "desc" }, 200)).filter((r) => r.isShared);
        const korean = await db
          .selectFrom("shipment")
          .select("id")
          .where((eb) => eb.or([eb("discharge_country", "=", "KR"), eb("destination_country", "=", "KR")]))
          .execute();
        assert.ok(korean.length > 0);
        assert.deepEqual(ids(shared), ids(korean));
      } finally {
        await sql`update agreement set destination_countries = '{JP}' where code = 'CSI-USCBP-JPCUS'`.execute(db);
      }
      assert.equal(await listed(), before);
    });

    it("an amendment that sends a shipment elsewhere, adds goods or scores it shows in the next page", async () => {
      const { db } = ctx().database;
      const { japanBound } = ctx().fixture;
      const host = await actorOf(db, "host.targeter");
      const partner = await actorOf(db, "partner.targeter");
      const find = async (actor: Actor) =>
        (await walk(db, actor, { sort: "filed_at", order: "desc" }, 500)).find((r) => r.id === japanBound.id);
      const original = await db
        .selectFrom("shipment")
        .select(["port_of_discharge", "final_destination"])
        .where("id", "=", japanBound.id)
        .executeTakeFirstOrThrow();
      assert.ok(await find(partner), "shared to begin with");

      await db.transaction().execute(async (tx) => {
        await tx
          .updateTable("shipment")
          .set({ port_of_discharge: "KRPUS", final_destination: null })
          .where("id", "=", japanBound.id)
          .execute();
        const lines = await tx
          .selectFrom("shipment_goods")
          .select((eb) => eb.fn.max("line_no").as("n"))
          .where("shipment_id", "=", japanBound.id)
          .executeTakeFirstOrThrow();
        await tx
          .insertInto("shipment_goods")
          .values({
            shipment_id: japanBound.id,
            line_no: Number(lines.n ?? 0) + 1,
            hs_code: "844400",
            description: "Machines for extruding man-made textile",
          })
          .execute();
      });
      try {
        assert.equal(await find(partner), undefined, "no longer bound for Japan");
        const mine = await find(host);
        assert.ok(mine);
        assert.equal(mine.portOfDischarge, "KRPUS");
        assert.equal(mine.hsCodes.at(-1), "844400");

        const scored = await db
          .selectFrom("shipment_score")
          .select(["score", "level"])
          .where("shipment_id", "=", japanBound.id)
          .where("agency_id", "=", host.agencyId)
          .executeTakeFirst();
        const highest = await db
          .selectFrom("shipment_score")
          .select((eb) => eb.fn.max("score").as("s"))
          .where("agency_id", "=", host.agencyId)
          .executeTakeFirstOrThrow();
        const topScore = Math.floor(Number(highest.s ?? 0)) + 7.5;
        await db
          .updateTable("shipment_score")
          .set({ score: topScore, level: "high" })
          .where("shipment_id", "=", japanBound.id)
          .where("agency_id", "=", host.agencyId)
          .execute();
        const top = await listShipments(db, host, { limit: 1, sort: "score", order: "desc" });
        assert.ok(scored, "the demo world scores its shipments");
        {
          assert.equal(top.items[0]?.id, japanBound.id, "the new score ranks first");
          assert.equal(top.items[0]?.score, topScore);
          await db
            .updateTable("shipment_score")
            .set({ score: scored.score, level: scored.level })
            .where("shipment_id", "=", japanBound.id)
            .where("agency_id", "=", host.agencyId)
            .execute();
        }
      } finally {
        await db.transaction().execute(async (tx) => {
          await tx.updateTable("shipment").set(original).where("id", "=", japanBound.id).execute();
          await tx
            .deleteFrom("shipment_goods")
            .where("shipment_id", "=", japanBound.id)
            .where("hs_code", "=", "844400")
            .execute();
        });
      }
      assert.ok(await find(partner), "shared again");
    });

    it("every column a row shows is what its shipment, voyage and vessel say, also after a cut-off moves, a vessel is renamed and a shipment is amended", async () => {
      const { db } = ctx().database;
      const host = await actorOf(db, "host.targeter");
      const partner = await actorOf(db, "partner.targeter");
      // Read as the database's owner, past row-level security: what the listing must have copied.
      const source = async () =>
        new Map(
          (
            await db
              .selectFrom("shipment as s")
              .leftJoin("voyage as v", "v.id", "s.voyage_id")
              .leftJoin("vessel as vs", "vs.imo", "v.vessel_imo")
              .select([
                "s.id",
                "s.owner_agency_id",
                "s.bill_of_lading",
                "s.carrier_scac",
                "vs.name as vessel_name",
                "v.voyage_no",
                "v.loading_cutoff",
                "s.port_of_loading",
                "s.port_of_discharge",
                "s.final_destination",
                "s.etd",
                "s.filed_at",
                "s.shipper_name",
                "s.shipper_name_native",
                "s.consignee_name",
                "s.consignee_name_native",
              ])
              .execute()
          ).map((r) => [r.id, r]),
        );
      const check = async (when: string) => {
        const bySource = await source();
        for (const actor of [host, partner]) {
          const rows = await walk(db, actor, { sort: "etd", order: "desc" }, 200);
          assert.ok(rows.length > 0, `${actor.username} sees rows ${when}`);
          for (const row of rows) {
            const s = bySource.get(row.id);
            assert.ok(s, `${row.id} exists`);
            assert.deepEqual(
              {
                billOfLading: row.billOfLading,
                carrierScac: row.carrierScac,
                vesselName: row.vesselName,
                voyageNo: row.voyageNo,
                loadingCutoff: row.loadingCutoff,
                portOfLoading: row.portOfLoading,
                portOfDischarge: row.portOfDischarge,
                finalDestination: row.finalDestination,
                etd: row.etd,
                filedAt: row.filedAt,
                shipperName: row.shipperName,
                shipperNameNative: row.shipperNameNative,
                consigneeName: row.consigneeName,
                consigneeNameNative: row.consigneeNameNative,
                isShared: row.isShared,
              },
              {
                billOfLading: s.bill_of_lading,
                carrierScac: s.carrier_scac,
                vesselName: s.vessel_name,
                voyageNo: s.voyage_no,
                loadingCutoff: s.loading_cutoff?.toISOString() ?? null,
                portOfLoading: s.port_of_loading,
                portOfDischarge: s.port_of_discharge,
                finalDestination: s.final_destination,
                etd: s.etd?.toISOString() ?? null,
                filedAt: s.filed_at.toISOString(),
                shipperName: s.shipper_name,
                shipperNameNative: s.shipper_name_native,
                consigneeName: s.consignee_name,
                consigneeNameNative: s.consignee_name_native,
                isShared: s.owner_agency_id !== actor.agencyId,
              },
              `${actor.username}, ${row.billOfLading} ${when}`,
            );
          }
        }
      };
      await check("as seeded");

      // A shared shipment on a voyage: its voyage's cut-off moves and its vessel is renamed.
      const shared = (await walk(db, partner, { sort: "etd", order: "desc" }, 200)).find((r) => r.voyageNo !== null);
      assert.ok(shared, "the partner sees a shipment on a voyage");
      const { voyage_id: voyageId } = await db
        .selectFrom("shipment")
        .select("voyage_id")
        .where("id", "=", shared.id)
        .executeTakeFirstOrThrow();
      assert.ok(voyageId);
      const before = await db
        .selectFrom("voyage as v")
        .innerJoin("vessel as vs", "vs.imo", "v.vessel_imo")
        .select(["v.loading_cutoff", "vs.imo", "vs.name"])
        .where("v.id", "=", voyageId)
        .executeTakeFirstOrThrow();
      const shipmentBefore = await db
        .selectFrom("shipment")
        .select(["shipper_name", "carrier_scac"])
        .where("id", "=", shared.id)
        .executeTakeFirstOrThrow();
      try {
        await db
          .updateTable("voyage")
          .set({ loading_cutoff: new Date(before.loading_cutoff.getTime() - 3_600_000) })
          .where("id", "=", voyageId)
          .execute();
        await db.updateTable("vessel").set({ name: "RENAMED EXPRESS" }).where("imo", "=", before.imo).execute();
        await db
          .updateTable("shipment")
          .set({ shipper_name: "AMENDED SHIPPER CO", carrier_scac: "ZZZZ" })
          .where("id", "=", shared.id)
          .execute();
        await check("after the changes");
        const seen = (await walk(db, partner, { sort: "etd", order: "desc" }, 200)).find((r) => r.id === shared.id);
        assert.equal(seen?.vesselName, "RENAMED EXPRESS");
        assert.equal(seen?.shipperName, "AMENDED SHIPPER CO");
        assert.equal(seen?.loadingCutoff, new Date(before.loading_cutoff.getTime() - 3_600_000).toISOString());
      } finally {
        await db
          .updateTable("voyage")
          .set({ loading_cutoff: before.loading_cutoff })
          .where("id", "=", voyageId)
          .execute();
        await db.updateTable("vessel").set({ name: before.name }).where("imo", "=", before.imo).execute();
        await db.updateTable("shipment").set(shipmentBefore).where("id", "=", shared.id).execute();
      }
      await check("after the changes were undone");
    });

    it("the text, port, HS chapter, level and ETD filters agree with the same test on every row", async () => {
      const { db } = ctx().database;
      const host = await actorOf(db, "host.targeter");
      const all = await walk(db, host, { sort: "etd", order: "desc" }, 500);
      const sample = all.find((r) => r.hsCodes.length > 0 && r.etd);
      assert.ok(sample);
      const chapter = (sample.hsCodes[0] as string).slice(0, 2);
      const byChapter = await walk(db, host, { sort: "score", order: "desc", hsChapter: chapter });
      assert.deepEqual(ids(byChapter), ids(all.filter((r) => r.hsCodes.some((h) => h.startsWith(chapter)))));
      const byPort = await walk(db, host, { sort: "etd", order: "asc", port: sample.portOfDischarge });
      assert.deepEqual(
        ids(byPort),
        ids(
          all.filter((r) => [r.portOfDischarge, r.portOfLoading, r.finalDestination].includes(sample.portOfDischarge)),
        ),
      );
      const high = await walk(db, host, { sort: "etd", order: "desc", level: "high" });
      assert.deepEqual(ids(high), ids(all.filter((r) => r.level === "high")));
      const etd = Date.parse(sample.etd as string);
      const window = await walk(db, host, {
        sort: "filed_at",
        order: "desc",
        etdFrom: new Date(etd - 86_400_000),
        etdTo: new Date(etd + 86_400_000),
      });
      assert.deepEqual(
        ids(window),
        ids(all.filter((r) => r.etd !== null && Math.abs(Date.parse(r.etd) - etd) <= 86_400_000)),
      );
      const word = sample.consigneeName.split(/\s+/)[0]?.toLowerCase() ?? "";
      const byText = await walk(db, host, { sort: "etd", order: "desc", q: word });
      assert.ok(
        byText.some((r) => r.id === sample.id),
        `"${word}" finds its own shipment`,
      );
      assert.ok(byText.length < all.length);
    });

    it("a common word and a rare one page to exactly the rows whose text holds them, in order, for host and partner", async () => {
      const { db } = ctx().database;
      const texts = await db.selectFrom("shipment").select(["id", "search_text"]).execute();
      // The commonest word of four letters or more, and a container number (one shipment).
      const counts = new Map<string, number>();
      for (const t of texts) {
        for (const w of new Set(t.search_text.split(/[^a-z0-9]+/).filter((x) => x.length >= 4))) {
          counts.set(w, (counts.get(w) ?? 0) + 1);
        }
      }
      const common = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "";
      const rare = ctx().fixture.japanBound.containerNo.toLowerCase();
      assert.ok((counts.get(common) ?? 0) > 20, `"${common}" is common`);
      for (const username of ["host.targeter", "partner.targeter"]) {
        const actor = await actorOf(db, username);
        const visible = new Set(ids(await truth(db, actor.agencyId)));
        for (const q of [common, rare, "no such text anywhere"]) {
          const want = texts
            .filter((t) => visible.has(t.id) && t.search_text.includes(q))
            .map((t) => t.id)
            .sort();
          for (const sort of ["etd", "score"] as const) {
            const rows = await walk(db, actor, { sort, order: "desc", q }, 7);
            assert.deepEqual(ids(rows), want, `${username} "${q}" by ${sort}`);
            // The same pages whichever way the text is found: one window holding everything, many
            // small windows one after another, or the text index straight away.
            for (const text of [
              { window: 10_000, scanLimit: 10_000 },
              { window: 5, scanLimit: 1_000 },
              { window: 5, scanLimit: 0 },
            ]) {
              const other = await walk(db, actor, { sort, order: "desc", q }, 7, text);
              assert.deepEqual(
                other.map((r) => r.id),
                rows.map((r) => r.id),
                `${username} "${q}" by ${sort}, windows of ${text.window} up to ${text.scanLimit} rows`,
              );
            }
          }
        }
      }
    });
    it("a text filter pages, window by window or through the text index, to the same rows in the same order as one unpaged page", async () => {
      const { db } = ctx().database;
      const texts = await db.selectFrom("shipment").select(["id", "search_text"]).execute();
      const counts = new Map<string, number>();
      for (const t of texts) {
        for (const w of new Set(t.search_text.split(/[^a-z0-9]+/).filter((x) => x.length >= 4))) {
          counts.set(w, (counts.get(w) ?? 0) + 1);
        }
      }
      // A word on about one shipment in five, so that pages of 7 need several windows of 5 rows.
      const [word] = [...counts.entries()].sort(
        (a, b) => Math.abs(a[1] - texts.length / 5) - Math.abs(b[1] - texts.length / 5),
      )[0] ?? [""];
      assert.ok((counts.get(word) ?? 0) > 14, `"${word}" is on more than two pages`);
      const tunings: TextTuning[] = [
        undefined,
        { window: 5, scanLimit: 1_000_000 },
        { window: 5, scanLimit: 0 },
        { window: 3, scanLimit: 20 },
      ];
      for (const username of ["host.targeter", "partner.targeter"]) {
        const actor = await actorOf(db, username);
        const visible = new Set(ids(await truth(db, actor.agencyId)));
        const holding = new Set(
          texts.filter((t) => visible.has(t.id) && t.search_text.includes(word)).map((t) => t.id),
        );
        assert.ok(holding.size > 7, `${username}: "${word}" on more than one page`);
        const all = await walk(db, actor, { sort: "etd", order: "desc" }, 500);
        const port = all.find((r) => holding.has(r.id))?.portOfLoading ?? "";
        for (const sort of ["etd", "score"] as const) {
          for (const filters of [{ q: word }, { q: word, port }]) {
            const whole = await listShipments(db, actor, { sort, order: "desc", ...filters, limit: 500 });
            assert.equal(whole.nextCursor, null, "one page holds them all");
            const expected = all.filter(
              (r) =>
                holding.has(r.id) &&
                (!filters.port || [r.portOfLoading, r.portOfDischarge, r.finalDestination].includes(port)),
            );
            assert.deepEqual(
              ids(whole.items),
              ids(expected),
              `${username} ${JSON.stringify(filters)} by ${sort}: the unpaged page holds exactly the matches`,
            );
            // In the sort order, ties broken by id, as ORDER BY puts them.
            const key = (r: ShipmentSummary) =>
              sort === "etd" ? (r.etd ? Date.parse(r.etd) : -Infinity) : (r.score ?? -1);
            for (let i = 1; i < whole.items.length; i++) {
              const [a, b] = [whole.items[i - 1] as ShipmentSummary, whole.items[i] as ShipmentSummary];
              assert.ok(
                key(a) > key(b) || (key(a) === key(b) && a.id > b.id),
                `${username} ${sort}: row ${i} out of order`,
              );
            }
            for (const text of tunings) {
              const paged = await walk(db, actor, { sort, order: "desc", ...filters }, 7, text);
              assert.deepEqual(
                paged.map((r) => r.id),
                whole.items.map((r) => r.id),
                `${username} ${JSON.stringify(filters)} by ${sort}, pages of 7, ${text ? `windows of ${text.window} up to ${text.scanLimit}` : "default windows"}`,
              );
            }
          }
        }
      }
    });

    it("a text filter beside every other filter, in every sort and both directions, pages through the text index to the filtered list's rows that hold the word", async () => {
      const { db } = ctx().database;
      const texts = new Map(
        (await db.selectFrom("shipment").select(["id", "search_text"]).execute()).map((t) => [t.id, t.search_text]),
      );
      const counts = new Map<string, number>();
      for (const text of texts.values()) {
        for (const w of new Set(text.split(/[^a-z0-9]+/).filter((x) => x.length >= 4))) {
          counts.set(w, (counts.get(w) ?? 0) + 1);
        }
      }
      // A word on about one shipment in three: each filter keeps some of its rows and drops others.
      const [word] = [...counts.entries()].sort(
        (a, b) => Math.abs(a[1] - texts.size / 3) - Math.abs(b[1] - texts.size / 3),
      )[0] ?? [""];
      for (const username of ["host.targeter", "partner.targeter"]) {
        const actor = await actorOf(db, username);
        const everything = await walk(db, actor, { sort: "etd", order: "desc" }, 500);
        const holding = everything.filter((r) => texts.get(r.id)?.includes(word));
        assert.ok(holding.length > 7, `${username}: "${word}" on more than one page`);
        const sample = holding[Math.floor(holding.length / 2)] as ShipmentSummary;
        const fired = await db
          .selectFrom("shipment_score")
          .select(sql<string>`hits -> 0 ->> 'ruleId'`.as("rule_id"))
          .where("agency_id", "=", actor.agencyId)
          .where(sql<boolean>`jsonb_array_length(hits) > 0`)
          .executeTakeFirstOrThrow();
        const etds = holding.flatMap((r) => (r.etd ? [r.etd] : [])).sort();
        const filters: Omit<ShipmentQuery, "limit" | "cursor" | "sort" | "order" | "q">[] = [
          { port: sample.portOfLoading },
          { port: sample.finalDestination ?? sample.portOfDischarge },
          { hsChapter: (sample.hsCodes[0] ?? "").slice(0, 2) },
          { level: "high" },
          { level: "low" },
          { ruleId: fired.rule_id },
          { requested: "true" },
          { etdFrom: new Date(etds[Math.floor(etds.length / 4)] ?? 0), etdTo: new Date(etds.at(-2) ?? 0) },
        ];
        for (const sort of SHIPMENT_SORTS) {
          for (const order of ["asc", "desc"] as const) {
            for (const filter of filters) {
              // The filtered list without the text, then the rows of it that hold the word: the
              // text index must page to exactly those, in the same order.
              const listed = await walk(db, actor, { sort, order, ...filter }, 500);
              const expected = listed.filter((r) => texts.get(r.id)?.includes(word)).map((r) => r.id);
              const paged = await walk(db, actor, { sort, order, ...filter, q: word }, 7, {
                window: 5,
                scanLimit: 0,
              });
              assert.deepEqual(
                paged.map((r) => r.id),
                expected,
                `${username} "${word}" ${JSON.stringify(filter)} by ${sort} ${order}, through the text index`,
              );
            }
          }
        }
        // Some filters must keep matches and some drop them, or the comparison above shows little.
        const kept = await Promise.all(
          filters.map(
            async (filter) => (await walk(db, actor, { sort: "etd", order: "desc", ...filter, q: word }, 500)).length,
          ),
        );
        assert.ok(
          kept.some((n) => n > 0) && kept.some((n) => n < holding.length),
          `${username}: filters keep ${kept.join(", ")} of ${holding.length}`,
        );
      }
    });

    it("a text filter weighs its walk by each agency's listing size, read from the statistics", async () => {
      const { db } = ctx().database;
      const estimate = (agencyId: string) =>
        withAgency(db, agencyId, async (tx) => {
          const { rows } = await sql<{ n: number | null }>`select listing_rows_estimate() as n`.execute(tx);
          return rows[0]?.n;
        });
      const actors = await Promise.all(["host.targeter", "partner.targeter"].map((u) => actorOf(db, u)));
      await sql`analyze shipment_listing`.execute(db);
      for (const actor of actors) {
        const { rows } = await sql<{
          n: number;
        }>`select count(*)::int as n from shipment_listing where agency_id = ${actor.agencyId}`.execute(db);
        const counted = rows[0]?.n ?? 0;
        const estimated = (await estimate(actor.agencyId)) ?? 0;
        assert.ok(counted > 0);
        // The statistics of a table this small are its every row.
        assert.ok(
          Math.abs(estimated - counted) <= counted * 0.05,
          `${actor.username}: ${estimated} estimated for ${counted}`,
        );
      }
      const { rows: host } = await sql<{
        n: number;
      }>`select count(*)::int as n from shipment_listing where agency_id = ${actors[0]?.agencyId}`.execute(db);
      assert.notEqual(
        Math.round((await estimate(actors[1]?.agencyId ?? "")) ?? 0),
        host[0]?.n,
        "each agency its own size",
      );
    });

    it("the listing carries each shipment's search text, also after an amendment rewrites it", async () => {
      const { db } = ctx().database;
      const { japanBound } = ctx().fixture;
      const stale = async () =>
        (
          await sql<{
            n: number;
          }>`select count(*)::int as n from shipment_listing l join shipment s on s.id = l.shipment_id
          where l.search_text is distinct from s.search_text`.execute(db)
        ).rows[0]?.n;
      assert.equal(await stale(), 0);
      const original = await db
        .selectFrom("shipment")
        .select("search_text")
        .where("id", "=", japanBound.id)
        .executeTakeFirstOrThrow();
      await db
        .updateTable("shipment")
        .set({ search_text: `${original.search_text} quetzalcoatl` })
        .where("id", "=", japanBound.id)
        .execute();
      try {
        assert.equal(await stale(), 0);
        for (const username of ["host.targeter", "partner.targeter"]) {
          const found = await listShipments(db, await actorOf(db, username), {
            limit: 10,
            sort: "etd",
            order: "desc",
            q: "quetzalcoatl",
          });
          assert.deepEqual(
            found.items.map((r) => r.id),
            [japanBound.id],
            username,
          );
        }
      } finally {
        await db
          .updateTable("shipment")
          .set({ search_text: original.search_text })
          .where("id", "=", japanBound.id)
          .execute();
      }
      assert.equal(await stale(), 0);
    });

    it("each row's hasRequests is what row-level security lets the agency read of the requests, on every path of a page", async () => {
      const { db } = ctx().database;
      const clock = fixedClock(new Date(TEST_ANCHOR.getTime() + 8 * 60 * 60 * 1000));
      const partner = await actorOf(db, "partner.targeter");
      const targets = await db
        .selectFrom("shipment as s")
        .innerJoin("shipment_container as c", "c.shipment_id", "s.id")
        .innerJoin("voyage as v", "v.id", "s.voyage_id")
        .select(["s.id", "c.container_no", "s.search_text"])
        .where("s.destination_country", "=", "JP")
        .where("v.loading_cutoff", ">", clock.now())
        .orderBy("s.bill_of_lading")
        .limit(3)
        .execute();
      assert.equal(targets.length, 3);
      for (const t of targets) {
        const open = await db
          .selectFrom("inspection_request")
          .select("id")
          .where("shipment_id", "=", t.id)
          .executeTakeFirst();
        if (!open) {
          await createInspectionRequest(db, clock, partner, {
            requestType: "inspection",
            reasonCodes: ["random_selection"],
            reason: "Listing check",
            priority: "routine",
            scansRequested: ["radiation_portal"],
            shipmentId: t.id,
            containerNo: t.container_no,
          });
        }
      }
      const word = (targets[0]?.search_text ?? "").split(/[^a-z0-9]+/).find((w) => w.length >= 5) ?? "";
      assert.ok(word.length >= 5);
      const tunings: TextTuning[] = [undefined, { window: 5, scanLimit: 1_000_000 }, { window: 5, scanLimit: 0 }];
      for (const username of ["host.targeter", "partner.targeter", "kr.targeter"]) {
        const actor = await actorOf(db, username);
        const requested = new Set(
          (
            await withAgency(db, actor.agencyId, (tx) =>
              tx.selectFrom("inspection_request").select("shipment_id").execute(),
            )
          ).map((r) => r.shipment_id),
        );
        if (username !== "kr.targeter") {
          assert.ok(
            targets.every((t) => requested.has(t.id)),
            `${username} reads the requests`,
          );
        }
        const pages = [
          ...(["etd", "score"] as const).map((sort) => walk(db, actor, { sort, order: "desc" }, 7)),
          ...tunings.map((tuning) => walk(db, actor, { sort: "etd", order: "desc", q: word }, 7, tuning)),
          walk(db, actor, { sort: "etd", order: "asc", requested: "true" }, 2),
        ];
        for (const [i, rows] of (await Promise.all(pages)).entries()) {
          const marked = rows
            .filter((r) => r.hasRequests)
            .map((r) => r.id)
            .sort();
          const expected = rows
            .filter((r) => requested.has(r.id))
            .map((r) => r.id)
            .sort();
          assert.deepEqual(marked, expected, `${username}, walk ${i}`);
          if (username !== "kr.targeter") {
            assert.ok(marked.length > 0, `${username}, walk ${i}: some rows carry requests`);
          }
        }
      }
    });
  },
);
