// Explanation templates: "Goods {hsCode} ({description}) are on the NORM list" → parts compiled once, filled per hit.
import type { ShipmentFacts } from "./facts.ts";
import type { Evidence } from "./evidence.ts";

type Part = { text: string } | { name: string };

/** A compiled template: fills `{name}` from the evidence first, then from the shipment's top-level fields. */
export type Template = (evidence: Evidence, facts: ShipmentFacts) => string;

/** Names a template refers to, in order. */
export function templateNames(template: string): string[] {
  return [...template.matchAll(/\{([A-Za-z][A-Za-z0-9_]*)\}/g)].map((m) => m[1] ?? "");
}

function show(value: unknown): string | undefined {
  if (value === undefined || value === null || value === "") {
    return undefined;
  }
  if (Array.isArray(value)) {
    return value.map(String).join(", ");
  }
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
    return String(value);
  }
  return undefined;
}

/** Compiles a template; unknown names render as "?" so a bad template is visible, never an exception. */
export function compileTemplate(template: string): Template {
  const parts: Part[] = [];
  let last = 0;
  for (const m of template.matchAll(/\{([A-Za-z][A-Za-z0-9_]*)\}/g)) {
    parts.push({ text: template.slice(last, m.index) }, { name: m[1] ?? "" });
    last = m.index + m[0].length;
  }
  parts.push({ text: template.slice(last) });
  return (evidence, facts) => {
    let out = "";
    for (const part of parts) {
      if ("text" in part) {
        out += part.text;
        continue;
      }
      out += show(evidence[part.name]) ?? show((facts as Record<string, unknown>)[part.name]) ?? "?";
    }
    return out;
  };
}
