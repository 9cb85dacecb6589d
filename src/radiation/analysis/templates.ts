import { TEMPLATES_NAI_2X4X16 } from "../data/templates-2x4x16-nai.ts";
import { TEMPLATES_DETECTIVE_EX } from "../data/templates-detective-ex.ts";
import { TEMPLATES_IDENTIFINDER_NG } from "../data/templates-identifinder-ng.ts";
import { TEMPLATES_RADSEEKER_LABR } from "../data/templates-radseeker-cl-labr.ts";
import { TEMPLATE_SOURCES } from "./nuclide-catalog.ts";
import type { DetectorType } from "./types.ts";

/** One net (background-subtracted) GADRAS source template on the set's energy grid. */
export interface SourceTemplate {
  /** Reference-spectrum name, e.g. "Cs137_Shielded". */
  name: string;
  nuclide: string;
  /** Net counts per bin in `liveTimeS` (negative values clipped to 0). */
  net: number[];
}

/** A detector's template set: energy grid, GADRAS background and source templates. */
export interface TemplateSet {
  folder: string;
  edges: number[];
  liveTimeS: number;
  background: number[];
  templates: SourceTemplate[];
}

/** Raw shipped template module shape. */
interface RawTemplates {
  folder: string;
  edges: string;
  spectra: string;
}

const cache = new Map<string, TemplateSet>();

/** Parses a shipped template module (rows: "name liveTime c0 c1 …"). */
function parseSet(raw: RawTemplates): TemplateSet {
  const rows = new Map<string, { live: number; counts: number[] }>();
  for (const line of raw.spectra.split("\n")) {
    const [name, live, ...counts] = line.split(" ");
    rows.set(name!, { live: Number(live), counts: counts.map(Number) });
  }
  const bg = rows.get("background");
  if (!bg) {
    throw new Error(`template set ${raw.folder} has no background`);
  }
  const templates = TEMPLATE_SOURCES.flatMap((s) => {
    const row = rows.get(s.file);
    if (!row) {
      return [];
    }
    const scale = bg.live / row.live;
    return [
      { name: s.file, nuclide: s.nuclide, net: row.counts.map((c, i) => Math.max(c * scale - bg.counts[i]!, 0)) },
    ];
  });
  return {
    folder: raw.folder,
    edges: raw.edges.split(" ").map(Number),
    liveTimeS: bg.live,
    background: bg.counts,
    templates,
  };
}

/** Loads (once) a template set by module. */
function load(raw: RawTemplates): TemplateSet {
  const hit = cache.get(raw.folder);
  if (hit) {
    return hit;
  }
  const set = parseSet(raw);
  cache.set(raw.folder, set);
  return set;
}

/** Template sets to try for a detector type (NaI tries both the handheld and the 2"×4"×16" response). */
export function templateSetsFor(type: DetectorType): TemplateSet[] {
  switch (type) {
    case "NaI":
      return [load(TEMPLATES_IDENTIFINDER_NG), load(TEMPLATES_NAI_2X4X16)];
    case "NaI-2x4x16":
      return [load(TEMPLATES_NAI_2X4X16)];
    case "LaBr3":
      return [load(TEMPLATES_RADSEEKER_LABR)];
    case "HPGe":
      return [load(TEMPLATES_DETECTIVE_EX)];
  }
}

/** Reference-detector folders of the shipped template sets and the detector type each stands for. */
export const TEMPLATE_DETECTORS: readonly { folder: string; detectorType: DetectorType }[] = [
  { folder: "2x4x16-NaI", detectorType: "NaI-2x4x16" },
  { folder: "IdentiFINDER-NG", detectorType: "NaI" },
  { folder: "RadSeeker-CL-LaBr", detectorType: "LaBr3" },
  { folder: "Detective-EX", detectorType: "HPGe" },
];

/** The shipped template set of a reference-detector folder (e.g. "IdentiFINDER-NG"), if any. */
export function templateSetByFolder(folder: string): TemplateSet | undefined {
  const raw = [TEMPLATES_NAI_2X4X16, TEMPLATES_IDENTIFINDER_NG, TEMPLATES_RADSEEKER_LABR, TEMPLATES_DETECTIVE_EX].find(
    (t) => t.folder === folder,
  );
  return raw ? load(raw) : undefined;
}
