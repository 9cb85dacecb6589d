import { sql, type Kysely, type RawBuilder, type Selectable, type SelectQueryBuilder } from "kysely";
import { readAsAgency, withAgency, type Tx } from "../db/database.ts";
import type { DB, ShipmentContainerTable, ShipmentGoodsTable } from "../db/schema.ts";
import { notFound } from "../errors.ts";
import { listingIsVisible } from "./access.ts";
import type { Actor } from "./actor.ts";
import { recordAudit, recordSharedReadAlone } from "./audit.ts";
import { listRequestsForShipment } from "./inspection-requests/index.ts";
import { afterCursor, decodeCursor, toPage, type Keyset, type Page } from "./paging.ts";
import { searchVariants } from "./search-variants.ts";
import { explainHit, type Evidence } from "../targeting/index.ts";
import type { ShipmentSort } from "./vocabulary.ts";
import type { ShipmentDetail, ShipmentSummary } from "../contract/shipments.ts";

export { SHIPMENT_SORTS, type ShipmentSort } from "./vocabulary.ts";

/** Filters, sort and paging for the shipment list. */
export interface ShipmentQuery {
  limit: number;
  cursor?: string;
  sort: ShipmentSort;
  order: "asc" | "desc";
  /** UN/LOCODE matched against port of loading, discharge or final destination. */
  port?: string;
  /** ETD window, inclusive. */
  etdFrom?: Date;
  etdTo?: Date;
  /** Two-digit HS chapter any goods line falls in. */
  hsChapter?: string;
  /** Free text over B/L, parties, containers and goods descriptions. */
  q?: string;
  /** Risk level under the agency's active rules. */
  level?: "low" | "medium" | "high";
  /** Only shipments on which this rule fired. */
  ruleId?: string;
  /** "true": only shipments with an inspection request the agency is party to. */
  requested?: "true" | "false";
}

export type { ShipmentDetail, ShipmentSummary } from "../contract/shipments.ts";

/**
 * The columns of a list row, all read from the listing row `l`, which carries what the page shows
 * of its shipment, voyage and vessel (migrations/0038): a page reads no other table but for the
 * request probe.
 */
const SUMMARY_COLUMNS = [
  "l.shipment_id as id",
  "l.bill_of_lading",
  "l.carrier_scac",
  "l.vessel_name",
  "l.voyage_no",
  "l.port_of_loading",
  "l.port_of_discharge",
  "l.final_destination",
  sql<Date | null>`nullif(l.etd_key, '-infinity'::timestamptz)`.as("etd"),
  "l.loading_cutoff",
  "l.filed_at",
  "l.shipper_name",
  "l.shipper_name_native",
  "l.consignee_name",
  "l.consignee_name_native",
  "l.owner_agency_id",
  "l.score_key",
  "l.level",
  "l.hit_count",
  "l.container_count",
  "l.hs_codes",
] as const;

// Lists read the per-agency listing (migrations/0014): visibility, the agency's score, counts, every
// sort key and every shown column sit in one indexed row, so a page is an index range scan.
function summaryQuery(tx: Tx, actor: Actor) {
  return tx.selectFrom("shipment_listing as l").where(listingIsVisible(actor)).select(SUMMARY_COLUMNS);
}

/**
 * Whether any inspection request the agency may see stands on the shipment (row-level security
 * limits requests): a probe of the request index. A page asks it in its own statement, but of the
 * page's rows only (withRequestProbe): inside the page query the planner, expecting the whole
 * list, would hash every request instead.
 */
const hasRequests = sql<boolean>`exists (select 1 from inspection_request r where r.shipment_id = l.shipment_id)`;

/**
 * A page query (ordered and limited, its rows carrying `id` and the `sort_key` they are ordered
 * by) with each row's hasRequests: the probe runs once per row of the page, on top of its limit.
 * The page's `columns` are returned (the sort key, which only orders, is not).
 */
function withRequestProbe<Row extends { id: string; sort_key: unknown }>(
  tx: Tx,
  page: SelectQueryBuilder<DB, never, Row>,
  order: "asc" | "desc",
  columns: readonly string[],
) {
  const probed = tx
    .selectFrom(page.as("p"))
    .select(columns.map((c) => sql.ref(`p.${c}`).as(c)))
    .select(sql<boolean>`exists (select 1 from inspection_request r where r.shipment_id = p.id)`.as("has_requests"))
    .orderBy(sql`p.sort_key`, order)
    .orderBy(sql`p.id`, order);
  return probed as unknown as SelectQueryBuilder<DB, never, Omit<Row, "sort_key"> & { has_requests: boolean }>;
}

