/**
 * Developer tool (not imported by the library): regenerates the shipped data modules in this folder from
 * the curated public data in ../shared/raddata (see SOURCES.md). Run: `npx tsx src/radiation/data/build-data.ts`.
 */
import { readFileSync, writeFileSync, readdirSync } from "node:fs";
import { inflateSync } from "node:zlib";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { channelToEnergy, type EnergyCalibration } from "../model.ts";
import { DETECTOR_SETS, NUCLIDE_SPECS, TEMPLATE_SOURCES } from "./build-spec.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const raddata = path.resolve(here, "../../../../shared/raddata");

/** A decoded RADDATA URI spectrum. */
interface UriSpectrum {
  counts: number[];
  calibration: EnergyCalibration;
  liveTimeS: number;
}

/** Decodes stream-vbyte channel data (uint16 count, 2-bit length codes, little-endian values). */
function decodeStreamVByte(bytes: Buffer, start: number): number[] {
  const n = bytes.readUInt16LE(start);
  const ctrl = start + 2;
  let pos = ctrl + Math.ceil(n / 4);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const len = ((bytes[ctrl + (i >> 2)]! >> ((i & 3) * 2)) & 3) + 1;
    let v = 0;
    for (let b = len - 1; b >= 0; b--) {
      v = v * 256 + bytes[pos + b]!;
    }
    out.push(v);
    pos += len;
  }
  return out;
}

/** Counted-zero expansion: a 0 followed by N means N zeros. */
function expandZeros(values: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const next = values[i + 1];
    if (v === 0 && next !== undefined && next > 0) {
      for (let k = 0; k < Math.round(next); k++) {
        out.push(0);
      }
      i++;
    } else {
      out.push(v);
    }
  }
  return out;
}

/** Reads one `RADDATA://G0/1000/...` file (opts 0x10: deflated, base64url, zero-compressed). */
function readUri(file: string): UriSpectrum {
  const text = readFileSync(file, "utf8").trim();
  const payload = text.slice(text.indexOf("/", "RADDATA://G0/".length) + 1);
  const raw = inflateSync(Buffer.from(payload, "base64url"));
  const sIdx = raw.indexOf(" S:");
  const head = raw.subarray(0, sIdx).toString("latin1");
  const field = (key: string): string => (head.match(new RegExp(`(?:^| )${key}:(\\S+)`))?.[1] ?? "");
  const coefficients = field("C").split(/[,$]/).filter(Boolean).map(Number);
  const devFlat = field("D").split(/[,$]/).filter(Boolean).map(Number);
  const deviationPairs: [number, number][] = [];
  for (let i = 0; i + 1 < devFlat.length; i += 2) {
    deviationPairs.push([devFlat[i]!, devFlat[i + 1]!]);
  }
  const liveTimeS = Number(field("T").split(",")[1] ?? "0");
  const counts = expandZeros(decodeStreamVByte(raw, sIdx + 3));
  return { counts, calibration: { kind: "polynomial", coefficients, deviationPairs }, liveTimeS };
}

/** Redistributes channel counts into energy bins by linear overlap. */
function rebin(spec: UriSpectrum, edges: number[]): number[] {
  const n = spec.counts.length;
  const out = new Array<number>(edges.length - 1).fill(0);
  let b = 0;
  for (let ch = 0; ch < n; ch++) {
    const lo = channelToEnergy(spec.calibration, ch, n);
    const hi = channelToEnergy(spec.calibration, ch + 1, n);
    const c = spec.counts[ch]!;
    if (c === 0 || hi <= lo) {
      continue;
    }
    while (b > 0 && edges[b]! > lo) {
      b--;
    }
    for (let k = b; k < edges.length - 1 && edges[k]! < hi; k++) {
      const ov = Math.min(hi, edges[k + 1]!) - Math.max(lo, edges[k]!);
      if (ov > 0) {
        out[k]! += (c * ov) / (hi - lo);
      }
      b = k;
    }
  }
  return out;
}

/** Bin edges from eMin to eMax with width = clamp(fraction·FWHM(E), minWidth). */
function makeEdges(fwhmAt662: number, power: number, minWidth: number, fraction: number): number[] {
  const edges = [20];
  while (edges[edges.length - 1]! < 3000) {
    const e = edges[edges.length - 1]!;
    const fwhm = fwhmAt662 * Math.pow(Math.max(e, 30) / 661.7, power);
    edges.push(Math.round((e + Math.max(minWidth, fraction * fwhm)) * 100) / 100);
  }
  return edges;
}

