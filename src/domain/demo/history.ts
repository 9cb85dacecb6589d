import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import { synthesizeHandheldN42, synthesizePortalN42 } from "../../radiation/synthetic/index.ts";
import { normCommodity } from "../../trade/index.ts";
import type { Actor } from "../actor.ts";
import { actorForUser } from "../auth.ts";
import { fixedClock, type Clock } from "../clock.ts";
import { sweepDeadlines } from "../deadlines.ts";
import { ingestManifest } from "../ingest/pipeline.ts";
import {
  closeInspectionRequest,
  createInspectionRequest,
  decideInspectionRequest,
  dispositionInspectionRequest,
  recordScan,
  withdrawInspectionRequest,
  type InspectionRequestView,
  type NewScan,
} from "../inspection-requests/index.ts";
import { serviceActor } from "../service-accounts.ts";
import { containerRadiograph } from "./png.ts";
import { seededRandom, type Random } from "./random.ts";
import type { Timeline } from "./timeline.ts";

// A month of the exchange at work, made with the same domain functions the API calls: requests in
// both directions, decisions, portal and handheld files from the physics generator, radiographs,
// dispositions and a few misses — so the dashboard and result screens have real data at first start.

const HOUR = 3_600_000;
const PORTAL = "RPM lane 3 (4 PVT panels, 4 He-3 tubes)";
const HANDHELD = "identiFINDER-NG handheld (NaI)";
const IMAGER = "VACIS M6500 gamma imager";

type Kind = "clean" | "norm" | "medical" | "industrial";

interface Candidate {
  id: string;
  cutoff: Date;
  containerNo: string;
  hsCode: string;
  topRule: string | null;
  explanation: string | null;
}

async function actor(db: Kysely<DB>, username: string): Promise<Actor> {
  const row = await db.selectFrom("app_user").select("id").where("username", "=", username).executeTakeFirstOrThrow();
  return actorForUser(db, row.id);
}

/**
 * The requesting agency's best-scored shipments of the host whose cut-off falls in [from, to) and
 * that nobody has asked about yet; those filed by then only, since the story asks at its own time.
 */
async function candidates(
  db: Kysely<DB>,
  scoringAgency: string,
  from: Date,
  to: Date,
  limit: number,
  hsPrefixes: string[] = [],
): Promise<Candidate[]> {
  const rows = await db
    .selectFrom("shipment as s")
    .innerJoin("agency as a", "a.id", "s.owner_agency_id")
    .innerJoin("voyage as v", "v.id", "s.voyage_id")
    .innerJoin("agency as sa", (j) => j.on("sa.code", "=", scoringAgency))
    .leftJoin("shipment_score as sc", (j) => j.onRef("sc.shipment_id", "=", "s.id").onRef("sc.agency_id", "=", "sa.id"))
    .select(["s.id", "v.loading_cutoff", "sc.score", "sc.hits"])
    .select((eb) => [
      eb
        .selectFrom("shipment_container as c")
        .select("c.container_no")
        .whereRef("c.shipment_id", "=", "s.id")
        .orderBy("c.container_no")
        .limit(1)
        .as("container_no"),
      eb
        .selectFrom("shipment_goods as g")
        .select("g.hs_code")
        .whereRef("g.shipment_id", "=", "s.id")
        .orderBy("g.line_no")
        .limit(1)
        .as("hs_code"),
    ])
    .where("a.code", "=", "USCBP")
    // Scored by the requesting agency means shared with it.
    .where("sc.score", "is not", null)
    .where("v.loading_cutoff", ">=", from)
    .where("v.loading_cutoff", "<", to)
    .where((eb) =>
      eb.not(eb.exists(eb.selectFrom("inspection_request as r").select("r.id").whereRef("r.shipment_id", "=", "s.id"))),
    )
    .$if(hsPrefixes.length > 0, (qb) =>
      qb.where((eb) =>
        eb.exists(
          eb
            .selectFrom("shipment_goods as g2")
            .select("g2.line_no")
            .whereRef("g2.shipment_id", "=", "s.id")
            .where((w) => w.or(hsPrefixes.map((p) => w("g2.hs_code", "like", `${p}%`)))),
        ),
      ),
    )
    .orderBy("sc.score", (o) => o.desc().nullsLast())
    .orderBy("s.bill_of_lading")
    .limit(limit)
    .execute();
  return rows.map((r) => {
    const top = ((r.hits ?? []) as { ruleId: string; explanation: string }[])[0];
    return {
      id: r.id,
      cutoff: r.loading_cutoff,
      containerNo: r.container_no ?? "",
      hsCode: r.hs_code ?? "",
      topRule: top?.ruleId ?? null,
      explanation: top?.explanation ?? null,
    };
  });
}

