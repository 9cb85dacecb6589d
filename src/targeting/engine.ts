// compileRuleSet / scoreShipment: validated rules → closures → a score, a level and one explained hit per fired rule.
import { compileCondition, type Test } from "./conditions.ts";
import type { TargetingDeps } from "./deps.ts";
import type { ShipmentFacts } from "./facts.ts";
import type { Evidence } from "./fields.ts";
import { randomSelect, type RandomDraw } from "./random.ts";
import { RuleSetSchema, type Rule, type RuleSet } from "./schema.ts";
import { compileTemplate, type Template } from "./template.ts";
import { ShipmentView } from "./view.ts";

/** Risk level from the rule set's thresholds. */
export type RiskLevel = "low" | "medium" | "high";

/** One fired rule. */
export interface RuleHit {
  ruleId: string;
  weight: number;
  explanation: string;
  evidence: Evidence;
}

/** A shipment's score. */
export interface ShipmentScore {
  score: number;
  level: RiskLevel;
  hits: RuleHit[];
  /** Present when the rule set has a random-selection rate. */
  random?: RandomDraw;
  ruleSet: { id: string; version: string };
}

interface CompiledRule {
  id: string;
  weight: number;
  test: Test;
  explain: Template;
}

/** A rule set compiled to closures; reuse it for every shipment. */
export interface CompiledRuleSet {
  readonly ruleSet: RuleSet;
  readonly rules: readonly CompiledRule[];
}

/** Rule set validation or compilation failed; `issues` lists every problem with its rule. */
export class RuleSetError extends Error {
  readonly issues: string[];

  constructor(issues: string[]) {
    super(`invalid rule set: ${issues.slice(0, 5).join("; ")}${issues.length > 5 ? ` (+${issues.length - 5} more)` : ""}`);
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
  return { id: rule.id, weight: rule.weight, test: compileCondition(rule.when, deps), explain: compileTemplate(rule.explanation) };
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
  return { ruleSet, rules };
}

/** Maps a score to a level with the rule set's thresholds. */
export function riskLevel(score: number, thresholds: { medium: number; high: number }): RiskLevel {
  if (score >= thresholds.high) {
    return "high";
  }
  return score >= thresholds.medium ? "medium" : "low";
}

/** Fired rules only (no explanations): the hot path of backtests and benchmarks. */
export function firedRuleIds(compiled: CompiledRuleSet, facts: ShipmentFacts): string[] {
  const view = new ShipmentView(facts);
  const out: string[] = [];
  for (const rule of compiled.rules) {
    if (rule.test(view)) {
      out.push(rule.id);
    }
  }
  return out;
}

/** Scores one shipment: the sum of fired rules' weights (never below 0), its level, and each hit explained. */
export function scoreShipment(compiled: CompiledRuleSet, facts: ShipmentFacts): ShipmentScore {
  const view = new ShipmentView(facts);
  const hits: RuleHit[] = [];
  let score = 0;
  for (const rule of compiled.rules) {
    const evidence = rule.test(view);
    if (!evidence) {
      continue;
    }
    score += rule.weight;
    hits.push({ ruleId: rule.id, weight: rule.weight, explanation: rule.explain(evidence, facts), evidence });
  }
  score = Math.max(0, score);
  const { ruleSet } = compiled;
  const result: ShipmentScore = {
    score,
    level: riskLevel(score, ruleSet.thresholds),
    hits: hits.sort((a, b) => b.weight - a.weight),
    ruleSet: { id: ruleSet.id, version: ruleSet.version },
  };
  if (ruleSet.random) {
    result.random = randomSelect(`${ruleSet.random.seed}`, facts.shipmentKey, ruleSet.random.rate);
  }
  return result;
}
