import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const repo = path.resolve(import.meta.dirname, "../..");

/** The shared real trade data beside the clone (see its MANIFEST.md). */
export const TRADEDATA = path.resolve(repo, "../shared/tradedata");

/** Real carrier files kept in the repository until they join the shared data (see its MANIFEST.md). */
export const REAL_SAMPLES = path.resolve(repo, "test/trade/real");

/** One real carrier file. */
export interface TradeSample {
  name: string;
  path: string;
  text: string;
}

/**
 * Every real carrier file the trade library reads: the EDIFACT and X12 folders of the shared
 * trade data, then test/trade/real, each file once by content (so a file that moves to the
 * shared folder is not read twice).
 */
export function realTradeSamples(): TradeSample[] {
  const seen = new Set<string>();
  const samples: TradeSample[] = [];
  for (const dir of [path.join(TRADEDATA, "edifact"), path.join(TRADEDATA, "x12"), REAL_SAMPLES]) {
    if (!existsSync(dir)) {
      continue;
    }
    for (const name of readdirSync(dir)
      .filter((n) => /\.(edi|x12|csv|txt)$/i.test(n))
      .sort()) {
      const file = path.join(dir, name);
      const bytes = readFileSync(file);
      const digest = createHash("sha256").update(bytes).digest("hex");
      if (seen.has(digest)) {
        continue;
      }
      seen.add(digest);
      samples.push({ name, path: file, text: bytes.toString("utf8") });
    }
  }
  return samples;
}

/** The real departure bay plan of 642 cells (DEL MONTE ROSE, voyage 092025, CRMOB, 2025-02-23). */
export function realBayPlan(): TradeSample {
  const sample = realTradeSamples().find((s) => s.text.includes("BAPLIE:D:95B") && s.text.includes("DEL MONTE ROSE"));
  if (!sample) {
    throw new Error(`the real BAPLIE of 642 cells is in neither ${TRADEDATA} nor ${REAL_SAMPLES}`);
  }
  return sample;
}