/** The names SUMMARY_COLUMNS come out under. */
const SUMMARY_NAMES: readonly string[] = SUMMARY_COLUMNS.map((c) =>
  typeof c === "string" ? (c.split(" as ").at(-1)?.split(".").at(-1) ?? c) : "etd",
);

type SummaryRow = Awaited<ReturnType<ReturnType<typeof summaryQuery>["execute"]>>[number] & { has_requests: boolean };

function presentSummary(actor: Actor, r: SummaryRow): ShipmentSummary {
  return {
    id: r.id,
    billOfLading: r.bill_of_lading,
    carrierScac: r.carrier_scac,
    vesselName: r.vessel_name,
    voyageNo: r.voyage_no,
    portOfLoading: r.port_of_loading,
    portOfDischarge: r.port_of_discharge,
    finalDestination: r.final_destination,
    etd: r.etd?.toISOString() ?? null,
    loadingCutoff: r.loading_cutoff?.toISOString() ?? null,
    filedAt: r.filed_at.toISOString(),
    shipperName: r.shipper_name,
    shipperNameNative: r.shipper_name_native,
    consigneeName: r.consignee_name,
    consigneeNameNative: r.consignee_name_native,
    containerCount: r.container_count,
    hsCodes: r.hs_codes,
    isShared: r.owner_agency_id !== actor.agencyId,
    score: r.level === null ? null : Number(r.score_key),
    level: r.level,
    hitCount: r.hit_count,
    hasRequests: r.has_requests,
  };
}

// Each sort key is total (no nulls) and typed, so keyset comparisons agree with ORDER BY.
// Each is the second column of an index on (agency_id, key, shipment_id).
const SORT_KEYS: Record<ShipmentSort, { expr: string; cast: Keyset["valueType"] }> = {
  etd: { expr: "l.etd_key", cast: "timestamptz" },
  filed_at: { expr: "l.filed_at", cast: "timestamptz" },
  bill_of_lading: { expr: "l.bill_of_lading", cast: "text" },
  port_of_discharge: { expr: "l.port_of_discharge", cast: "text" },
  score: { expr: "l.score_key", cast: "float8" },
};

function sortValue(r: SummaryRow, sort: ShipmentSort): string {
  switch (sort) {
    case "etd":
      return r.etd?.toISOString() ?? "-infinity";
    case "filed_at":
      return r.filed_at.toISOString();
    case "bill_of_lading":
      return r.bill_of_lading;
    case "port_of_discharge":
      return r.port_of_discharge;
    case "score":
      return String(r.score_key);
  }
}

/**
 * Rows of the sort order a free-text filter tests one by one before it turns to the text index. A
 * common word fills a page within them; a rarer one has few matches, which the trigram index finds
 * and the page sorts.
 */
const TEXT_WINDOW = 4000;
/**
 * Rows of the sort order a free-text filter may walk in windows before it turns to the text index,
 * where the listing has no statistics yet to weigh the two by.
 */
const TEXT_SCAN_LIMIT = 40_000;

/**
 * What a match fetched from the text index costs, in rows of the walk: at 1,000,000 shipments on
 * PostgreSQL a walk read 1.5–7 µs a row (the top of a sort order, which every page reads, is in
 * the cache), the index 5.4–7.3 µs a match (its rows are anywhere in the listing).
 */
const TEXT_INDEX_ROW_COST = 2;

/**
 * How a free-text filter finds its page: windows of `window` rows; with `scanLimit`, the rows it
 * walks before it turns to the text index whatever either costs (the tests walk every path so).
 */
export interface TextTuning {
  window: number;
  scanLimit?: number;
}

