import { z } from "zod";
import { ASSIGNABLE_ROLES, LANGUAGES, ROLES } from "../domain/vocabulary.ts";
import { SafeText } from "./common.ts";

// The session and the account behind it: logging in, who am I, the screen language, the
// notifications; and the agency's accounts and agreements as its administrators manage them.

/** The logged-in user, their roles and their agency. */
export const MeSchema = z.object({
  userId: z.uuid(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(z.enum(ROLES)),
  siteId: z.uuid().nullable(),
  /** The screen language the user chose (the partner's staff start in Japanese). */
  language: z.enum(LANGUAGES),
  agency: z.object({ id: z.uuid(), code: z.string(), name: z.string(), country: z.string() }),
});
export type Me = z.infer<typeof MeSchema>;

export const Credentials = z.object({
  username: z.string().min(1).max(100),
  password: z.string().min(1).max(200),
});

/** A screen language to switch to, and the answer that confirms it. */
export const LanguageChoice = z.object({ language: z.enum(LANGUAGES) });

/**
 * An in-app notification addressed to one of the user's roles. Screens word it from the kind and
 * `params` in the reader's language; `message` is the same in English (and the only text of
 * notifications written before they had parameters, whose `params` is null).
 */
export const NotificationSchema = z.object({
  id: z.uuid(),
  kind: z.string(),
  requestId: z.string().nullable(),
  message: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.null()])).nullable(),
  createdAt: z.string(),
  isRead: z.boolean(),
});
export type NotificationView = z.infer<typeof NotificationSchema>;
/** What a notification's wording takes, beside its kind: references, codes and numbers. */
export type NotificationParams = NonNullable<NotificationView["params"]>;

/** An account of the agency as its administrators see it (never its password). */
export const UserSchema = z.object({
  id: z.uuid(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(z.string()),
  site: z.string().nullable(),
  isActive: z.boolean(),
  isDemo: z.boolean(),
  createdAt: z.string(),
});
export type UserView = z.infer<typeof UserSchema>;

/** A password an administrator sets. */
export const Password = z.string().min(12, "at least 12 characters").max(200);

/** An account an administrator opens. */
export const NewUser = z.object({
  /** Lower-case letters, digits, dots, dashes and underscores. */
  username: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{2,49}$/, "3–50 lower-case letters, digits, dots, dashes or underscores"),
  displayName: SafeText.pipe(z.string().trim().min(1).max(100)),
  roles: z.array(z.enum(ASSIGNABLE_ROLES)).min(1).max(ASSIGNABLE_ROLES.length),
  password: Password,
});

/** An account switched on or off. */
export const UserActivation = z.object({ isActive: z.boolean() });

/** A password reset by an administrator. */
export const PasswordReset = z.object({ password: Password });

/** A sharing agreement as either party's administrators see it. */
export const AgreementSchema = z.object({
  id: z.uuid(),
  code: z.string(),
  provider: z.string(),
  recipient: z.string(),
  destinationCountries: z.array(z.string()),
  legalBasis: z.string(),
  validFrom: z.string(),
  validUntil: z.string().nullable(),
  isActive: z.boolean(),
});
export type AgreementView = z.infer<typeof AgreementSchema>;
