import type { Kysely } from "kysely";
import type { DB } from "../db/schema.ts";
import type { Actor } from "./actor.ts";
import { recordAudit } from "./audit.ts";
import { forgetSessions } from "./session-memory.ts";

import type { Language } from "./vocabulary.ts";

export { LANGUAGES, type Language } from "./vocabulary.ts";

/** The language a new account of an agency starts in: Japanese for Japan's, English otherwise. */
export function defaultLanguage(country: string): Language {
  return country === "JP" ? "ja" : "en";
}

/** Narrows a stored value to a known language (English when unknown). */
export function asLanguage(value: string | null | undefined): Language {
  return value === "ja" ? "ja" : "en";
}

/** Switches the acting user's own screens to another language; audited with the old and new value. */
export async function setOwnLanguage(db: Kysely<DB>, actor: Actor, language: Language): Promise<Language> {
  await db.transaction().execute(async (tx) => {
    const before = await tx
      .selectFrom("app_user")
      .select("language")
      .where("id", "=", actor.userId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (before.language !== language) {
      await tx.updateTable("app_user").set({ language }).where("id", "=", actor.userId).execute();
      await recordAudit(tx, actor, {
        action: "user.language_changed",
        entityType: "user",
        entityId: actor.userId,
        payload: { from: before.language, to: language },
      });
    }
  });
  // The user's sessions carry the language: they are read again.
  forgetSessions(db, { userId: actor.userId });
  return language;
}
