import { sql, type Kysely } from "kysely";
import { withAgency, type Tx } from "../db/database.ts";
import type { DB } from "../db/schema.ts";
import { invalid, notFound } from "../errors.ts";
import { isSharedWithRequester, requestIsVisible } from "./access.ts";
import type { Actor } from "./actor.ts";
import { recordAudit } from "./audit.ts";
import { MAX_FILE_BYTES } from "./vocabulary.ts";

export { MAX_FILE_BYTES } from "./vocabulary.ts";

/** Media types a scan may carry: instrument data and images. */
export const ACCEPTED_MEDIA_TYPES = [
  "application/xml",
  "text/xml",
  "application/octet-stream",
  "text/plain",
  "image/png",
  "image/jpeg",
  "image/tiff",
  "application/pdf",
] as const;

/** Throws 400 unless the bytes are a file a scan may carry (not empty, an accepted type, within the size). */
export function checkFile(content: Uint8Array, mediaType: string): void {
  if (content.byteLength === 0) {
    throw invalid("file.empty", "The attached file is empty");
  }
  if (!(ACCEPTED_MEDIA_TYPES as readonly string[]).includes(mediaType)) {
    throw invalid(
      "file.media_type",
      `Files of type ${mediaType} are not accepted; send instrument data (N42 XML, SPE, SPC, CNF, PCF) or an image (PNG, JPEG, TIFF)`,
    );
  }
  if (content.byteLength > MAX_FILE_BYTES) {
    throw invalid("file.too_large", `The attached file exceeds ${MAX_FILE_BYTES} bytes`);
  }
}

/** Stores bytes under the sha256 the database computes (the same content is stored once) and returns it. */
export async function storeFile(tx: Tx, content: Uint8Array, mediaType: string): Promise<string> {
  checkFile(content, mediaType);
  const result = await sql<{ sha256: string }>`select store_file(${content}, ${mediaType}) as sha256`.execute(tx);
  const sha256 = result.rows[0]?.sha256;
  if (!sha256) {
    throw new Error("store_file returned no hash");
  }
  return sha256;
}

/** The agencies of the requests a file belongs to; a requester only while its agreement still shares the shipment. */
async function partiesToTell(
  tx: Tx,
  requests: readonly { id: string; host_agency_id: string; requesting_agency_id: string }[],
): Promise<string[]> {
  const agencies = new Set<string>();
  for (const r of requests) {
    agencies.add(r.host_agency_id);
    if (await isSharedWithRequester(tx, r.id)) {
      agencies.add(r.requesting_agency_id);
    }
  }
  return [...agencies];
}

/** A stored file the actor may read: what it is, and its bytes read piece by piece as they are sent. */
export interface FileDownload {
  mediaType: string;
  fileName: string | null;
  byteLength: number;
  /** The bytes, fetched from the store as they are consumed (see readStoredFile). */
  pieces: AsyncGenerator<Uint8Array>;
}

/**
 * Opens a stored file the actor may see (one attached to a scan on a request they are party to):
 * access is checked and the download audited first, in one transaction; the bytes are read
 * afterwards in pieces, so a large file never sits whole in memory.
 */
export async function openFile(db: Kysely<DB>, actor: Actor, sha256: string): Promise<FileDownload> {
  const hash = sha256.toLowerCase();
  const found = await withAgency(db, actor.agencyId, async (tx) => {
    // A file is the actor's to read only through a scan on a request the actor may see.
    const parties = await tx
      .selectFrom("scan as sc")
      .innerJoin("inspection_request as r", "r.id", "sc.request_id")
      .select(["r.id", "r.requesting_agency_id", "r.host_agency_id", "sc.file_name"])
      .where(requestIsVisible(actor))
      .where("sc.file_sha256", "=", hash)
      .execute();
    const row =
      parties.length === 0
        ? undefined
        : await tx
            .selectFrom("stored_file as f")
            .select(["f.media_type", sql<number>`octet_length(f.content)`.as("size")])
            .where("f.sha256", "=", hash)
            .executeTakeFirst();
    if (!row) {
      throw notFound("file");
    }
    const fileName = parties[0]?.file_name ?? null;
    await recordAudit(tx, actor, {
      action: "file.downloaded",
      entityType: "stored_file",
      entityId: hash,
      otherAgencyIds: await partiesToTell(tx, parties),
      payload: { fileName },
    });
    return { mediaType: row.media_type, fileName, byteLength: Number(row.size) };
  });
  return { ...found, pieces: readStoredFile(db, actor.agencyId, hash, found.byteLength) };
}

/** Bytes fetched per query when a stored file is streamed: memory stays flat, queries stay few. */
const READ_PIECE_BYTES = 1024 * 1024;

/**
 * A stored file the agency may see, read `size` bytes in pieces, each in its own short transaction,
 * so that a slow reader holds neither a connection nor the whole file. Throws when a piece cannot be
 * read in full (the file was removed, shortened, or is no longer visible to the agency).
 */
export async function* readStoredFile(
  db: Kysely<DB>,
  agencyId: string,
  sha256: string,
  size: number,
): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < size; offset += READ_PIECE_BYTES) {
    const length = Math.min(READ_PIECE_BYTES, size - offset);
    // As base64 text: both drivers receive bytea as hex text, twice the size, and PGlite decodes
    // hex slowly (a 20 MB file took 4 s in pieces of bytea on PGlite, 0.6 s in base64).
    const row = await withAgency(db, agencyId, (tx) =>
      tx
        .selectFrom("stored_file")
        .select(
          sql<string>`encode(substring(content from ${offset + 1}::int for ${length}::int), 'base64')`.as("piece"),
        )
        .where("sha256", "=", sha256)
        .executeTakeFirst(),
    );
    const piece = row ? Buffer.from(row.piece, "base64") : null;
    if (!piece || piece.byteLength !== length) {
      throw new Error(`stored file ${sha256} could not be read at byte ${offset}`);
    }
    yield piece;
  }
}
