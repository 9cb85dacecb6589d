// Two sovereign nodes on this machine: a US node (U.S. Customs and Border Protection) and a Japan
// node (Japan Customs), each a `reciprocity serve` process with its own embedded data folder,
// peered with each other's pinned Ed25519 keys. The US node holds the carriers' files; its
// agreement with Japan names the Japan node, so the shipments it covers cross as signed messages.
// Then the journey runs across the border through each node's own API — Japan's targeter asks
// for an inspection, the US supervisor accepts, the officer scans, the supervisor clears — and
// what each side sees is printed at every step, with both URLs, the accounts and each node's
// federation status. Ctrl-C stops both (or --once stops them after the journey).
//
//   npm run demo:federation [-- --dir ./data-federation --us-port 8081 --jp-port 8082 --once]
import { randomBytes } from "node:crypto";
import path from "node:path";
import { parseArgs } from "node:util";
import { openDatabase } from "../src/db/database.ts";
import { migrateToLatest } from "../src/db/migrate.ts";
import { hashPassword } from "../src/domain/auth.ts";
import type { Kysely } from "kysely";
import type { DB } from "../src/db/schema.ts";
import { DEMO_USERS, ensureDemoWorld, seedAgencies, startOfUtcDay } from "../src/domain/demo/seed.ts";
import { bindAgreementToPeer } from "../src/domain/federation/agreements.ts";
import { addPeer, initNode } from "../src/domain/federation/node.ts";
import { launchServer } from "../test/helpers/server-process.ts";

const { values } = parseArgs({
  options: {
    dir: { type: "string", default: "./data-federation" },
    "us-port": { type: "string", default: "8081" },
    "jp-port": { type: "string", default: "8082" },
    shipments: { type: "string", default: "500" },
    /** Run the journey, print, and stop both nodes (for a check; without it both keep running). */
    once: { type: "boolean", default: false },
  },
});
const password = process.env.RECIPROCITY_DEMO_PASSWORD ?? randomBytes(9).toString("base64url");
const nodes = [
  { agency: "USCBP", dir: path.resolve(values.dir, "us"), port: Number(values["us-port"]), admin: "host.admin" },
  { agency: "JPCUS", dir: path.resolve(values.dir, "jp"), port: Number(values["jp-port"]), admin: "partner.admin" },
] as const;
const urlOf = (port: number) => `http://127.0.0.1:${port}`;

/**
 * The Japan node's own data: both agencies, their agreements and Japan Customs' accounts (the
 * demo's, plus an administrator). Once; the password is set again on every run.
 */
async function seedJapanNode(db: Kysely<DB>): Promise<void> {
  const hash = await hashPassword(password);
  await db.transaction().execute(async (tx) => {
    if (!(await tx.selectFrom("agency").select("id").where("code", "=", "JPCUS").executeTakeFirst())) {
      await seedAgencies(tx);
    }
    const jp = (await tx.selectFrom("agency").select("id").where("code", "=", "JPCUS").executeTakeFirstOrThrow()).id;
    const accounts = [
      ...DEMO_USERS.filter((u) => u.agency === "JPCUS").map((u) => ({
        username: u.username,
        displayName: u.displayName,
        roles: u.roles,
      })),
      { username: "partner.admin", displayName: "Yuki Nakamura", roles: ["admin" as const] },
    ];
    for (const u of accounts) {
      await tx
        .insertInto("app_user")
        .values({
          agency_id: jp,
          username: u.username,
          display_name: u.displayName,
          password_hash: hash,
          roles: u.roles,
          site_id: null,
          is_demo: true,
          language: "ja",
        })
        .onConflict((oc) => oc.column("username").doUpdateSet({ password_hash: hash }))
        .execute();
    }
  });
}

