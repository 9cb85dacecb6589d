/** Roles a user may hold; an agency grants them to its own staff only. */
export const ROLES = ["targeter", "supervisor", "scan_officer", "admin", "auditor", "ingest"] as const;
export type Role = (typeof ROLES)[number];

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
