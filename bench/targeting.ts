// Targeting benchmark: the partner's shipped rule set (or the host's, --rules us-cbp-outbound) in our engine and, translated faithfully, in json-rules-engine,
// over the same seeded synthetic shipments. Prints shipments/s for both, the ratio, and checks both fire the same rules.
// Then ranks a generated month with seeded risky shipments and decoys under both agencies' rules: the share of risky
// shipments in the top 1 %, the decoys there, and the month's score distribution.
//   node --import tsx bench/targeting.ts [--quick] [--n N] [--seed S] [--rules us-cbp-outbound] [--month N] [--month-only]
import {
  Engine,
  type NestedCondition,
  type RuleProperties,
  type TopLevelCondition,
  type Almanac,
} from "json-rules-engine";
import { getDefaultScreener } from "../src/screening/index.ts";
import {
  compileRuleSet,
  compileTextPattern,
  DATA_MISSING_RULE_ID,
  findImplausibleWeights,
  firedRuleIds,
  hsFit,
  normaliseText,
  parseRuleSet,
  routePorts,
  randomSelect,
  riskLevel,
  scoreShipment,
  screenerLookup,
  transshipmentRelays,
  usCbpOutboundRuleSet,
  usOutboundJapanRuleSet,
  type Condition,
  type PartyScreen,
  type RuleSet,
  type ShipmentFacts,
  type TargetingDeps,
  type TextPattern,
  type WatchlistLookup,
} from "../src/targeting/index.ts";
import { syntheticMonth, syntheticShipment, type LabelledShipment } from "../src/targeting/synthetic.ts";
import { NOT_IN_MANIFEST_FILES } from "../src/targeting/from-manifest.ts";
import { decodeSizeType, normaliseHsCode, normCommodity } from "../src/trade/index.ts";

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
const MONTH = Number(arg("--month") ?? 20_000);

