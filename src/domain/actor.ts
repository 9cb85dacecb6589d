import type { Me } from "../contract/session.ts";
import type { Role } from "./vocabulary.ts";
export { ROLES, type Role } from "./vocabulary.ts";

/** Who is acting: every domain function takes this first. */
export interface Actor {
  userId: string;
  username: string;
  displayName: string;
  agencyId: string;
  agencyCode: string;
  agencyName: string;
  agencyCountry: string;
  roles: Role[];
  siteId: string | null;
  /** The user's screen language; absent for actors built outside a session (system, tests). */
  language?: "en" | "ja";
}

/** True when the actor holds any of the roles. */
export function hasRole(actor: Actor, ...roles: Role[]): boolean {
  return roles.some((role) => actor.roles.includes(role));
}

/** The actor as the session describes it to its user (who am I). */
export function presentMe(actor: Actor): Me {
  return {
    userId: actor.userId,
    username: actor.username,
    displayName: actor.displayName,
    roles: actor.roles,
    siteId: actor.siteId,
    language: actor.language ?? "en",
    agency: { id: actor.agencyId, code: actor.agencyCode, name: actor.agencyName, country: actor.agencyCountry },
  };
}
