// Signing keys of result bundles. They live in `signing_key`, whose private column only the owner
// connection can read, so these functions take the plain database handle, never `withAgency`.
import { createPrivateKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { sql, type Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import { notFound } from "../../errors.ts";
import { keyIdOf, publicKeyPemOf } from "./signing.ts";

/** An agency's signing key, private half included: for the server's own use only. */
export interface SigningKey {
  keyId: string;
  publicKeyPem: string;
  privateKey: KeyObject;
}

/** A public key as a verifier pins it. */
export interface PublicKeyInfo {
  keyId: string;
  agency: string;
  publicKeyPem: string;
  createdAt: string;
}

async function newestKey(db: Kysely<DB>, agencyId: string): Promise<SigningKey | null> {
  const row = await db
    .selectFrom("signing_key")
    .select(["key_id", "public_key_pem", "private_key_pem"])
    .where("agency_id", "=", agencyId)
    .orderBy("created_at", "desc")
    .orderBy("key_id")
    .executeTakeFirst();
  if (!row) {
    return null;
  }
  return { keyId: row.key_id, publicKeyPem: row.public_key_pem, privateKey: createPrivateKey(row.private_key_pem) };
}

/** The agency's current signing key, created (Ed25519) and stored on first use. */
export async function ensureSigningKey(db: Kysely<DB>, agencyId: string, now: Date): Promise<SigningKey> {
  const existing = await newestKey(db, agencyId);
  if (existing) {
    return existing;
  }
  return db.transaction().execute(async (tx) => {
    // Two first uses at once must not mint two keys: the second waits, then finds the first's.
    await sql`lock table signing_key in share row exclusive mode`.execute(tx);
    const raced = await newestKey(tx, agencyId);
    if (raced) {
      return raced;
    }
    const { publicKey, privateKey } = generateKeyPairSync("ed25519");
    const key: SigningKey = { keyId: keyIdOf(publicKey), publicKeyPem: publicKeyPemOf(publicKey), privateKey };
    await tx
      .insertInto("signing_key")
      .values({
        key_id: key.keyId,
        agency_id: agencyId,
        public_key_pem: key.publicKeyPem,
        private_key_pem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
        created_at: now,
      })
      .execute();
    return key;
  });
}

/** The agency's signing key by agency code, created on first use; 404 for an unknown agency. */
export async function ensureSigningKeyOf(db: Kysely<DB>, agencyCode: string, now: Date): Promise<PublicKeyInfo> {
  const agency = await db.selectFrom("agency").select("id").where("code", "=", agencyCode).executeTakeFirst();
  if (!agency) {
    throw notFound("agency");
  }
  await ensureSigningKey(db, agency.id, now);
  const [newest] = await publicKeysOf(db, agencyCode);
  if (!newest) {
    throw new Error(`no signing key for ${agencyCode} after creating one`);
  }
  return newest;
}

/** Codes of the agencies that hold a signing key, in order. */
export async function agenciesWithSigningKeys(db: Kysely<DB>): Promise<string[]> {
  const rows = await db
    .selectFrom("signing_key as k")
    .innerJoin("agency as a", "a.id", "k.agency_id")
    .select("a.code")
    .distinct()
    .orderBy("a.code")
    .execute();
  return rows.map((r) => r.code);
}

/** The public keys an agency has signed bundles with, newest first (public columns only). */
export async function publicKeysOf(db: Kysely<DB>, agencyCode: string): Promise<PublicKeyInfo[]> {
  const rows = await db
    .selectFrom("signing_key as k")
    .innerJoin("agency as a", "a.id", "k.agency_id")
    .select(["k.key_id", "a.code", "k.public_key_pem", "k.created_at"])
    .where("a.code", "=", agencyCode)
    .orderBy("k.created_at", "desc")
    .orderBy("k.key_id")
    .execute();
  return rows.map((r) => ({
    keyId: r.key_id,
    agency: r.code,
    publicKeyPem: r.public_key_pem,
    createdAt: r.created_at.toISOString(),
  }));
}