async function prepare(): Promise<void> {
  const keys = new Map<string, string>();
  for (const node of nodes) {
    const database = await openDatabase({ dataDir: node.dir });
    try {
      await migrateToLatest(database.db);
      // Each node holds its own agency's data: the US node the demo's carrier files, the Japan node
      // the agencies, the agreement and its accounts only — what the US shares reaches it as messages.
      if (node.agency === "USCBP") {
        const world = await ensureDemoWorld(database.db, {
          seed: 20021,
          anchor: startOfUtcDay(new Date()),
          shipments: Number(values.shipments),
          password,
          withHistory: false,
        });
        console.log(
          `USCBP node: ${world.isNew ? "created" : "loaded"} its data in ${node.dir} (${world.shipments} shipments)`,
        );
      } else {
        await seedJapanNode(database.db);
        console.log(
          `JPCUS node: agencies, agreements and Japan Customs' accounts in ${node.dir}; no shipment until the US shares one`,
        );
      }
      const identity = await initNode(database.db, node.agency);
      keys.set(node.agency, identity.publicPem);
    } finally {
      await database.close();
    }
  }
  for (const node of nodes) {
    const other = nodes.find((n) => n !== node) ?? nodes[0];
    const database = await openDatabase({ dataDir: node.dir });
    try {
      await addPeer(database.db, {
        agencyCode: other.agency,
        url: urlOf(other.port),
        publicPem: keys.get(other.agency) as string,
      }).catch((err: unknown) => {
        if (!(err instanceof Error && /already a peer/.test(err.message))) {
          throw err;
        }
      });
      if (node.agency === "USCBP") {
        // The agreement names the Japan node: the shipments it covers leave for it.
        const bound = await bindAgreementToPeer(database.db, { agreementCode: "CSI-USCBP-JPCUS", peerAgency: "JPCUS" });
        console.log(
          `USCBP node: agreement CSI-USCBP-JPCUS applies to the JPCUS node; ${bound.queued} shipments queued for it`,
        );
      }
    } finally {
      await database.close();
    }
  }
}

