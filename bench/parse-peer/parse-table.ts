// Side-by-side parse time per file: our readRadFile vs SpecUtils (SPECUTILS_BIN, see README.md here),
// optionally vs another checkout's reader (BASELINE_READER). Used by bench/radiation.ts.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { readRadFile } from "../../src/radiation/io/index.ts";

/** One file of the side-by-side parse table (CPU ms per parse). */
interface ParseRow {
  type: string;
  file: string;
  bytes: number;
  oursMs: number;
  baselineMs?: number;
  peerMs?: number;
}

type Reader = (bytes: Uint8Array, name?: string) => unknown;

/** Process CPU ms since `from` (all of this process's threads, so our GC and compiler threads count too). */
function cpuMs(from?: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1000;
}

/**
 * CPU ms per call of fn, robust to a shared machine: warm up for half the budget (at least 3 calls, so
 * the JIT has compiled the readers), then 5 rounds of budget/5 each; the median round's mean per call.
 * Rounds include their GC. CPU rather than wall time, on both sides, because wall time swings with load.
 */
function msPerCall(fn: () => void, budgetMs: number): number {
  for (let n = 0, t0 = performance.now(); n < 3 || performance.now() - t0 < budgetMs / 2; n++) {
    fn();
  }
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    let n = 0;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    while (n < 2 || performance.now() - t0 < budgetMs / 5) {
      fn();
      n++;
    }
    rounds.push(cpuMs(c0) / n);
  }
  return rounds.sort((a, b) => a - b)[2]!;
}

/** SpecUtils CPU ms per parse of one file, or why there is none (never throws: the peer is optional). */
function peerMs(file: string, budgetMs: number): number | string {
  const bin = process.env.SPECUTILS_BIN;
  if (!bin) {
    return "peer not built (see bench/parse-peer/README.md, then set SPECUTILS_BIN)";
  }
  const run = spawnSync(bin, ["--budget-ms", String(budgetMs), file], { encoding: "utf8" });
  if (run.error || run.status !== 0) {
    return `peer failed: ${run.error?.message ?? `exit ${run.status}`}`;
  }
  const [, , cpu, , ok] = run.stdout.trim().split("\t");
  return ok === "ok" ? Number(cpu) : "peer could not read the file";
}

/** readRadFile of another checkout (BASELINE_READER=<its src/radiation/io/read-rad-file.ts>), for a before/after column. */
async function baselineReader(): Promise<Reader | undefined> {
  const file = process.env.BASELINE_READER;
  if (!file) {
    return undefined;
  }
  const mod = (await import(path.resolve(file))) as { readRadFile: Reader };
  return mod.readRadFile;
}

/**
 * What one number[] of 16 384 counts costs to allocate here. V8 puts arrays over 128 KB in its
 * large-object space, on freshly mapped pages, so this is a floor under every 16 k-channel spectrum
 * that depends on the machine's page-fault cost, not on the parser (SpecUtils' 64 KB float vector
 * comes from reused malloc memory).
 */
function largeArrayFloorMs(budgetMs: number): number {
  return msPerCall(() => {
    const a = new Array<number>(16384);
    for (let k = 0; k < a.length; k++) {
      a[k] = k & 63;
    }
  }, budgetMs);
}

/**
 * Prints parse time per file, ours vs SpecUtils (and a baseline reader if given), grouped by type
 * (the folder under `raddata`). The peer runs file by file just before ours so both see the same load.
 */
export async function benchParseTable(files: readonly string[], raddata: string, quick: boolean): Promise<void> {
  const budgetMs = quick ? 20 : 300;
  const baseline = await baselineReader();
  // Steady state: let the JIT compile every reader before anything is timed (compiling runs on
  // background threads whose CPU time would otherwise land on the first files measured).
  const all = files.map((p) => ({ bytes: readFileSync(p), name: path.basename(p) }));
  for (const t0 = performance.now(); performance.now() - t0 < (quick ? 300 : 3000);) {
    all.forEach((f) => {
      readRadFile(f.bytes, f.name);
      baseline?.(f.bytes, f.name);
    });
  }
  const notes = new Set<string>();
  const rows: ParseRow[] = all.map(({ bytes, name }, i) => {
    const type = path.relative(raddata, files[i]!).split(path.sep)[0]!;
    const peer = peerMs(files[i]!, budgetMs);
    if (typeof peer === "string") {
      notes.add(peer);
    }
    const oursMs = msPerCall(() => readRadFile(bytes, name), budgetMs);
    const baselineMs = baseline ? msPerCall(() => baseline(bytes, name), budgetMs) : undefined;
    return {
      type,
      file: name,
      bytes: bytes.length,
      oursMs,
      ...(baselineMs !== undefined ? { baselineMs } : {}),
      ...(typeof peer === "number" ? { peerMs: peer } : {}),
    };
  });
  const w = Math.min(Math.max(...rows.map((r) => r.file.length)), 56);
  const fmt = (ms: number | undefined): string => (ms === undefined ? "—" : ms.toFixed(3)).padStart(9);
  const ratio = (r: { oursMs: number; peerMs?: number }): string =>
    r.peerMs === undefined || r.peerMs <= 0 ? "" : `${(r.oursMs / r.peerMs).toFixed(2)}×`;
  const before = (r: { baselineMs?: number }): string => (baseline ? ` | ${fmt(r.baselineMs)}` : "");
  console.log(
    `\nparse CPU ms per file, steady state (${quick ? "--quick, " : ""}median of 5 rounds over ${budgetMs} ms after warm-up, one thread), ours vs SpecUtils`,
  );
  for (const n of notes) {
    console.log(n);
  }
  console.log(`${"file".padEnd(w)} |     size${baseline ? " | before ms" : ""} |   ours ms | SpecUtils | ours/peer`);
  for (const type of [...new Set(rows.map((r) => r.type))]) {
    const group = rows.filter((r) => r.type === type);
    console.log(`${`— ${type}`.padEnd(w)} |`);
    for (const r of group) {
      console.log(
        `${r.file.slice(0, w).padEnd(w)} | ${(r.bytes / 1024).toFixed(1).padStart(5)} KB${before(r)} | ${fmt(r.oursMs)} | ${fmt(r.peerMs)} | ${ratio(r)}`,
      );
    }
    const both = group.filter((r) => r.peerMs !== undefined);
    if (group.length > 1 && both.length > 0) {
      const sum = (f: (r: ParseRow) => number | undefined): number => both.reduce((a, r) => a + (f(r) ?? 0), 0);
      const total = {
        oursMs: sum((r) => r.oursMs),
        peerMs: sum((r) => r.peerMs),
        baselineMs: sum((r) => r.baselineMs),
      };
      console.log(
        `${`  total (${both.length} files)`.padEnd(w)} |         ${before(total)} | ${fmt(total.oursMs)} | ${fmt(total.peerMs)} | ${ratio(total)}`,
      );
    }
  }
  console.log(
    `floor here: allocating one 16 384-element number[] (V8 large-object space) = ${largeArrayFloorMs(budgetMs).toFixed(3)} ms`,
  );
}
