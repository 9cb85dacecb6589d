// Route helpers: which ports a route point means, and where cargo is relayed.
import type { ShipmentFacts } from "./facts.ts";
import type { RoutePoint } from "./schema.ts";

function clean(code: string | undefined): string | undefined {
  return code ? code.toUpperCase().replace(/\s+/g, "") : undefined;
}

function one(code: string | undefined): string[] {
  const c = clean(code);
  return c ? [c] : [];
}

/** The UN/LOCODEs at a route point (transshipment and anyPort may give several). */
export function routePorts(facts: ShipmentFacts, at: RoutePoint): string[] {
  switch (at) {
    case "receipt":
      return one(facts.placeOfReceipt);
    case "loading":
      return one(facts.portOfLoading);
    case "discharge":
      return one(facts.portOfDischarge);
    case "finalDestination":
      return one(facts.finalDestination ?? facts.portOfDischarge);
    case "transshipment":
      return facts.transshipmentPorts.map((p) => clean(p) ?? p);
    case "anyPort":
      return [
        ...one(facts.placeOfReceipt),
        ...one(facts.portOfLoading),
        ...facts.transshipmentPorts.map((p) => clean(p) ?? p),
        ...one(facts.portOfDischarge),
        ...one(facts.finalDestination),
      ];
  }
}

/**
 * Ports where the cargo changes vessel: the declared transshipment ports, plus the port of discharge when the
 * final destination is another port (a Japan-bound box discharged at Busan is relayed there).
 */
export function transshipmentRelays(facts: ShipmentFacts): string[] {
  const relays = facts.transshipmentPorts.map((p) => clean(p) ?? p);
  const discharge = clean(facts.portOfDischarge);
  const final = clean(facts.finalDestination);
  if (final && discharge && final !== discharge && !relays.includes(discharge)) {
    relays.push(discharge);
  }
  return relays;
}
