import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { sql } from "kysely";
import type { Database } from "../../src/db/database.ts";
import { actorForUser } from "../../src/domain/auth.ts";
import { listShipments, type ShipmentSummary } from "../../src/domain/shipments.ts";
import { isValidContainerNumber } from "../../src/trade/iso6346.ts";
import { billIndex, loadScale, type ScaleResult } from "../../scripts/load-scale.ts";
import { engines } from "../helpers/db.ts";
import { TEST_PASSWORD } from "../helpers/world.ts";

// The scale loader (scripts/load-scale.ts) writes to PostgreSQL only, so this suite runs when
// TEST_DATABASE_URL names a server and is reported as skipped, with the reason, when it does not.
const postgres = engines().find((e) => e.name === "postgres");
const TOTAL = 3000;

const onPostgres = (title: string, body: () => void): void => {
  if (postgres) {
    describe(title, body);
  } else {
    test(title, { skip: "TEST_DATABASE_URL is not set; the scale loader needs PostgreSQL" }, () => {});
  }
};

onPostgres("load-scale [postgres]", () => {
  let opened: { database: Database; drop(): Promise<void> } | undefined;
  let first: ScaleResult;
  let second: ScaleResult;
  let again: ScaleResult;
  const db = () => (opened as { database: Database }).database.db;

  before(async () => {
    opened = await (postgres as NonNullable<typeof postgres>).open();
    const options = { seed: 7, chunk: 700, writers: 2, demoShipments: 300, password: TEST_PASSWORD, log: () => {} };
    // Part of the way, then the rest (a resumed run), then once more (nothing left to do).
    first = await loadScale(opened.database.db, { ...options, shipments: 2000 });
    second = await loadScale(opened.database.db, { ...options, shipments: TOTAL });
    again = await loadScale(opened.database.db, { ...options, shipments: TOTAL });
  });
  after(async () => {
    await opened?.drop();
  });

  test("adds shipments until the database holds the total, resuming where it stopped", async () => {
    assert.equal(first.total, 2000);
    assert.ok(first.before > 0 && first.before < 2000, `the demo world comes first (${first.before} shipments)`);
    assert.equal(second.before, 2000);
    assert.equal(second.total, TOTAL);
    assert.equal(again.added, 0);
    const count = await db()
      .selectFrom("shipment")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow();
    assert.equal(Number(count.n), TOTAL);
    // The loaded bills encode the shipment indexes 0…n-1: nothing generated twice, no hole left.
    const bills = await db()
      .selectFrom("shipment")
      .select("bill_of_lading")
      .where(sql<boolean>`bill_of_lading ~ '^[A-Z]{4}[0-9]{10}$'`)
      .execute();
    const indexes = bills.map((b) => billIndex(b.bill_of_lading)).sort((a, b) => a - b);
    assert.deepEqual(
      indexes,
      Array.from({ length: first.added + second.added }, (_, i) => i),
    );
  });

  test("every shipment has goods lines and containers; every container number passes ISO 6346", async () => {
    const shape = await sql<{
      shipments: number;
      goodless: number;
      boxless: number;
      max_lines: number;
      max_boxes: number;
    }>`
      select count(*)::int as shipments,
             count(*) filter (where g.n is null)::int as goodless,
             count(*) filter (where c.n is null)::int as boxless,
             max(g.n)::int as max_lines, max(c.n)::int as max_boxes
      from shipment s
      left join (select shipment_id, count(*) as n from shipment_goods group by 1) g on g.shipment_id = s.id
      left join (select shipment_id, count(*) as n from shipment_container group by 1) c on c.shipment_id = s.id`.execute(
      db(),
    );
    const row = shape.rows[0];
    assert.ok(row);
    assert.equal(row.goodless, 0);
    assert.equal(row.boxless, 0);
    assert.ok(row.max_lines <= 4 && row.max_boxes <= 4, `${row.max_lines} lines, ${row.max_boxes} boxes at most`);
    const containers = await db().selectFrom("shipment_container").select("container_no").distinct().execute();
    assert.ok(containers.length > TOTAL);
    const invalid = containers.filter((c) => !isValidContainerNumber(c.container_no));
    assert.deepEqual(invalid, []);
  });

  test("spreads a year of sailings over both agencies, scored by every agency that sees them, some left unscored", async () => {
    const rows = await sql<{
      code: string;
      shipments: number;
      to_jp: number;
      to_us: number;
      scored_own: number;
      cancelled: number;
      months: number;
    }>`
      select a.code, count(*)::int as shipments,
             count(*) filter (where 'JP' in (s.discharge_country, s.destination_country))::int as to_jp,
             count(*) filter (where 'US' in (s.discharge_country, s.destination_country))::int as to_us,
             count(sc.shipment_id)::int as scored_own,
             count(*) filter (where s.is_cancelled)::int as cancelled,
             count(distinct date_trunc('month', s.etd))::int as months
      from shipment s
      join agency a on a.id = s.owner_agency_id
      left join shipment_score sc on sc.shipment_id = s.id and sc.agency_id = s.owner_agency_id
      group by a.code`.execute(db());
    const us = rows.rows.find((r) => r.code === "USCBP");
    const jp = rows.rows.find((r) => r.code === "JPCUS");
    assert.ok(us && jp);
    assert.ok(us.shipments > jp.shipments * 4, "most shipments are the host's");
    assert.ok(us.to_jp > us.shipments * 0.2, `a share of the host's is bound for Japan (${us.to_jp}/${us.shipments})`);
    assert.ok(jp.to_us > 0 && jp.to_us < jp.shipments, "some of Japan's are bound for the US");
    assert.ok(us.months >= 12, `sailings over a year (${us.months} months)`);
    assert.ok(us.scored_own > us.shipments * 0.9, "most are scored");
    assert.ok(us.cancelled > 0 && us.scored_own < us.shipments, "some are not");
    // The partner scored exactly what it may see of the host's (and nothing else of it).
    const partner = await sql<{ shared: number; scored: number; stray: number }>`
      select count(*) filter (where 'JP' in (s.discharge_country, s.destination_country) and not s.is_cancelled)::int as shared,
             count(sc.shipment_id) filter (where 'JP' in (s.discharge_country, s.destination_country))::int as scored,
             count(sc.shipment_id) filter (where 'JP' not in (s.discharge_country, s.destination_country))::int as stray
      from shipment s
      join agency o on o.id = s.owner_agency_id and o.code = 'USCBP'
      left join shipment_score sc on sc.shipment_id = s.id and sc.agency_id = (select id from agency where code = 'JPCUS')`.execute(
      db(),
    );
    const p = partner.rows[0];
    assert.ok(p && p.shared > 0);
    assert.equal(p.scored, p.shared);
    assert.equal(p.stray, 0);
  });

  test("a few percent carry inspection requests, numbered on from each agency's counter", async () => {
    const requests = await sql<{ n: number; shipments: number; distinct_refs: number; past_open: number }>`
      select count(*)::int as n, count(distinct shipment_id)::int as shipments, count(distinct reference)::int as distinct_refs,
             count(*) filter (where deadline < now() and status in ('requested', 'accepted', 'scheduled', 'scanning') and missed_at is null)::int as past_open
      from inspection_request`.execute(db());
    const r = requests.rows[0];
    assert.ok(r);
    assert.ok(r.n > TOTAL * 0.005 && r.n < TOTAL * 0.1, `${r.n} requests`);
    assert.equal(r.distinct_refs, r.n);
    assert.equal(r.past_open, 0, "no request is left waiting past its cut-off without a recorded miss");
    const counters = await sql<{ ok: boolean }>`
      select bool_and(c.last_number >= (select count(*) from inspection_request ir
                                         join agency a on a.id = ir.requesting_agency_id
                                         where ir.requesting_agency_id = c.agency_id and ir.reference like 'IR-' || a.code || '-' || c.year || '-%')) as ok
      from inspection_request_counter c`.execute(db());
    assert.equal(counters.rows[0]?.ok, true);
  });

  test("the partner's targeter lists its own shipments and, of the host's, only those bound for Japan", async () => {
    const user = await db()
      .selectFrom("app_user")
      .select("id")
      .where("username", "=", "partner.targeter")
      .executeTakeFirstOrThrow();
    const partner = await actorForUser(db(), user.id);
    const seen: ShipmentSummary[] = [];
    let cursor: string | undefined;
    do {
      const page = await listShipments(db(), partner, {
        limit: 500,
        sort: "etd",
        order: "desc",
        ...(cursor ? { cursor } : {}),
      });
      seen.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const shared = seen.filter((s) => s.isShared);
    const notToJapan = shared.filter(
      (s) => !s.portOfDischarge.startsWith("JP") && !(s.finalDestination ?? "").startsWith("JP"),
    );
    assert.deepEqual(
      notToJapan.map((s) => s.billOfLading),
      [],
    );
    const expected = await sql<{ shared: number; own: number }>`
      select count(*) filter (where o.code = 'USCBP' and 'JP' in (s.discharge_country, s.destination_country))::int as shared,
             count(*) filter (where o.code = 'JPCUS')::int as own
      from shipment s join agency o on o.id = s.owner_agency_id`.execute(db());
    assert.equal(shared.length, expected.rows[0]?.shared);
    assert.equal(seen.length - shared.length, expected.rows[0]?.own);
    assert.ok(
      shared.some((s) => s.score !== null),
      "the partner's own scores come with the list",
    );
  });
});