/** Lists the shipments the actor may see, filtered, sorted and paged on the server. */
export async function listShipments(
  db: Kysely<DB>,
  actor: Actor,
  query: ShipmentQuery,
  text: TextTuning = { window: TEXT_WINDOW },
): Promise<Page<ShipmentSummary>> {
  const after = query.cursor ? decodeCursor(query.cursor, `shipments:${query.sort}`) : null;
  const key = SORT_KEYS[query.sort];
  const keyExpr = sql.raw(key.expr);
  // Conditions on the listing row.
  const onListing: RawBuilder<boolean>[] = [];
  if (query.port) {
    const port = query.port;
    onListing.push(
      sql<boolean>`(l.port_of_discharge = ${port} or l.final_destination = ${port} or l.port_of_loading = ${port})`,
    );
  }
  if (query.etdFrom) {
    onListing.push(sql<boolean>`l.etd_key >= ${query.etdFrom}`);
  }
  if (query.etdTo) {
    // A shipment without an ETD sorts as -infinity and is in no ETD window.
    onListing.push(sql<boolean>`l.etd_key <= ${query.etdTo} and l.etd_key > '-infinity'::timestamptz`);
  }
  if (query.hsChapter) {
    onListing.push(
      sql<boolean>`exists (select 1 from unnest(l.hs_codes) as h(code) where h.code like ${`${query.hsChapter}%`})`,
    );
  }
  if (query.level) {
    onListing.push(sql<boolean>`l.level = ${query.level}`);
  }
  if (query.ruleId) {
    const fired = JSON.stringify([{ ruleId: query.ruleId }]);
    onListing.push(
      sql<boolean>`exists (select 1 from shipment_score sc where sc.shipment_id = l.shipment_id and sc.agency_id = l.agency_id and sc.hits @> ${fired}::jsonb)`,
    );
  }
  if (query.requested === "true") {
    // Requests are few beside the listing: their shipments are found first, then sorted.
    onListing.push(sql<boolean>`l.shipment_id in (select r.shipment_id from inspection_request r)`);
  }
  /** Rows after (value, id) in the sort order. */
  const keysetAfter = (text: string, id: string): RawBuilder<boolean> => {
    const value = sql`cast(${text} as ${sql.raw(key.cast)})`;
    // The scalar bound beside the row comparison gives the planner an estimate it can use.
    const bound = sql.raw(query.order === "asc" ? ">=" : "<=");
    const keyset: Keyset = {
      value: keyExpr,
      id: "l.shipment_id",
      order: query.order,
      valueType: key.cast,
      idType: "uuid",
    };
    return sql<boolean>`${keyExpr} ${bound} ${value} and ${afterCursor({ value: text, id }, keyset)}`;
  };
  if (after) {
    onListing.push(keysetAfter(String(after.value), after.id));
  }
  /**
   * The page in the sort order, of the rows that meet the filters and `extra`. Each statement of a
   * page is read in a transaction that travels with it (readAsAgency): without a text filter the
   * page is that one statement.
   */
  const pageQuery = (tx: Tx, extra: RawBuilder<boolean>[]) => {
    let qb = summaryQuery(tx, actor);
    for (const condition of [...onListing, ...extra]) {
      qb = qb.where(condition);
    }
    const page = qb
      .select(sql<string>`${keyExpr}`.as("sort_key"))
      .orderBy(keyExpr, query.order)
      .orderBy("l.shipment_id", query.order)
      // A constant limit, written into the statement: its kept plan is then made for a page of rows.
      .limit(sql.lit(query.limit + 1));
    return withRequestProbe(tx, page, query.order, SUMMARY_NAMES);
  };
  /** A page of the rows whose text holds `q`: windows of the sort order, or the text index. */
  const readText = async (q: string) => {
    const fetch = (extra: RawBuilder<boolean>[]) =>
      readAsAgency(db, actor.agencyId, (tx) => pageQuery(tx, extra).compile());
    /**
     * One window of the walk below: the next `size` listing rows of the sort order after `start`,
     * in one statement that returns only the rows whose text matches (with their list columns) and
     * the window's last row (`n = size`), where the next window starts. The statement stops
     * walking as soon as it has `wanted` matches, so a common word reads a few hundred rows. The
     * planner cannot see that stop: where a window covers most of the agency's listing (a small
     * world) it would read every row and sort them all, so the window is read as an ordered walk.
     */
    const textWindow = (
      matchesText: RawBuilder<boolean>,
      start: { k: string; id: string } | undefined,
      size: number,
      wanted: number,
    ) =>
      readAsAgency(
        db,
        actor.agencyId,
        (tx) => {
          const direction = sql.raw(query.order);
          // The walk carries only what the window needs of each row (its id, key, whether its text
          // matches and its place); the list columns are read for the rows kept, by key.
          let walked = tx
            .selectFrom("shipment_listing as l")
            .select([
              "l.shipment_id",
              sql<string>`${keyExpr}`.as("key"),
              sql<boolean>`${matchesText}`.as("is_match"),
              sql<number>`(row_number() over (order by ${keyExpr} ${direction}, l.shipment_id ${direction}))::int`.as(
                "n",
              ),
            ])
            .where(listingIsVisible(actor));
          for (const condition of [...onListing, ...(start ? [keysetAfter(start.k, start.id)] : [])]) {
            walked = walked.where(condition);
          }
          const page = tx
            .selectFrom(walked.orderBy(keyExpr, query.order).orderBy("l.shipment_id", query.order).limit(size).as("w"))
            .innerJoin("shipment_listing as l", (join) =>
              join.on("l.agency_id", "=", actor.agencyId).onRef("l.shipment_id", "=", "w.shipment_id"),
            )
            .select(SUMMARY_COLUMNS)
            .select(["w.n", "w.key as sort_key", sql<string>`w.key::text`.as("k"), "w.is_match"])
            .where(sql<boolean>`(w.is_match or w.n = ${size})`)
            .orderBy("w.key", query.order)
            .orderBy("w.shipment_id", query.order)
            .limit(wanted + 1);
          return withRequestProbe(tx, page, query.order, [...SUMMARY_NAMES, "n", "k", "is_match"]).compile();
        },
        { orderedWalk: true },
      );
    type Found = Awaited<ReturnType<typeof fetch>>;
    /** The agency's listing rows by the planner's statistics (migrations/0040); null without them. */
    let agencyRows: number | null | undefined;
    /**
     * Whether to stop walking for the text index, after `scanned` rows held `found` matches: the
     * walk would read about `needed` more rows, the index as many rows as the agency has matches
     * (about the share so far times its listing), each costing about TEXT_INDEX_ROW_COST rows of
     * the walk. A rare word, or a common one scarce at the top of a long list, is cheaper there. No
     * match yet, or no statistics: the fixed limit decides.
     */
    const turnToIndex = async (scanned: number, found: number, needed: number): Promise<boolean> => {
      if (text.scanLimit !== undefined || found === 0) {
        return scanned + needed > (text.scanLimit ?? TEXT_SCAN_LIMIT);
      }
      if (agencyRows === undefined) {
        const [estimate] = await readAsAgency(db, actor.agencyId, (tx) =>
          sql<{ n: number | null }>`select listing_rows_estimate() as n`.compile(tx),
        );
        agencyRows = estimate?.n ?? null;
      }
      return agencyRows === null
        ? scanned + needed > TEXT_SCAN_LIMIT
        : needed > (found / scanned) * agencyRows * TEXT_INDEX_ROW_COST;
    };
    /**
     * Walks the sort order in windows of `text.window` listing rows (TEXT_WINDOW), testing the text
     * the listing row carries (migrations/0029), until the page is full or the order ends. After each
     * window the share of matches so far tells how many more rows the page would need; when the
     * text index would be cheaper (turnToIndex) it gives up and returns null, for the index.
     */
    const textWindows = async (matchesText: RawBuilder<boolean>): Promise<Found | null> => {
      const matches: Found = [];
      const seen = new Set<string>();
      let start: { k: string; id: string } | undefined;
      for (let scanned = 0; ;) {
        const rows = await textWindow(matchesText, start, text.window, query.limit + 1 - matches.length);
        // Windows follow one another in the sort order, so their matches append in order. Each
        // window is read on its own, as pages are: a shipment whose sort key moved on between two
        // windows is shown once, where it was first seen.
        for (const { n: _n, k: _k, is_match: isMatch, ...row } of rows) {
          if (isMatch && !seen.has(row.id)) {
            seen.add(row.id);
            matches.push(row);
          }
        }
        const edge = rows.find((r) => r.n === text.window);
        if (matches.length > query.limit || !edge) {
          return matches.slice(0, query.limit + 1);
        }
        scanned += text.window;
        const needed =
          matches.length === 0 ? Infinity : ((query.limit + 1 - matches.length) * scanned) / matches.length;
        if (await turnToIndex(scanned, matches.length, needed)) {
          return null;
        }
        start = { k: edge.k, id: edge.id };
      }
    };
    // A kana query also looks for its romanisations (search-variants.ts): names are filed romanised.
    const patterns = searchVariants(q).map((v) => `%${v.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`);
    const matchesText = sql<boolean>`(${sql.join(
      patterns.map((p) => sql`l.search_text like ${p}`),
      sql` or `,
    )})`;
    // Too few matches near the start of the order: the agency's matches come from the trigram index
    // on its listing (listing_text_matches in migrations/0040, which returns only rows the agency
    // may list, with the columns pages sort and filter on). Their first page of rows in the sort
    // order, under the page's filters and cursor, is taken there; the page reads those rows.
    const direction = sql.raw(query.order);
    const matched = sql.join(
      patterns.map((p) => sql`select * from listing_text_matches(${p})`),
      sql` union `,
    );
    const firstMatches = sql`select l.shipment_id from (${matched}) as l where ${sql.join(
      [sql<boolean>`true`, ...onListing],
      sql` and `,
    )} order by ${keyExpr} ${direction}, l.shipment_id ${direction} limit ${sql.lit(query.limit + 1)}`;
    return (await textWindows(matchesText)) ?? (await fetch([sql<boolean>`l.shipment_id in (${firstMatches})`]));
  };
  // A page with no filter but its cursor is an index range scan of the agency's listing in the
  // sort order, whatever the agency or the cursor: it keeps one plan. With filters the values
  // decide the plan (a rare level walks another index), so those pages are planned as they come.
  const isPlainPage = onListing.length === (after ? 1 : 0);
  const rows = query.q
    ? await readText(query.q)
    : await readAsAgency(db, actor.agencyId, (tx) => pageQuery(tx, []).compile(), { genericPlans: isPlainPage });
  // Each page of another agency's shipments is a view of shared data, and audited as one, once the
  // read's transaction has ended, in a statement of its own (recordSharedReadAlone).
  const { cursor: _cursor, ...filters } = query;
  await recordSharedReadAlone(db, actor, {
    action: "shipments.listed",
    entityType: "shipment",
    records: rows.slice(0, query.limit).map((r) => ({ id: r.id, ownerAgencyId: r.owner_agency_id })),
    payload: { filters },
  });
  const page = toPage(
    rows,
    query.limit,
    (r) => ({ value: sortValue(r, query.sort), id: r.id }),
    `shipments:${query.sort}`,
  );
  return { items: page.items.map((r) => presentSummary(actor, r)), nextCursor: page.nextCursor };
}

