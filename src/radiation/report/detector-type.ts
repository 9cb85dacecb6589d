import type { DetectorType } from "../analysis/types.ts";
import type { RadFile } from "../model.ts";

/** Accepted `--detector` spellings (lower case) → detector type. */
const ALIASES: Record<string, DetectorType> = {
  nai: "NaI",
  "nai-handheld": "NaI",
  "identifinder-ng": "NaI",
  csi: "NaI",
  "nai-2x4x16": "NaI-2x4x16",
  "2x4x16": "NaI-2x4x16",
  "2x4x16-nai": "NaI-2x4x16",
  labr3: "LaBr3",
  labr: "LaBr3",
  "radseeker-cl-labr": "LaBr3",
  hpge: "HPGe",
  ge: "HPGe",
  "detective-ex": "HPGe",
};

/** Names accepted by parseDetectorName (for help texts). */
export const DETECTOR_NAMES = ["NaI", "NaI-2x4x16", "LaBr3", "HPGe"] as const;

/** Detector type of a user-given name (case-insensitive, a few aliases), or undefined. */
export function parseDetectorName(name: string): DetectorType | undefined {
  return ALIASES[name.trim().toLowerCase()];
}

/** Ordered text patterns: the first match over the instrument/detector wording decides. */
const PATTERNS: [RegExp, DetectorType][] = [
  [/hpge|germanium|detective|falcon|fulcrum|\bge\b/i, "HPGe"],
  [/labr|lanthanum|radseeker/i, "LaBr3"],
  [/2x4x16/i, "NaI-2x4x16"],
  [/\bnai|sodium iodide|identifinder|digibase|\bcsi\b|\bcsi\(|nai\(tl\)/i, "NaI"],
];

/** How the detector type was decided. */
export type DetectorTypeSource = "option" | "instrument" | "channels";

/**
 * Detector type of a file: the override if given, else from the instrument model/manufacturer and detector
 * descriptions/materials, else from the channel count (≥ 4096 channels → HPGe, otherwise NaI).
 */
export function detectorTypeOf(
  file: RadFile,
  override?: DetectorType,
): { type: DetectorType; source: DetectorTypeSource } {
  if (override) {
    return { type: override, source: "option" };
  }
  const i = file.instrument;
  const words = [
    i.model,
    i.manufacturer,
    i.classCode ?? "",
    ...file.detectors.flatMap((d) => [d.description, d.material ?? "", d.name]),
  ].join(" ");
  const hit = PATTERNS.find(([re]) => re.test(words));
  if (hit) {
    return { type: hit[1], source: "instrument" };
  }
  const channels = Math.max(0, ...file.measurements.map((m) => m.spectrum?.counts.length ?? 0));
  return { type: channels >= 4096 ? "HPGe" : "NaI", source: "channels" };
}
