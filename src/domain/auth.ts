import { createHash, randomBytes } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import type { Kysely } from "kysely";
import type { DB } from "../db/schema.ts";
import { AppError, unauthorized } from "../errors.ts";
import { ROLES, type Actor, type Role } from "./actor.ts";
import { recordAudit } from "./audit.ts";
import { asLanguage } from "./language.ts";
import type { Clock } from "./clock.ts";
import { forgetSessions, recallSession, rememberSession, sessionEpoch } from "./session-memory.ts";
import {
  claimLoginAttempt,
  clearAfterLogin,
  recordFailedLogin,
  releaseClaim,
  type LoginClaim,
  type LoginFailureReason,
} from "./login-throttle.ts";

/** How long a session lasts without logging in again. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** The argon2 calls, behind an object so tests can count verifications. */
export const passwords = { hash, verify };

/** Hashes a password with argon2id at the library's recommended cost. */
export function hashPassword(password: string): Promise<string> {
  return passwords.hash(password);
}

function tokenHash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

// Verifying against a real hash when the user does not exist keeps the response time the same,
// so timing does not reveal which usernames exist.
let decoyHash: Promise<string> | null = null;

/** One password login: what was typed, and the client's address (request.ip). */
export interface LoginAttempt {
  username: string;
  password: string;
  ip: string;
}

/**
 * Checks the credentials and opens a session; the returned token goes in the cookie. The throttle
 * (login-throttle.ts) is asked first and throws LoginThrottled without the password being checked;
 * every failure is counted and audited.
 */
export async function login(
  db: Kysely<DB>,
  clock: Clock,
  attempt: LoginAttempt,
): Promise<{ token: string; actor: Actor }> {
  const claim = await claimLoginAttempt(db, clock, attempt.username, attempt.ip);
  try {
    return await checkAndOpenSession(db, clock, attempt, claim);
  } catch (err) {
    // A refused password has settled the claim already; an error on our side (database, hashing)
    // must not leave the account's slot taken until it expires. Best effort: the error wins.
    if (!(err instanceof AppError)) {
      await releaseClaim(db, claim).catch(() => undefined);
    }
    throw err;
  }
}

async function checkAndOpenSession(
  db: Kysely<DB>,
  clock: Clock,
  attempt: LoginAttempt,
  claim: LoginClaim,
): Promise<{ token: string; actor: Actor }> {
  const user = await db
    .selectFrom("app_user")
    .select(["id", "password_hash", "is_active", "is_service", "agency_id"])
    .where("username", "=", attempt.username)
    .executeTakeFirst();
  decoyHash ??= hashPassword(randomBytes(16).toString("hex"));
  const canLogIn = user !== undefined && !user.is_service && user.is_active;
  const isValid = await passwords.verify(canLogIn ? user.password_hash : await decoyHash, attempt.password);
  if (!user || !canLogIn || !isValid) {
    const reason: LoginFailureReason = !user
      ? "unknown_username"
      : user.is_service
        ? "service_account"
        : !user.is_active
          ? "account_disabled"
          : "wrong_password";
    await db.transaction().execute((tx) =>
      recordFailedLogin(tx, clock, claim, {
        username: attempt.username,
        ip: attempt.ip,
        reason,
        user: user ? { id: user.id, agencyId: user.agency_id } : null,
      }),
    );
    throw unauthorized("Unknown username or wrong password");
  }
  const token = randomBytes(32).toString("base64url");
  const actor = await db.transaction().execute(async (tx) => {
    await clearAfterLogin(tx, claim);
    await tx
      .insertInto("user_session")
      .values({
        token_hash: tokenHash(token),
        user_id: user.id,
        expires_at: new Date(clock.now().getTime() + SESSION_TTL_MS),
      })
      .execute();
    const found = await findActor(tx, user.id);
    await recordAudit(tx, found, {
      action: "session.opened",
      entityType: "user",
      entityId: user.id,
      payload: { address: attempt.ip },
    });
    return found;
  });
  return { token, actor };
}

/** Ends the session named by the token (idempotent). */
export async function logout(db: Kysely<DB>, actor: Actor, token: string): Promise<void> {
  const hash = tokenHash(token);
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom("user_session").where("token_hash", "=", hash).execute();
    await recordAudit(tx, actor, { action: "session.closed", entityType: "user", entityId: actor.userId });
  });
  forgetSessions(db, { tokenHash: hash });
}

/** Resolves a session token to its actor, or null when the session is unknown or expired. */
export async function actorForSession(db: Kysely<DB>, clock: Clock, token: string): Promise<Actor | null> {
  const hash = tokenHash(token);
  const now = clock.now();
  const remembered = recallSession(db, hash, now);
  if (remembered) {
    return remembered;
  }
  const epoch = sessionEpoch(db);
  // The session, its account and agency in one statement.
  const row = await actorRows(db)
    .innerJoin("user_session as s", "s.user_id", "u.id")
    .select("s.expires_at")
    .where("s.token_hash", "=", hash)
    .where("s.expires_at", ">", now)
    .executeTakeFirst();
  if (!row) {
    return null;
  }
  const actor = toActor(row);
  rememberSession(db, epoch, hash, actor, row.expires_at);
  return actor;
}

/**
 * Of the given session tokens, those whose session is still open and unexpired and whose account
 * is active, in one query: what actorForSession would accept, for many streams at once.
 */
export async function liveSessionTokens(db: Kysely<DB>, clock: Clock, tokens: readonly string[]): Promise<Set<string>> {
  if (tokens.length === 0) {
    return new Set();
  }
  const byHash = new Map(tokens.map((token) => [tokenHash(token), token]));
  const rows = await db
    .selectFrom("user_session as s")
    .innerJoin("app_user as u", "u.id", "s.user_id")
    .select("s.token_hash")
    .where("s.token_hash", "in", [...byHash.keys()])
    .where("s.expires_at", ">", clock.now())
    .where("u.is_active", "=", true)
    .execute();
  return new Set(rows.map((r) => byHash.get(r.token_hash)).filter((token) => token !== undefined));
}

/** Builds the actor for a user id (for service accounts and tokens). */
export async function actorForUser(db: Kysely<DB>, userId: string): Promise<Actor> {
  return findActor(db, userId);
}

function actorRows(db: Kysely<DB>) {
  return db
    .selectFrom("app_user as u")
    .innerJoin("agency as a", "a.id", "u.agency_id")
    .select([
      "u.id",
      "u.username",
      "u.display_name",
      "u.roles",
      "u.site_id",
      "u.is_active",
      "u.language",
      "a.id as agency_id",
      "a.code as agency_code",
      "a.name as agency_name",
      "a.country as agency_country",
    ]);
}

type ActorRow = Awaited<ReturnType<ReturnType<typeof actorRows>["executeTakeFirstOrThrow"]>>;

function toActor(row: ActorRow): Actor {
  if (!row.is_active) {
    throw unauthorized("This account is disabled");
  }
  return {
    userId: row.id,
    username: row.username,
    displayName: row.display_name,
    agencyId: row.agency_id,
    agencyCode: row.agency_code,
    agencyName: row.agency_name,
    agencyCountry: row.agency_country,
    roles: row.roles.filter((r): r is Role => (ROLES as readonly string[]).includes(r)),
    siteId: row.site_id,
    language: asLanguage(row.language),
  };
}

async function findActor(db: Kysely<DB>, userId: string): Promise<Actor> {
  return toActor(await actorRows(db).where("u.id", "=", userId).executeTakeFirstOrThrow());
}
