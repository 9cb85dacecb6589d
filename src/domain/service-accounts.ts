import { createHash, randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { DB } from "../db/schema.ts";
import { conflict, invalid, notFound, unauthorized } from "../errors.ts";
import { requireRole } from "./access.ts";
import type { Actor } from "./actor.ts";
import { recordAudit } from "./audit.ts";
import { actorForUser } from "./auth.ts";
import type { Clock } from "./clock.ts";
import { afterCursor, decodeCursor, toPage, type Page } from "./paging.ts";
import { API_TOKEN_DEFAULT_DAYS, API_TOKEN_MAX_DAYS, API_TOKEN_NAME_MAX } from "./vocabulary.ts";
import type { ApiTokenView, IssuedApiToken } from "../contract/api-tokens.ts";

export type { ApiTokenView, IssuedApiToken } from "../contract/api-tokens.ts";
export type { ApiTokenState } from "./vocabulary.ts";

// Machines (terminal feeds, the command line) act through service accounts: users that hold
// only the ingest role and cannot log in with a password.

async function findOrCreateServiceUser(db: Kysely<DB>, agencyId: string, username: string): Promise<string> {
  const existing = await db
    .selectFrom("app_user")
    .select(["id", "agency_id", "is_service"])
    .where("username", "=", username)
    .executeTakeFirst();
  if (existing) {
    // A person's account never becomes a machine's: the name must belong to this agency's service account.
    if (!existing.is_service || existing.agency_id !== agencyId) {
      throw invalid("service_account.name_taken", `The name ${username} belongs to another account`);
    }
    return existing.id;
  }
  // Two tokens issued at once for a new feed: the second finds the first one's account.
  const created = await db
    .insertInto("app_user")
    .values({
      agency_id: agencyId,
      username,
      display_name: username,
      password_hash: "!",
      roles: ["ingest"],
      site_id: null,
      is_service: true,
    })
    .onConflict((oc) => oc.column("username").doNothing())
    .returning("id")
    .executeTakeFirst();
  return created ? created.id : findOrCreateServiceUser(db, agencyId, username);
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

export { API_TOKEN_DEFAULT_DAYS, API_TOKEN_MAX_DAYS, API_TOKEN_NAME_MAX } from "./vocabulary.ts";
/** A token's last use is written at most this often (ms): a feed's every request is not a write. */
export const LAST_USE_RESOLUTION_MS = 60_000;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The service account part of a token's name: NFKC, lower case, Unicode letters and digits kept,
 * every other run turned into one "-", no "-" at either end. Empty when the name has no letter
 * or digit at all ("😀😀", "---"), which the caller refuses rather than collapse such names into
 * one account.
 *
 * Names that differ only in case or punctuation ("Terminal feed", "terminal-feed!") give the same
 * slug on purpose: they name one feed, and a new token under either name rotates that feed's
 * credentials on the same service account, so its batches and audit trail stay together.
 */
export function serviceAccountSlug(name: string): string {
  return name
    .trim()
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "");
}

/** What an admin asks for when issuing a token. */
export interface NewApiToken {
  name: string;
  /** 1..365; 90 when not given. */
  expiresInDays?: number;
}

/** An agency admin issues an ingest API token for a feed; the token is shown once. */
export async function createApiToken(
  db: Kysely<DB>,
  clock: Clock,
  actor: Actor,
  input: NewApiToken,
): Promise<IssuedApiToken> {
  requireRole(actor, ["admin"], "issue API tokens");
  const name = input.name.trim().normalize("NFKC");
  const slug = serviceAccountSlug(name);
  if (!slug) {
    throw invalid(
      "api_token.name_invalid",
      "The token name needs at least one letter or digit: it names the feed's service account",
    );
  }
  if (name.length > API_TOKEN_NAME_MAX) {
    throw invalid("api_token.name_too_long", `The token name is limited to ${API_TOKEN_NAME_MAX} characters`);
  }
  const days = input.expiresInDays ?? API_TOKEN_DEFAULT_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > API_TOKEN_MAX_DAYS) {
    throw invalid("api_token.expiry_invalid", `A token lasts 1 to ${API_TOKEN_MAX_DAYS} whole days`);
  }
  const username = `token.${actor.agencyCode.toLowerCase()}.${slug}`;
  const token = `rcp_${randomBytes(24).toString("base64url")}`;
  const now = clock.now();
  const expiresAt = new Date(now.getTime() + days * DAY_MS);
  // As the owner, like every api_token query (see migrations/0010_api_tokens.sql).
  const id = await db.transaction().execute(async (tx) => {
    const userId = await findOrCreateServiceUser(tx, actor.agencyId, username);
    const created = await tx
      .insertInto("api_token")
      .values({
        token_hash: tokenHash(token),
        user_id: userId,
        name,
        created_by: actor.userId,
        created_at: now,
        expires_at: expiresAt,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(tx, actor, {
      action: "api_token.created",
      entityType: "user",
      entityId: userId,
      payload: { name, tokenId: created.id, username, expiresAt: expiresAt.toISOString() },
    });
    return created.id;
  });
  return { id, token, username, expiresAt: expiresAt.toISOString() };
}

/** The one answer for a token that is unknown, expired or revoked: which of them is not said. */
const REFUSED_TOKEN = "Unknown, expired or revoked API token";

/**
 * Resolves a bearer token to its service account, or throws 401. Records the token's last use
 * when the recorded one is a minute old or more; that write is bookkeeping, so its failure goes
 * to `onLastUseError` and the request goes on.
 */
export async function actorForApiToken(
  db: Kysely<DB>,
  clock: Clock,
  token: string,
  options: { onLastUseError?: (err: unknown) => void } = {},
): Promise<Actor> {
  const now = clock.now();
  const row = await db
    .selectFrom("api_token")
    .innerJoin("app_user", "app_user.id", "api_token.user_id")
    .select(["api_token.id", "api_token.user_id", "api_token.last_used_at"])
    .where("api_token.token_hash", "=", tokenHash(token))
    .where("api_token.revoked_at", "is", null)
    .where("api_token.expires_at", ">", now)
    .where("app_user.is_service", "=", true)
    .executeTakeFirst();
  if (!row) {
    throw unauthorized(REFUSED_TOKEN);
  }
  const staleBefore = new Date(now.getTime() - LAST_USE_RESOLUTION_MS);
  if (!row.last_used_at || row.last_used_at <= staleBefore) {
    // Conditional, so that concurrent requests in the same minute write once between them.
    try {
      await db
        .updateTable("api_token")
        .set({ last_used_at: now })
        .where("id", "=", row.id)
        .where((eb) => eb.or([eb("last_used_at", "is", null), eb("last_used_at", "<=", staleBefore)]))
        .execute();
    } catch (err) {
      options.onLastUseError?.(err);
    }
  }
  return actorForUser(db, row.user_id);
}

/** The token columns a view is made of, for the agency's tokens only. */
function agencyTokens(db: Kysely<DB>, agencyId: string) {
  return db
    .selectFrom("api_token as t")
    .innerJoin("app_user as u", "u.id", "t.user_id")
    .leftJoin("app_user as c", "c.id", "t.created_by")
    .leftJoin("app_user as r", "r.id", "t.revoked_by")
    .select([
      "t.id",
      "t.name",
      "u.username",
      "t.created_at",
      "c.username as created_by",
      "t.expires_at",
      "t.last_used_at",
      "t.revoked_at",
      "r.username as revoked_by",
    ])
    .where("u.agency_id", "=", agencyId)
    .where("u.is_service", "=", true);
}

type TokenRow = Awaited<ReturnType<ReturnType<typeof agencyTokens>["executeTakeFirstOrThrow"]>>;

function present(row: TokenRow, now: Date): ApiTokenView {
  return {
    id: row.id,
    name: row.name,
    username: row.username,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
    expiresAt: row.expires_at.toISOString(),
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
    revokedBy: row.revoked_by,
    state: row.revoked_at ? "revoked" : row.expires_at <= now ? "expired" : "active",
  };
}

/** The admin's agency's tokens, newest first. */
export async function listApiTokens(
  db: Kysely<DB>,
  clock: Clock,
  actor: Actor,
  query: { limit: number; cursor?: string },
): Promise<Page<ApiTokenView>> {
  requireRole(actor, ["admin"], "list API tokens");
  const after = query.cursor ? decodeCursor(query.cursor, "api-tokens") : null;
  // As the owner: the agency filter in agencyTokens stands in for row-level security.
  const rows = await agencyTokens(db, actor.agencyId)
    .$if(after !== null, (qb) =>
      qb.where(
        afterCursor(after!, {
          value: "t.created_at",
          id: "t.id",
          order: "desc",
          valueType: "timestamptz",
          idType: "uuid",
        }),
      ),
    )
    .orderBy("t.created_at", "desc")
    .orderBy("t.id", "desc")
    .limit(query.limit + 1)
    .execute();
  const page = toPage(rows, query.limit, (r) => ({ value: r.created_at.toISOString(), id: r.id }), "api-tokens");
  const now = clock.now();
  return { items: page.items.map((r) => present(r, now)), nextCursor: page.nextCursor };
}

/**
 * Revokes one of the admin's agency's tokens at once. Another agency's token answers 404 like an
 * unknown id; revoking a revoked token is a 409 and changes nothing (the first revocation, and
 * its audit event, stand).
 */
export async function revokeApiToken(db: Kysely<DB>, clock: Clock, actor: Actor, id: string): Promise<ApiTokenView> {
  requireRole(actor, ["admin"], "revoke API tokens");
  const now = clock.now();
  return db.transaction().execute(async (tx) => {
    // Locked, so that of two revocations at once the second sees the first.
    const found = await tx
      .selectFrom("api_token as t")
      .innerJoin("app_user as u", "u.id", "t.user_id")
      .select(["t.id", "t.name", "t.revoked_at", "u.username"])
      .where("t.id", "=", id)
      .where("u.agency_id", "=", actor.agencyId)
      .where("u.is_service", "=", true)
      .forUpdate("t")
      .executeTakeFirst();
    if (!found) {
      throw notFound("api_token");
    }
    if (found.revoked_at) {
      throw conflict("api_token.already_revoked", `The token was already revoked at ${found.revoked_at.toISOString()}`);
    }
    await tx
      .updateTable("api_token")
      .set({ revoked_at: now, revoked_by: actor.userId })
      .where("id", "=", found.id)
      .execute();
    await recordAudit(tx, actor, {
      action: "api_token.revoked",
      entityType: "api_token",
      entityId: found.id,
      payload: { name: found.name, username: found.username },
    });
    return present(await agencyTokens(tx, actor.agencyId).where("t.id", "=", found.id).executeTakeFirstOrThrow(), now);
  });
}
