// Shipped starting rule sets (JSON in ./rulesets/): one per agency of the exchange.
import { readFileSync } from "node:fs";
import type { RuleSetInput } from "./schema.ts";

function read(file: string): RuleSetInput {
  return JSON.parse(readFileSync(new URL(`./rulesets/${file}`, import.meta.url), "utf8")) as RuleSetInput;
}

/** Japan Customs targeters at LA/LB: risk of U.S. exports bound for Japan; validate with parseRuleSet/compileRuleSet. */
export function usOutboundJapanRuleSet(): RuleSetInput {
  return read("us-outbound-japan.json");
}

/** U.S. CBP outbound targeters: U.S. exports to any destination (export control, diversion, radiological, stolen goods). */
export function usCbpOutboundRuleSet(): RuleSetInput {
  return read("us-cbp-outbound.json");
}

/** Every shipped rule set, by file. */
export function shippedRuleSets(): Array<{ file: string; ruleSet: RuleSetInput }> {
  return ["us-cbp-outbound.json", "us-outbound-japan.json"].map((file) => ({ file, ruleSet: read(file) }));
}

/**
 * The starting rule set of an agency: the host's general U.S. export rules for the U.S. agency, the partner's
 * Japan-bound rules for Japan's, and for any other agency the partner rules, written for cargo bound to it from the U.S.
 */
export function startingRuleSetFor(agency: { country: string }): { name: string; definition: RuleSetInput } {
  return agency.country.toUpperCase() === "US"
    ? { name: "Shipped default: U.S. CBP outbound", definition: usCbpOutboundRuleSet() }
    : { name: "Shipped default: US outbound to Japan", definition: usOutboundJapanRuleSet() };
}