function reasonCodes(
  rule: string | null,
): ("radiological" | "watchlist_party" | "manifest_discrepancy" | "high_risk_route" | "random_selection" | "other")[] {
  if (!rule) {
    return ["random_selection"];
  }
  if (/^(norm|scrap|radioactive|strategic)\./.test(rule)) {
    return ["radiological"];
  }
  if (rule.startsWith("party.")) {
    return ["watchlist_party"];
  }
  if (rule.startsWith("route.")) {
    return ["high_risk_route"];
  }
  return /^(description|weight|filing|hs)\./.test(rule) ? ["manifest_discrepancy"] : ["other"];
}

function kindFor(c: Candidate, rng: Random, index: number, isIndustrial: boolean): Kind {
  if (isIndustrial) {
    return "industrial";
  }
  if (index % 11 === 7) {
    return "medical";
  }
  return normCommodity(c.hsCode)?.kind === "nuisance" || rng.chance(0.1) ? "norm" : "clean";
}

function portalFile(kind: Kind, seed: number): Uint8Array {
  const cargo = { cargoMassKg: 18000, preSeconds: 8, postSeconds: 2 };
  switch (kind) {
    case "norm":
      return synthesizePortalN42({
        seed,
        ...cargo,
        norm: [
          { nuclide: "K-40", activityBq: 3e7 },
          { nuclide: "Th-232", activityBq: 4e6 },
        ],
      }).bytes;
    case "industrial":
      return synthesizePortalN42({
        seed,
        ...cargo,
        sources: [{ nuclide: "Cs-137", activityBq: 4e8, shielding: [{ material: "steel", arealDensity: 8 }] }],
      }).bytes;
    case "medical":
      return synthesizePortalN42({ seed, ...cargo, sources: [{ nuclide: "I-131", activityBq: 1.5e8 }] }).bytes;
    case "clean":
      return synthesizePortalN42({ seed, ...cargo }).bytes;
  }
}

const HANDHELD_SOURCE: Record<Exclude<Kind, "clean">, string> = {
  norm: "K-40",
  industrial: "Cs-137",
  medical: "I-131",
};

/** How the host supervisor adjudicated an alarm the analysis left open, before clearing. */
const ADJUDICATION: Record<Exclude<Kind, "industrial">, string> = {
  clean: "Portal alarm not repeated on a second pass through lane 3; statistical false alarm, container released",
  norm: "Handheld and spectra show natural K-40 and thorium series only, as expected of the declared goods; innocent alarm",
  medical:
    "Reach-back reviewed the spectra: I-131 from a patient treated in the cab, not the cargo; innocent alarm, released",
};

/**
 * Clears a request as the host would: the officer when no finding stands in the way, else the
 * supervisor with the adjudication as the override's reason.
 */
async function clear(
  db: Kysely<DB>,
  clock: Clock,
  host: { supervisor: Actor; officer: Actor },
  view: InspectionRequestView,
  adjudication: string,
): Promise<void> {
  if (view.clearanceFindings.length === 0) {
    await dispositionInspectionRequest(db, clock, host.officer, view.id, "cleared");
    return;
  }
  await dispositionInspectionRequest(db, clock, host.supervisor, view.id, "cleared", undefined, {
    reason: adjudication,
  });
}

