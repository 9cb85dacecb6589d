import { randomBytes } from "node:crypto";
import { sql, type Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import type { Role } from "../actor.ts";
import { recordAudit } from "../audit.ts";
import { hashPassword, passwords } from "../auth.ts";
import { fixedClock } from "../clock.ts";
import { seedDemoDevices } from "../devices.ts";
import { ingestManifest } from "../ingest/pipeline.ts";
import { serviceActor } from "../service-accounts.ts";
import { demoManifestFiles } from "./feed.ts";
import { scheduleHistory } from "./history.ts";
import { atStoryTime, storyClock } from "./story-clock.ts";
import { Timeline } from "./timeline.ts";
import { generateWorld, type DemoWorld } from "./world.ts";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The two agencies of the demo and their ports. */
export const DEMO_AGENCIES = [
  {
    code: "USCBP",
    name: "U.S. Customs and Border Protection",
    country: "US",
    sites: [
      ["USLAX", "Port of Los Angeles"],
      ["USLGB", "Port of Long Beach"],
    ],
  },
  {
    code: "JPCUS",
    name: "Japan Customs",
    country: "JP",
    sites: [
      ["JPTYO", "Tokyo Customs — Port of Tokyo"],
      ["JPYOK", "Yokohama Customs — Port of Yokohama"],
    ],
  },
] as const;

/** One demo account per role, on each side of the agreement. */
export const DEMO_USERS: { username: string; displayName: string; agency: string; roles: Role[]; site?: string }[] = [
  { username: "host.targeter", displayName: "Dana Whitfield", agency: "USCBP", roles: ["targeter"] },
  { username: "host.supervisor", displayName: "Marcus Ortega", agency: "USCBP", roles: ["supervisor"], site: "USLAX" },
  { username: "scan.officer", displayName: "Priya Raman", agency: "USCBP", roles: ["scan_officer"], site: "USLAX" },
  { username: "host.admin", displayName: "Glen Haskins", agency: "USCBP", roles: ["admin"] },
  { username: "host.auditor", displayName: "Ruth Adeyemi", agency: "USCBP", roles: ["auditor"] },
  { username: "partner.targeter", displayName: "Kenji Morita", agency: "JPCUS", roles: ["targeter"] },
  { username: "partner.supervisor", displayName: "Aiko Sato", agency: "JPCUS", roles: ["supervisor"] },
  { username: "partner.auditor", displayName: "Hiroshi Tanaka", agency: "JPCUS", roles: ["auditor"] },
];

/** Options for creating the demo world. */
export interface DemoOptions {
  seed: number;
  anchor: Date;
  shipments: number;
  /** Password for every demo account; a random one is made when absent. */
  password?: string;
  /** Add a month of requests, scans and results (default true). */
  withHistory?: boolean;
}

/** What was created, for printing. */
export interface DemoResult {
  isNew: boolean;
  password: string | null;
  shipments: number;
}

/** Midnight UTC of the given day. */
export function startOfUtcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

/** Creates the agencies, agreements, accounts and shipments of the demo, once. */
export async function ensureDemoWorld(db: Kysely<DB>, options: DemoOptions): Promise<DemoResult> {
  const existing = await db.selectFrom("agency").select("id").where("code", "=", "USCBP").executeTakeFirst();
  if (existing) {
    const count = await db
      .selectFrom("shipment")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow();
    if (options.password) {
      await setDemoPassword(db, options.password);
    }
    return { isNew: false, password: null, shipments: Number(count.n) };
  }
  const password = options.password ?? randomBytes(9).toString("base64url");
  const passwordHash = await hashPassword(password);
  const world = generateWorld(options);
  const files = demoManifestFiles(world);
  // The story is told on its own clock, from before the first carrier file to the anchor day:
  // every record and audit event is stamped when it happened, none after the story's day.
  const clock = storyClock(
    new Date(Math.min(files[0]?.receivedAt.getTime() ?? Infinity, options.anchor.getTime() - 28 * DAY_MS) - HOUR_MS),
  );
  const story = atStoryTime(db, clock);
  const agencies = await story.transaction().execute(async (tx) => {
    const ids = await seedAgencies(tx);
    await seedUsers(tx, ids, passwordHash);
    await seedDemoDevices(tx, ids, clock.now());
    await seedSchedules(tx, world, ids.get("USCBP") as string);
    return ids;
  });
  const feed = await serviceActor(story, "USCBP", "feed.carriers");
  const timeline = new Timeline(clock);
  let shipments = 0;
  for (const file of files) {
    timeline.at(file.receivedAt, async () => {
      const report = await ingestManifest(story, fixedClock(file.receivedAt), feed, {
        fileName: file.fileName,
        text: file.text,
        format: file.format,
      });
      if (report.errors.length > 0) {
        throw new Error(
          `the demo feed file ${file.fileName} did not ingest cleanly: ${report.errors[0]?.message ?? ""}`,
        );
      }
      shipments += report.inserted;
    });
  }
  const history =
    options.withHistory === false
      ? { requests: 0, scans: 0 }
      : await scheduleHistory(story, timeline, options.anchor, options.seed);
  await timeline.play();
  await db.transaction().execute((tx) =>
    recordAudit(tx, null, {
      action: "demo.created",
      entityType: "system",
      otherAgencyIds: [...agencies.values()],
      payload: {
        seed: options.seed,
        anchor: options.anchor.toISOString(),
        shipments,
        requests: history.requests,
        scans: history.scans,
      },
    }),
  );
  // The planner chooses its plans from statistics; the embedded engine never gathers them itself.
  await sql`analyze`.execute(db);
  return { isNew: true, password: options.password ? null : password, shipments };
}

/**
 * Puts the given password in force on the demo accounts of an existing world (RECIPROCITY_DEMO_PASSWORD
 * set after the first start), audited when it changes anything.
 */
async function setDemoPassword(db: Kysely<DB>, password: string): Promise<void> {
  const demo = await db
    .selectFrom("app_user")
    .select(["id", "agency_id", "password_hash"])
    .where("is_demo", "=", true)
    .execute();
  const stale: { id: string; agency_id: string }[] = [];
  for (const user of demo) {
    if (!(await passwords.verify(user.password_hash, password))) {
      stale.push(user);
    }
  }
  if (stale.length === 0) {
    return;
  }
  const passwordHash = await hashPassword(password);
  await db.transaction().execute(async (tx) => {
    await tx
      .updateTable("app_user")
      .set({ password_hash: passwordHash })
      .where(
        "id",
        "in",
        stale.map((u) => u.id),
      )
      .execute();
    await recordAudit(tx, null, {
      action: "demo.password_set",
      entityType: "system",
      otherAgencyIds: [...new Set(stale.map((u) => u.agency_id))],
      payload: { accounts: stale.length },
    });
  });
}

/**
 * The demo's agencies with their sites, and the two agreements between them (each shares what is
 * bound to the other's country). Returns each agency's id by code. The federation demo seeds each
 * node with the same step.
 */
export async function seedAgencies(db: Kysely<DB>): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const agency of DEMO_AGENCIES) {
    const row = await db
      .insertInto("agency")
      .values({ code: agency.code, name: agency.name, country: agency.country })
      .returning("id")
      .executeTakeFirstOrThrow();
    ids.set(agency.code, row.id);
    await db
      .insertInto("site")
      .values(agency.sites.map(([locode, name]) => ({ agency_id: row.id, locode, name })))
      .execute();
  }
  const us = ids.get("USCBP") as string;
  const jp = ids.get("JPCUS") as string;
  const basis =
    "Container Security Initiative Declaration of Principles (US–Japan, 2002); Customs Mutual Assistance Agreement (1997)";
  await db
    .insertInto("agreement")
    .values([
      {
        code: "CSI-USCBP-JPCUS",
        provider_agency_id: us,
        recipient_agency_id: jp,
        destination_countries: ["JP"],
        legal_basis: basis,
        valid_from: "2002-08-01",
      },
      {
        code: "CSI-JPCUS-USCBP",
        provider_agency_id: jp,
        recipient_agency_id: us,
        destination_countries: ["US"],
        legal_basis: basis,
        valid_from: "2002-08-01",
      },
    ])
    .execute();
  return ids;
}

