import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import { withAgency, type Tx } from "../db/database.ts";
import type { DB } from "../db/schema.ts";
import { invalid, notFound } from "../errors.ts";
import type { Actor } from "./actor.ts";

/** Largest instrument file or image accepted, in bytes. */
export const MAX_FILE_BYTES = 25 * 1024 * 1024;

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

/** Stores bytes under their sha256 (idempotent: the same content is stored once) and returns the hash. */
export async function storeFile(tx: Tx, content: Uint8Array, mediaType: string): Promise<string> {
  if (content.byteLength === 0) {
    throw invalid("file.empty", "The attached file is empty");
  }
  if (content.byteLength > MAX_FILE_BYTES) {
    throw invalid("file.too_large", `The attached file exceeds ${MAX_FILE_BYTES} bytes`);
  }
  const sha256 = createHash("sha256").update(content).digest("hex");
  await tx
    .insertInto("stored_file")
    .values({ sha256, size_bytes: content.byteLength, media_type: mediaType, content })
    .onConflict((oc) => oc.column("sha256").doNothing())
    .execute();
  return sha256;
}

/** Reads a stored file the actor may see (one attached to a scan on a request they are party to). */
export async function readFile(
  db: Kysely<DB>,
  actor: Actor,
  sha256: string,
): Promise<{ content: Uint8Array; mediaType: string; fileName: string | null }> {
  return withAgency(db, actor.agencyId, async (tx) => {
    const row = await tx
      .selectFrom("stored_file as f")
      .select(["f.content", "f.media_type"])
      .select((eb) =>
        eb.selectFrom("scan").select("file_name").whereRef("scan.file_sha256", "=", "f.sha256").limit(1).as("file_name"),
      )
      .where("f.sha256", "=", sha256.toLowerCase())
      .executeTakeFirst();
    if (!row) {
      throw notFound("file");
    }
    return { content: row.content, mediaType: row.media_type, fileName: row.file_name };
  });
}
