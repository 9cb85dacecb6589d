// compileRuleSet / scoreShipment: validated rules → closures → a score, a level and one explained hit per fired rule.
import { compileCondition } from "./conditions.ts";
import type { Test } from "./incomplete.ts";
import type { TargetingDeps } from "./deps.ts";
import type { ShipmentFacts } from "./facts.ts";
import type { Evidence } from "./evidence.ts";
import { randomSelect, type RandomDraw } from "./random.ts";
import { DATA_MISSING_RULE_ID, RuleSetSchema, type Rule, type RuleSet } from "./schema.ts";
import { compileTemplate, type Template } from "./template.ts";
import { ShipmentView, UNKNOWN } from "./view.ts";

/** Risk level from the rule set's thresholds. */
export type RiskLevel = "low" | "medium" | "high";

/** One fired rule. */
export interface RuleHit {
  ruleId: string;
  weight: number;
  explanation: string;
  evidence: Evidence;
}

/** A rule that could not be assessed: a fact it needs is unknown. */
export interface RuleNotAssessed {
  ruleId: string;
  /** Field paths the shipment lacks. */
  missing: string[];
  /** Field paths its source does not carry (a manifest file has no filing time). */
  notCarried: string[];
}

/** A shipment's score. */
export interface ShipmentScore {
  score: number;
  level: RiskLevel;
  hits: RuleHit[];
  /** Rules neither fired nor cleared for want of facts; only those marked "data-missing" may add the one data-missing hit. */
  notAssessed: RuleNotAssessed[];
  /** Present when the rule set has a random-selection rate. */
  random?: RandomDraw;
  ruleSet: { id: string; version: string };
}

interface CompiledRule {
  id: string;
  weight: number;
  test: Test;
  explain: Template;
  countsMissing: boolean;
}

/** A rule set compiled to closures; reuse it for every shipment. */
export interface CompiledRuleSet {
  readonly ruleSet: RuleSet;
  readonly rules: readonly CompiledRule[];
  readonly dataMissing?: { weight: number; explain: Template };
}

/** How the data-missing hit names the facts it lacks. */
const FACT_NAMES: Record<string, string> = {
  filedAt: "filing time",
  loadingCutoff: "loading cut-off or ETD",
  itn: "AES ITN",
  etd: "ETD",
  "goods.hsCode": "HS code",
  "goods.description": "goods description",
  "goods.grossWeightKg": "gross weight",
  "containers.sizeType": "container size/type",
  "containers.typeGroup": "container type",
  "shipper.country": "shipper country",
  "consignee.country": "consignee country",
  "parties.country": "party country",
  loading: "port of loading",
  discharge: "port of discharge",
  finalDestination: "final destination",
  "flags.firstSeenShipper": "shipper history",
  "flags.firstSeenConsignee": "consignee history",
  "flags.knownExporter": "known-exporter list",
  declaredValueUsd: "declared value",
  vesselImo: "vessel IMO",
};

/** A plain name of a fact for explanations ("filing time", "HS code"). */
export function factName(path: string): string {
  return FACT_NAMES[path] ?? path;
}

/** Rule set validation or compilation failed; `issues` lists every problem with its rule. */
export class RuleSetError extends Error {
  readonly issues: string[];

  constructor(issues: string[]) {
    super(
      `invalid rule set: ${issues.slice(0, 5).join("; ")}${issues.length > 5 ? ` (+${issues.length - 5} more)` : ""}`,
    );
    this.name = "RuleSetError";
    this.issues = issues;
  }
}