/** Writes the template module of one detector set. */
function buildTemplates(): void {
  for (const set of DETECTOR_SETS) {
    const edges = makeEdges(set.fwhm662, set.power, set.minWidth, 0.5);
    const dir = path.join(raddata, "reference-spectra/raddata-uri", set.folder);
    const files = new Set(readdirSync(dir));
    const lines: string[] = [];
    for (const name of ["background", ...TEMPLATE_SOURCES.map((s) => s.file)]) {
      if (!files.has(`${name}.txt`)) {
        continue;
      }
      const spec = readUri(path.join(dir, `${name}.txt`));
      const binned = rebin(spec, edges).map((v) => Math.round(v));
      lines.push(`${name} ${spec.liveTimeS} ${binned.join(" ")}`);
    }
    const body = [
      `/** GADRAS v19 reference spectra (InterSpec Common_Field_Nuclides, ${set.folder}), rebinned; see SOURCES.md. */`,
      `export const TEMPLATES_${set.id} = {`,
      `  folder: ${JSON.stringify(set.folder)},`,
      `  edges: ${JSON.stringify(edges.join(" "))},`,
      `  spectra: ${JSON.stringify(lines.join("\n"))},`,
      `};`,
      ``,
    ].join("\n");
    writeFileSync(path.join(here, `templates-${set.folder.toLowerCase()}.ts`), body);
  }
}

/** Writes the compact gamma-line module from PhotoPeak.lis. */
function buildLines(): void {
  const text = readFileSync(path.join(raddata, "nuclide-data/interspec_PhotoPeak.lis"), "utf8");
  const byNuclide = new Map<string, [number, number][]>();
  for (const row of text.split("\n")) {
    const f = row.trim().split(/\s+/);
    if (f.length < 4 || f[2] === "se" || f[2] === "de") {
      continue;
    }
    const list = byNuclide.get(f[1]!) ?? [];
    list.push([Number(f[0]), Number(f[2])]);
    byNuclide.set(f[1]!, list);
  }
  const out: string[] = [];
  for (const spec of NUCLIDE_SPECS) {
    const all = (byNuclide.get(spec.lisName) ?? []).filter(([e]) => e >= 20);
    const maxY = Math.max(...all.map(([, y]) => y));
    const kept = all
      .filter(([, y]) => y >= 0.01 * maxY)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 30)
      .sort((a, b) => a[0] - b[0]);
    out.push(`${spec.lisName} ${kept.map(([e, y]) => `${e}:${y}`).join(" ")}`);
  }
  const body = [
    `/** Gamma/x-ray lines (keV:yield % per parent decay, equilibrium progeny included) from InterSpec PhotoPeak.lis; see SOURCES.md. */`,
    `export const NUCLIDE_LINES_TEXT = ${JSON.stringify(out.join("\n"))};`,
    ``,
  ].join("\n");
  writeFileSync(path.join(here, "nuclide-lines.ts"), body);
}

/** Writes full-energy-peak efficiency tables of the GADRAS generic detectors. */
function buildEfficiency(): void {
  const out: string[] = [];
  for (const name of ["NaI_3x3", "NaI_2x2", "LaBr_10pct", "HPGe_40pct"]) {
    const csv = readFileSync(path.join(raddata, "detector-response/gadras_generic", name, "Efficiency.csv"), "utf8");
    const pts = csv
      .split("\n")
      .slice(2)
      .map((r) => r.split(","))
      .filter((f) => f.length > 2)
      .map((f) => `${f[0]}:${f[1]}`);
    out.push(`${name} ${pts.join(" ")}`);
  }
  const body = [
    `/** GADRAS generic detectors: full-energy peak efficiency (%) vs energy (keV); see SOURCES.md. */`,
    `export const PEAK_EFFICIENCY_TEXT = ${JSON.stringify(out.join("\n"))};`,
    ``,
  ].join("\n");
  writeFileSync(path.join(here, "peak-efficiency.ts"), body);
}

buildLines();
buildEfficiency();
buildTemplates();
