import { COUNTRY_NAMES } from "./country-names.ts";

const byName = buildLookup();

function countryKey(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toUpperCase()
    .replace(/\(THE\)/g, "")
    .replace(/[^A-Z0-9]+/g, " ")
    .trim();
}

function buildLookup(): Map<string, string> {
  const map = new Map<string, string>();
  for (const [code, names] of Object.entries(COUNTRY_NAMES)) {
    map.set(code, code);
    for (const name of names) {
      map.set(countryKey(name), code);
    }
  }
  return map;
}

/** Maps an ISO alpha-2 code or an English country name ("Korea, North", "Burma") to ISO alpha-2, or undefined. */
export function toCountryCode(nameOrCode: string | undefined): string | undefined {
  if (!nameOrCode) {
    return undefined;
  }
  const key = countryKey(nameOrCode);
  if (!key) {
    return undefined;
  }
  return byName.get(key);
}

/** Adds the country code of `name` to `into` if it is recognised and not already present. */
export function addCountry(into: string[], name: string | undefined): void {
  const code = toCountryCode(name);
  if (code && !into.includes(code)) {
    into.push(code);
  }
}
