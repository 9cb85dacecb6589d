import { z } from "zod";
import {
  API_TOKEN_DEFAULT_DAYS,
  API_TOKEN_MAX_DAYS,
  API_TOKEN_NAME_MAX,
  API_TOKEN_STATES,
} from "../domain/vocabulary.ts";
import { SafeText } from "./common.ts";

// Ingest API tokens as an agency's admins issue, list and revoke them: never the token's hash, and
// the token itself only once, in the answer that issues it.

/** What an admin asks for when issuing a token. */
export const NewApiToken = z.object({
  name: SafeText.pipe(z.string().min(1).max(API_TOKEN_NAME_MAX)),
  expiresInDays: z.number().int().min(1).max(API_TOKEN_MAX_DAYS).default(API_TOKEN_DEFAULT_DAYS),
});

/** A token just issued; `token` is shown this once and stored only as a hash. */
export const IssuedApiTokenSchema = z.object({
  id: z.uuid(),
  token: z.string(),
  username: z.string(),
  expiresAt: z.string(),
});
export type IssuedApiToken = z.infer<typeof IssuedApiTokenSchema>;

/** A token as its agency's admins see it. */
export const ApiTokenSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  username: z.string(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  expiresAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  revokedBy: z.string().nullable(),
  state: z.enum(API_TOKEN_STATES),
});
export type ApiTokenView = z.infer<typeof ApiTokenSchema>;
