// Public API of the targeting library: rules as data, compiled to closures, scoring with explanations.
// Pure except rulesets.ts (reads the shipped JSON). Imports only src/trade, src/screening and zod.
export type { ContainerFacts, GoodsLine, PartyFacts, PartyRole, ShipmentFacts } from "./facts.ts";
export { parseShipmentFacts, PARTY_ROLES, ShipmentFactsSchema } from "./facts.ts";
export type { Condition, CountryOf, Rule, RuleSet, RuleSetInput, RoutePoint, Scalar } from "./schema.ts";
export { ConditionSchema, DATA_MISSING_RULE_ID, RuleSchema, RuleSetSchema } from "./schema.ts";
export type { CompiledRuleSet, RiskLevel, RuleHit, RuleNotAssessed, ShipmentScore } from "./engine.ts";
export {
  compileRuleSet,
  factName,
  firedRuleIds,
  parseRuleSet,
  riskLevel,
  RuleSetError,
  scoreShipment,
} from "./engine.ts";
export type { PartyScreen, PartyScreenHit, TargetingDeps, WatchlistHit, WatchlistLookup } from "./deps.ts";
export { screenerLookup } from "./deps.ts";
export type { Evidence } from "./evidence.ts";
export { isKnownField } from "./fields.ts";
export type { TextPattern } from "./text.ts";
export { compileTextPattern, globMatches, normaliseText } from "./text.ts";
export type { WeightBand, WeightFinding } from "./weight.ts";
export { findImplausibleWeights, payloadLimitKg, teuOf, WEIGHT_BANDS, weightBandFor } from "./weight.ts";
export { routePorts, transshipmentRelays } from "./route.ts";
export type { RandomDraw } from "./random.ts";
export { randomSelect } from "./random.ts";
export { compileTemplate, templateNames } from "./template.ts";
export { ShipmentView } from "./view.ts";
export { shippedRuleSets, startingRuleSetFor, usCbpOutboundRuleSet, usOutboundJapanRuleSet } from "./rulesets.ts";
export type { HsFit } from "./hs-fit.ts";
export { hsFit } from "./hs-fit.ts";
export { factsFromManifest, NOT_IN_MANIFEST_FILES } from "./from-manifest.ts";
export { explainHit } from "./explanations-ja.ts";
