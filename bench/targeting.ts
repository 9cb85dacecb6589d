// Targeting benchmark: the shipped rule set (55 rules) in our engine and, translated faithfully, in json-rules-engine,
// over the same seeded synthetic shipments. Prints shipments/s for both, the ratio, and checks both fire the same rules.
//   node --import tsx bench/targeting.ts [--quick] [--n N] [--seed S]
import { Engine, type NestedCondition, type RuleProperties, type TopLevelCondition, type Almanac } from "json-rules-engine";
import { getDefaultScreener } from "../src/screening/index.ts";
import {
  compileRuleSet, compileTextPattern, findImplausibleWeights, firedRuleIds, normaliseText, parseRuleSet, routePorts,
  screenerLookup, transshipmentRelays, usOutboundJapanRuleSet,
  type Condition, type PartyScreen, type RuleSet, type ShipmentFacts, type TargetingDeps, type TextPattern, type WatchlistLookup,
} from "../src/targeting/index.ts";
import { syntheticShipment } from "../src/targeting/synthetic.ts";
import { normaliseHsCode, normCommodity } from "../src/trade/index.ts";

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const QUICK = args.includes("--quick");
const N = Number(arg("--n") ?? (QUICK ? 20_000 : 1_000_000));
const SEED = Number(arg("--seed") ?? 20021);
const BATCH = 10_000;
const SAMPLE = QUICK ? 2_000 : 20_000;

// --- the same outside world for both engines: a small watchlist and the real screener (memoised) ---
const WATCHED = new Map([["TRI-STAR SCRAP RECYCLING", "prior misdeclared scrap"], ["9187629", "SDN-listed vessel"], ["MSKU1000042", "seal tampering"]]);
const watchlist: WatchlistLookup = (_subject, key) => {
  const reason = WATCHED.get(key);
  return reason ? { list: "JP-WATCH", id: key, reason } : undefined;
};
const screenParty: PartyScreen = screenerLookup(getDefaultScreener());
const deps: TargetingDeps = { watchlist, screenParty };

// --- json-rules-engine translation ---
type Json = Record<string, unknown>;
const patterns = new Map<string, (text: string) => string | undefined>();
function textMatcher(p: TextPattern): (text: string) => string | undefined {
  const key = JSON.stringify(p);
  let m = patterns.get(key);
  if (!m) {
    m = compileTextPattern(p);
    patterns.set(key, m);
  }
  return m;
}

/** Values at a dotted path ("goods.hsCode", "shipper.name", "flags.x", "teu"), as json-rules-engine users write a path fact. */
function valuesAt(f: ShipmentFacts, path: string): unknown[] {
  const [head = "", key = ""] = path.split(".");
  const derived: Record<string, () => unknown> = {
    containerCount: () => f.containers.length,
    goodsLineCount: () => f.goods.length,
    totalWeightKg: () => f.goods.reduce((s, g) => s + (g.grossWeightKg ?? 0), 0),
    transshipmentCount: () => f.transshipmentPorts.length,
  };
  if (!key) {
    const d = derived[head];
    if (d) {
      return [d()];
    }
    const v = (f as unknown as Json)[head];
    return Array.isArray(v) ? v : [v];
  }
  if (head === "goods" || head === "containers" || head === "parties") {
    return (f[head] as unknown as Json[]).map((item) => item[key]);
  }
  if (head === "flags" || head === "fields") {
    return [(f[head] as Json)[key]];
  }
  return f.parties.filter((p) => p.role === head).map((p) => (p as unknown as Json)[key]);
}

const empty = (v: unknown): boolean => v === undefined || v === "";

function leaf(fact: string, params: Json, operator: string, value: unknown): NestedCondition {
  return { fact, params, operator, value };
}

function translateField(c: Extract<Condition, { field: string }>): NestedCondition {
  const p = { path: c.field };
  if ("equals" in c) {
    return leaf("field", p, "anyEqual", c.equals);
  }
  if ("in" in c) {
    return leaf("field", p, "anyIn", c.in);
  }
  if ("prefix" in c) {
    return leaf("field", p, "anyPrefix", c.prefix);
  }
  if ("range" in c) {
    return leaf("field", p, "anyInRange", c.range);
  }
  if ("present" in c) {
    return leaf("field", p, "present", c.present);
  }
  return leaf("field", p, "anyText", c.text);
}