// --- the same outside world for both engines: a small watchlist and the real screener (memoised) ---
const WATCHED = new Map([
  ["TRI-STAR SCRAP RECYCLING", "prior misdeclared scrap"],
  ["9187629", "SDN-listed vessel"],
  ["MSKU1000042", "seal tampering"],
]);
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
  if (head === "containers" && key === "typeGroup") {
    return f.containers.map((c) => {
      const r = c.sizeType ? decodeSizeType(c.sizeType) : undefined;
      return r?.ok ? r.value.typeGroup : undefined;
    });
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
const notCarried = (f: ShipmentFacts, path: string): boolean => f.unknown?.includes(path) === true;

// Leaves answer true, false or undefined (a fact they need is unknown). The translation asks each leaf for the answer
// that makes its rule fire: `not` flips the wanted answer instead of negating, so an unknown fact never fires a rule.
type Tri = boolean | undefined;
type Want = boolean;

function leaf(fact: string, params: Json, operator: string, value: unknown, want: Want): NestedCondition {
  return { fact, params, operator, value: { arg: value, want } };
}

function translateField(c: Extract<Condition, { field: string }>, want: Want): NestedCondition {
  const p = { path: c.field };
  if ("equals" in c) {
    return leaf("field", p, "anyEqual", c.equals, want);
  }
  if ("in" in c) {
    return leaf("field", p, "anyIn", c.in, want);
  }
  if ("prefix" in c) {
    return leaf("field", p, "anyPrefix", c.prefix, want);
  }
  if ("range" in c) {
    return leaf("field", p, "anyInRange", c.range, want);
  }
  if ("present" in c) {
    return leaf("field", p, "present", c.present, want);
  }
  return leaf("field", p, "anyText", c.text, want);
}

/** Our condition → json-rules-engine condition that holds when ours answers `want`: all/any swap under a `not`. */
function translate(c: Condition, want: Want = true): NestedCondition {
  if ("all" in c) {
    return want ? { all: c.all.map((x) => translate(x, true)) } : { any: c.all.map((x) => translate(x, false)) };
  }
  if ("any" in c) {
    return want ? { any: c.any.map((x) => translate(x, true)) } : { all: c.any.map((x) => translate(x, false)) };
  }
  if ("not" in c) {
    return translate(c.not, !want);
  }
  if ("field" in c) {
    return translateField(c, want);
  }
  if ("hsPrefix" in c) {
    return leaf("hsCodes", {}, "anyPrefix", c.hsPrefix, want);
  }
  if ("norm" in c) {
    return leaf("normKinds", {}, "normKind", c.norm, want);
  }
  if ("port" in c) {
    return leaf("ports", { at: c.port.at }, "routeIn", { codes: c.port.in, at: c.port.at, country: false }, want);
  }
  if ("country" in c) {
    return leaf("countries", { of: c.country.of }, "countryIn", c.country.in, want);
  }
  if ("transshipment" in c) {
    return leaf(
      "relays",
      {},
      "anyRelay",
      { via: c.transshipment.via ?? null, viaCountry: c.transshipment.viaCountry ?? null },
      want,
    );
  }
  if ("watchlist" in c) {
    return leaf(
      "watchlistHits",
      { subject: c.watchlist.subject, roles: c.watchlist.roles ?? null },
      "anyListed",
      c.watchlist.lists ?? null,
      want,
    );
  }
  if ("screening" in c) {
    return leaf("screeningScore", { roles: c.screening.roles ?? null }, "atLeast", c.screening.minScore, want);
  }
  if ("firstSeen" in c) {
    return leaf(
      "firstSeen",
      { flag: c.firstSeen === "shipper" ? "firstSeenShipper" : "firstSeenConsignee" },
      "flagSet",
      true,
      want,
    );
  }
  if ("weightImplausible" in c) {
    return leaf("weightFindings", { tolerance: c.weightImplausible.tolerance ?? 1 }, "implausible", true, want);
  }
  if ("filedLate" in c) {
    return leaf("filing", {}, "filedLate", c.filedLate.hoursBeforeCutoff, want);
  }
  if ("hsMismatch" in c) {
    return leaf("hsFits", {}, "anyMisfit", true, want);
  }
  return leaf("missingFields", { fields: c.incomplete.fields }, "missing", true, want);
}

async function shipmentOf(almanac: Almanac): Promise<ShipmentFacts> {
  return almanac.factValue<ShipmentFacts>("shipment");
}

function addFacts(engine: Engine): void {
  engine.addFact("field", async (p, a) => {
    const f = await shipmentOf(a);
    const path = p.path as string;
    return { values: valuesAt(f, path), noneIsKnown: path === "transshipmentPorts", carried: !notCarried(f, path) };
  });
  engine.addFact("hsCodes", async (_p, a) => {
    const f = await shipmentOf(a);
    return {
      codes: f.goods.map((g) => {
        const r = g.hsCode ? normaliseHsCode(g.hsCode) : undefined;
        return r?.ok ? r.value.code : undefined;
      }),
      carried: !notCarried(f, "goods.hsCode"),
    };
  });
  engine.addFact("normKinds", async (_p, a) => {
    const hs = await a.factValue<{ codes: Array<string | undefined>; carried: boolean }>("hsCodes");
    return {
      kinds: hs.codes.map((c) => (c ? normCommodity(c)?.kind : undefined)),
      codes: hs.codes,
      carried: hs.carried,
    };
  });
  engine.addFact("hsFits", async (_p, a) => {
    const f = await shipmentOf(a);
    const hs = await a.factValue<{ codes: Array<string | undefined> }>("hsCodes");
    return hs.codes.map((c, i) => (c ? hsFit(c, f.goods[i]?.description ?? "").fit : "unknown"));
  });
  engine.addFact("ports", async (p, a) => routePorts(await shipmentOf(a), p.at as Parameters<typeof routePorts>[1]));
  engine.addFact("relays", async (_p, a) => transshipmentRelays(await shipmentOf(a)));
  engine.addFact("countries", async (p, a) => {
    const f = await shipmentOf(a);
    const of = p.of as string;
    if (["shipper", "consignee", "notify", "forwarder", "anyParty"].includes(of)) {
      return {
        party: true,
        countries: f.parties.filter((x) => of === "anyParty" || x.role === of).map((x) => x.country),
      };
    }
    return {
      party: false,
      of,
      countries: routePorts(f, of as Parameters<typeof routePorts>[1]).map((x) => x.slice(0, 2)),
    };
  });
  engine.addFact("watchlistHits", async (p, a) => {
    const f = await shipmentOf(a);
    const subject = p.subject as "party" | "vessel" | "container";
    const roles = p.roles as string[] | null;
    const keys: Array<[string, string | undefined]> =
      subject === "vessel"
        ? [[f.vesselImo ?? "", undefined]]
        : subject === "container"
          ? f.containers.map((c) => [c.containerNo, undefined])
          : f.parties.filter((x) => !roles || roles.includes(x.role)).map((x) => [x.name, x.country]);
    return keys
      .filter(([k]) => k !== "")
      .map(([k, country]) => watchlist(subject, k, country)?.list)
      .filter((l) => l !== undefined);
  });
  engine.addFact("screeningScore", async (p, a) => {
    const roles = p.roles as string[] | null;
    const scores = (await shipmentOf(a)).parties
      .filter((x) => !roles || roles.includes(x.role))
      .map((x) => screenParty(x)?.score ?? 0);
    return Math.max(0, ...scores);
  });
  engine.addFact("firstSeen", async (p, a) => {
    const f = await shipmentOf(a);
    const flag = p.flag as string;
    return notCarried(f, `flags.${flag}`) ? undefined : f.flags[flag];
  });
  engine.addFact("weightFindings", async (p, a) => {
    const f = await shipmentOf(a);
    return {
      findings: findImplausibleWeights(f, p.tolerance as number).length,
      weighed: f.goods.some((g) => (g.grossWeightKg ?? 0) > 0),
    };
  });
  engine.addFact("filing", async (_p, a) => {
    const f = await shipmentOf(a);
    const cutoff = f.loadingCutoff ?? f.etd;
    const filed = f.filedAt !== undefined && !notCarried(f, "filedAt");
    return { lead: cutoff && filed && f.filedAt ? (Date.parse(cutoff) - Date.parse(f.filedAt)) / 3_600_000 : null };
  });
  engine.addFact("missingFields", async (p, a) => {
    const f = await shipmentOf(a);
    const carried = (p.fields as string[]).filter((path) => !notCarried(f, path));
    if (carried.length === 0) {
      return null;
    }
    return carried.filter((path) => {
      const values = valuesAt(f, path);
      const collection = path.includes(".") && !path.startsWith("flags.") && !path.startsWith("fields.");
      return values.some(empty) || (collection && values.length === 0);
    });
  });
}

type FieldFact = { values: unknown[]; noneIsKnown: boolean; carried: boolean };

/** Any value at the path satisfies the test: true; else unknown when a value is absent (or there is none): undefined. */
function anyValue(fact: FieldFact, test: (v: unknown) => boolean): Tri {
  if (!fact.carried) {
    return undefined;
  }
  if (fact.values.some((v) => !empty(v) && test(v))) {
    return true;
  }
  return (fact.values.length === 0 && !fact.noneIsKnown) || fact.values.some(empty) ? undefined : false;
}

function addOperators(engine: Engine): void {
  const tri = <F, A>(name: string, answer: (fact: F, arg: A) => Tri): void => {
    engine.addOperator(name, (fact: F, v: { arg: A; want: Want }) => answer(fact, v.arg) === v.want);
  };
  tri("anyEqual", (f: FieldFact, value: unknown) => anyValue(f, (v) => v === value));
  tri("anyIn", (f: FieldFact, value: unknown[]) => anyValue(f, (v) => value.includes(v)));
  tri("anyPrefix", (f: FieldFact | { codes: Array<string | undefined>; carried: boolean }, value: string[]) => {
    if ("codes" in f) {
      if (f.codes.some((c) => c !== undefined && value.some((p) => c.startsWith(p)))) {
        return true;
      }
      return f.codes.length === 0 || f.codes.includes(undefined) || !f.carried ? undefined : false;
    }
    return anyValue(f, (v) => typeof v === "string" && value.some((p) => v.startsWith(p)));
  });
  tri("anyInRange", (f: FieldFact, r: { min?: number; max?: number }) =>
    anyValue(f, (v) => typeof v === "number" && v >= (r.min ?? -Infinity) && v <= (r.max ?? Infinity)),
  );
  tri("present", (f: FieldFact, want: boolean) => (f.carried ? f.values.some((v) => !empty(v)) === want : undefined));
  tri("anyText", (f: FieldFact, p: TextPattern) => {
    if (!f.carried) {
      return undefined;
    }
    const m = textMatcher(p);
    let absent = false;
    for (const v of f.values) {
      const text = normaliseText(v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v));
      if (m(text) !== undefined) {
        return true;
      }
      absent ||= text === "";
    }
    return absent || (f.values.length === 0 && p.empty !== true) ? undefined : false;
  });
  tri(
    "normKind",
    (f: { kinds: Array<string | undefined>; codes: Array<string | undefined>; carried: boolean }, kind: string) => {
      if (f.kinds.some((k) => k !== undefined && (kind === "any" || k === kind))) {
        return true;
      }
      return f.codes.length === 0 || f.codes.includes(undefined) || !f.carried ? undefined : false;
    },
  );
  tri("anyMisfit", (fits: string[]) =>
    fits.includes("misfit") ? true : fits.length === 0 || fits.includes("unknown") ? undefined : false,
  );
  tri("routeIn", (ports: string[], v: { codes: string[]; at: string }) =>
    ports.some((p) => v.codes.includes(p)) ? true : ports.length === 0 && v.at !== "transshipment" ? undefined : false,
  );
  tri("countryIn", (f: { party: boolean; of?: string; countries: Array<string | undefined> }, value: string[]) => {
    if (f.countries.some((c) => c !== undefined && value.includes(c))) {
      return true;
    }
    if (f.party) {
      return f.countries.length === 0 || f.countries.includes(undefined) ? undefined : false;
    }
    return f.countries.length === 0 && f.of !== "transshipment" ? undefined : false;
  });
  tri("anyRelay", (fact: string[], v: { via: string[] | null; viaCountry: string[] | null }) =>
    fact.some((port) => (!v.via || v.via.includes(port)) && (!v.viaCountry || v.viaCountry.includes(port.slice(0, 2)))),
  );
  tri("anyListed", (fact: string[], lists: string[] | null) => fact.some((l) => !lists || lists.includes(l)));
  tri("atLeast", (score: number, min: number) => score >= min);
  tri("flagSet", (flag: boolean | undefined) => flag);
  tri("implausible", (f: { findings: number; weighed: boolean }) =>
    f.findings > 0 ? true : f.weighed ? false : undefined,
  );
  tri("filedLate", (f: { lead: number | null }, hours: number) =>
    f.lead === null || Number.isNaN(f.lead) ? undefined : f.lead < hours,
  );
  tri("missing", (missing: string[] | null) => (missing === null ? undefined : missing.length > 0));
}