/** Schedules the host's scans of an accepted request from `at`, then its disposition and closure. */
function scanAndSettle(story: Story, requestId: string, kind: Kind, at: Date, seed: number): void {
  const { db, host, rng } = story;
  const after = (h: number) => new Date(at.getTime() + h * HOUR);
  const portal = portalFile(kind, seed);
  const scans: NewScan[] = [
    {
      scanType: "radiation_portal",
      outcome: kind === "clean" ? "no_alarm" : "alarm",
      notes: kind === "clean" ? "Drive-through, no alarm" : "Gamma alarm on drive-through; secondary inspection",
      device: PORTAL,
      attachment: { fileName: `occupancy-${seed}.n42`, mediaType: "application/xml", content: portal },
    },
  ];
  if (kind !== "clean") {
    const handheld = synthesizeHandheldN42({
      detector: "IdentiFINDER-NG",
      sources: [{ nuclide: HANDHELD_SOURCE[kind] }],
      liveTimeS: 120,
      seed: seed + 1,
    }).bytes;
    scans.push({
      scanType: "isotope_id",
      outcome: "alarm",
      notes: "Handheld on the hot spot",
      device: HANDHELD,
      attachment: { fileName: `riid-${seed}.n42`, mediaType: "application/xml", content: handheld },
    });
  }
  if (kind === "industrial" || rng.chance(0.2)) {
    const png = containerRadiograph(seed, 0.6 + rng.next() * 0.3, kind === "industrial");
    scans.push({
      scanType: "xray_image",
      outcome: kind === "industrial" ? "anomaly" : "no_anomaly",
      notes: kind === "industrial" ? "Dense object behind the rear wall" : "Image consistent with the manifest",
      device: IMAGER,
      attachment: { fileName: `radiograph-${seed}.png`, mediaType: "image/png", content: png },
    });
  }
  let view: InspectionRequestView | undefined;
  for (const [i, scan] of scans.entries()) {
    const scannedAt = after(1 + i * 0.5);
    story.timeline.at(scannedAt, async () => {
      view = await recordScan(db, fixedClock(scannedAt), host.officer, requestId, { ...scan, scannedAt });
      story.counts.scans++;
    });
  }
  const settledAt = after(1.25 + (scans.length - 1) * 0.5);
  story.timeline.at(settledAt, async () => {
    if (kind === "industrial") {
      await dispositionInspectionRequest(db, fixedClock(settledAt), host.officer, requestId, "hold");
      return;
    }
    await clear(db, fixedClock(settledAt), host, view as InspectionRequestView, ADJUDICATION[kind]);
  });
  if (kind !== "industrial") {
    story.timeline.at(after(3), async () => {
      await closeInspectionRequest(db, fixedClock(after(3)), host.supervisor, requestId);
    });
  }
}

/** A Japanese export feed (for the mirror direction of the agreement), ingested like any other. */
function japanExportCsv(rng: Random, anchor: Date, count: number): string {
  const header =
    "bill_of_lading,message_ref,carrier_scac,vessel_name,vessel_imo,voyage,port_of_loading,port_of_discharge,etd,shipper_name,shipper_country,consignee_name,consignee_country,container_number,size_type,hs_code,description,packages,gross_weight_kg";
  const goods = [
    ["870323", "USED PASSENGER VEHICLES", 5000],
    ["840991", "ENGINE PARTS", 12000],
    ["690721", "PORCELAIN TILES", 24000],
    ["852589", "CAMERAS", 6000],
    ["721049", "GALVANISED STEEL COIL", 26000],
  ] as const;
  const rows = Array.from({ length: count }, (_, i) => {
    const [hs, description, kg] = rng.pick(goods);
    const etd = new Date(anchor.getTime() - rng.int(3, 26) * 24 * HOUR);
    const owner = rng.pick(["ONEU", "NYKU", "KKFU"]);
    const serial = 300000 + i * 7;
    return [
      `JPEX${String(100000 + i)}`,
      `JX${i}`,
      "ONEY",
      "ONE HARBOUR",
      "9806079",
      `${20 + (i % 4)}E`,
      rng.pick(["JPTYO", "JPYOK", "JPUKB"]),
      rng.pick(["USLAX", "USLGB"]),
      etd.toISOString().slice(0, 16),
      `${rng.pick(["TOKAI", "KANTO", "SETOUCHI"])} EXPORT CO., LTD.`,
      "JP",
      `${rng.pick(["HARBOR", "WESTSIDE", "SUNRISE"])} IMPORTS INC`,
      "US",
      containerFor(owner, serial),
      "42G1",
      hs,
      description,
      String(rng.int(10, 400)),
      String(kg),
    ]
      .map((v) => (v.includes(",") ? `"${v}"` : v))
      .join(",");
  });
  return [header, ...rows].join("\n");
}

function containerFor(owner: string, serial: number): string {
  const values: Record<string, number> = {};
  let v = 10;
  for (const ch of "ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
    if (v % 11 === 0) {
      v++;
    }
    values[ch] = v++;
  }
  const first10 = `${owner}${String(serial).padStart(6, "0")}`;
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    const ch = first10[i] as string;
    sum += (/\d/.test(ch) ? Number(ch) : (values[ch] as number)) * 2 ** i;
  }
  return `${first10}${(sum % 11) % 10}`;
}

/** Who acts in the story, the database it writes through, and what it made. */
interface Story {
  db: Kysely<DB>;
  timeline: Timeline;
  rng: Random;
  partner: Actor;
  partnerSupervisor: Actor;
  usTargeter: Actor;
  host: { supervisor: Actor; officer: Actor };
  counts: { requests: number; scans: number };
  hasOrphanSource: boolean;
}

/** How many of the partner's past requests the month holds, and where the first is asked. */
const PAST_REQUESTS = 30;
const FIRST_REQUEST_DAYS = 22;

