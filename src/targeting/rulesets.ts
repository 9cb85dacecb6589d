// Shipped example rule sets (JSON in ./rulesets/).
import { readFileSync } from "node:fs";
import type { RuleSetInput } from "./schema.ts";

/** Reads the shipped example rule set for U.S. exports bound for Japan (55 rules); validate with parseRuleSet/compileRuleSet. */
export function usOutboundJapanRuleSet(): RuleSetInput {
  return JSON.parse(readFileSync(new URL("./rulesets/us-outbound-japan.json", import.meta.url), "utf8")) as RuleSetInput;
}
