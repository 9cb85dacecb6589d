import { sql, type Kysely } from "kysely";
import { withAgency, type Tx } from "../db/database.ts";
import type { DB } from "../db/schema.ts";
import { conflict, forbidden, invalid, notFound } from "../errors.ts";
import { hasRole, type Actor } from "./actor.ts";
import { recordAudit } from "./audit.ts";
import { hashPassword } from "./auth.ts";
import { forgetSessions } from "./session-memory.ts";
import { defaultLanguage } from "./language.ts";
import type { Clock } from "./clock.ts";
import { ASSIGNABLE_ROLES } from "./vocabulary.ts";
import type { AgreementView, UserView } from "../contract/session.ts";

export type { AgreementView, UserView } from "../contract/session.ts";

/** Demo accounts work only while the server runs in demo mode; this switches them on or off. */
export async function setDemoAccountsActive(db: Kysely<DB>, isActive: boolean): Promise<number> {
  const count = await db.transaction().execute(async (tx) => {
    const changed = await tx
      .updateTable("app_user")
      .set({ is_active: isActive })
      .where("is_demo", "=", true)
      .where("is_active", "=", !isActive)
      .returning(["id", "agency_id"])
      .execute();
    if (changed.length > 0) {
      await recordAudit(tx, null, {
        action: isActive ? "demo.accounts_enabled" : "demo.accounts_disabled",
        entityType: "system",
        otherAgencyIds: [...new Set(changed.map((u) => u.agency_id))],
        payload: { accounts: changed.length },
      });
    }
    return changed.length;
  });
  forgetSessions(db, "all");
  return count;
}

// Accounts are the owner's tables (the request role reads only a few of their columns), so these
// run as the owner, with the agency's filter written out in each statement.

export { ASSIGNABLE_ROLES } from "./vocabulary.ts";

function requireAdmin(actor: Actor): void {
  if (!hasRole(actor, "admin")) {
    throw forbidden("Only administrators manage accounts");
  }
}

/** The agency's people (not its machine accounts), by username. */
export async function listUsers(db: Kysely<DB>, actor: Actor): Promise<UserView[]> {
  requireAdmin(actor);
  const rows = await db
    .selectFrom("app_user as u")
    .leftJoin("site as s", "s.id", "u.site_id")
    .select(["u.id", "u.username", "u.display_name", "u.roles", "s.locode", "u.is_active", "u.is_demo", "u.created_at"])
    .where("u.agency_id", "=", actor.agencyId)
    .where("u.is_service", "=", false)
    .orderBy("u.username")
    .limit(1000)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    roles: r.roles,
    site: r.locode,
    isActive: r.is_active,
    isDemo: r.is_demo,
    createdAt: r.created_at.toISOString(),
  }));
}

/** Finds one of the agency's people for a change, locked; another agency's answers "not found". */
async function lockUser(tx: Tx, actor: Actor, id: string) {
  const row = await tx
    .selectFrom("app_user")
    .select(["id", "username"])
    .where("id", "=", id)
    .where("agency_id", "=", actor.agencyId)
    .where("is_service", "=", false)
    .forUpdate()
    .executeTakeFirst();
  if (!row) {
    throw notFound("user");
  }
  return row;
}

