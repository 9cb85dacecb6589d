// The screens' language: one react-intl instance per language, built once from the catalogues. React
// code reads it through useT(); the few plain modules (API errors, the time formats) through
// translate() and the locale the provider last set.
import { useEffect, type ReactNode } from "react";
import { createIntl, createIntlCache, RawIntlProvider, useIntl, type IntlShape } from "react-intl";
import { setViewerLocale } from "../time.ts";
import { en, type MessageId } from "./en.ts";
import { ja } from "./ja.ts";

/** The languages the screens come in; the account's choice, from /api/me. */
export const LANGUAGES = ["en", "ja"] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language's catalogue: every key of `en` (the type checker holds `ja` to the same keys). */
export const CATALOGUES: Record<Language, Record<MessageId, string>> = { en, ja };

/** The locale numbers and dates are written in, per language. */
export const LOCALES: Record<Language, string> = { en: "en-US", ja: "ja-JP" };

/** What each language is called in itself, for the switch in the header. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: "English", ja: "日本語" };

const cache = createIntlCache();
const intls: Record<Language, IntlShape> = {
  en: createIntl({ locale: LOCALES.en, messages: en, defaultLocale: "en-US" }, cache),
  ja: createIntl({ locale: LOCALES.ja, messages: ja, defaultLocale: "en-US" }, cache),
};
let current: Language = "en";

/** Values a message takes: numbers go through the locale's number format. */
export type Values = Record<string, string | number | null | undefined>;

function format(intl: IntlShape, id: MessageId, values?: Values): string {
  return intl.formatMessage({ id }, values as Record<string, string | number>);
}

/** A message in the language the screens are in now (for code outside React). */
export function translate(id: MessageId, values?: Values): string {
  return format(intls[current], id, values);
}

/**
 * The message of a stable API error code in the current language. English keeps the server's own
 * text, which names the particulars (the catalogue's English is the same sentence without them);
 * another language takes the catalogue's message, or a general one naming the code.
 */
export function errorMessage(code: string, serverText: string): string {
  if (current === "en") {
    return serverText;
  }
  const id = `error.${code}`;
  return id in en ? translate(id as MessageId) : `${translate("error.unknown")} (${code})`;
}

/** Turns a lifecycle or vocabulary code ("results_recorded") into words of the current language. */
function codeText(intl: IntlShape, code: string): string {
  const id = `code.${code}`;
  return id in en ? format(intl, id as MessageId) : code.replaceAll("_", " ");
}

/** The translator components use: t(id, values), t.code(code), t.number(n), t.percent(share). */
export interface Translator {
  (id: MessageId, values?: Values): string;
  code(code: string): string;
  number(n: number, options?: { minimumFractionDigits?: number; maximumFractionDigits?: number }): string;
  percent(share: number | null): string;
  /** Whether the catalogue has a message of this id. */
  has(id: string): id is MessageId;
  language: Language;
}

function translator(language: Language): Translator {
  const intl = intls[language];
  const t = ((id: MessageId, values?: Values) => format(intl, id, values)) as Translator;
  t.code = (code) => codeText(intl, code);
  t.number = (n, options) => intl.formatNumber(n, options);
  t.percent = (share) =>
    share === null ? "—" : intl.formatNumber(share, { style: "percent", maximumFractionDigits: 1 });
  t.has = (id): id is MessageId => id in en;
  t.language = language;
  return t;
}
const translators: Record<Language, Translator> = { en: translator("en"), ja: translator("ja") };

/** The translator of a language, for code outside React (and tests). */
export function translatorFor(language: Language): Translator {
  return translators[language];
}

/** The translator of the language the provider above is in. */
export function useT(): Translator {
  const intl = useIntl();
  return intl.locale === LOCALES.ja ? translators.ja : translators.en;
}

/** Puts the screens in a language: messages, number and date formats, and `<html lang>`. */
export function I18nProvider({ language, children }: { language: Language; children: ReactNode }) {
  current = language;
  setViewerLocale(LOCALES[language]);
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  return (
    <RawIntlProvider key={language} value={intls[language]}>
      {children}
    </RawIntlProvider>
  );
}

/** Narrows what the server sent to a language the screens have. */
export function asLanguage(value: string | undefined): Language {
  return value === "ja" ? "ja" : "en";
}