/** Our condition → json-rules-engine condition: all/any/not natively, leaves as a fact + custom operator. */
function translate(c: Condition): NestedCondition {
  if ("all" in c) {
    return { all: c.all.map(translate) };
  }
  if ("any" in c) {
    return { any: c.any.map(translate) };
  }
  if ("not" in c) {
    return { not: translate(c.not) };
  }
  if ("field" in c) {
    return translateField(c);
  }
  if ("hsPrefix" in c) {
    return leaf("hsCodes", {}, "anyPrefix", c.hsPrefix);
  }
  if ("norm" in c) {
    return leaf("normKinds", {}, c.norm === "any" ? "notEmpty" : "contains", c.norm === "any" ? true : c.norm);
  }
  if ("port" in c) {
    return leaf("ports", { at: c.port.at }, "anyIn", c.port.in);
  }
  if ("country" in c) {
    return leaf("countries", { of: c.country.of }, "anyIn", c.country.in);
  }
  if ("transshipment" in c) {
    return leaf("relays", {}, "anyRelay", { via: c.transshipment.via ?? null, viaCountry: c.transshipment.viaCountry ?? null });
  }
  if ("watchlist" in c) {
    return leaf("watchlistHits", { subject: c.watchlist.subject, roles: c.watchlist.roles ?? null }, "anyListed", c.watchlist.lists ?? null);
  }
  if ("screening" in c) {
    return leaf("screeningScore", { roles: c.screening.roles ?? null }, "greaterThanInclusive", c.screening.minScore);
  }
  if ("firstSeen" in c) {
    return leaf("field", { path: c.firstSeen === "shipper" ? "flags.firstSeenShipper" : "flags.firstSeenConsignee" }, "anyEqual", true);
  }
  if ("weightImplausible" in c) {
    return leaf("weightFindings", { tolerance: c.weightImplausible.tolerance ?? 1 }, "greaterThan", 0);
  }
  if ("filedLate" in c) {
    return leaf("filing", {}, "filedLate", c.filedLate.hoursBeforeCutoff);
  }
  return leaf("missingFields", { fields: c.incomplete.fields }, "notEmpty", true);
}

async function shipmentOf(almanac: Almanac): Promise<ShipmentFacts> {
  return almanac.factValue<ShipmentFacts>("shipment");
}

function addFacts(engine: Engine): void {
  engine.addFact("field", async (p, a) => valuesAt(await shipmentOf(a), p.path as string));
  engine.addFact("hsCodes", async (_p, a) => (await shipmentOf(a)).goods.map((g) => {
    const r = g.hsCode ? normaliseHsCode(g.hsCode) : undefined;
    return r?.ok ? r.value.code : undefined;
  }));
  engine.addFact("normKinds", async (_p, a) => (await a.factValue<Array<string | undefined>>("hsCodes")).map((c) => (c ? normCommodity(c)?.kind : undefined)).filter((k) => k !== undefined));
  engine.addFact("ports", async (p, a) => routePorts(await shipmentOf(a), p.at as Parameters<typeof routePorts>[1]));
  engine.addFact("relays", async (_p, a) => transshipmentRelays(await shipmentOf(a)));
  engine.addFact("countries", async (p, a) => {
    const f = await shipmentOf(a);
    const of = p.of as string;
    if (["shipper", "consignee", "notify", "forwarder", "anyParty"].includes(of)) {
      return f.parties.filter((x) => x.country && (of === "anyParty" || x.role === of)).map((x) => x.country);
    }
    return routePorts(f, of as Parameters<typeof routePorts>[1]).map((x) => x.slice(0, 2));
  });
  engine.addFact("watchlistHits", async (p, a) => {
    const f = await shipmentOf(a);
    const subject = p.subject as "party" | "vessel" | "container";
    const roles = p.roles as string[] | null;
    const keys: Array<[string, string | undefined]> = subject === "vessel" ? [[f.vesselImo ?? "", undefined]]
      : subject === "container" ? f.containers.map((c) => [c.containerNo, undefined])
        : f.parties.filter((x) => !roles || roles.includes(x.role)).map((x) => [x.name, x.country]);
    return keys.filter(([k]) => k !== "").map(([k, country]) => watchlist(subject, k, country)?.list).filter((l) => l !== undefined);
  });
  engine.addFact("screeningScore", async (p, a) => {
    const roles = p.roles as string[] | null;
    const scores = (await shipmentOf(a)).parties.filter((x) => !roles || roles.includes(x.role)).map((x) => screenParty(x)?.score ?? 0);
    return Math.max(0, ...scores);
  });
  engine.addFact("weightFindings", async (p, a) => findImplausibleWeights(await shipmentOf(a), p.tolerance as number).length);
  engine.addFact("filing", async (_p, a) => {
    const f = await shipmentOf(a);
    const cutoff = f.loadingCutoff ?? f.etd;
    return { hasCutoff: cutoff !== undefined, lead: cutoff && f.filedAt ? (Date.parse(cutoff) - Date.parse(f.filedAt)) / 3_600_000 : null, filed: f.filedAt !== undefined };
  });
  engine.addFact("missingFields", async (p, a) => {
    const f = await shipmentOf(a);
    return (p.fields as string[]).filter((path) => {
      const values = valuesAt(f, path);
      const collection = path.includes(".") && !path.startsWith("flags.") && !path.startsWith("fields.");
      return values.some(empty) || (collection && values.length === 0);
    });
  });
}

