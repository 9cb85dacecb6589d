// Labeled-set evaluation shared by the test and by manual threshold sweeps:
//   node --import tsx test/screening/evaluate.ts   → prints P/R/F1 per threshold and the misses at the default.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  createScreener,
  DEFAULT_THRESHOLD,
  loadShippedLists,
  type EntityType,
  type Screener,
} from "../../src/screening/index.ts";

/** One labeled query: expected ids ("SDN:11609"), empty for a must-not-alert negative. */
export interface LabeledRow {
  query: string;
  expected: string[];
  type?: EntityType;
  country?: string;
  imo?: string;
  note: string;
}

/** Confusion counts and the derived metrics, plus the rows that went wrong. */
export interface Evaluation {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  precision: number;
  recall: number;
  f1: number;
  extraAlerts: number;
  misses: string[];
}

/** Reads test/screening/labeled-names.tsv. */
export function readLabeled(path = fileURLToPath(new URL("./labeled-names.tsv", import.meta.url))): LabeledRow[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.startsWith("#"))
    .map((line) => {
      const [query = "", expected = "-", type = "", country = "", imo = "", note = ""] = line.split("\t");
      const row: LabeledRow = { query, expected: expected === "-" ? [] : expected.split("|"), note };
      if (type) {
        row.type = type as EntityType;
      }
      if (country) {
        row.country = country;
      }
      if (imo) {
        row.imo = imo;
      }
      return row;
    });
}

/**
 * Query-level scoring (what an analyst sees): a positive is a TP when one of its expected ids alerts, else a FN;
 * a query is a FP when it alerts but none of its alerts is expected (every alerting negative; a positive that only
 * hits the wrong party is FN + FP); a negative without alerts is a TN. Alerts on related parties next to the right
 * one ("KOBE YAMAGUCHI-GUMI" for "Yamaguchi Gumi") are counted in `extraAlerts`, not as FP.
 */
export function evaluate(screener: Screener, rows: LabeledRow[], threshold = DEFAULT_THRESHOLD): Evaluation {
  const e: Evaluation = { tp: 0, fp: 0, fn: 0, tn: 0, precision: 0, recall: 0, f1: 0, extraAlerts: 0, misses: [] };
  for (const row of rows) {
    const { matches } = screener.screen(
      {
        name: row.query,
        ...(row.type ? { type: row.type } : {}),
        ...(row.country ? { country: row.country } : {}),
        ...(row.imo ? { imo: row.imo } : {}),
      },
      { threshold, topK: 5 },
    );
    const ids = matches.map((m) => `${m.list}:${m.id}`);
    const wrong = matches.filter((m) => !row.expected.includes(`${m.list}:${m.id}`));
    const isHit = ids.some((id) => row.expected.includes(id));
    if (row.expected.length > 0 && isHit) {
      e.tp++;
      e.extraAlerts += wrong.length;
      continue;
    }
    if (row.expected.length > 0) {
      e.fn++;
      e.misses.push(`FN ${row.query} → expected ${row.expected.join("|")}`);
    } else if (matches.length === 0) {
      e.tn++;
    }
    if (wrong.length > 0) {
      e.fp++;
      e.misses.push(`FP ${row.query} → ${wrong.map((m) => `${m.list}:${m.id} ${m.name} ${m.score}`).join("; ")}`);
    }
  }
  e.precision = e.tp + e.fp === 0 ? 1 : e.tp / (e.tp + e.fp);
  e.recall = e.tp + e.fn === 0 ? 1 : e.tp / (e.tp + e.fn);
  e.f1 = e.precision + e.recall === 0 ? 0 : (2 * e.precision * e.recall) / (e.precision + e.recall);
  return e;
}

/** Lists every row's best score (diagnostics for tuning). */
export function bestScores(screener: Screener, rows: LabeledRow[]): string[] {
  return rows.map((row) => {
    const best = screener.screen(
      { name: row.query, ...(row.type ? { type: row.type } : {}), ...(row.imo ? { imo: row.imo } : {}) },
      { threshold: 0, topK: 1 },
    ).matches[0];
    const label = row.expected.length ? "POS" : "NEG";
    const hit = best && row.expected.includes(`${best.list}:${best.id}`) ? "ok " : "   ";
    return `${label} ${hit}${(best?.score ?? 0).toFixed(3)}  ${row.query}  →  ${best ? `${best.list}:${best.id} ${best.matched}` : "-"}`;
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const screener = createScreener(loadShippedLists().entries);
  const rows = readLabeled();
  if (process.argv.includes("--scores")) {
    console.log(bestScores(screener, rows).join("\n"));
  }
  for (let t = 0.6; t <= 0.951; t += 0.025) {
    const e = evaluate(screener, rows, t);
    console.log(
      `t=${t.toFixed(3)} P=${e.precision.toFixed(3)} R=${e.recall.toFixed(3)} F1=${e.f1.toFixed(3)} tp=${e.tp} fp=${e.fp} fn=${e.fn} tn=${e.tn}`,
    );
  }
  console.log(evaluate(screener, rows).misses.join("\n"));
}