const UNDECIDED = "undecided:";

function jreEngine(ruleSet: RuleSet): Engine {
  const engine = new Engine([], { allowUndefinedFacts: true });
  addOperators(engine);
  addFacts(engine);
  for (const rule of ruleSet.rules.filter((r) => r.enabled)) {
    const holds = translate(rule.when, true);
    const top: TopLevelCondition = "all" in holds || "any" in holds ? holds : { all: [holds] };
    engine.addRule({
      name: rule.id,
      conditions: top,
      event: { type: rule.id, params: { weight: rule.weight } },
    } satisfies RuleProperties);
    if (rule.ifUnknown === "data-missing" && ruleSet.dataMissing) {
      // Neither holds nor fails: a fact is unknown. (The synthetic shipments name no facts their source lacks.)
      const undecided: TopLevelCondition = { all: [{ not: holds }, { not: translate(rule.when, false) }] };
      engine.addRule({
        name: `${UNDECIDED}${rule.id}`,
        conditions: undecided,
        event: { type: `${UNDECIDED}${rule.id}` },
      });
    }
  }
  return engine;
}

/** Fired rules of json-rules-engine's events, with the one data-missing hit in place of the undecided rules. */
function jreFired(events: Array<{ type: string }>): string[] {
  const fired = events.map((e) => e.type).filter((t) => !t.startsWith(UNDECIDED));
  return fired.length < events.length ? [...fired, DATA_MISSING_RULE_ID] : fired;
}