/**
 * Schedules the demo's month of history on the timeline, each step at the moment it happens in the
 * story and never after `anchor`; returns the counts, complete once the timeline has played.
 */
export async function scheduleHistory(
  db: Kysely<DB>,
  timeline: Timeline,
  anchor: Date,
  seed: number,
): Promise<{ requests: number; scans: number }> {
  const story: Story = {
    db,
    timeline,
    rng: seededRandom(seed + 77),
    partner: await actor(db, "partner.targeter"),
    partnerSupervisor: await actor(db, "partner.supervisor"),
    usTargeter: await actor(db, "host.targeter"),
    host: { supervisor: await actor(db, "host.supervisor"), officer: await actor(db, "scan.officer") },
    counts: { requests: 0, scans: 0 },
    hasOrphanSource: false,
  };
  const first = anchor.getTime() - FIRST_REQUEST_DAYS * 24 * HOUR;
  const spacing = (FIRST_REQUEST_DAYS * 24 - 36) / PAST_REQUESTS;
  for (let k = 0; k < PAST_REQUESTS; k++) {
    const at = new Date(first + (k * spacing + story.rng.int(0, Math.floor(spacing / 2))) * HOUR);
    timeline.at(at, () => askPast(story, at, k, seed * 100 + k));
  }
  const upcomingAt = new Date(anchor.getTime() - 4 * HOUR);
  timeline.at(upcomingAt, () => askUpcoming(story, anchor));
  scheduleMirrorDirection(story, anchor);
  // The request clock runs through the story as it runs in the server, so escalations and misses
  // are recorded when they happened.
  for (let t = first; t <= anchor.getTime(); t += 3 * HOUR) {
    const sweepAt = new Date(t);
    timeline.at(sweepAt, async () => {
      await sweepDeadlines(db, fixedClock(sweepAt));
    });
  }
  return story.counts;
}

/** A partner request on a shipment whose cut-off is 10 to 72 hours away, and what became of it. */
async function askPast(story: Story, at: Date, index: number, fileSeed: number): Promise<void> {
  const { db, rng, host, partner } = story;
  const window = [new Date(at.getTime() + 10 * HOUR), new Date(at.getTime() + 72 * HOUR)] as const;
  // One rare orphan source, in scrap metal where it is most likely, a few requests into the month.
  const scrap =
    index >= 3 && !story.hasOrphanSource ? await candidates(db, "JPCUS", window[0], window[1], 1, ["72", "76"]) : [];
  const isIndustrial = scrap.length > 0;
  story.hasOrphanSource ||= isIndustrial;
  const c = scrap[0] ?? (await candidates(db, "JPCUS", window[0], window[1], 1))[0];
  if (!c) {
    return;
  }
  const request = await createInspectionRequest(db, fixedClock(at), partner, {
    requestType: "inspection",
    reasonCodes: reasonCodes(c.topRule),
    shipmentId: c.id,
    containerNo: c.containerNo,
    reason: c.explanation ?? "Selected at random for the baseline",
    priority: c.topRule ? "high" : "routine",
    scansRequested: ["radiation_portal", "isotope_id"],
  });
  story.counts.requests++;
  const later = (h: number) => new Date(at.getTime() + h * HOUR);
  const roll = isIndustrial ? 1 : rng.next();
  if (roll < 0.08) {
    const code = rng.pick(["no_capacity", "examined_domestically"] as const);
    story.timeline.at(later(1), async () => {
      await decideInspectionRequest(db, fixedClock(later(1)), host.supervisor, request.id, {
        decision: "decline",
        reasonCode: code,
        reason: "Lane 3 closed for calibration; container examined under a domestic referral",
      });
    });
    return;
  }
  if (roll < 0.12) {
    story.timeline.at(later(0.5), async () => {
      await withdrawInspectionRequest(
        db,
        fixedClock(later(0.5)),
        partner,
        request.id,
        "Cleared by further analysis of the shipper's history",
      );
    });
    return;
  }
  const decidedAt = later(rng.next() * 2 + 0.3);
  story.timeline.at(decidedAt, async () => {
    await decideInspectionRequest(db, fixedClock(decidedAt), host.supervisor, request.id, { decision: "accept" });
  });
  if (roll < 0.19) {
    // Accepted but never scanned: the clock records these as misses.
    return;
  }
  const kind = kindFor(c, rng, index, isIndustrial);
  scanAndSettle(
    story,
    request.id,
    kind,
    new Date(Math.max(decidedAt.getTime(), later(rng.next() * 4 + 2).getTime())),
    fileSeed,
  );
}