async function seedUsers(db: Kysely<DB>, agencies: Map<string, string>, passwordHash: string): Promise<void> {
  const sites = await db.selectFrom("site").select(["id", "locode"]).execute();
  await db
    .insertInto("app_user")
    .values(
      DEMO_USERS.map((u) => ({
        agency_id: agencies.get(u.agency) as string,
        username: u.username,
        display_name: u.displayName,
        password_hash: passwordHash,
        roles: u.roles,
        site_id: sites.find((s) => s.locode === u.site)?.id ?? null,
        is_demo: true,
        language: u.agency === "JPCUS" ? "ja" : "en",
      })),
    )
    .execute();
}

/**
 * Vessels, and the host's voyages with their terminal cut-offs: the host's schedule reference
 * data, not manifests. Every demo voyage loads at a US port; Japan's voyages come with its feed.
 */
async function seedSchedules(db: Kysely<DB>, world: DemoWorld, hostAgencyId: string): Promise<void> {
  await db
    .insertInto("vessel")
    .values(world.vessels.map((v) => ({ imo: v.imo, name: v.name, flag: v.flag })))
    .execute();
  await db
    .insertInto("voyage")
    .values(
      world.voyages.map((v) => ({
        id: v.id,
        agency_id: hostAgencyId,
        vessel_imo: v.vesselImo,
        voyage_no: v.voyageNo,
        carrier_scac: v.carrierScac,
        port_of_loading: v.portOfLoading,
        etd: v.etd,
        loading_cutoff: v.loadingCutoff,
      })),
    )
    .execute();
}