/** A goods line row as the API and the result bundle show it. */
export function presentGoodsLine(g: Selectable<ShipmentGoodsTable>): ShipmentDetail["goods"][number] {
  return {
    lineNo: g.line_no,
    hsCode: g.hs_code,
    description: g.description,
    packages: g.packages,
    packageType: g.package_type,
    grossWeightKg: g.gross_weight_kg === null ? null : Number(g.gross_weight_kg),
    containerNo: g.container_no,
  };
}

/** A container row as the API and the result bundle show it. */
export function presentContainer(c: Selectable<ShipmentContainerTable>): ShipmentDetail["containers"][number] {
  return { containerNo: c.container_no, sizeType: c.size_type, sealNo: c.seal_no, isFull: c.is_full };
}

/** Reads one shipment the actor may see; a view of another agency's data is audited. */
export async function getShipment(db: Kysely<DB>, actor: Actor, id: string): Promise<ShipmentDetail> {
  return withAgency(db, actor.agencyId, async (tx) => {
    const row = await summaryQuery(tx, actor)
      .select(hasRequests.as("has_requests"))
      .innerJoin("shipment as full", "full.id", "l.shipment_id")
      .leftJoin("voyage as v", "v.id", "full.voyage_id")
      .leftJoin("shipment_score as sc", (join) =>
        join.onRef("sc.shipment_id", "=", "l.shipment_id").on("sc.agency_id", "=", actor.agencyId),
      )
      .select([
        "v.vessel_imo",
        "full.shipper_address",
        "full.shipper_country",
        "full.consignee_address",
        "full.consignee_country",
        "full.notify_name",
        "full.notify_name_native",
        "full.version",
        "sc.hits",
      ])
      .where("l.shipment_id", "=", id)
      .executeTakeFirst();
    if (!row) {
      throw notFound("shipment");
    }
    const [goods, containers, requests] = await Promise.all([
      tx.selectFrom("shipment_goods").selectAll().where("shipment_id", "=", id).orderBy("line_no").execute(),
      tx.selectFrom("shipment_container").selectAll().where("shipment_id", "=", id).orderBy("container_no").execute(),
      listRequestsForShipment(tx, actor, id),
    ]);
    if (row.owner_agency_id !== actor.agencyId) {
      await recordAudit(tx, actor, {
        action: "shipment.viewed",
        entityType: "shipment",
        entityId: id,
        otherAgencyIds: [row.owner_agency_id],
        payload: { billOfLading: row.bill_of_lading },
      });
    }
    const summary = presentSummary(actor, row);
    return {
      ...summary,
      vesselImo: row.vessel_imo,
      shipperAddress: row.shipper_address,
      shipperCountry: row.shipper_country,
      consigneeAddress: row.consignee_address,
      consigneeCountry: row.consignee_country,
      notifyName: row.notify_name,
      notifyNameNative: row.notify_name_native,
      version: row.version,
      goods: goods.map(presentGoodsLine),
      containers: containers.map(presentContainer),
      inspectionRequests: requests,
      hits: ((row.hits ?? []) as { ruleId: string; weight: number; explanation: string; evidence?: Evidence }[]).map(
        (h) => ({
          ruleId: h.ruleId,
          weight: h.weight,
          explanation: explainHit(h, actor.language, { ...summary }),
        }),
      ),
    };
  });
}