// --- ranking quality on a month with seeded risky shipments and decoys ---

/** The month as a manifest file gives it: no filing time, AES ITN or party history. */
function asManifestFile(f: ShipmentFacts): ShipmentFacts {
  const { filedAt: _filedAt, itn: _itn, ...rest } = f;
  return { ...rest, flags: {}, unknown: NOT_IN_MANIFEST_FILES };
}

interface MonthReport {
  riskyInTop: number;
  risky: number;
  decoysInTop: number;
  /** Decoys scored medium or high: a weak signal alone should not ask for a look. */
  decoysFlagged: number;
  decoys: number;
  top: number;
  levels: Record<string, number>;
  quantiles: number[];
}

/** Scores the month, ranks it by score (ties in a fixed random order) and counts what lands in the top 1 %. */
function rankMonth(
  month: readonly LabelledShipment[],
  score: (f: ShipmentFacts) => number,
  thresholds: { medium: number; high: number },
): MonthReport {
  const scored = month.map((m) => ({
    label: m.label,
    score: score(m.facts),
    tie: randomSelect("rank", m.facts.shipmentKey, 0).draw,
  }));
  scored.sort((a, b) => b.score - a.score || a.tie - b.tie);
  const top = Math.ceil(month.length / 100);
  const inTop = scored.slice(0, top);
  const levels: Record<string, number> = { low: 0, medium: 0, high: 0 };
  for (const s of scored) {
    const level = riskLevel(s.score, thresholds);
    levels[level] = (levels[level] ?? 0) + 1;
  }
  const ascending = scored.map((s) => s.score).sort((a, b) => a - b);
  const q = (p: number): number => ascending[Math.min(ascending.length - 1, Math.floor(p * ascending.length))] ?? 0;
  return {
    riskyInTop: inTop.filter((s) => s.label === "risky").length,
    risky: month.filter((m) => m.label === "risky").length,
    decoysInTop: inTop.filter((s) => s.label === "decoy").length,
    decoysFlagged: scored.filter((s) => s.label === "decoy" && riskLevel(s.score, thresholds) !== "low").length,
    decoys: month.filter((m) => m.label === "decoy").length,
    top,
    levels,
    quantiles: [q(0.5), q(0.9), q(0.99), ascending.at(-1) ?? 0],
  };
}

