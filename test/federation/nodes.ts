import type { Kysely } from "kysely";
import type { Database } from "../../src/db/database.ts";
import type { DB } from "../../src/db/schema.ts";
import type { FastifyInstance } from "fastify";
import { migrateToLatest } from "../../src/db/migrate.ts";
import { hashPassword } from "../../src/domain/auth.ts";
import type { Clock } from "../../src/domain/clock.ts";
import { addPeer, initNode } from "../../src/domain/federation/node.ts";
import { buildApp } from "../../src/server/app.ts";
import type { Engine } from "../helpers/db.ts";
import { TEST_PASSWORD } from "../helpers/world.ts";

/** The two agencies of the federation tests, as the demo world names them. */
export const US = "USCBP";
export const JP = "JPCUS";

/** Creates both agencies in a bare node database (each node knows its peers' agencies). */
export async function seedAgencies(db: Kysely<DB>): Promise<{ us: string; jp: string }> {
  const rows = await db
    .insertInto("agency")
    .values([
      { code: US, name: "U.S. Customs and Border Protection", country: "US" },
      { code: JP, name: "Japan Customs", country: "JP" },
    ])
    .returning(["id", "code"])
    .execute();
  return { us: rows.find((r) => r.code === US)?.id as string, jp: rows.find((r) => r.code === JP)?.id as string };
}

/** Makes `us` the US node and `jp` the Japan node, each pinning the other's key at the given URL. */
export async function peerNodes(
  us: Database,
  jp: Database,
  urls: { us: string; jp: string },
): Promise<{ usKey: string; jpKey: string }> {
  const usNode = await initNode(us.db, US);
  const jpNode = await initNode(jp.db, JP);
  await addPeer(us.db, { agencyCode: JP, url: urls.jp, publicPem: jpNode.publicPem });
  await addPeer(jp.db, { agencyCode: US, url: urls.us, publicPem: usNode.publicPem });
  return { usKey: usNode.publicPem, jpKey: jpNode.publicPem };
}

/** One node of a two-node test: its database, its API, and where it listens. */
export interface Node {
  database: Database;
  app: FastifyInstance;
  url: string;
  drop(): Promise<void>;
}

/** The agreement under which the US node shares Japan-bound shipments. */
export const AGREEMENT = "CSI-USCBP-JPCUS";

/** Manifest CSV columns the two-node tests file shipments with. */
export const MANIFEST_HEADER =
  "bill_of_lading,message_ref,function,carrier_scac,vessel_imo,voyage,port_of_loading,port_of_discharge,etd,shipper_name,consignee_name,container_number,size_type,hs_code,description,packages,gross_weight_kg";

/**
 * Opens a node on `engine`: its own database, migrated, with both agencies, the CSI agreement and
 * `users` (password TEST_PASSWORD), and its API listening on a free port.
 */
export async function startNode(
  engine: Engine,
  clock: Clock,
  users: { username: string; agency: string; roles: string[] }[],
): Promise<Node> {
  const opened = await engine.open();
  const { db } = opened.database;
  await migrateToLatest(db);
  const agencies = await seedAgencies(db);
  await db
    .insertInto("agreement")
    .values({
      code: AGREEMENT,
      provider_agency_id: agencies.us,
      recipient_agency_id: agencies.jp,
      destination_countries: ["JP"],
      legal_basis: "CSI Declaration of Principles",
      valid_from: "2002-08-01",
    })
    .execute();
  const hash = await hashPassword(TEST_PASSWORD);
  await db
    .insertInto("app_user")
    .values(
      users.map((u) => ({
        agency_id: u.agency === US ? agencies.us : agencies.jp,
        username: u.username,
        display_name: u.username,
        password_hash: hash,
        roles: u.roles,
        site_id: null,
      })),
    )
    .execute();
  const app = await buildApp({ db, clock, webDir: "/nonexistent", logger: false });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { database: opened.database, app, url: `http://127.0.0.1:${port}`, drop: () => opened.drop() };
}
