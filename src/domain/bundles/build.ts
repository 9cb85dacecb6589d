import { randomUUID } from "node:crypto";
import type { Readable } from "node:stream";
import type { Kysely } from "kysely";
import { withAgency } from "../../db/database.ts";
import type { DB } from "../../db/schema.ts";
import { notFound } from "../../errors.ts";
import { isSharedWithRequester, requestIsVisible } from "../access.ts";
import type { Actor } from "../actor.ts";
import { recordAudit } from "../audit.ts";
import type { Clock } from "../clock.ts";
import { readStoredFile } from "../files.ts";
import { streamBundle } from "./assemble.ts";
import { loadBundleContents } from "./contents.ts";
import { ensureSigningKey } from "./keys.ts";

/** A result bundle ready to send: an uncompressed ustar archive, signed, its bytes still to be read. */
export interface ResultBundle {
  fileName: string;
  bundleId: string;
  keyId: string;
  /** The archive's exact length. */
  byteLength: number;
  /** The archive; evidence files are read from the store as it is consumed (see streamBundle). */
  stream: Readable;
}

/**
 * Packs one request's results (manifest extract, history, scans with analyses, every evidence
 * file, custody hashes) and signs them with the host agency's key. Either party may download it;
 * anyone else gets 404. The download is audited for both agencies. Everything that can refuse the
 * download (access, a missing or damaged file) is settled before this returns; the evidence bytes
 * are read afterwards, piece by piece, as the stream is read.
 */
export async function buildResultBundle(
  db: Kysely<DB>,
  clock: Clock,
  actor: Actor,
  requestId: string,
): Promise<ResultBundle> {
  const parties = await withAgency(db, actor.agencyId, (tx) =>
    tx
      .selectFrom("inspection_request as r")
      .select(["r.host_agency_id", "r.requesting_agency_id"])
      .where(requestIsVisible(actor))
      .where("r.id", "=", requestId)
      .executeTakeFirst(),
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
    const { files, ...documents } = await loadBundleContents(tx, actor, requestId);
    const createdAt = clock.now();
    const bundleId = randomUUID();
    // Each piece is read in its own transaction once this one has committed: the files are
    // content-addressed and never change, and a slow download must not hold this one open.
    const sources = files.map((f) => ({ ...f, read: () => readStoredFile(db, actor.agencyId, f.sha256, f.size) }));
    const packed = streamBundle(documents, sources, key, bundleId, createdAt);
    await recordAudit(tx, actor, {
      action: "bundle.downloaded",
      entityType: "inspection_request",
      entityId: requestId,
      otherAgencyIds: (await isSharedWithRequester(tx, requestId))
        ? [parties.host_agency_id, parties.requesting_agency_id]
        : [parties.host_agency_id],
      payload: {
        reference: documents.reference,
        bundleId,
        keyId: key.keyId,
        files: files.length,
        custodySha256: packed.custodySha256,
        // The archive is canonical, so custody.json's hash fixes every byte of it; its own hash
        // would need every file read before the first byte is sent.
        archiveBytes: packed.byteLength,
      },
    });
    return {
      fileName: `${documents.reference}-result-bundle.tar`,
      bundleId,
      keyId: key.keyId,
      byteLength: packed.byteLength,
      stream: packed.stream,
    };
  });
}
