// The domain tests of the condition language: HS and NORM, route, parties, weight, filing.
import { compileIncomplete, type Test } from "./incomplete.ts";
import type { TargetingDeps } from "./deps.ts";
import type { PartyRole, ShipmentFacts } from "./facts.ts";
import type { Evidence } from "./evidence.ts";
import { hsFit } from "./hs-fit.ts";
import type { routePorts } from "./route.ts";
import type { Condition } from "./schema.ts";
import type { ShipmentView } from "./view.ts";

type DomainCondition = Exclude<
  Condition,
  { all: Condition[] } | { any: Condition[] } | { not: Condition } | { field: string }
>;

function goodsEvidence(view: ShipmentView, i: number): Evidence {
  const g = view.facts.goods[i];
  return { line: i + 1, hsCode: view.hs()[i] ?? g?.hsCode ?? "", description: g?.description ?? "" };
}

/** UNKNOWN when a goods line has no valid HS code (or there is no goods line), else undefined: what a goods test says when none matched. */
function unmatchedGoods(view: ShipmentView): Evidence | undefined {
  const codes = view.hs();
  return codes.length === 0 || codes.includes(undefined) || !view.carries("goods.hsCode")
    ? view.unknown("goods.hsCode")
    : undefined;
}

function compileHsPrefix(prefixes: string[]): Test {
  return (view) => {
    const codes = view.hs();
    for (let i = 0; i < codes.length; i++) {
      const code = codes[i];
      const prefix = code === undefined ? undefined : prefixes.find((p) => code.startsWith(p));
      if (prefix !== undefined) {
        return { ...goodsEvidence(view, i), hsPrefix: prefix };
      }
    }
    return unmatchedGoods(view);
  };
}

function compileNorm(kind: "nuisance" | "explain-or-escalate" | "any"): Test {
  return (view) => {
    const norms = view.norm();
    for (let i = 0; i < norms.length; i++) {
      const n = norms[i];
      if (n && (kind === "any" || n.kind === kind)) {
        return { ...goodsEvidence(view, i), commodity: n.commodity, nuclides: n.nuclides.join(", "), normKind: n.kind };
      }
    }
    return unmatchedGoods(view);
  };
}

/** A goods line whose description shares no telling word with its HS heading; UNKNOWN when no line can be judged. */
function compileHsMismatch(): Test {
  return (view) => {
    const codes = view.hs();
    let judged = 0;
    for (let i = 0; i < codes.length; i++) {
      const code = codes[i];
      const fit = code ? hsFit(code, view.facts.goods[i]?.description ?? "") : { fit: "unknown" as const };
      if (fit.fit === "misfit") {
        return {
          ...goodsEvidence(view, i),
          heading: fit.heading,
          headingText: fit.headingText,
          words: fit.words.join(" "),
        };
      }
      if (fit.fit === "fits") {
        judged++;
      }
    }
    return judged < codes.length || codes.length === 0 ? view.unknown("goods.description") : undefined;
  };
}

function compilePort(at: Parameters<typeof routePorts>[1], codes: string[]): Test {
  const set = new Set(codes.map((c) => c.toUpperCase().replace(/\s+/g, "")));
  return (view) => {
    const ports = view.ports(at);
    const port = ports.find((p) => set.has(p));
    if (port) {
      return { port, at };
    }
    // A route point that must have a port (not the relays, which may be none) is unknown when it has none.
    return ports.length === 0 && at !== "transshipment" ? view.unknown(at) : undefined;
  };
}

function partyCountries(facts: ShipmentFacts, of: PartyRole | "anyParty"): Array<{ country: string; party: string }> {
  return facts.parties
    .filter((p) => p.country && (of === "anyParty" || p.role === of))
    .map((p) => ({ country: p.country ?? "", party: p.name }));
}

function compileCountry(of: Extract<Condition, { country: unknown }>["country"]["of"], countries: string[]): Test {
  const set = new Set(countries.map((c) => c.toUpperCase()));
  const isParty = of === "anyParty" || of === "shipper" || of === "consignee" || of === "notify" || of === "forwarder";
  return (view): Evidence | undefined => {
    if (isParty) {
      const hit = partyCountries(view.facts, of).find((p) => set.has(p.country));
      if (hit) {
        return { country: hit.country, party: hit.party, of };
      }
      const parties = view.facts.parties.filter((p) => of === "anyParty" || p.role === of);
      return parties.length === 0 || parties.some((p) => !p.country)
        ? view.unknown(`${of === "anyParty" ? "parties" : of}.country`)
        : undefined;
    }
    const ports = view.ports(of);
    const port = ports.find((p) => set.has(p.slice(0, 2)));
    if (port) {
      return { country: port.slice(0, 2), port, of };
    }
    return ports.length === 0 && of !== "transshipment" ? view.unknown(of) : undefined;
  };
}

function compileTransshipment(via: string[] | undefined, viaCountry: string[] | undefined): Test {
  const ports = via ? new Set(via.map((p) => p.toUpperCase())) : undefined;
  const countries = viaCountry ? new Set(viaCountry.map((c) => c.toUpperCase())) : undefined;
  return (view) => {
    const relays = view.relays();
    const relay = relays.find((p) => (!ports || ports.has(p)) && (!countries || countries.has(p.slice(0, 2))));
    if (relay === undefined) {
      return undefined;
    }
    const f = view.facts;
    return {
      via: relay,
      portOfDischarge: f.portOfDischarge,
      finalDestination: f.finalDestination ?? f.portOfDischarge,
    };
  };
}

