import type { Occupancy } from "../model.ts";
import type { PortalRecord } from "./portal-types.ts";

/** Side of a detector from its DNDO-style name (A…/B…), alternating A/B when the name does not say. */
function sideOf(name: string, index: number): "A" | "B" {
  if (/^a/i.test(name)) {
    return "A";
  }
  if (/^b/i.test(name)) {
    return "B";
  }
  return index % 2 === 0 ? "A" : "B";
}

/** Whole-range window used when a file has gross counts only. */
const GROSS_WINDOW: [number, number] = [0, 3000];

/**
 * Converts an occupancy read from a file into the portal-analysis input. Per-window gamma counts are used when
 * the file has them (N42 `EnergyWindows`), otherwise each panel has one gross window. Samples without an
 * occupancy indicator count as occupied.
 */
export function occupancyToPortalRecord(o: Occupancy): PortalRecord {
  const gNames = o.gammaDetectors ?? o.samples[0]?.gammaPanels.map((_, i) => `Gamma${i + 1}`) ?? [];
  const nNames = o.neutronDetectors ?? o.samples[0]?.neutronPanels.map((_, i) => `Neutron${i + 1}`) ?? [];
  const windows = o.energyWindowsKeV && o.samples.every((s) => s.gammaWindows) ? o.energyWindowsKeV : undefined;
  return {
    sampleIntervalS: o.sampleIntervalS ?? 0.1,
    gammaPanels: gNames.map((name, i) => ({ name, side: sideOf(name, i) })),
    windowsKeV: windows ?? [GROSS_WINDOW],
    neutronTubes: nNames.map((name, i) => ({ name, side: sideOf(name, i) })),
    samples: o.samples.map((s) => ({
      occupied: s.occupied ?? true,
      gamma: windows ? s.gammaWindows!.map((w) => [...w]) : s.gammaPanels.map((c) => [c]),
      neutron: [...s.neutronPanels],
    })),
  };
}
