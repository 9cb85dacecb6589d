import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { sql, type Kysely } from "kysely";
import type { DB } from "../../src/db/schema.ts";
import type { Clock } from "../../src/domain/clock.ts";
import { ingestFile } from "../../src/domain/ingest/pipeline.ts";
import { serviceActor } from "../../src/domain/service-accounts.ts";
import { TEST_ANCHOR, TEST_PASSWORD } from "./world.ts";

// Objects for the authorization matrix: for each agency, something it owns or is party to,
// something of another agency never shared with it, and something shared with it only under an
// agreement that has since expired or been switched off. Built through the API where the API can
// build it; the Japanese and Korean feeds, which have no admin account, are ingested directly.

export const AGENCIES = ["USCBP", "JPCUS", "KRCS"] as const;
export type AgencyCode = (typeof AGENCIES)[number];

/** How an object stands to the agency looking at it. */
export const KINDS = ["own", "other", "expired", "inactive"] as const;
export type Kind = (typeof KINDS)[number];

export type ObjectType =
  | "shipment"
  | "request"
  | "scan"
  | "file"
  | "batch"
  | "quarantine"
  | "ruleSet"
  | "user"
  | "apiToken"
  | "notification"
  | "device"
  | "watchlistEntry";

/** One object a path parameter can name. */
export interface MatrixObject {
  type: ObjectType;
  /** The value that goes into the path. */
  param: string;
  /** Strings that identify the object; none may appear in an answer to an agency that may not see it. */
  identifiers: string[];
  /** For shipments: a container on it, for request bodies. */
  containerNo?: string;
}

/** The caller's side of an object it may see: the owner/host, or the agency that asked. */
export type Side = "host" | "requester";

/** A shipment with an inspection request on it and a scanned instrument file, shared under one agreement. */
interface Chain {
  name: string;
  owner: AgencyCode;
  requester: AgencyCode;
  agreement: string;
  lapse: "expired" | "inactive" | null;
  shipment: MatrixObject;
  request: MatrixObject;
  scan: MatrixObject;
  file: MatrixObject;
  /** Identifiers of what the host recorded after the agreement lapsed. */
  afterLapse: string[];
}

export interface MatrixWorld {
  /** The objects one agency sees in one relation, by type; a missing type has no such object. */
  objects(agency: AgencyCode, kind: Kind): Partial<Record<ObjectType, MatrixObject>>;
  /** The caller's side of its own objects. */
  ownSide(agency: AgencyCode): Side;
  /**
   * Identifiers no answer to the agency may contain, each with its relation to the agency (other,
   * expired, inactive). `always`: never shared with it, or recorded after its agreement lapsed.
   * `lapsed`: shared before the agreement lapsed; the agency's own audit trail may still name them.
   */
  hidden(agency: AgencyCode): { always: Map<string, string>; lapsed: Map<string, string> };
  /** Agreements the agency takes part in that have expired or been switched off, with its side. */
  lapsedAgreements(agency: AgencyCode): { code: string; side: "provider" | "recipient" }[];
  /** The audit sequence number before the matrix objects were made (for the event stream). */
  seqBefore: string;
  /** A rule-set definition the server compiles. */
  ruleDefinition: unknown;
  /** A shipment shared with Japan Customs only by an amendment, and what it said before. */
  sharedLate: { id: string; before: string[] };
  /** What an identifier names, for messages. */
  describe(identifier: string): string;
}

/** An N42 instrument file; each copy carries a marker so that every scan stores distinct bytes. */
const N42 = readFileSync(
  path.resolve(import.meta.dirname, "../../../shared/raddata/n42-2006/rase_generic-NaI/VABCD_M001_Cs137.n42"),
);

const HEADER =
  "bill_of_lading,message_ref,function,carrier_scac,vessel_imo,voyage,port_of_loading,port_of_discharge,etd,shipper_name,consignee_name,container_number,size_type,hs_code,description,packages,gross_weight_kg";

const CONTAINER = "MSKU7351770";
/** Fails the ISO 6346 check digit: the ingest quarantines its record. */
const BAD_CONTAINER = "MSCU6639871";

