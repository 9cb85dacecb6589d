import { TEMPLATE_SOURCES } from "../analysis/nuclide-catalog.ts";
import { createRng, samplePoisson, type Rng } from "../analysis/random.ts";
import { TEMPLATE_DETECTORS, templateSetByFolder, type TemplateSet } from "../analysis/templates.ts";
import { writeN42_2012 } from "../io/n42-writer.ts";
import type { Measurement, RadFile } from "../model.ts";

/** One source in a handheld acquisition: a GADRAS template (by name, or a nuclide's first template) and its strength. */
export interface HandheldSource {
  /** Nuclide (`Cs-137`) — its first shipped template — or an explicit template name (`Cs137_Shielded`). */
  nuclide?: string;
  template?: string;
  /** Strength relative to the GADRAS reference source (1 = the reference spectrum's count rate). */
  scale?: number;
}

/** Options of the handheld-spectrum generator. */
export interface SyntheticHandheldOptions {
  /** Reference detector: "IdentiFINDER-NG" (NaI), "2x4x16-NaI", "RadSeeker-CL-LaBr" (LaBr3), "Detective-EX" (HPGe). */
  detector: string;
  sources: HandheldSource[];
  liveTimeS: number;
  seed: number;
  /** Live time of the background measurement written alongside (s); 0 writes none. Default 300. */
  backgroundLiveTimeS?: number;
  /** Background strength relative to the GADRAS background (default 1). */
  backgroundScale?: number;
  startTime?: string;
}

/** What was simulated. */
export interface HandheldTruth {
  detector: string;
  nuclides: string[];
  templates: string[];
  liveTimeS: number;
  seed: number;
}

/** Instrument wording per reference detector (read back by the detector-type detection of analyzeRadFile). */
const MATERIAL: Record<string, { material: string; description: string }> = {
  "2x4x16-NaI": { material: "NaI", description: "2x4x16 NaI(Tl) log" },
  "IdentiFINDER-NG": { material: "NaI", description: "NaI(Tl) handheld RIID" },
  "RadSeeker-CL-LaBr": { material: "LaBr3", description: "LaBr3(Ce) handheld RIID" },
  "Detective-EX": { material: "HPGe", description: "HPGe handheld (mechanically cooled)" },
};

/** Resolves a source to its template (throws on unknown names so scenarios fail loudly). */
function templateOf(set: TemplateSet, s: HandheldSource): { name: string; nuclide: string; net: number[] } {
  const name = s.template ?? TEMPLATE_SOURCES.find((t) => t.nuclide === s.nuclide)?.file;
  const t = set.templates.find((x) => x.name === name);
  if (!t) {
    throw new Error(`no template ${name ?? s.nuclide ?? "?"} for ${set.folder}`);
  }
  return t;
}

/** Poisson-samples an expected spectrum (counts per 1800 s reference) for a live time. */
function sample(rng: Rng, expected: readonly number[], refLive: number, liveTimeS: number): number[] {
  return expected.map((m) => samplePoisson(rng, (m * liveTimeS) / refLive));
}

/** One spectrum measurement on the template grid. */
function measurement(
  id: string,
  cls: Measurement["class"],
  counts: number[],
  edges: number[],
  liveTimeS: number,
  start: string,
): Measurement {
  return {
    id,
    detector: "Gamma1",
    class: cls,
    startTime: start,
    realTimeS: liveTimeS,
    liveTimeS,
    spectrum: { counts, calibration: { kind: "lowerChannelEdge", coefficients: [], channelEdges: edges } },
  };
}

/** Poisson-sampled handheld spectrum (and background) from the shipped GADRAS templates, as a RadFile. */
export function synthesizeHandheldFile(o: SyntheticHandheldOptions): { file: RadFile; truth: HandheldTruth } {
  const set = templateSetByFolder(o.detector);
  if (!set) {
    throw new Error(
      `unknown reference detector ${o.detector} (known: ${TEMPLATE_DETECTORS.map((d) => d.folder).join(", ")})`,
    );
  }
  const rng = createRng(o.seed);
  const bgScale = o.backgroundScale ?? 1;
  const templates = o.sources.map((s) => ({ t: templateOf(set, s), scale: s.scale ?? 1 }));
  const expected = set.background.map(
    (b, i) => bgScale * b + templates.reduce((acc, x) => acc + x.scale * x.t.net[i]!, 0),
  );
  const start = o.startTime ?? "2026-01-05T09:00:00.000Z";
  const measurements = [
    measurement(
      "Foreground",
      "foreground",
      sample(rng, expected, set.liveTimeS, o.liveTimeS),
      set.edges,
      o.liveTimeS,
      start,
    ),
  ];
  const bgLive = o.backgroundLiveTimeS ?? 300;
  if (bgLive > 0) {
    const bg = sample(
      rng,
      set.background.map((b) => bgScale * b),
      set.liveTimeS,
      bgLive,
    );
    measurements.push(measurement("Background", "background", bg, set.edges, bgLive, start));
  }
  const m = MATERIAL[set.folder]!;
  const file: RadFile = {
    format: "n42-2012",
    instrument: {
      manufacturer: "Reciprocity synthetic",
      model: `${set.folder}-simulated`,
      serial: "SIM-1",
      type: "handheld",
      classCode: "Radionuclide Identifier",
    },
    detectors: [{ name: "Gamma1", kind: "gamma", material: m.material, description: m.description }],
    measurements,
    warnings: [],
  };
  const truth = {
    detector: set.folder,
    nuclides: templates.map((x) => x.t.nuclide),
    templates: templates.map((x) => x.t.name),
    liveTimeS: o.liveTimeS,
    seed: o.seed,
  };
  return { file, truth };
}

/** Poisson-sampled handheld spectrum as N42-2012 bytes plus what was simulated. */
export function synthesizeHandheldN42(o: SyntheticHandheldOptions): {
  bytes: Uint8Array;
  file: RadFile;
  truth: HandheldTruth;
} {
  const { file, truth } = synthesizeHandheldFile(o);
  const xml = writeN42_2012(file, { createdAt: o.startTime ?? "2026-01-05T09:00:00.000Z" });
  return { bytes: new TextEncoder().encode(xml), file, truth };
}
