/**
 * Photopeak components from nuclear data: for each library nuclide, its gamma and x-ray lines as
 * Gaussian peaks with the detector's energy-dependent resolution FWHM(E), each weighted by
 * yield × full-energy-peak efficiency, on a template set's energy grid. They stand beside the
 * simulated GADRAS responses in the full-spectrum fit, so a source seen through a different
 * shielding than any template (its low-energy lines stronger or weaker) is still explained by its
 * own lines, and a nuclide's peaks weigh in the fit at the detector's real resolution.
 */
import { defaultFwhmModel, fwhmAt, type FwhmModel } from "./calibration.ts";
import { getNuclideLibrary, peakEfficiency } from "./nuclide-library.ts";
import { normalCdf } from "./special.ts";
import type { DetectorType } from "./types.ts";

/** A nuclide's photopeak component: expected counts per bin for unit total (before any cut). */
export interface LineComponent {
  name: string;
  nuclide: string;
  net: number[];
}

/** Lines below this fraction of a nuclide's strongest (yield × efficiency) are left out. */
const MIN_RELATIVE = 0.01;

/** Photopeak component of every library nuclide on a grid (bin edges, keV), for a detector type. */
export function lineComponents(
  edges: readonly number[],
  type: DetectorType,
  minEnergy: number,
  fwhm: FwhmModel = defaultFwhmModel(type),
): LineComponent[] {
  const nBins = edges.length - 1;
  return getNuclideLibrary().flatMap((n) => {
    const lines = n.lines
      .filter((l) => l.energy >= minEnergy && l.energy < edges[nBins]!)
      .map((l) => ({ energy: l.energy, weight: l.intensity * peakEfficiency(type, l.energy) }));
    const strongest = Math.max(0, ...lines.map((l) => l.weight));
    if (strongest <= 0) {
      return [];
    }
    const net = new Array<number>(nBins).fill(0);
    for (const l of lines) {
      if (l.weight < MIN_RELATIVE * strongest) {
        continue;
      }
      const sigma = fwhmAt(fwhm, l.energy) / 2.3548;
      // Bins within ±5σ of the line get the Gaussian's integral over the bin.
      let lo = 0;
      let hi = nBins;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (edges[mid]! <= l.energy - 5 * sigma) {
          lo = mid;
        } else {
          hi = mid;
        }
      }
      for (let i = lo; i < nBins && edges[i]! < l.energy + 5 * sigma; i++) {
        const p = normalCdf((edges[i + 1]! - l.energy) / sigma) - normalCdf((edges[i]! - l.energy) / sigma);
        net[i]! += l.weight * Math.max(p, 0);
      }
    }
    return [{ name: `${n.name} lines`, nuclide: n.name, net }];
  });
}
