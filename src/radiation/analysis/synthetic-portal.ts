import type { PortalRecord, PortalSample } from "./portal-types.ts";
import { createRng, samplePoisson, type Rng } from "./random.ts";

/**
 * Fractions of a source's counts in the default windows (<400, 400–1000, >1000 keV), from the net 2"×4"×16" NaI
 * GADRAS window fractions of radiation-methods.md §3.5 (PVT smears these further; good enough for logic tests).
 */
export const WINDOW_FRACTIONS: Record<string, [number, number, number]> = {
  background: [0.71, 0.19, 0.1],
  "K-40": [0.55, 0.25, 0.2],
  "Ra-226": [0.7, 0.2, 0.1],
  "Th-232": [0.63, 0.28, 0.09],
  "Cs-137": [0.52, 0.48, 0],
  "Co-60": [0.4, 0.27, 0.33],
  "I-131": [0.96, 0.04, 0],
  "Tc-99m": [1, 0, 0],
  "U-235": [0.99, 0.01, 0],
  "Ir-192": [0.86, 0.14, 0],
};

/** A gamma source in or on the vehicle. */
export type SyntheticSource =
  /** Point source `positionM` behind the vehicle front, `lateralM` toward side A (+) or B (−) of the lane centre. */
  | { kind: "point"; isotope: string; peakCps: number; positionM: number; lateralM?: number }
  /** Line source spread uniformly along the whole vehicle (NORM cargo); `cps` = panel rate for an infinitely long load. */
  | { kind: "distributed"; isotope: string; cps: number };

/** Generator options (rates are per panel / per tube at the lane centre distance). */
export interface SyntheticPortalOptions {
  seed: number;
  sampleIntervalS?: number;
  /** Empty-lane seconds before and after the vehicle. */
  preSeconds?: number;
  postSeconds?: number;
  backgroundCps?: number;
  neutronBackgroundCps?: number;
  speedMps?: number;
  vehicleLengthM?: number;
  /** Fraction of background blocked when the vehicle fully fills a panel's view. */
  shadowDepth?: number;
  /** Panel distance to the lane centre (m). */
  laneHalfWidthM?: number;
  sources?: SyntheticSource[];
  /** Extra neutron rate per tube at closest approach from a point neutron source at the vehicle middle. */
  neutronPeakCps?: number;
}

/** Fraction of an infinitely long line's response seen from distance d for a segment [x0, x1]. */
function segmentView(x0: number, x1: number, d: number): number {
  return (Math.atan(x1 / d) - Math.atan(x0 / d)) / Math.PI;
}

/** Panels: A/B sides × upper/lower, 2 neutron tubes per side. */
const PANELS = [
  { name: "Aa1", side: "A" as const },
  { name: "Ab1", side: "A" as const },
  { name: "Ba1", side: "B" as const },
  { name: "Bb1", side: "B" as const },
];

/** Expected counts of one panel in one sample at time t (s since the vehicle front reached the panels). */
function panelMean(o: Required<SyntheticPortalOptions>, side: "A" | "B", t: number): number[] {
  const dt = o.sampleIntervalS;
  const front = o.speedMps * t;
  const blocked = segmentView(front - o.vehicleLengthM, front, o.laneHalfWidthM);
  const bg = o.backgroundCps * (1 - o.shadowDepth * blocked) * dt;
  const mean = WINDOW_FRACTIONS.background!.map((f) => f * bg);
  for (const s of o.sources) {
    const frac = WINDOW_FRACTIONS[s.isotope] ?? WINDOW_FRACTIONS.background!;
    let rate: number;
    if (s.kind === "point") {
      const lateral = side === "A" ? o.laneHalfWidthM - (s.lateralM ?? 0) : o.laneHalfWidthM + (s.lateralM ?? 0);
      const x = front - s.positionM;
      rate = (s.peakCps * o.laneHalfWidthM ** 2) / (lateral * lateral + x * x);
    } else {
      rate = s.cps * segmentView(front - o.vehicleLengthM, front, o.laneHalfWidthM);
    }
    frac.forEach((f, w) => (mean[w]! += f * rate * dt));
  }
  return mean;
}

/** Defaults: 0.1 s samples, 1 000 cps per panel, 3 cps per He-3 tube, 2.2 m/s, 12 m box, 15 % shadowing. */
function withDefaults(o: SyntheticPortalOptions): Required<SyntheticPortalOptions> {
  return {
    sampleIntervalS: 0.1,
    preSeconds: 35,
    postSeconds: 3,
    backgroundCps: 1000,
    neutronBackgroundCps: 3,
    speedMps: 2.2,
    vehicleLengthM: 12,
    shadowDepth: 0.15,
    laneHalfWidthM: 2,
    sources: [],
    neutronPeakCps: 0,
    ...o,
  };
}

/** One Poisson-sampled time sample. */
function sample(o: Required<SyntheticPortalOptions>, rng: Rng, t: number, occupied: boolean): PortalSample {
  const gamma = PANELS.map((p) => panelMean(o, p.side, t).map((m) => samplePoisson(rng, m)));
  const x = o.speedMps * t - o.vehicleLengthM / 2;
  const nRate = o.neutronBackgroundCps + (o.neutronPeakCps * o.laneHalfWidthM ** 2) / (o.laneHalfWidthM ** 2 + x * x);
  const neutron = [0, 1, 2, 3].map(() => samplePoisson(rng, nRate * o.sampleIntervalS));
  return { occupied, gamma, neutron };
}

/** Generates one seeded occupancy: empty lane, vehicle passage (occupancy sensor on), empty lane. */
export function generatePortalOccupancy(options: SyntheticPortalOptions): PortalRecord {
  const o = withDefaults(options);
  const rng = createRng(o.seed);
  const dt = o.sampleIntervalS;
  const transitS = o.vehicleLengthM / o.speedMps;
  const total = Math.round((o.preSeconds + transitS + o.postSeconds) / dt);
  const samples: PortalSample[] = [];
  for (let k = 0; k < total; k++) {
    const t = (k + 0.5) * dt - o.preSeconds;
    samples.push(sample(o, rng, t, t >= 0 && t < transitS));
  }
  return {
    sampleIntervalS: dt,
    gammaPanels: PANELS,
    windowsKeV: [
      [20, 400],
      [400, 1000],
      [1000, 3000],
    ],
    neutronTubes: [
      { name: "Aa1N", side: "A" },
      { name: "Ab1N", side: "A" },
      { name: "Ba1N", side: "B" },
      { name: "Bb1N", side: "B" },
    ],
    samples,
    speedMps: o.speedMps,
  };
}