/** Creates an account in the admin's agency; the password is stored as an argon2id hash. */
export async function createUser(
  db: Kysely<DB>,
  clock: Clock,
  actor: Actor,
  input: { username: string; displayName: string; roles: (typeof ASSIGNABLE_ROLES)[number][]; password: string },
): Promise<UserView> {
  requireAdmin(actor);
  const passwordHash = await hashPassword(input.password);
  const id = await db.transaction().execute(async (tx) => {
    const taken = await tx
      .selectFrom("app_user")
      .select("id")
      .where("username", "=", input.username)
      .executeTakeFirst();
    if (taken) {
      throw conflict("user.username_taken", `The username ${input.username} is taken`);
    }
    const row = await tx
      .insertInto("app_user")
      .values({
        agency_id: actor.agencyId,
        username: input.username,
        display_name: input.displayName,
        password_hash: passwordHash,
        roles: [...new Set(input.roles)],
        site_id: null,
        language: defaultLanguage(actor.agencyCountry),
        created_at: clock.now(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(tx, actor, {
      action: "user.created",
      entityType: "user",
      entityId: row.id,
      payload: { username: input.username, roles: input.roles },
    });
    return row.id;
  });
  return (await listUsers(db, actor)).find((u) => u.id === id) as UserView;
}

/** Disables an account (its sessions end at once) or enables it again. */
export async function setUserActive(db: Kysely<DB>, actor: Actor, id: string, isActive: boolean): Promise<void> {
  requireAdmin(actor);
  if (!isActive && id === actor.userId) {
    throw invalid("user.self_disable", "Administrators cannot disable their own account");
  }
  await db.transaction().execute(async (tx) => {
    const user = await lockUser(tx, actor, id);
    await tx.updateTable("app_user").set({ is_active: isActive }).where("id", "=", id).execute();
    if (!isActive) {
      await tx.deleteFrom("user_session").where("user_id", "=", id).execute();
    }
    await recordAudit(tx, actor, {
      action: isActive ? "user.enabled" : "user.disabled",
      entityType: "user",
      entityId: id,
      payload: { username: user.username },
    });
  });
  forgetSessions(db, { userId: id });
}

/**
 * Sets a new password (argon2id) for the next login; sessions already open stay (disabling the
 * account is what ends them at once).
 */
export async function resetPassword(db: Kysely<DB>, actor: Actor, id: string, password: string): Promise<void> {
  requireAdmin(actor);
  const passwordHash = await hashPassword(password);
  await db.transaction().execute(async (tx) => {
    const user = await lockUser(tx, actor, id);
    await tx.updateTable("app_user").set({ password_hash: passwordHash }).where("id", "=", id).execute();
    await recordAudit(tx, actor, {
      action: "user.password_reset",
      entityType: "user",
      entityId: id,
      payload: { username: user.username },
    });
  });
}

/** The agreements the agency shares under, and those in force that share with it. */
export async function listAgreements(db: Kysely<DB>, actor: Actor): Promise<AgreementView[]> {
  if (!hasRole(actor, "admin", "auditor", "supervisor")) {
    throw forbidden("Only administrators, auditors and supervisors read the agreements");
  }
  const rows = await withAgency(db, actor.agencyId, (tx) =>
    tx
      .selectFrom("agreement as a")
      .innerJoin("agency as p", "p.id", "a.provider_agency_id")
      .innerJoin("agency as r", "r.id", "a.recipient_agency_id")
      .select([
        "a.id",
        "a.code",
        "p.code as provider",
        "r.code as recipient",
        "a.destination_countries",
        "a.legal_basis",
        "a.valid_from",
        "a.valid_until",
        "a.is_active",
      ])
      // The sharing agency sees every agreement it made; the receiving one, those in force today.
      .where((eb) =>
        eb.or([
          eb("a.provider_agency_id", "=", actor.agencyId),
          eb.and([
            eb("a.recipient_agency_id", "=", actor.agencyId),
            eb("a.is_active", "=", true),
            eb("a.valid_from", "<=", sql<Date>`current_date`),
            eb.or([eb("a.valid_until", "is", null), eb("a.valid_until", ">=", sql<Date>`current_date`)]),
          ]),
        ]),
      )
      .orderBy("a.code")
      .execute(),
  );
  const day = (d: Date | string) => (typeof d === "string" ? d.slice(0, 10) : d.toISOString().slice(0, 10));
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    provider: r.provider,
    recipient: r.recipient,
    destinationCountries: r.destination_countries,
    legalBasis: r.legal_basis,
    validFrom: day(r.valid_from),
    validUntil: r.valid_until ? day(r.valid_until) : null,
    isActive: r.is_active,
  }));
}