/** The partner's requests still open on the story's day, on sailings of the coming week. */
async function askUpcoming(story: Story, anchor: Date): Promise<void> {
  const { db, partner, host } = story;
  const upcoming = await candidates(
    db,
    "JPCUS",
    new Date(anchor.getTime() + 30 * HOUR),
    new Date(anchor.getTime() + 6 * 24 * HOUR),
    4,
  );
  for (const [i, c] of upcoming.entries()) {
    const askedAt = new Date(anchor.getTime() - (4 - i) * HOUR);
    story.timeline.at(askedAt, async () => {
      const request = await createInspectionRequest(db, fixedClock(askedAt), partner, {
        requestType: i === 3 ? "hold" : "inspection",
        reasonCodes: reasonCodes(c.topRule),
        shipmentId: c.id,
        containerNo: c.containerNo,
        reason: c.explanation ?? "Baseline selection",
        priority: "high",
        scansRequested: ["radiation_portal"],
      });
      story.counts.requests++;
      if (i % 2 === 1) {
        const decidedAt = new Date(askedAt.getTime() + HOUR);
        story.timeline.at(decidedAt, async () => {
          await decideInspectionRequest(db, fixedClock(decidedAt), host.supervisor, request.id, { decision: "accept" });
        });
      }
    });
  }
}

/** Japan's exports to the U.S.: its feed arrives four weeks back; the U.S. asks about eight of them. */
function scheduleMirrorDirection(story: Story, anchor: Date): void {
  const { db, rng } = story;
  const receivedAt = new Date(anchor.getTime() - 28 * 24 * HOUR);
  const csv = japanExportCsv(rng, anchor, 40);
  story.timeline.at(receivedAt, async () => {
    const feed = await serviceActor(db, "JPCUS", "feed.japan-exports");
    await ingestManifest(db, fixedClock(receivedAt), feed, { fileName: "japan-exports.csv", text: csv, format: "csv" });
    const shipments = await db
      .selectFrom("shipment as s")
      .innerJoin("agency as a", "a.id", "s.owner_agency_id")
      .innerJoin("shipment_container as c", "c.shipment_id", "s.id")
      .select(["s.id", "s.etd", "c.container_no"])
      .where("a.code", "=", "JPCUS")
      .orderBy("s.bill_of_lading")
      .limit(8)
      .execute();
    for (const [i, s] of shipments.entries()) {
      const at = new Date((s.etd ?? anchor).getTime() - 40 * HOUR);
      story.timeline.at(at, () => askJapan(story, i, s.id, s.container_no, at));
    }
  });
}

async function askJapan(story: Story, index: number, shipmentId: string, containerNo: string, at: Date): Promise<void> {
  const { db, usTargeter, partnerSupervisor } = story;
  const r = await createInspectionRequest(db, fixedClock(at), usTargeter, {
    requestType: "inspection",
    reasonCodes: ["radiological"],
    shipmentId,
    containerNo,
    reason: "Reciprocal screening of Japan exports to Los Angeles/Long Beach",
    priority: "routine",
    scansRequested: ["radiation_portal"],
  });
  story.counts.requests++;
  const later = (h: number) => new Date(at.getTime() + h * HOUR);
  if (index === 5) {
    story.timeline.at(later(2), async () => {
      await decideInspectionRequest(db, fixedClock(later(2)), partnerSupervisor, r.id, {
        decision: "decline",
        reasonCode: "already_loaded",
        reason: "Loaded on the earlier sailing before the request arrived",
      });
    });
    return;
  }
  story.timeline.at(later(1), async () => {
    await decideInspectionRequest(db, fixedClock(later(1)), partnerSupervisor, r.id, { decision: "accept" });
  });
  let view: InspectionRequestView | undefined;
  story.timeline.at(later(6), async () => {
    const portal = synthesizePortalN42({ seed: 9000 + index, cargoMassKg: 15000, preSeconds: 8, postSeconds: 2 }).bytes;
    view = await recordScan(db, fixedClock(later(6)), partnerSupervisor, r.id, {
      scanType: "radiation_portal",
      outcome: "no_alarm",
      notes: "Yokohama Customs RPM, no alarm",
      device: "RPM Honmoku D-4",
      attachment: { fileName: `honmoku-${index}.n42`, mediaType: "application/xml", content: portal },
      scannedAt: later(6),
    });
    story.counts.scans++;
  });
  story.timeline.at(later(6.25), async () => {
    await clear(
      db,
      fixedClock(later(6.25)),
      { supervisor: partnerSupervisor, officer: partnerSupervisor },
      view as InspectionRequestView,
      ADJUDICATION.clean,
    );
  });
}
