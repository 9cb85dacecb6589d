/** Minimal local readers for the ID regression files (used only until/unless src/radiation/io readers are wired in). */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { channelEdgeEnergies, type EnergyCalibration } from "../../src/radiation/model.ts";
import type { SpectrumData } from "../../src/radiation/analysis/types.ts";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Absolute path of a file under ../shared/raddata. */
export function raddataPath(rel: string): string {
  return path.resolve(repoRoot, "../shared/raddata", rel);
}

/** Numbers of a whitespace list. */
function numbers(s: string | undefined): number[] {
  return (s ?? "").trim().split(/\s+/).filter(Boolean).map(Number);
}

/** Expands N42 CountedZeroes. */
function expandZeros(v: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < v.length; i++) {
    if (v[i] === 0 && (v[i + 1] ?? 0) > 0) {
      out.push(...new Array<number>(Math.round(v[i + 1]!)).fill(0));
      i++;
    } else {
      out.push(v[i]!);
    }
  }
  return out;
}

/** Reads a RASE N42-2006 base spectrum (single spectrum, polynomial calibration). */
export function readRaseSpectrum(rel: string): SpectrumData {
  const xml = readFileSync(raddataPath(rel), "utf8");
  const live = Number(/<LiveTime[^>]*>PT([\d.]+)S/.exec(xml)?.[1]);
  const cal: EnergyCalibration = { kind: "polynomial", coefficients: numbers(/<Coefficients>([^<]*)</.exec(xml)?.[1]) };
  const counts = numbers(/<ChannelData[^>]*>([^<]*)</.exec(xml)?.[1]);
  return { counts, edges: channelEdgeEnergies(cal, counts.length), liveTimeS: live };
}

/** Reads spectrum `index` of an N42-2012 file with one shared energy calibration (deviation pairs honoured). */
export function readN42Spectrum(rel: string, index = 0): SpectrumData {
  const xml = readFileSync(raddataPath(rel), "utf8");
  const ev = numbers(/<EnergyValues>([^<]*)</.exec(xml)?.[1]);
  const dv = numbers(/<EnergyDeviationValues>([^<]*)</.exec(xml)?.[1]);
  const cal: EnergyCalibration = {
    kind: "polynomial",
    coefficients: numbers(/<CoefficientValues>([^<]*)</.exec(xml)?.[1]),
    deviationPairs: ev.map((e, i) => [e, dv[i] ?? 0]),
  };
  const lives = [...xml.matchAll(/<LiveTimeDuration>PT([\d.]+)S/g)].map((m) => Number(m[1]));
  const data = [...xml.matchAll(/<ChannelData([^>]*)>([^<]*)</g)][index]!;
  const raw = numbers(data[2]);
  const counts = data[1]!.includes("CountedZeroes") ? expandZeros(raw) : raw;
  return { counts, edges: channelEdgeEnergies(cal, counts.length), liveTimeS: lives[index]! };
}
