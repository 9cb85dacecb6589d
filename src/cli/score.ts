import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Command } from "commander";
import { getDefaultScreener } from "../screening/index.ts";
import {
  type CompiledRuleSet,
  compileRuleSet,
  factName,
  factsFromManifest,
  parseRuleSet,
  RuleSetError,
  scoreShipment,
  screenerLookup,
  type ShipmentScore,
  shippedRuleSets,
  usOutboundJapanRuleSet,
} from "../targeting/index.ts";
import { parseMessageText } from "../trade/index.ts";

/** A shipped rule set by its id ("us-cbp-outbound", "jp-customs-us-outbound"), else undefined. */
function shippedById(id: string): unknown {
  return shippedRuleSets().find((s) => parseRuleSet(s.ruleSet).id === id)?.ruleSet;
}

async function loadRules(file: string | undefined): Promise<CompiledRuleSet> {
  const definition: unknown = file
    ? (shippedById(file) ?? JSON.parse(await readFile(file, "utf8")))
    : usOutboundJapanRuleSet();
  // The command line has no agency watchlist; the shipped screening lists stand in for party checks.
  return compileRuleSet(definition, { watchlist: () => undefined, screenParty: screenerLookup(getDefaultScreener()) });
}

/** Once per file: the rules a manifest file cannot answer, and why. */
function notInFileLine(result: ShipmentScore): string | undefined {
  const rules = result.notAssessed.filter((n) => n.notCarried.length > 0);
  if (rules.length === 0) {
    return undefined;
  }
  const facts = [...new Set(rules.flatMap((r) => r.notCarried))].map(factName).join(", ");
  return `(manifest files carry no ${facts}: not assessed ${rules.map((r) => r.ruleId).join(", ")})`;
}

/** `reciprocity score FILE [--rules FILE] [--json]`: scores the shipments of a manifest file with a rule set. */
export function registerScoreCommand(program: Command): void {
  program
    .command("score")
    .description("score the shipments of a manifest file (EDIFACT, X12, CSV) with a rule set; every point explained")
    .argument("<file>", "manifest file")
    .option(
      "--rules <file>",
      "rule set JSON, or a shipped set by id: jp-customs-us-outbound (the default), us-cbp-outbound",
    )
    .option("--json", "one JSON line per shipment")
    .action(async (file: string, opts: { rules?: string; json?: boolean }) => {
      let text: string;
      let compiled: CompiledRuleSet;
      try {
        text = await readFile(file, "utf8");
        compiled = await loadRules(opts.rules);
      } catch (err) {
        const detail =
          err instanceof RuleSetError ? err.issues.join("\n  ") : err instanceof Error ? err.message : String(err);
        console.error(`reciprocity score: ${detail}`);
        process.exit(2);
      }
      const parsed = parseMessageText(text, { file: path.basename(file) });
      let toldNotCarried = false;
      for (const [i, record] of parsed.shipments.entries()) {
        const result = scoreShipment(
          compiled,
          factsFromManifest(record, record.billOfLading ?? `${path.basename(file)}#${i + 1}`),
        );
        const hits = result.hits.map((h) => ({ ruleId: h.ruleId, weight: h.weight, explanation: h.explanation }));
        if (opts.json) {
          const notAssessed = result.notAssessed.map((n) => ({
            ruleId: n.ruleId,
            missing: n.missing,
            notInFile: n.notCarried,
          }));
          process.stdout.write(
            `${JSON.stringify({ billOfLading: record.billOfLading ?? null, score: result.score, level: result.level, hits, notAssessed, randomSelected: result.random?.selected ?? false })}\n`,
          );
          continue;
        }
        if (!toldNotCarried) {
          toldNotCarried = true;
          const line = notInFileLine(result);
          if (line) {
            console.log(line);
          }
        }
        console.log(`${record.billOfLading ?? "(no B/L)"}: ${result.score} ${result.level}`);
        for (const h of hits) {
          console.log(`  +${h.weight} ${h.ruleId}: ${h.explanation}`);
        }
      }
      const errors = parsed.diagnostics.filter((d) => d.severity === "error");
      for (const e of errors) {
        console.error(`${e.file ?? file}: ${e.message} [${e.code}]`);
      }
      process.exitCode = errors.length > 0 ? 1 : 0;
    });
}
