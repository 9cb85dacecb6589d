// Two sovereign nodes on this machine: a US node (U.S. Customs and Border Protection) and a Japan
// node (Japan Customs), each a `reciprocity serve` process with its own embedded data folder,
// peered with each other's pinned Ed25519 keys. The cross-border journey is queued on both sides —
// Japan asks for an inspection and streams a portal occupancy, the US shares the shipment and
// answers with its decision, scan result, disposition and released hold — and delivered as signed
// messages. Prints both URLs, the accounts and each node's federation status; Ctrl-C stops both.
//
//   npm run demo:federation [-- --dir ./data-federation --us-port 8081 --jp-port 8082]
import { randomBytes } from "node:crypto";
import path from "node:path";
import { parseArgs } from "node:util";
import { openDatabase } from "../src/db/database.ts";
import { migrateToLatest } from "../src/db/migrate.ts";
import { hashPassword } from "../src/domain/auth.ts";
import { ensureDemoWorld, startOfUtcDay } from "../src/domain/demo/seed.ts";
import { addPeer, initNode } from "../src/domain/federation/node.ts";
import { enqueueMessage } from "../src/domain/federation/outbox.ts";
import type { MessageKind } from "../src/federation/messages.ts";
import { sampleMessage } from "../src/federation/samples.ts";
import { launchServer } from "../test/helpers/server-process.ts";

const { values } = parseArgs({
  options: {
    dir: { type: "string", default: "./data-federation" },
    "us-port": { type: "string", default: "8081" },
    "jp-port": { type: "string", default: "8082" },
    shipments: { type: "string", default: "500" },
  },
});
const password = process.env.RECIPROCITY_DEMO_PASSWORD ?? randomBytes(9).toString("base64url");
const nodes = [
  { agency: "USCBP", dir: path.resolve(values.dir, "us"), port: Number(values["us-port"]), admin: "host.admin" },
  { agency: "JPCUS", dir: path.resolve(values.dir, "jp"), port: Number(values["jp-port"]), admin: "partner.admin" },
] as const;
const urlOf = (port: number) => `http://127.0.0.1:${port}`;

/** The journey, by the side that sends each step. */
const JOURNEY: { from: "USCBP" | "JPCUS"; kind: MessageKind }[] = [
  { from: "USCBP", kind: "shipment.shared" },
  { from: "JPCUS", kind: "inspection_request.created" },
  { from: "USCBP", kind: "inspection_request.decided" },
  { from: "JPCUS", kind: "portal.occupancy" },
  { from: "USCBP", kind: "scan.result" },
  { from: "USCBP", kind: "inspection_request.dispositioned" },
  { from: "USCBP", kind: "inspection_request.hold_released" },
];

async function prepare(): Promise<void> {
  const keys = new Map<string, string>();
  for (const node of nodes) {
    const database = await openDatabase({ dataDir: node.dir });
    try {
      await migrateToLatest(database.db);
      const world = await ensureDemoWorld(database.db, { seed: 20021, anchor: startOfUtcDay(new Date()), shipments: Number(values.shipments), password, withHistory: false });
      console.log(`${node.agency} node: ${world.isNew ? "created" : "loaded"} the demo world in ${node.dir}`);
      if (node.agency === "JPCUS") {
        // The demo world has no Japan Customs administrator; the Japan node needs one.
        const agency = await database.db.selectFrom("agency").select("id").where("code", "=", "JPCUS").executeTakeFirstOrThrow();
        await database.db
          .insertInto("app_user")
          .values({ agency_id: agency.id, username: "partner.admin", display_name: "Yuki Nakamura", password_hash: await hashPassword(password), roles: ["admin"], site_id: null })
          .onConflict((oc) => oc.column("username").doUpdateSet({ password_hash: (eb) => eb.ref("excluded.password_hash") }))
          .execute();
      }
      const identity = await initNode(database.db, node.agency);
      keys.set(node.agency, identity.publicPem);
    } finally {
      await database.close();
    }
  }
  const subject = Math.floor(Math.random() * 100_000);
  for (const node of nodes) {
    const other = nodes.find((n) => n !== node) ?? nodes[0];
    const database = await openDatabase({ dataDir: node.dir });
    try {
      await addPeer(database.db, { agencyCode: other.agency, url: urlOf(other.port), publicPem: keys.get(other.agency) as string }).catch((err: unknown) => {
        if (!(err instanceof Error && /already a peer/.test(err.message))) {
          throw err;
        }
      });
      await database.db.transaction().execute(async (tx) => {
        for (const step of JOURNEY) {
          if (step.from === node.agency) {
            const sample = sampleMessage(JOURNEY_KIND_INDEX[step.kind] ?? 0, subject);
            await enqueueMessage(tx, { peerAgency: other.agency, kind: step.kind, subject: sample.subject, body: sample.body });
          }
        }
      });
    } finally {
      await database.close();
    }
  }
}

/** sampleMessage cycles its kinds; the index that gives each kind. */
const JOURNEY_KIND_INDEX: Partial<Record<MessageKind, number>> = Object.fromEntries(
  Array.from({ length: 10 }, (_, n) => [sampleMessage(n, 0).kind, n]),
);

async function status(port: number, username: string): Promise<{ outbox: { pending: number; delivered: number; dead: number }; inbox: { received: number; waiting: number } } | null> {
  const login = await fetch(`${urlOf(port)}/api/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, password }) });
  const cookie = login.headers.get("set-cookie")?.split(";")[0];
  if (!login.ok || !cookie) {
    return null;
  }
  const res = await fetch(`${urlOf(port)}/api/federation/status`, { headers: { cookie } });
  return res.ok ? ((await res.json()) as { outbox: { pending: number; delivered: number; dead: number }; inbox: { received: number; waiting: number } }) : null;
}

await prepare();
const env = { RECIPROCITY_DEMO_PASSWORD: password, FEDERATION_RETRY_BASE_MS: "500", FEDERATION_RETRY_CAP_MS: "10000" };
const servers = await Promise.all(nodes.map((node) => launchServer({ args: ["--data-dir", node.dir, "--port", String(node.port), "--demo"], env: { ...env, DATABASE_URL: "" } })));
const stop = () => {
  void Promise.all(servers.map((s) => s.stop())).then(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

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
      `  federation: outbox ${s?.outbox.delivered ?? "?"} delivered, ${s?.outbox.pending ?? "?"} pending, ${s?.outbox.dead ?? "?"} dead; inbox ${s?.inbox.received ?? "?"} received, ${s?.inbox.waiting ?? "?"} waiting`,
  );
}
console.log("");
console.log("Accounts on the US node: host.targeter, host.supervisor, scan.officer, host.admin, host.auditor");
console.log("Accounts on the Japan node: partner.targeter, partner.supervisor, partner.auditor, partner.admin");
console.log(`Password for every account: ${password}`);
console.log("Operators: GET /api/federation/status as host.admin (US) or partner.admin (Japan). Ctrl-C stops both nodes.");
