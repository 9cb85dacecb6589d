import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import { withAgency } from "../../db/database.ts";
import type { DB } from "../../db/schema.ts";
import { notFound } from "../../errors.ts";
import { isSharedWithRequester, requestIsVisible } from "../access.ts";
import type { Actor } from "../actor.ts";
import { recordAudit } from "../audit.ts";
import type { Clock } from "../clock.ts";
import { assembleBundle } from "./assemble.ts";
import { loadBundleContents } from "./contents.ts";
import { ensureSigningKey } from "./keys.ts";

/** A result bundle ready to send: an uncompressed ustar archive. */
export interface ResultBundle {
  fileName: string;
  bytes: Uint8Array;
  bundleId: string;
  keyId: string;
}

/**
 * Packs one request's results (manifest extract, history, scans with analyses, every evidence
 * file, custody hashes) and signs them with the host agency's key. Either party may download it;
 * anyone else gets 404. The download is audited for both agencies.
 */
export async function buildResultBundle(db: Kysely<DB>, clock: Clock, actor: Actor, requestId: string): Promise<ResultBundle> {
  const parties = await withAgency(db, actor.agencyId, (tx) =>
    tx.selectFrom("inspection_request as r").select(["r.host_agency_id", "r.requesting_agency_id"]).where(requestIsVisible(actor)).where("r.id", "=", requestId).executeTakeFirst(),
  );
  if (!parties) {
    throw notFound("inspection_request");
  }
  // The key is read through the owner connection, outside the agency's transaction: the app role
  // cannot see private keys (and PGlite has a single connection, so it cannot be nested either).
  const key = await ensureSigningKey(db, parties.host_agency_id, clock.now());
  return withAgency(db, actor.agencyId, async (tx) => {
    // Hold the request still while it is read, so no scan or decision lands half-way into the bundle.
    await tx.selectFrom("inspection_request").select("id").where("id", "=", requestId).forShare().execute();
    const contents = await loadBundleContents(tx, actor, requestId);
    const createdAt = clock.now();
    const bundleId = randomUUID();
    const packed = assembleBundle(contents, key, bundleId, createdAt);
    await recordAudit(tx, actor, {
      action: "bundle.downloaded",
      entityType: "inspection_request",
      entityId: requestId,
      otherAgencyIds: (await isSharedWithRequester(tx, requestId)) ? [parties.host_agency_id, parties.requesting_agency_id] : [parties.host_agency_id],
      payload: {
        reference: contents.reference,
        bundleId,
        keyId: key.keyId,
        files: contents.files.length,
        custodySha256: packed.custodySha256,
        archiveSha256: packed.archiveSha256,
      },
    });
    return { fileName: `${contents.reference}-result-bundle.tar`, bytes: packed.bytes, bundleId, keyId: key.keyId };
  });
}