function addOperators(engine: Engine): void {
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);
  engine.addOperator("anyEqual", (fact: unknown, value: unknown) => list(fact).some((v) => !empty(v) && v === value));
  engine.addOperator("anyIn", (fact: unknown, value: unknown[]) => list(fact).some((v) => !empty(v) && value.includes(v)));
  engine.addOperator("anyPrefix", (fact: unknown, value: string[]) => list(fact).some((v) => typeof v === "string" && v !== "" && value.some((p) => v.startsWith(p))));
  engine.addOperator("anyInRange", (fact: unknown, r: { min?: number; max?: number }) => list(fact).some((v) => typeof v === "number" && v >= (r.min ?? -Infinity) && v <= (r.max ?? Infinity)));
  engine.addOperator("present", (fact: unknown, want: boolean) => list(fact).some((v) => !empty(v)) === want);
  engine.addOperator("anyText", (fact: unknown, p: TextPattern) => {
    const m = textMatcher(p);
    return list(fact).some((v) => v !== undefined && v !== "" ? m(normaliseText(typeof v === "string" ? v : JSON.stringify(v))) !== undefined : p.empty === true);
  });
  engine.addOperator("notEmpty", (fact: unknown[]) => fact.length > 0);
  engine.addOperator("anyRelay", (fact: string[], v: { via: string[] | null; viaCountry: string[] | null }) =>
    fact.some((port) => (!v.via || v.via.includes(port)) && (!v.viaCountry || v.viaCountry.includes(port.slice(0, 2)))));
  engine.addOperator("anyListed", (fact: string[], lists: string[] | null) => fact.some((l) => !lists || lists.includes(l)));
  engine.addOperator("filedLate", (f: { hasCutoff: boolean; lead: number | null; filed: boolean }, hours: number) =>
    f.hasCutoff && (!f.filed || (f.lead !== null && f.lead < hours)));
}

function jreEngine(ruleSet: RuleSet): Engine {
  const engine = new Engine([], { allowUndefinedFacts: true });
  addOperators(engine);
  addFacts(engine);
  for (const rule of ruleSet.rules.filter((r) => r.enabled)) {
    const conditions = translate(rule.when);
    const top: TopLevelCondition = "all" in conditions || "any" in conditions || "not" in conditions ? (conditions) : { all: [conditions] };
    const props: RuleProperties = { name: rule.id, conditions: top, event: { type: rule.id, params: { weight: rule.weight } } };
    engine.addRule(props);
  }
  return engine;
}

// --- run ---
async function main(): Promise<void> {
  const ruleSet = parseRuleSet(usOutboundJapanRuleSet());
  const ours = compileRuleSet(ruleSet, deps);
  const jre = jreEngine(ruleSet);
  console.log(`rule set ${ruleSet.id} ${ruleSet.version}: ${ours.rules.length} rules; ${N.toLocaleString("en")} synthetic shipments (seed ${SEED}); Node ${process.version}`);
  let oursMs = 0;
  let jreMs = 0;
  let oursHits = 0;
  let jreHits = 0;
  let compared = 0;
  let disagree = 0;
  for (let start = 0; start < N; start += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, N - start) }, (_, i) => syntheticShipment(SEED, start + i));
    let t = performance.now();
    const ourIds = batch.map((f) => firedRuleIds(ours, f));
    oursMs += performance.now() - t;
    t = performance.now();
    const jreIds: string[][] = [];
    for (const f of batch) {
      const { events } = await jre.run({ shipment: f });
      jreIds.push(events.map((e) => e.type));
    }
    jreMs += performance.now() - t;
    oursHits += ourIds.reduce((s, x) => s + x.length, 0);
    jreHits += jreIds.reduce((s, x) => s + x.length, 0);
    for (let i = 0; i < batch.length && compared < SAMPLE; i++, compared++) {
      const a = [...(ourIds[i] ?? [])].sort().join(",");
      const b = [...(jreIds[i] ?? [])].sort().join(",");
      if (a !== b) {
        disagree++;
        if (disagree <= 5) {
          console.log(`  disagreement on ${batch[i]?.shipmentKey}: ours [${a}] vs json-rules-engine [${b}]`);
        }
      }
    }
  }
  const oursRate = N / (oursMs / 1000);
  const jreRate = N / (jreMs / 1000);
  const pad = (s: string): string => s.padEnd(22);
  console.log(`${pad("")}${pad("ours")}json-rules-engine`);
  console.log(`${pad("shipments/s")}${pad(Math.round(oursRate).toLocaleString("en"))}${Math.round(jreRate).toLocaleString("en")}`);
  console.log(`${pad("seconds")}${pad((oursMs / 1000).toFixed(2))}${(jreMs / 1000).toFixed(2)}`);
  console.log(`${pad("rule hits")}${pad(oursHits.toLocaleString("en"))}${jreHits.toLocaleString("en")}`);
  console.log(`ratio ours / json-rules-engine: ${(oursRate / jreRate).toFixed(1)}× (goal ≥ 20×)`);
  console.log(`agreement on fired rules: ${compared - disagree}/${compared} shipments identical`);
  if (disagree > 0) {
    process.exitCode = 1;
  }
}

await main();
