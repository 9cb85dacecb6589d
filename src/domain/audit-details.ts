// How an audit event's details read for people: plain functions with no imports, so the browser
// app can import this file and show the log exactly as the CSV export writes it.

/** One detail's value as text: strings as they are, lists joined, anything else as JSON. */
export function detailValue(v: unknown): string {
  if (typeof v === "string") {
    return v;
  }
  if (typeof v === "number" || typeof v === "boolean") {
    return String(v);
  }
  if (Array.isArray(v) && v.every((x) => typeof x === "string" || typeof x === "number")) {
    return v.join(", ");
  }
  return JSON.stringify(v);
}

/** The event's details as "key: value" pairs, one line, for people and spreadsheets. */
export function auditDetails(payload: unknown): string {
  if (!payload || typeof payload !== "object") {
    return "";
  }
  return Object.entries(payload as Record<string, unknown>)
    .filter(([, v]) => v !== null && v !== undefined && v !== "")
    .map(([k, v]) => `${k}: ${detailValue(v)}`)
    .join("; ");
}