function csvRow(
  bill: string,
  from: string,
  to: string,
  options: { fn?: string; consignee?: string; container?: string } = {},
): string {
  const fn = options.fn ?? "original";
  return `${bill},${bill}-${fn},${fn},ONEY,9356127,AZ1W,${from},${to},2026-11-30T18:00,AUTHZ EXPORTS LLC,${options.consignee ?? "AUTHZ IMPORTS KK"},${options.container ?? CONTAINER},22G1,392690,PLASTIC ARTICLES,10,12000`;
}

function csv(...rows: string[]): string {
  return [HEADER, ...rows].join("\n");
}

/** A one-shipment CSV manifest from Los Angeles to Tokyo. */
export function manifestCsv(bill: string): string {
  return csv(csvRow(bill, "USLAX", "JPTYO"));
}

/** A client bound to one account's session, for building the objects. */
interface Caller {
  post(url: string, body: unknown): Promise<LightMyRequestResponse>;
  postRaw(url: string, text: string, contentType: string): Promise<LightMyRequestResponse>;
  get(url: string): Promise<LightMyRequestResponse>;
}

/** Logs in through the API; returns the cookie header and who the server says the account is. */
export async function login(
  app: FastifyInstance,
  username: string,
): Promise<{ cookie: string; agency: AgencyCode; roles: string[]; userId: string }> {
  const res = await app.inject({ method: "POST", url: "/api/session", payload: { username, password: TEST_PASSWORD } });
  assert.equal(res.statusCode, 200, `login ${username}: ${res.body}`);
  const token = res.cookies.find((c) => c.name === "reciprocity_session")?.value;
  assert.ok(token, "no session cookie");
  const me = res.json();
  return {
    cookie: `reciprocity_session=${token}`,
    agency: me.agency.code as AgencyCode,
    roles: me.roles as string[],
    userId: me.userId as string,
  };
}

async function caller(app: FastifyInstance, username: string): Promise<Caller> {
  const { cookie } = await login(app, username);
  const headers = { cookie };
  return {
    get: (url) => app.inject({ method: "GET", url, headers }),
    post: (url, body) => app.inject({ method: "POST", url, headers, payload: body as object }),
    postRaw: (url, text, contentType) =>
      app.inject({ method: "POST", url, headers: { ...headers, "content-type": contentType }, payload: text }),
  };
}

async function agencyIds(db: Kysely<DB>): Promise<Record<AgencyCode, string>> {
  const rows = await db.selectFrom("agency").select(["id", "code"]).execute();
  const id = (code: AgencyCode) => {
    const row = rows.find((r) => r.code === code);
    assert.ok(row, `agency ${code} missing from the test world`);
    return row.id;
  };
  return { USCBP: id("USCBP"), JPCUS: id("JPCUS"), KRCS: id("KRCS") };
}

interface ChainPlan {
  name: string;
  owner: AgencyCode;
  requester: AgencyCode;
  agreement: string;
  /** Agreements the test adds; the two seeded ones are reused. */
  countries?: string[];
  from: string;
  to: string;
  lapse: "expired" | "inactive" | null;
}