function printMonth(): void {
  const month = syntheticMonth(SEED, {
    shipments: MONTH,
    risky: Math.round(MONTH / 200),
    decoys: Math.round(MONTH / 50),
  });
  const risky = month.filter((m) => m.label === "risky").length;
  const decoys = month.filter((m) => m.label === "decoy").length;
  console.log(
    `\nranking: a month of ${MONTH.toLocaleString("en")} Japan-bound shipments (seed ${SEED}), ${risky} risky (3–5 signals each), ${decoys} decoys (one weak signal each); top 1 % = ${Math.ceil(MONTH / 100)}`,
  );
  const pad = (x: string, n: number): string => x.padEnd(n);
  console.log(
    `${pad("rule set", 32)}${pad("facts", 16)}${pad("risky in top 1 %", 20)}${pad("decoys in top 1 % / ≥ medium", 30)}${pad("low / medium / high", 24)}p50 / p90 / p99 / max`,
  );
  for (const input of [usOutboundJapanRuleSet(), usCbpOutboundRuleSet()]) {
    const compiled = compileRuleSet(input, deps);
    const { id, version, thresholds } = compiled.ruleSet;
    for (const [name, view] of [
      ["as stored", (f: ShipmentFacts) => f],
      ["manifest files", asManifestFile],
    ] as const) {
      const r = rankMonth(month, (f) => scoreShipment(compiled, view(f)).score, thresholds);
      const share = `${r.riskyInTop}/${r.risky} (${Math.round((100 * r.riskyInTop) / r.risky)} %)`;
      const levels = `${r.levels.low} / ${r.levels.medium} / ${r.levels.high}`;
      console.log(
        `${pad(`${id} ${version}`, 32)}${pad(name, 16)}${pad(share, 20)}${pad(`${r.decoysInTop} / ${r.decoysFlagged} of ${r.decoys}`, 30)}${pad(levels, 24)}${r.quantiles.join(" / ")}`,
      );
    }
  }
}

// --- run ---
async function main(): Promise<void> {
  const ruleSet = parseRuleSet(
    arg("--rules") === "us-cbp-outbound" ? usCbpOutboundRuleSet() : usOutboundJapanRuleSet(),
  );
  const ours = compileRuleSet(ruleSet, deps);
  const jre = jreEngine(ruleSet);
  console.log(
    `rule set ${ruleSet.id} ${ruleSet.version}: ${ours.rules.length} rules; ${N.toLocaleString("en")} synthetic shipments (seed ${SEED}); Node ${process.version}`,
  );
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
      jreIds.push(jreFired(events));
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
  console.log(
    `${pad("shipments/s")}${pad(Math.round(oursRate).toLocaleString("en"))}${Math.round(jreRate).toLocaleString("en")}`,
  );
  console.log(`${pad("seconds")}${pad((oursMs / 1000).toFixed(2))}${(jreMs / 1000).toFixed(2)}`);
  console.log(`${pad("rule hits")}${pad(oursHits.toLocaleString("en"))}${jreHits.toLocaleString("en")}`);
  console.log(`ratio ours / json-rules-engine: ${(oursRate / jreRate).toFixed(1)}× (goal ≥ 20×)`);
  console.log(`agreement on fired rules: ${compared - disagree}/${compared} shipments identical`);
  if (disagree > 0) {
    process.exitCode = 1;
  }
  printMonth();
}

if (process.argv.includes("--month-only")) {
  printMonth();
} else {
  await main();
}
