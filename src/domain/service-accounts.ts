import { createHash, randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { DB } from "../db/schema.ts";
import { invalid, unauthorized } from "../errors.ts";
import { requireRole } from "./access.ts";
import type { Actor } from "./actor.ts";
import { recordAudit } from "./audit.ts";
import { actorForUser } from "./auth.ts";

// Machines (terminal feeds, the command line) act through service accounts: users that hold
// only the ingest role and cannot log in with a password.

async function findOrCreateServiceUser(db: Kysely<DB>, agencyId: string, username: string): Promise<string> {
  const existing = await db.selectFrom("app_user").select(["id", "agency_id", "is_service"]).where("username", "=", username).executeTakeFirst();
  if (existing) {
    // A person's account never becomes a machine's: the name must belong to this agency's service account.
    if (!existing.is_service || existing.agency_id !== agencyId) {
      throw invalid("service_account.name_taken", `The name ${username} belongs to another account`);
    }
    return existing.id;
  }
  const created = await db
    .insertInto("app_user")
    .values({ agency_id: agencyId, username, display_name: username, password_hash: "!", roles: ["ingest"], site_id: null, is_service: true })
    .returning("id")
    .executeTakeFirstOrThrow();
  return created.id;
}

/** The agencies known to this deployment, by code. */
export async function listAgencies(db: Kysely<DB>): Promise<{ id: string; code: string; name: string }[]> {
  return db.selectFrom("agency").select(["id", "code", "name"]).orderBy("code").execute();
}

/** The actor of a machine that ingests for an agency, by service account name. */
export async function serviceActor(db: Kysely<DB>, agencyCode: string, username: string): Promise<Actor> {
  const agency = await db.selectFrom("agency").select("id").where("code", "=", agencyCode).executeTakeFirst();
  if (!agency) {
    throw invalid("agency.unknown", `No agency with code ${agencyCode}`);
  }
  const userId = await findOrCreateServiceUser(db, agency.id, username);
  return actorForUser(db, userId);
}

/** The command line's actor for an agency: its `cli.ingest` service account. */
export function commandLineActor(db: Kysely<DB>, agencyCode: string): Promise<Actor> {
  return serviceActor(db, agencyCode, `cli.ingest.${agencyCode.toLowerCase()}`);
}

function tokenHash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** An agency admin issues an ingest API token for a feed; the token is shown once. */
export async function createApiToken(db: Kysely<DB>, actor: Actor, name: string): Promise<{ token: string; username: string }> {
  requireRole(actor, ["admin"], "issue API tokens");
  const username = `token.${actor.agencyCode.toLowerCase()}.${name.toLowerCase().replace(/[^a-z0-9-]/g, "-")}`;
  const token = `rcp_${randomBytes(24).toString("base64url")}`;
  await db.transaction().execute(async (tx) => {
    const userId = await findOrCreateServiceUser(tx, actor.agencyId, username);
    await tx.insertInto("api_token").values({ token_hash: tokenHash(token), user_id: userId, name, created_by: actor.userId }).execute();
    await recordAudit(tx, actor, { action: "api_token.created", entityType: "user", entityId: userId, payload: { name } });
  });
  return { token, username };
}

/** Resolves a bearer token to its service account, or throws 401. */
export async function actorForApiToken(db: Kysely<DB>, token: string): Promise<Actor> {
  const row = await db
    .selectFrom("api_token")
    .innerJoin("app_user", "app_user.id", "api_token.user_id")
    .select("api_token.user_id")
    .where("api_token.token_hash", "=", tokenHash(token))
    .where("api_token.revoked_at", "is", null)
    .where("app_user.is_service", "=", true)
    .executeTakeFirst();
  if (!row) {
    throw unauthorized("Unknown or revoked API token");
  }
  return actorForUser(db, row.user_id);
}