/** Validates a rule set (zod) and returns it with defaults applied; throws RuleSetError. */
export function parseRuleSet(input: unknown): RuleSet {
  const parsed = RuleSetSchema.safeParse(input);
  if (!parsed.success) {
    throw new RuleSetError(parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`));
  }
  return parsed.data;
}

function compileRule(rule: Rule, deps: TargetingDeps): CompiledRule {
  return {
    id: rule.id,
    weight: rule.weight,
    test: compileCondition(rule.when, deps),
    explain: compileTemplate(rule.explanation),
    countsMissing: rule.ifUnknown === "data-missing",
  };
}

/** Validates and compiles a rule set into closures (never eval/new Function); throws RuleSetError listing every bad rule. */
export function compileRuleSet(input: unknown, deps: TargetingDeps = {}): CompiledRuleSet {
  const ruleSet = parseRuleSet(input);
  const issues: string[] = [];
  const rules: CompiledRule[] = [];
  for (const rule of ruleSet.rules) {
    if (!rule.enabled) {
      continue;
    }
    try {
      rules.push(compileRule(rule, deps));
    } catch (err) {
      issues.push(`rule ${rule.id}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (issues.length > 0) {
    throw new RuleSetError(issues);
  }
  const dataMissing = ruleSet.dataMissing
    ? { weight: ruleSet.dataMissing.weight, explain: compileTemplate(ruleSet.dataMissing.explanation) }
    : undefined;
  return dataMissing ? { ruleSet, rules, dataMissing } : { ruleSet, rules };
}

/** Maps a score to a level with the rule set's thresholds. */
export function riskLevel(score: number, thresholds: { medium: number; high: number }): RiskLevel {
  if (score >= thresholds.high) {
    return "high";
  }
  return score >= thresholds.medium ? "medium" : "low";
}

/** Fired rules only (no explanations), the data-missing hit included: the hot path of backtests and benchmarks. */
export function firedRuleIds(compiled: CompiledRuleSet, facts: ShipmentFacts): string[] {
  const view = new ShipmentView(facts);
  const out: string[] = [];
  let missing = false;
  for (const rule of compiled.rules) {
    view.startRule();
    const evidence = rule.test(view);
    if (evidence === UNKNOWN) {
      missing ||= rule.countsMissing && view.absent.length > 0;
    } else if (evidence) {
      out.push(rule.id);
    }
  }
  if (missing && compiled.dataMissing) {
    out.push(DATA_MISSING_RULE_ID);
  }
  return out;
}

/** The one data-missing hit: the facts the shipment lacks and the rules that could not be assessed for want of them. */
function dataMissingHit(
  compiled: CompiledRuleSet,
  facts: ShipmentFacts,
  notAssessed: RuleNotAssessed[],
  counted: Set<string>,
): RuleHit | undefined {
  const { dataMissing } = compiled;
  const rules = notAssessed.filter((n) => counted.has(n.ruleId) && n.missing.length > 0);
  if (!dataMissing || rules.length === 0) {
    return undefined;
  }
  const missing = [...new Set(rules.flatMap((r) => r.missing))];
  const evidence: Evidence = {
    missing,
    missingFacts: missing.map(factName).join(", "),
    rules: rules.map((r) => r.ruleId).join(", "),
  };
  return {
    ruleId: DATA_MISSING_RULE_ID,
    weight: dataMissing.weight,
    explanation: dataMissing.explain(evidence, facts),
    evidence,
  };
}

/**
 * Scores one shipment: the sum of fired rules' weights (never below 0), its level, and each hit explained. A rule whose
 * facts are unknown does not fire; it is listed as not assessed, and rules marked "data-missing" add one hit between them.
 */
export function scoreShipment(compiled: CompiledRuleSet, facts: ShipmentFacts): ShipmentScore {
  const view = new ShipmentView(facts);
  const hits: RuleHit[] = [];
  const notAssessed: RuleNotAssessed[] = [];
  const counted = new Set<string>();
  for (const rule of compiled.rules) {
    view.startRule();
    const evidence = rule.test(view);
    if (evidence === UNKNOWN) {
      notAssessed.push({ ruleId: rule.id, missing: [...view.absent], notCarried: [...view.notCarried] });
      if (rule.countsMissing) {
        counted.add(rule.id);
      }
      continue;
    }
    if (!evidence) {
      continue;
    }
    hits.push({ ruleId: rule.id, weight: rule.weight, explanation: rule.explain(evidence, facts), evidence });
  }
  const missingHit = dataMissingHit(compiled, facts, notAssessed, counted);
  if (missingHit) {
    hits.push(missingHit);
  }
  const score = Math.max(
    0,
    hits.reduce((sum, h) => sum + h.weight, 0),
  );
  const { ruleSet } = compiled;
  const result: ShipmentScore = {
    score,
    level: riskLevel(score, ruleSet.thresholds),
    hits: hits.sort((a, b) => b.weight - a.weight),
    notAssessed,
    ruleSet: { id: ruleSet.id, version: ruleSet.version },
  };
  if (ruleSet.random) {
    result.random = randomSelect(`${ruleSet.random.seed}`, facts.shipmentKey, ruleSet.random.rate);
  }
  return result;
}