const PLANS: ChainPlan[] = [
  {
    name: "A",
    owner: "USCBP",
    requester: "JPCUS",
    agreement: "CSI-USCBP-JPCUS",
    from: "USLAX",
    to: "JPTYO",
    lapse: null,
  },
  {
    name: "C",
    owner: "USCBP",
    requester: "KRCS",
    agreement: "AUTHZ-USCBP-KRCS",
    countries: ["KR"],
    from: "USLAX",
    to: "KRPUS",
    lapse: null,
  },
  {
    name: "D",
    owner: "JPCUS",
    requester: "KRCS",
    agreement: "AUTHZ-JPCUS-KRCS",
    countries: ["KR"],
    from: "JPTYO",
    to: "KRPUS",
    lapse: null,
  },
  {
    name: "E1",
    owner: "USCBP",
    requester: "JPCUS",
    agreement: "AUTHZ-USCBP-JPCUS-LAPSED",
    countries: ["TW"],
    from: "USLAX",
    to: "TWKHH",
    lapse: "expired",
  },
  {
    name: "E2",
    owner: "USCBP",
    requester: "JPCUS",
    agreement: "AUTHZ-USCBP-JPCUS-OFF",
    countries: ["VN"],
    from: "USLAX",
    to: "VNSGN",
    lapse: "inactive",
  },
  {
    name: "G1",
    owner: "JPCUS",
    requester: "USCBP",
    agreement: "CSI-JPCUS-USCBP",
    from: "JPTYO",
    to: "USLAX",
    lapse: "expired",
  },
  {
    name: "G2",
    owner: "JPCUS",
    requester: "USCBP",
    agreement: "AUTHZ-JPCUS-USCBP-OFF",
    countries: ["CA"],
    from: "JPTYO",
    to: "CAVAN",
    lapse: "inactive",
  },
  {
    name: "H1",
    owner: "USCBP",
    requester: "KRCS",
    agreement: "AUTHZ-USCBP-KRCS-LAPSED",
    countries: ["SG"],
    from: "USLAX",
    to: "SGSIN",
    lapse: "expired",
  },
  {
    name: "H2",
    owner: "USCBP",
    requester: "KRCS",
    agreement: "AUTHZ-USCBP-KRCS-OFF",
    countries: ["HK"],
    from: "USLAX",
    to: "HKHKG",
    lapse: "inactive",
  },
];

/** Which chain an agency sees in each relation. */
const VIEW: Record<AgencyCode, Record<Kind, string>> = {
  USCBP: { own: "A", other: "D", expired: "G1", inactive: "G2" },
  JPCUS: { own: "A", other: "C", expired: "E1", inactive: "E2" },
  KRCS: { own: "C", other: "A", expired: "H1", inactive: "H2" },
};
/** Whose agency-held objects (batches, quarantine, rule sets, users, API tokens) count as "other". */
const OTHER_AGENCY: Record<AgencyCode, AgencyCode> = { USCBP: "JPCUS", JPCUS: "USCBP", KRCS: "USCBP" };
/** Who accepts and scans for each host agency (Japan Customs has no scan officer account). */
const HOST_STAFF: Partial<Record<AgencyCode, { decides: string; scans: string }>> = {
  USCBP: { decides: "host.supervisor", scans: "scan.officer" },
  JPCUS: { decides: "partner.supervisor", scans: "partner.supervisor" },
};
const REQUESTERS: Record<AgencyCode, string> = {
  USCBP: "host.targeter",
  JPCUS: "partner.targeter",
  KRCS: "kr.targeter",
};

function bill(chain: string): string {
  return `AZ${chain.padEnd(3, "X")}00001`;
}

function attachment(marker: string) {
  const bytes = Buffer.concat([N42, Buffer.from(`\n<!-- ${marker} -->\n`)]);
  return { fileName: `${marker}.n42`, mediaType: "application/xml", contentBase64: bytes.toString("base64") };
}

/** A day before both the test clock's date and the database's, so an agreement ending then has ended by either. */
function lapsedDate(clock: Clock): string {
  const earliest = Math.min(clock.now().getTime(), Date.now());
  return new Date(earliest - 7 * 24 * 3_600_000).toISOString().slice(0, 10);
}

/**
 * Builds the matrix objects on a seeded test world (see seedTestWorld): agreements with Korea
 * Customs and the lapsing agreements go in as the database owner, everything else through the app.
 */
