import type { Kysely } from "kysely";
import type { Database } from "../../src/db/database.ts";
import type { DB } from "../../src/db/schema.ts";
import { addPeer, initNode } from "../../src/domain/federation/node.ts";

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
export async function peerNodes(us: Database, jp: Database, urls: { us: string; jp: string }): Promise<{ usKey: string; jpKey: string }> {
  const usNode = await initNode(us.db, US);
  const jpNode = await initNode(jp.db, JP);
  await addPeer(us.db, { agencyCode: JP, url: urls.jp, publicPem: jpNode.publicPem });
  await addPeer(jp.db, { agencyCode: US, url: urls.us, publicPem: usNode.publicPem });
  return { usKey: usNode.publicPem, jpKey: jpNode.publicPem };
}
