// Times as the people reading them live them: in their agency's time zone, one format throughout,
// with UTC a hover away. Formatting is the platform's Intl; nothing here knows of a page.

/** The time zone of each agency's sites, by the agency's country. */
const ZONE_BY_COUNTRY: Record<string, string> = { US: "America/Los_Angeles", JP: "Asia/Tokyo" };

/** Abbreviations people use where Intl only offers an offset. */
const ZONE_NAMES: Record<string, string> = { "Asia/Tokyo": "JST" };

let viewerZone = "UTC";

/** The time zone of an agency, by its country (UTC when unknown). */
export function zoneOfCountry(country: string): string {
  return ZONE_BY_COUNTRY[country] ?? "UTC";
}

/** Sets the zone every time is shown in: the signed-in user's agency's. */
export function setViewerZone(zone: string): void {
  viewerZone = zone;
}

/** The zone times are shown in now. */
export function getViewerZone(): string {
  return viewerZone;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string, seconds: boolean): Intl.DateTimeFormat {
  const key = `${zone}|${seconds}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
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

/** "2026-11-27 06:05 PST" (or with seconds): one format for every time, in the given zone. */
export function formatInZone(iso: string | Date, zone: string, options: { seconds?: boolean } = {}): string {
  const date = typeof iso === "string" ? new Date(iso) : iso;
  if (Number.isNaN(date.getTime())) {
    return "—";
  }
  const parts = Object.fromEntries(formatter(zone, options.seconds ?? false).formatToParts(date).map((p) => [p.type, p.value]));
  const time = `${parts.hour}:${parts.minute}${options.seconds ? `:${parts.second}` : ""}`;
  return `${parts.year}-${parts.month}-${parts.day} ${time} ${ZONE_NAMES[zone] ?? parts.timeZoneName ?? zone}`;
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
  const parts = Object.fromEntries(formatter(zone, false).formatToParts(date).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** "1 step", "2 steps": English plurals by the platform's rules. */
const plurals = new Intl.PluralRules("en-US");
export function count(n: number, one: string, other = `${one}s`): string {
  return `${n.toLocaleString("en-US")} ${plurals.select(n) === "one" ? one : other}`;
}

/** "26 h 5 min left", "3 d 4 h left", "cut-off passed 2 h 0 min ago": time to a deadline. */
export function timeLeft(deadline: string | null, now = Date.now()): string {
  if (!deadline) {
    return "no cut-off known";
  }
  const ms = new Date(deadline).getTime() - now;
  const hours = Math.floor(Math.abs(ms) / 3_600_000);
  const minutes = Math.floor((Math.abs(ms) % 3_600_000) / 60_000);
  const span = hours >= 48 ? `${Math.floor(hours / 24)} d ${hours % 24} h` : `${hours} h ${minutes} min`;
  return ms >= 0 ? `${span} left` : `cut-off passed ${span} ago`;
}
