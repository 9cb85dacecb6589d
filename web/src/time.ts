// Times as the people reading them live them: in their agency's time zone, one format throughout,
// with UTC a hover away. Formatting is the platform's Intl; nothing here knows of a page.

/** The time zone of each agency's sites, by the agency's country. */
const ZONE_BY_COUNTRY: Record<string, string> = { US: "America/Los_Angeles", JP: "Asia/Tokyo" };

/** Abbreviations people use where Intl only offers an offset. */
const ZONE_NAMES: Record<string, string> = { "Asia/Tokyo": "JST" };

let viewerZone = "UTC";
let viewerLocale = "en-US";

/** The time zone of an agency, by its country (UTC when unknown). */
export function zoneOfCountry(country: string): string {
  return ZONE_BY_COUNTRY[country] ?? "UTC";
}

/** Sets the zone every time is shown in: the signed-in user's agency's. */
export function setViewerZone(zone: string): void {
  viewerZone = zone;
}

/** Sets the locale times are written in: "en-US" (2026-11-27 06:05 PST) or "ja-JP" (2026年11月27日 06:05 JST). */
export function setViewerLocale(locale: string): void {
  viewerLocale = locale;
}

/** The zone times are shown in now. */
export function getViewerZone(): string {
  return viewerZone;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string, seconds: boolean, locale = "en-US"): Intl.DateTimeFormat {
  const key = `${zone}|${seconds}|${locale}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, {
      timeZone: zone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      ...(seconds ? { second: "2-digit" } : {}),
      hourCycle: "h23",
      timeZoneName: "short",
    });
    formatters.set(key, f);
  }
  return f;
}

/**
 * "2026-11-27 06:05 PST" in English, "2026年11月27日 06:05 JST" in Japanese (or with seconds): one
 * format for every time, in the given zone and the viewer's locale.
 */
export function formatInZone(
  iso: string | Date,
  zone: string,
  options: { seconds?: boolean; locale?: string } = {},
): string {
  const date = typeof iso === "string" ? new Date(iso) : iso;
  if (Number.isNaN(date.getTime())) {
    return "—";
  }
  const locale = options.locale ?? viewerLocale;
  const parts = Object.fromEntries(
    formatter(zone, options.seconds ?? false, locale)
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  const time = `${parts.hour}:${parts.minute}${options.seconds ? `:${parts.second}` : ""}`;
  const zoneName = ZONE_NAMES[zone] ?? parts.timeZoneName ?? zone;
  if (locale.startsWith("ja")) {
    return `${Number(parts.year)}年${Number(parts.month)}月${Number(parts.day)}日 ${time} ${zoneName}`;
  }
  return `${parts.year}-${parts.month}-${parts.day} ${time} ${zoneName}`;
}

/** A time in the viewer's zone; "—" when there is none. */
export function formatTime(iso: string | null | undefined, options: { seconds?: boolean } = {}): string {
  return iso ? formatInZone(iso, viewerZone, options) : "—";
}

/** The same time in UTC, for the hover. */
export function formatUtc(iso: string | null | undefined, options: { seconds?: boolean } = {}): string {
  return iso ? formatInZone(iso, "UTC", options) : "—";
}

/** "2026-11-27": a day in the viewer's zone, the format of every date field. */
export function formatDay(date: Date, zone = viewerZone): string {
  const parts = Object.fromEntries(
    formatter(zone, false, "en-US")
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** The messages a countdown is written with (the catalogue's, in the viewer's language). */
type CountdownText = (
  id: "time.noCutoff" | "time.left" | "time.passed" | "time.spanDays" | "time.spanHours",
  values?: Record<string, number | string>,
) => string;

/** "26 h 5 min left", "3 d 4 h left", "cut-off passed 2 h 0 min ago" (or in Japanese): time to a deadline. */
export function timeLeft(deadline: string | null, now: number, t: CountdownText): string {
  if (!deadline) {
    return t("time.noCutoff");
  }
  const ms = new Date(deadline).getTime() - now;
  const hours = Math.floor(Math.abs(ms) / 3_600_000);
  const minutes = Math.floor((Math.abs(ms) % 3_600_000) / 60_000);
  const span =
    hours >= 48
      ? t("time.spanDays", { days: Math.floor(hours / 24), hours: hours % 24 })
      : t("time.spanHours", { hours, minutes });
  return ms >= 0 ? t("time.left", { span }) : t("time.passed", { span });
}
