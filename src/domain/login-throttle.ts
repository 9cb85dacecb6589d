import { createHash } from "node:crypto";
import { isIPv4, isIPv6 } from "node:net";
import { sql, type Kysely } from "kysely";
import type { Tx } from "../db/database.ts";
import type { DB } from "../db/schema.ts";
import { AppError, forbidden, notFound } from "../errors.ts";
import { hasRole, type Actor } from "./actor.ts";
import { recordAudit } from "./audit.ts";
import type { Clock } from "./clock.ts";

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** The brute-force policy for password logins; migrations/0007_login_throttle.sql explains it. */
export const THROTTLE_POLICY = {
  /** Consecutive failures of one account that cost nothing but count. */
  freeFailures: 5,
  /** Longest back-off between two attempts. */
  maxBackoffMs: 15 * MINUTE,
  /** Consecutive failures that lock the account. */
  lockAfterFailures: 10,
  lockMs: 15 * MINUTE,
  /** Failures one address may have within the window before it is refused. */
  addressMaxFailures: 30,
  addressWindowMs: 10 * MINUTE,
  /** How long one attempt may hold its account's slot before another may start (crash recovery). */
  attemptSlotMs: 30 * SECOND,
  /** An account with no failure for this long starts again from zero. */
  forgetAfterMs: 24 * 60 * MINUTE,
} as const;

/** Refused by the throttle: answered 429 with Retry-After, and the password is never checked. */
export class LoginThrottled extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, "auth.throttled", `Too many failed logins; try again in ${retryAfterSeconds} s`);
  }
}

/** Why a login failed, as the audit log records it. */
export type LoginFailureReason = "unknown_username" | "wrong_password" | "account_disabled" | "service_account";

/** An attempt that passed the throttle and holds its account's slot until it is settled. */
export interface LoginClaim {
  usernameKey: string;
  addressFailureId: string;
  startedAt: Date;
}

/** The throttle key of a username: case, surrounding space and Unicode forms do not make a new one. */
export function usernameKey(username: string): string {
  return username.trim().normalize("NFKC").toLowerCase();
}

