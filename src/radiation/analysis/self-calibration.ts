/**
 * Energy calibration from a spectrum's own natural lines, for files that carry none: K-40
 * (1460.8 keV) and Tl-208 (2614.5 keV) are in every measurement on Earth, and their fixed energy
 * ratio pins a gain that one strong source peak could not.
 */
import { fwhmAt, type FwhmModel } from "./calibration.ts";
import { fitRoi } from "./peak-fit.ts";

/** A gain fitted from natural lines, with the peaks it rests on (the fit, as shown to the user). */
export interface SelfCalibration {
  /** Energy = offset + gain × channel (keV). */
  offsetKeV: number;
  gainKeVPerChannel: number;
  lines: { name: string; energyKeV: number; channel: number; significance: number }[];
}

const NATURAL_LINES = [
  { name: "K-40", energy: 1460.8 },
  { name: "Tl-208", energy: 2614.5 },
] as const;

/** Largest offset (keV) a fitted calibration may have. */
const MAX_OFFSET_KEV = 150;

/** Gains tried, keV per channel: 0.3 to 12 in steps of 1 %. */
const GAINS = Array.from({ length: Math.ceil(Math.log(40) / Math.log(1.01)) }, (_, i) => 0.3 * 1.01 ** i);

/** Net counts over side bands, in σ, of a window of `width` channels centred on `centre`. */
function windowSignificance(counts: readonly number[], centre: number, width: number): number {
  const half = Math.max(1, Math.round(width / 2));
  const c = Math.round(centre);
  if (c - 3 * half < 0 || c + 3 * half >= counts.length) {
    return 0;
  }
  const sum = (a: number, b: number): number => {
    let s = 0;
    for (let i = a; i <= b; i++) {
      s += counts[i]!;
    }
    return s;
  };
  const peak = sum(c - half, c + half);
  const sides = (sum(c - 3 * half, c - half - 1) + sum(c + half + 1, c + 3 * half)) / 2;
  return (peak - sides) / Math.sqrt(Math.max(peak + sides, 1));
}

/**
 * Fits energy = offset + gain × channel from K-40 and Tl-208 (found first on a gain through zero),
 * or returns null when the spectrum does not
 * show both clearly (then nothing should be identified on it).
 */
export function selfCalibrate(counts: readonly number[], fwhm: FwhmModel): SelfCalibration | null {
  let best: { gain: number; score: number } | undefined;
  for (const gain of GAINS) {
    // Both lines must be inside the spectrum with room for their side bands.
    const sig = NATURAL_LINES.map((l) =>
      windowSignificance(counts, l.energy / gain, (1.2 * fwhmAt(fwhm, l.energy)) / gain),
    );
    const score = Math.min(...sig);
    if (!best || score > best.score) {
      best = { gain, score };
    }
  }
  if (!best || best.score < 4) {
    return null;
  }
  const edges = Array.from({ length: counts.length + 1 }, (_, i) => i);
  const lines: SelfCalibration["lines"] = [];
  for (const l of NATURAL_LINES) {
    const centre = l.energy / best.gain;
    const width = fwhmAt(fwhm, l.energy) / best.gain;
    const fit = fitRoi(
      { counts, edges, liveTimeS: 1 },
      {
        start: Math.max(0, Math.floor(centre - 2.5 * width)),
        end: Math.min(counts.length, Math.ceil(centre + 2.5 * width)),
        centroids: [centre],
        sigma: width / 2.3548,
      },
    );
    const peak = fit.peaks[0];
    const significance = peak && peak.areaUncertainty > 0 ? peak.area / peak.areaUncertainty : 0;
    if (!peak || significance < 5 || Math.abs(peak.channel - centre) > width) {
      return null;
    }
    lines.push({
      name: l.name,
      energyKeV: l.energy,
      channel: Math.round(peak.channel * 100) / 100,
      significance: Math.round(significance * 10) / 10,
    });
  }
  // Offset and gain through the two centroids; a scintillator's offset is small, so a large one
  // means the two peaks are something else.
  const [k, t] = lines as [SelfCalibration["lines"][number], SelfCalibration["lines"][number]];
  const gain = (t.energyKeV - k.energyKeV) / (t.channel - k.channel);
  const offset = k.energyKeV - gain * k.channel;
  if (!(gain > 0) || Math.abs(offset) > MAX_OFFSET_KEV) {
    return null;
  }
  return { offsetKeV: Math.round(offset * 100) / 100, gainKeVPerChannel: Math.round(gain * 1e5) / 1e5, lines };
}