/** A signed-in user of one node's API. */
async function signIn(port: number, username: string): Promise<<T>(path: string, body?: unknown) => Promise<T>> {
  const login = await fetch(`${urlOf(port)}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  const cookie = login.headers.get("set-cookie")?.split(";")[0];
  if (!login.ok || !cookie) {
    throw new Error(`${username} cannot sign in on ${urlOf(port)}: ${login.status}`);
  }
  return async <T>(path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${urlOf(port)}/api${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: body === undefined ? { cookie } : { cookie, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = (await res.json().catch(() => ({}))) as T;
    if (!res.ok) {
      throw new Error(`${username}: ${path} answered ${res.status} ${JSON.stringify(data)}`);
    }
    return data;
  };
}

/** Asks until `check` holds (the other node's answer crosses the border in a moment). */
async function until<T>(
  what: string,
  read: () => Promise<T>,
  check: (value: T) => boolean,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

interface RequestView {
  id: string;
  reference: string;
  status: string;
  containerNo: string;
  billOfLading: string;
  requestingAgency: string;
  disposition: string | null;
  scans: { scanType: string; outcome: string; notes: string }[];
}

/** The journey across the border, each step made on one node and read on the other. */
async function journey(): Promise<void> {
  const [us, jp] = nodes;
  const partner = await signIn(jp.port, "partner.targeter");
  const supervisor = await signIn(us.port, "host.supervisor");
  const officer = await signIn(us.port, "scan.officer");
  const say = (side: string, line: string) => console.log(`  [${side}] ${line}`);

  const shared = await until(
    "the shared shipments",
    () =>
      partner<{ items: { id: string; billOfLading: string; portOfDischarge: string; containerCount: number }[] }>(
        "/shipments?limit=200",
      ),
    (page) => page.items.length > 0,
  );
  say(
    "JPCUS",
    `partner.targeter sees ${shared.items.length} shipments shared by USCBP so far, e.g. B/L ${shared.items[0]?.billOfLading} to ${shared.items[0]?.portOfDischarge}`,
  );
  const detail = await partner<{
    id: string;
    billOfLading: string;
    containers: { containerNo: string }[];
    inspectionRequests: unknown[];
  }>(`/shipments/${shared.items[0]?.id}`);
  const container = detail.containers[0]?.containerNo as string;
  const created = await partner<RequestView>("/inspection-requests", {
    shipmentId: detail.id,
    containerNo: container,
    reason: "Shipper first seen this month; declared goods do not match the HS chapter's usual weight",
    priority: "high",
    scansRequested: ["radiation_portal"],
  });
  say(
    "JPCUS",
    `partner.targeter asks for an inspection of ${container}: request ${created.reference}, ${created.status}`,
  );

  const hostRequest = await until(
    "the request at the host",
    () => supervisor<{ items: RequestView[] }>(`/inspection-requests?limit=200`),
    (page) => page.items.some((r) => r.reference === created.reference),
  ).then((page) => page.items.find((r) => r.reference === created.reference) as RequestView);
  say(
    "USCBP",
    `host.supervisor sees request ${hostRequest.reference} from ${hostRequest.requestingAgency} on B/L ${hostRequest.billOfLading}, container ${hostRequest.containerNo}: ${hostRequest.status}`,
  );
  await supervisor(`/inspection-requests/${hostRequest.id}/decision`, { decision: "accept" });
  say("USCBP", "host.supervisor accepts it");
  const accepted = await until(
    "the decision at the partner",
    () => partner<RequestView>(`/inspection-requests/${created.id}`),
    (r) => r.status === "accepted",
  );
  say("JPCUS", `partner.targeter sees ${accepted.reference}: ${accepted.status}`);

  await officer(`/inspection-requests/${hostRequest.id}/scans`, {
    scanType: "radiation_portal",
    outcome: "no_alarm",
    notes: "Lane 4 portal, no alarm",
  });
  say("USCBP", "scan.officer records a radiation portal scan: no alarm");
  await supervisor(`/inspection-requests/${hostRequest.id}/disposition`, {
    disposition: "cleared",
    note: "Released for loading",
  });
  say("USCBP", "host.supervisor clears the container for loading");
  const done = await until(
    "the result at the partner",
    () => partner<RequestView>(`/inspection-requests/${created.id}`),
    (r) => r.status === "dispositioned",
  );
  say(
    "JPCUS",
    `partner.targeter sees ${done.reference}: ${done.status}, ${done.disposition}; scans: ${done.scans.map((s) => `${s.scanType} ${s.outcome} (${s.notes})`).join("; ")}`,
  );
}

async function status(
  port: number,
  username: string,
): Promise<{
  outbox: { pending: number; delivered: number; dead: number };
  inbox: { received: number; waiting: number; failed: number };
} | null> {
  try {
    return await (
      await signIn(port, username)
    )("/federation/status");
  } catch {
    return null;
  }
}

await prepare();
const env = { RECIPROCITY_DEMO_PASSWORD: password, FEDERATION_RETRY_BASE_MS: "500", FEDERATION_RETRY_CAP_MS: "10000" };
const servers = await Promise.all(
  nodes.map((node) =>
    launchServer({
      args: ["--data-dir", node.dir, "--port", String(node.port), "--demo"],
      env: { ...env, DATABASE_URL: "" },
    }),
  ),
);
const stop = () => {
  void Promise.all(servers.map((s) => s.stop())).then(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

console.log("");
console.log("The journey across the border:");
try {
  await journey();
} catch (err) {
  console.error(`The journey stopped: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
for (let i = 0; i < 60; i++) {
  const states = await Promise.all(nodes.map((n) => status(n.port, n.admin)));
  if (states.every((s) => s && s.outbox.pending === 0)) {
    break;
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));
}
console.log("");
for (const node of nodes) {
  const s = await status(node.port, node.admin);
  console.log(
    `${node.agency} node  ${urlOf(node.port)}  (data ${node.dir})\n` +
      `  federation: outbox ${s?.outbox.delivered ?? "?"} delivered, ${s?.outbox.pending ?? "?"} pending, ${s?.outbox.dead ?? "?"} dead; inbox ${s?.inbox.received ?? "?"} received, ${s?.inbox.waiting ?? "?"} waiting, ${s?.inbox.failed ?? "?"} could not take effect`,
  );
}
console.log("");
console.log("Accounts on the US node: host.targeter, host.supervisor, scan.officer, host.admin, host.auditor");
console.log("Accounts on the Japan node: partner.targeter, partner.supervisor, partner.auditor, partner.admin");
console.log(`Password for every account: ${password}`);
console.log(
  "Operators: the Federation page (or GET /api/federation/status) as host.admin (US) or partner.admin (Japan).",
);
console.log(process.argv.includes("--once") ? "Stopping both nodes." : "Ctrl-C stops both nodes.");
if (process.argv.includes("--once")) {
  stop();
}