/** The throttle key of a client address: IPv4 as is, IPv6 by its /64 (one host usually owns one). */
export function addressKey(ip: string): string {
  const bare = ip.replace(/%.*$/, "");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare)?.[1];
  if (mapped && isIPv4(mapped)) {
    return mapped;
  }
  if (!isIPv6(bare)) {
    return bare;
  }
  const [head = "", tail = ""] = bare.toLowerCase().split("::");
  const headGroups = hexGroups(head);
  const tailGroups = hexGroups(tail);
  const groups = [
    ...headGroups,
    ...Array<string>(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill("0"),
    ...tailGroups,
  ];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

// The 16-bit groups of one side of an IPv6 address; a dotted IPv4 tail is two of them.
function hexGroups(part: string): string[] {
  if (part === "") {
    return [];
  }
  return part.split(":").flatMap((group) => {
    if (!group.includes(".")) {
      return [group];
    }
    const [a = 0, b = 0, c = 0, d = 0] = group.split(".").map(Number);
    return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
  });
}

/** When the next attempt may come after the `failures`-th consecutive failure at `at`; null = now. */
export function nextAttemptAfter(failures: number, at: Date): Date | null {
  const policy = THROTTLE_POLICY;
  if (failures >= policy.lockAfterFailures) {
    return new Date(at.getTime() + policy.lockMs);
  }
  if (failures < policy.freeFailures) {
    return null;
  }
  const backoff = Math.min(2 ** (failures - policy.freeFailures) * SECOND, policy.maxBackoffMs);
  return new Date(at.getTime() + backoff);
}

// Two-key advisory locks live apart from the one-key lock that chains the audit log.
const ADDRESS_LOCK_SPACE = 7212448;

function addressLockKey(address: string): number {
  return createHash("sha256").update(address).digest().readInt32BE(0);
}

function retrySeconds(untilMs: number, now: Date): number {
  return Math.max(1, Math.ceil((untilMs - now.getTime()) / SECOND));
}

/**
 * Lets an attempt through or throws LoginThrottled. A pass holds the account's slot and counts
 * against the address until settled, so parallel attempts cannot outrun the counters.
 */
export async function claimLoginAttempt(
  db: Kysely<DB>,
  clock: Clock,
  username: string,
  ip: string,
): Promise<LoginClaim> {
  const now = clock.now();
  const key = usernameKey(username);
  const address = addressKey(ip);
  const policy = THROTTLE_POLICY;
  await forgetStale(db, now);
  const outcome = await db.transaction().execute(async (tx): Promise<LoginClaim | number> => {
    // Serialise the attempts of one address so that count-then-insert is exact across processes.
    await sql`select pg_advisory_xact_lock(${ADDRESS_LOCK_SPACE}::int, ${addressLockKey(address)}::int)`.execute(tx);
    const recent = await tx
      .selectFrom("login_address_failure")
      .select("attempted_at")
      .where("address", "=", address)
      .where("attempted_at", ">", new Date(now.getTime() - policy.addressWindowMs))
      .orderBy("attempted_at", "desc")
      .limit(policy.addressMaxFailures)
      .execute();
    const oldestCounted = recent[policy.addressMaxFailures - 1];
    if (oldestCounted) {
      return oldestCounted.attempted_at.getTime() + policy.addressWindowMs;
    }
    await tx
      .insertInto("login_throttle")
      .values({ username_key: key, updated_at: now })
      .onConflict((oc) => oc.column("username_key").doNothing())
      .execute();
    const account = await tx
      .selectFrom("login_throttle")
      .select(["blocked_until", "attempt_started_at"])
      .where("username_key", "=", key)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (account.blocked_until && account.blocked_until > now) {
      return account.blocked_until.getTime();
    }
    if (account.attempt_started_at && account.attempt_started_at.getTime() + policy.attemptSlotMs > now.getTime()) {
      return now.getTime() + SECOND;
    }
    await tx
      .updateTable("login_throttle")
      .set({ attempt_started_at: now, updated_at: now })
      .where("username_key", "=", key)
      .execute();
    const row = await tx
      .insertInto("login_address_failure")
      .values({ address, attempted_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    return { usernameKey: key, addressFailureId: String(row.id), startedAt: now };
  });
  if (typeof outcome === "number") {
    throw new LoginThrottled(retrySeconds(outcome, now));
  }
  return outcome;
}

// Drops rows far older than any window or attempt. Rows another transaction holds are left for
// the next pass, so pruning never waits and never deadlocks with a login in progress.
async function forgetStale(db: Kysely<DB>, now: Date): Promise<void> {
  const policy = THROTTLE_POLICY;
  await db
    .deleteFrom("login_address_failure")
    .where("id", "in", (eb) =>
      eb
        .selectFrom("login_address_failure")
        .select("id")
        .where("attempted_at", "<", new Date(now.getTime() - 6 * policy.addressWindowMs))
        .forUpdate()
        .skipLocked(),
    )
    .execute();
  await db
    .deleteFrom("login_throttle")
    .where("username_key", "in", (eb) =>
      eb
        .selectFrom("login_throttle")
        .select("username_key")
        .where("updated_at", "<", new Date(now.getTime() - policy.forgetAfterMs))
        .forUpdate()
        .skipLocked(),
    )
    .execute();
}

/** What the audit log says about a failed attempt. */
export interface FailedLogin {
  username: string;
  ip: string;
  reason: LoginFailureReason;
  /** The account when the username exists, so its agency's auditors see the event. */
  user: { id: string; agencyId: string } | null;
}

/**
 * Counts a failure against the account (its address row stays) and audits it, and the lockout
 * it may cause, in the caller's transaction.
 */
export async function recordFailedLogin(tx: Tx, clock: Clock, claim: LoginClaim, failed: FailedLogin): Promise<void> {
  const now = clock.now();
  const current = await tx
    .selectFrom("login_throttle")
    .select("failures")
    .where("username_key", "=", claim.usernameKey)
    .forUpdate()
    .executeTakeFirst();
  const failures = (current?.failures ?? 0) + 1;
  const state = {
    failures,
    last_failed_at: now,
    blocked_until: nextAttemptAfter(failures, now),
    attempt_started_at: null,
    updated_at: now,
  };
  await tx
    .insertInto("login_throttle")
    .values({ username_key: claim.usernameKey, ...state })
    .onConflict((oc) => oc.column("username_key").doUpdateSet(state))
    .execute();
  const about = {
    entityType: "user",
    entityId: failed.user?.id ?? null,
    otherAgencyIds: failed.user ? [failed.user.agencyId] : [],
  };
  await recordAudit(tx, null, {
    ...about,
    action: "session.login_failed",
    payload: { username: failed.username, address: failed.ip, reason: failed.reason, failures },
  });
  if (failures >= THROTTLE_POLICY.lockAfterFailures) {
    await recordAudit(tx, null, {
      ...about,
      action: "session.locked",
      payload: {
        username: failed.username,
        address: failed.ip,
        failures,
        lockedUntil: state.blocked_until?.toISOString(),
      },
    });
  }
}

/** Resets the account after a successful login and takes the attempt off its address's count. */
export async function clearAfterLogin(tx: Tx, claim: LoginClaim): Promise<void> {
  await tx.deleteFrom("login_address_failure").where("id", "=", claim.addressFailureId).execute();
  await tx.deleteFrom("login_throttle").where("username_key", "=", claim.usernameKey).execute();
}

/** Frees the account's slot when an attempt ends without a verdict (an error on our side). */
export async function releaseClaim(db: Kysely<DB>, claim: LoginClaim): Promise<void> {
  await db
    .updateTable("login_throttle")
    .set({ attempt_started_at: null })
    .where("username_key", "=", claim.usernameKey)
    .where("attempt_started_at", "=", claim.startedAt)
    .execute();
}

/** An admin clears the back-off or lockout of a user of their own agency; audited. */
export async function unlockAccount(db: Kysely<DB>, clock: Clock, actor: Actor, userId: string): Promise<void> {
  if (!hasRole(actor, "admin")) {
    throw forbidden("Only administrators unlock accounts");
  }
  const now = clock.now();
  // As the owner: the throttle is not the app role's to read; the agency filter stands in for RLS.
  await db.transaction().execute(async (tx) => {
    const user = await tx
      .selectFrom("app_user")
      .select(["id", "username"])
      .where("id", "=", userId)
      .where("agency_id", "=", actor.agencyId)
      .executeTakeFirst();
    if (!user) {
      throw notFound("user");
    }
    const cleared = await tx
      .deleteFrom("login_throttle")
      .where("username_key", "=", usernameKey(user.username))
      .returning(["failures", "blocked_until"])
      .executeTakeFirst();
    await recordAudit(tx, actor, {
      action: "session.unlocked",
      entityType: "user",
      entityId: user.id,
      payload: {
        username: user.username,
        failures: cleared?.failures ?? 0,
        wasBlocked: cleared?.blocked_until ? cleared.blocked_until > now : false,
      },
    });
  });
}