function compileWatchlist(c: Extract<Condition, { watchlist: unknown }>["watchlist"], deps: TargetingDeps): Test {
  const lookup = deps.watchlist;
  if (!lookup) {
    throw new Error("a watchlist condition needs a watchlist lookup");
  }
  const lists = c.lists ? new Set(c.lists) : undefined;
  const accept = (hit: { list: string } | undefined): boolean => hit !== undefined && (!lists || lists.has(hit.list));
  return (view): Evidence | undefined => {
    const f = view.facts;
    if (c.subject === "vessel") {
      const hit = f.vesselImo ? lookup("vessel", f.vesselImo) : undefined;
      return hit && accept(hit)
        ? { subject: "vessel", key: f.vesselImo ?? "", list: hit.list, listId: hit.id, reason: hit.reason ?? "" }
        : undefined;
    }
    if (c.subject === "container") {
      for (const box of f.containers) {
        const hit = lookup("container", box.containerNo);
        if (hit && accept(hit)) {
          return {
            subject: "container",
            key: box.containerNo,
            list: hit.list,
            listId: hit.id,
            reason: hit.reason ?? "",
          };
        }
      }
      return undefined;
    }
    for (const p of view.parties(c.roles)) {
      const hit = view.memo("watchlist", p, (x) => lookup("party", x.name, x.country));
      if (hit && accept(hit)) {
        return {
          subject: "party",
          role: p.role,
          party: p.name,
          key: p.name,
          list: hit.list,
          listId: hit.id,
          reason: hit.reason ?? "",
        };
      }
    }
    return undefined;
  };
}

function compileScreening(minScore: number, roles: PartyRole[] | undefined, deps: TargetingDeps): Test {
  const screen = deps.screenParty;
  if (!screen) {
    throw new Error("a screening condition needs a party screener");
  }
  return (view) => {
    for (const p of view.parties(roles)) {
      const hit = view.memo("screening", p, screen);
      if (hit && hit.score >= minScore) {
        return {
          role: p.role,
          party: p.name,
          list: hit.list,
          listId: hit.id,
          listed: hit.name,
          matched: hit.matched,
          screeningScore: hit.score,
        };
      }
    }
    return undefined;
  };
}

/** Filed less than `hours` before the loading cut-off (ETD when none); UNKNOWN without a filing time or a cut-off. */
function compileFiledLate(hours: number): Test {
  return (view) => {
    const f = view.facts;
    if (!f.filedAt || !view.carries("filedAt")) {
      return view.unknown("filedAt");
    }
    if (!f.loadingCutoff && !f.etd) {
      return view.unknown("loadingCutoff");
    }
    const lead = view.hoursFiledBeforeCutoff();
    if (lead === undefined || Number.isNaN(lead)) {
      return view.unknown("filedAt");
    }
    if (lead >= hours) {
      return undefined;
    }
    const rounded = Math.round(lead * 10) / 10;
    return { filed: f.filedAt, hoursBeforeCutoff: rounded, hoursAfterCutoff: Math.max(0, -rounded), required: hours };
  };
}

function compileWeight(tolerance: number): Test {
  return (view) => {
    const [first] = view.weightFindings(tolerance);
    if (first) {
      return {
        containerNo: first.containerNo,
        chapter: first.chapter,
        goods: first.goods,
        kgPerTeu: first.kgPerTeu,
        band: first.band,
        weightReason: first.reason,
      };
    }
    return view.facts.goods.some((g) => (g.grossWeightKg ?? 0) > 0) ? undefined : view.unknown("goods.grossWeightKg");
  };
}

/** Compiles the non-field, non-combinator conditions. */
export function compileDomainCondition(c: DomainCondition, deps: TargetingDeps): Test {
  if ("hsPrefix" in c) {
    return compileHsPrefix(c.hsPrefix);
  }
  if ("norm" in c) {
    return compileNorm(c.norm);
  }
  if ("port" in c) {
    return compilePort(c.port.at, c.port.in);
  }
  if ("country" in c) {
    return compileCountry(c.country.of, c.country.in);
  }
  if ("transshipment" in c) {
    return compileTransshipment(c.transshipment.via, c.transshipment.viaCountry);
  }
  if ("watchlist" in c) {
    return compileWatchlist(c.watchlist, deps);
  }
  if ("screening" in c) {
    return compileScreening(c.screening.minScore, c.screening.roles, deps);
  }
  if ("firstSeen" in c) {
    const flag = c.firstSeen === "shipper" ? "firstSeenShipper" : "firstSeenConsignee";
    return (view) => {
      const seen = view.carries(`flags.${flag}`) ? view.facts.flags[flag] : undefined;
      if (seen === undefined) {
        return view.unknown(`flags.${flag}`);
      }
      return seen ? { firstSeen: c.firstSeen, party: view.parties([c.firstSeen])[0]?.name ?? "" } : undefined;
    };
  }
  if ("weightImplausible" in c) {
    return compileWeight(c.weightImplausible.tolerance ?? 1);
  }
  if ("filedLate" in c) {
    return compileFiledLate(c.filedLate.hoursBeforeCutoff);
  }
  if ("hsMismatch" in c) {
    return compileHsMismatch();
  }
  return compileIncomplete(c.incomplete.fields);
}