export async function buildMatrixWorld(app: FastifyInstance, db: Kysely<DB>, clock: Clock): Promise<MatrixWorld> {
  const ids = await agencyIds(db);
  const labels = new Map<string, string>();
  const named = (value: string, label: string): string => {
    labels.set(value, label);
    return value;
  };
  const seq = await sql<{ seq: string | null }>`select max(seq)::text as seq from audit_event`.execute(db);
  const seqBefore = seq.rows[0]?.seq ?? "0";
  const basis = "Authorization matrix test agreement";
  await db
    .insertInto("agreement")
    .values(
      PLANS.filter((p) => p.countries).map((p) => ({
        code: p.agreement,
        provider_agency_id: ids[p.owner],
        recipient_agency_id: ids[p.requester],
        destination_countries: p.countries ?? [],
        legal_basis: basis,
        valid_from: "2002-08-01",
      })),
    )
    .execute();

  const callers: Record<string, Caller> = {};
  for (const username of [
    "host.admin",
    "host.supervisor",
    "scan.officer",
    "host.targeter",
    "partner.targeter",
    "partner.supervisor",
    "kr.targeter",
  ]) {
    callers[username] = await caller(app, username);
  }
  const as = (username: string) => callers[username] as Caller;

  // Manifests: the host's through the API, Japan's and Korea's through their feeds' service accounts.
  const usRows = PLANS.filter((p) => p.owner === "USCBP").map((p) => csvRow(bill(p.name), p.from, p.to));
  const usReport = await as("host.admin").postRaw(
    "/api/manifests?format=csv&fileName=authz-feed-us.csv",
    csv(...usRows, csvRow("AZQUS00001", "USLAX", "JPTYO", { container: BAD_CONTAINER })),
    "text/csv",
  );
  assert.equal(usReport.statusCode, 201, usReport.body);
  assert.equal(usReport.json().quarantined, 1, usReport.body);
  const batches: Partial<Record<AgencyCode, string>> = { USCBP: usReport.json().batchId as string };
  const feedRows: Record<"JPCUS" | "KRCS", string[]> = {
    JPCUS: PLANS.filter((p) => p.owner === "JPCUS").map((p) => csvRow(bill(p.name), p.from, p.to)),
    KRCS: [csvRow("AZKROWN001", "KRPUS", "USLAX")],
  };
  for (const agency of ["JPCUS", "KRCS"] as const) {
    const actor = await serviceActor(db, agency, `feed.authz.${agency.toLowerCase()}`);
    const quarantined = csvRow(`AZQ${agency.slice(0, 2)}00001`, "KRPUS", "USLAX", { container: BAD_CONTAINER });
    const report = await ingestFile(db, clock, actor, {
      fileName: `authz-feed-${agency.toLowerCase()}.csv`,
      text: csv(...feedRows[agency], quarantined),
      format: "csv",
    });
    assert.equal(report.quarantined, 1, JSON.stringify(report.errors));
    assert.ok(report.batchId);
    batches[agency] = report.batchId;
  }
  const shipmentIds = new Map(
    (
      await db.selectFrom("shipment").select(["id", "bill_of_lading"]).where("bill_of_lading", "like", "AZ%").execute()
    ).map((s) => [s.bill_of_lading, s.id]),
  );

  // Each chain: request, acceptance, a scan with an instrument file.
  const chains = new Map<string, Chain>();
  for (const plan of PLANS) {
    const bl = bill(plan.name);
    const shipmentId = shipmentIds.get(bl);
    assert.ok(shipmentId, `shipment ${bl} was not ingested`);
    const staff = HOST_STAFF[plan.owner];
    assert.ok(staff, `no staff to host chain ${plan.name}`);
    const created = await as(REQUESTERS[plan.requester]).post("/api/inspection-requests", {
      shipmentId,
      containerNo: CONTAINER,
      reason: `Authorization matrix chain ${plan.name}`,
    });
    assert.equal(created.statusCode, 201, `chain ${plan.name}: ${created.body}`);
    const request = created.json();
    assert.equal(request.agreementCode, plan.agreement, `chain ${plan.name} was filed under another agreement`);
    const accepted = await as(staff.decides).post(`/api/inspection-requests/${request.id}/decision`, {
      decision: "accept",
    });
    assert.equal(accepted.statusCode, 200, accepted.body);
    const marker = `authz-file-${plan.name}`;
    const scanned = await as(staff.scans).post(`/api/inspection-requests/${request.id}/scans`, {
      scanType: "isotope_id",
      outcome: "alarm",
      notes: marker,
      attachment: attachment(marker),
    });
    assert.equal(scanned.statusCode, 201, scanned.body);
    const scan = (scanned.json().scans as { id: string; notes: string; file: { sha256: string } | null }[]).find(
      (s) => s.notes === marker,
    );
    assert.ok(scan?.file, `chain ${plan.name}: scan without file`);
    const c = `chain ${plan.name} (${plan.owner} shipment, ${plan.requester} request, ${plan.agreement}${plan.lapse ? `, ${plan.lapse}` : ""})`;
    const shipmentIdents = [named(shipmentId, `shipment id of ${c}`), named(bl, `B/L of ${c}`)];
    chains.set(plan.name, {
      name: plan.name,
      owner: plan.owner,
      requester: plan.requester,
      agreement: plan.agreement,
      lapse: plan.lapse,
      shipment: { type: "shipment", param: shipmentId, identifiers: shipmentIdents, containerNo: CONTAINER },
      request: {
        type: "request",
        param: request.id as string,
        identifiers: [
          named(request.id as string, `request id of ${c}`),
          named(request.reference as string, `request reference of ${c}`),
          ...shipmentIdents,
        ],
      },
      scan: {
        type: "scan",
        param: scan.id,
        identifiers: [
          named(scan.id, `scan id of ${c}`),
          named(scan.file.sha256, `file sha256 of ${c}`),
          request.id as string,
        ],
      },
      file: {
        type: "file",
        param: scan.file.sha256,
        identifiers: [scan.file.sha256, named(marker, `file content marker of ${c}`)],
      },
      afterLapse: [],
    });
  }

  // The agreements lapse; then the host records one more scan, which the requester must not get.
  const until = lapsedDate(clock);
  for (const plan of PLANS.filter((p) => p.lapse)) {
    const change = plan.lapse === "expired" ? { valid_until: until } : { is_active: false };
    const updated = await db.updateTable("agreement").set(change).where("code", "=", plan.agreement).executeTakeFirst();
    assert.equal(Number(updated.numUpdatedRows), 1, `agreement ${plan.agreement}`);
    const chain = chains.get(plan.name) as Chain;
    const staff = HOST_STAFF[plan.owner] as { scans: string };
    const marker = `authz-after-lapse-${plan.name}`;
    const scanned = await as(staff.scans).post(`/api/inspection-requests/${chain.request.param}/scans`, {
      scanType: "isotope_id",
      outcome: "alarm",
      notes: marker,
      attachment: attachment(marker),
    });
    assert.equal(scanned.statusCode, 201, scanned.body);
    const scan = (scanned.json().scans as { id: string; notes: string; file: { sha256: string } | null }[]).find(
      (s) => s.notes === marker,
    );
    assert.ok(scan?.file);
    const c = `chain ${plan.name} (recorded after ${plan.agreement} became ${plan.lapse ?? ""})`;
    chain.afterLapse.push(
      named(scan.id, `scan id of ${c}`),
      named(scan.file.sha256, `file sha256 of ${c}`),
      named(marker, `file content marker of ${c}`),
    );
    named(plan.agreement, `agreement ${plan.agreement} (${plan.lapse ?? ""})`);
  }

  // Agency-held objects: a rule-set draft each, the quarantined records, one user each.
  const ruleSets = await as("host.targeter").get("/api/rule-sets");
  assert.equal(ruleSets.statusCode, 200, ruleSets.body);
  const ruleDefinition = ruleSets
    .json<{ status: string; definition: unknown }[]>()
    .find((r) => r.status === "active")?.definition;
  assert.ok(ruleDefinition, "no active rule set to copy");
  const drafts: Partial<Record<AgencyCode, MatrixObject>> = {};
  for (const agency of AGENCIES) {
    const name = `authz-rules-${agency.toLowerCase()}`;
    const res = await as(REQUESTERS[agency]).post("/api/rule-sets", { name, definition: ruleDefinition });
    assert.equal(res.statusCode, 201, res.body);
    drafts[agency] = {
      type: "ruleSet",
      param: res.json().id as string,
      identifiers: [
        named(res.json().id as string, `rule-set draft id of ${agency}`),
        named(name, `rule-set draft name of ${agency}`),
      ],
    };
  }
  const quarantine: Partial<Record<AgencyCode, MatrixObject>> = {};
  for (const agency of AGENCIES) {
    const row = await db
      .selectFrom("quarantine_record")
      .select("id")
      .where("agency_id", "=", ids[agency])
      .where("batch_id", "=", batches[agency] as string)
      .executeTakeFirstOrThrow();
    quarantine[agency] = {
      type: "quarantine",
      param: row.id,
      identifiers: [named(row.id, `quarantine record id of ${agency}`)],
    };
  }
  const users: Partial<Record<AgencyCode, MatrixObject>> = {};
  for (const agency of AGENCIES) {
    const user = await db
      .selectFrom("app_user")
      .select("id")
      .where("username", "=", REQUESTERS[agency])
      .executeTakeFirstOrThrow();
    // A user id is no secret once the user acts in a shared request, so it is checked on its own routes only.
    users[agency] = { type: "user", param: user.id, identifiers: [] };
  }
  // An ingest token each: the host's issued by its admin, the feeds' (no admin account) as the owner.
  const tokens: Partial<Record<AgencyCode, MatrixObject>> = {};
  for (const agency of AGENCIES) {
    const name = `authz-token-${agency.toLowerCase()}`;
    let id: string;
    if (agency === "USCBP") {
      const res = await as("host.admin").post("/api/api-tokens", { name });
      assert.equal(res.statusCode, 201, res.body);
      id = res.json().id as string;
    } else {
      const feed = await serviceActor(db, agency, `feed.authz.${agency.toLowerCase()}`);
      const row = await db
        .insertInto("api_token")
        .values({
          token_hash: randomBytes(32).toString("hex"),
          user_id: feed.userId,
          name,
          created_at: clock.now(),
          expires_at: new Date(clock.now().getTime() + 90 * 24 * 3_600_000),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      id = row.id;
    }
    tokens[agency] = {
      type: "apiToken",
      param: id,
      identifiers: [named(id, `API token id of ${agency}`), named(name, `API token name of ${agency}`)],
    };
  }
  // A notification each, addressed to the agency's supervisors.
  const notifications: Partial<Record<AgencyCode, MatrixObject>> = {};
  for (const agency of AGENCIES) {
    const agencyId = (await db.selectFrom("agency").select("id").where("code", "=", agency).executeTakeFirstOrThrow())
      .id;
    const row = await db
      .insertInto("notification")
      .values({
        agency_id: agencyId,
        role: "supervisor",
        kind: "authz",
        request_id: null,
        message: `authz notice of ${agency}`,
        created_at: clock.now(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    notifications[agency] = {
      type: "notification",
      param: row.id,
      identifiers: [
        named(row.id, `notification id of ${agency}`),
        named(`authz notice of ${agency}`, `notification text of ${agency}`),
      ],
    };
  }
  // A device each in the agency's registry.
  const devices: Partial<Record<AgencyCode, MatrixObject>> = {};
  for (const agency of AGENCIES) {
    const agencyId = (await db.selectFrom("agency").select("id").where("code", "=", agency).executeTakeFirstOrThrow())
      .id;
    const serial = `AUTHZ-DEV-${agency}`;
    const row = await db
      .insertInto("device")
      .values({
        agency_id: agencyId,
        device_type: "radiation_portal",
        model: `authz portal of ${agency}`,
        serial,
        created_at: clock.now(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    devices[agency] = {
      type: "device",
      param: row.id,
      identifiers: [named(row.id, `device id of ${agency}`), named(serial, `device serial of ${agency}`)],
    };
  }
  // A watchlist entry each.
  const watchEntries: Partial<Record<AgencyCode, MatrixObject>> = {};
  for (const agency of AGENCIES) {
    const agencyId = (await db.selectFrom("agency").select("id").where("code", "=", agency).executeTakeFirstOrThrow())
      .id;
    const value = `AUTHZ WATCHED PARTY OF ${agency}`;
    const row = await db
      .insertInto("watchlist_entry")
      .values({ agency_id: agencyId, kind: "party", value, reason: "authz", created_at: clock.now() })
      .returning("id")
      .executeTakeFirstOrThrow();
    watchEntries[agency] = {
      type: "watchlistEntry",
      param: row.id,
      identifiers: [named(row.id, `watchlist entry id of ${agency}`), named(value, `watched party of ${agency}`)],
    };
  }
  const batchObject = (agency: AgencyCode): MatrixObject => ({
    type: "batch",
    param: batches[agency] as string,
    identifiers: [
      named(batches[agency] as string, `ingest batch id of ${agency}`),
      named(`authz-feed-${agency.toLowerCase()}.csv`, `ingest file name of ${agency}`),
    ],
  });

  // A shipment first bound for Shanghai, then amended to Tokyo: Japan Customs sees it only from the amendment.
  const late = [
    csvRow("AZLATE0001", "USLAX", "CNSHA", { consignee: "AUTHZ PRESHARE CONSIGNEE" }),
    csvRow("AZLATE0001", "USLAX", "JPTYO", { fn: "replace" }),
  ];
  for (const row of late) {
    const res = await as("host.admin").postRaw(
      "/api/manifests?format=csv&fileName=authz-late.csv",
      csv(row),
      "text/csv",
    );
    assert.equal(res.statusCode, 201, res.body);
  }
  const lateId = (
    await db.selectFrom("shipment").select("id").where("bill_of_lading", "=", "AZLATE0001").executeTakeFirstOrThrow()
  ).id;

  const chain = (name: string) => chains.get(name) as Chain;
  const krOwn = named(
    shipmentIds.get("AZKROWN001") as string,
    "shipment id of a KRCS-owned shipment shared with no one",
  );
  named("AZKROWN001", "B/L of a KRCS-owned shipment shared with no one");
  return {
    seqBefore,
    ruleDefinition,
    describe: (identifier) => labels.get(identifier) ?? identifier,
    sharedLate: { id: lateId, before: ["CNSHA", "AUTHZ PRESHARE CONSIGNEE"] },
    ownSide: (agency) => (chain(VIEW[agency].own).owner === agency ? "host" : "requester"),
    objects(agency, kind) {
      const c = chain(VIEW[agency][kind]);
      const chainObjects = { shipment: c.shipment, request: c.request, scan: c.scan, file: c.file };
      if (kind === "own" || kind === "other") {
        const holder = kind === "own" ? agency : OTHER_AGENCY[agency];
        return {
          ...chainObjects,
          batch: batchObject(holder),
          quarantine: quarantine[holder],
          ruleSet: drafts[holder],
          user: users[holder],
          apiToken: tokens[holder],
          notification: notifications[holder],
          device: devices[holder],
          watchlistEntry: watchEntries[holder],
        };
      }
      return chainObjects;
    },
    hidden(agency) {
      const always = new Map<string, string>();
      const lapsed = new Map<string, string>();
      const add = (into: Map<string, string>, ids: string[], relation: string) => {
        for (const id of ids) {
          if (!into.has(id)) {
            into.set(id, relation);
          }
        }
      };
      for (const c of chains.values()) {
        const all = [c.shipment, c.request, c.scan, c.file].flatMap((o) => o.identifiers);
        if (c.owner === agency) {
          continue;
        }
        if (c.requester !== agency) {
          add(always, [...all, ...c.afterLapse], "other");
        } else if (c.lapse) {
          add(always, c.afterLapse, `${c.lapse} (recorded after the lapse)`);
          add(lapsed, [...all, c.agreement], c.lapse);
        }
      }
      for (const holder of AGENCIES.filter((a) => a !== agency)) {
        add(
          always,
          [
            ...batchObject(holder).identifiers,
            ...(quarantine[holder]?.identifiers ?? []),
            ...(drafts[holder]?.identifiers ?? []),
            ...(tokens[holder]?.identifiers ?? []),
          ],
          "other",
        );
      }
      if (agency !== "KRCS") {
        add(always, [krOwn, "AZKROWN001"], "other");
      }
      for (const id of always.keys()) {
        lapsed.delete(id);
      }
      return { always, lapsed };
    },
    lapsedAgreements: (agency) =>
      PLANS.filter((p) => p.lapse && (p.owner === agency || p.requester === agency)).map((p) => ({
        code: p.agreement,
        side: p.owner === agency ? "provider" : "recipient",
      })),
  };
}

/** The test world's clock: a few hours after the anchor, like buildTestApp's. */
export const MATRIX_START = new Date(TEST_ANCHOR.getTime() + 8 * 60 * 60 * 1000);
