import {
  massAttenuation,
  neutronTransmission,
  transmission,
  type ShieldLayer,
  type ShieldMaterial,
} from "./attenuation.ts";
import { emissionOf, type EmissionLine, type SourceSpec } from "./emitters.ts";
import {
  BOX,
  exitDistance,
  PANELS,
  panelView,
  pvtDepth,
  pvtInteraction,
  pvtWindowFractions,
  type Point3,
} from "./portal-geometry.ts";

/** A point source in the container: where it sits and what shields it (besides the cargo around it). */
export interface PointSourceSpec extends SourceSpec {
  /** Distance from the container front (m); default the middle. */
  positionM?: number;
  /** Offset toward side A (+) or B (−) from the lane centre (m); default 0. */
  lateralM?: number;
  /** Height above the road (m); default 2.8 (mid-container). */
  heightM?: number;
  shielding?: ShieldLayer[];
}

/** A distributed NORM load: activity spread uniformly through the cargo volume. */
export interface NormLoad {
  nuclide: string;
  activityBq: number;
}

/** Everything that defines one vehicle passage (all optional; defaults are a 40 ft box at 2.2 m/s). */
export interface PortalScenario {
  sampleIntervalS?: number;
  /** Empty-lane seconds before (background) and after the vehicle. */
  preSeconds?: number;
  postSeconds?: number;
  speedMps?: number;
  laneHalfWidthM?: number;
  /** Container length (m) and cargo mass (kg) / material: the cargo shields sources inside it. */
  lengthM?: number;
  cargoMassKg?: number;
  cargoMaterial?: ShieldMaterial;
  /** Container wall (steel) areal density, g/cm². */
  wallArealDensity?: number;
  /** Background per gamma panel (cps) split over the energy windows, and per He-3 tube (cps). */
  backgroundCps?: number;
  backgroundWindowFractions?: number[];
  neutronBackgroundCps?: number;
  /** Fraction of the background the loaded vehicle blocks at full coverage; default grows with cargo mass. */
  shadowDepth?: number;
  windowsKeV?: [number, number][];
  norm?: NormLoad[];
  sources?: PointSourceSpec[];
  /** He-3 tube effective area × efficiency for fast neutrons (m²). */
  neutronEfficiencyM2?: number;
}

/** Expected counts per sample: gamma [sample][panel][window], neutron [sample][tube], and the occupancy sensor. */
export interface PortalExpectation {
  sampleIntervalS: number;
  speedMps: number;
  windowsKeV: [number, number][];
  occupied: boolean[];
  gamma: number[][][];
  neutron: number[][];
  /** Largest source-only gamma rate summed over panels (cps) — a scale for "how strong was it". */
  peakSourceCps: number;
}

type Full = Required<PortalScenario>;

/** Defaults: 0.1 s samples, 35 s pre / 3 s post, 2.2 m/s, 2.2 m to the panels, empty 12 m box. */
export function withScenarioDefaults(s: PortalScenario): Full {
  const mass = s.cargoMassKg ?? 0;
  return {
    sampleIntervalS: 0.1,
    preSeconds: 35,
    postSeconds: 3,
    speedMps: 2.2,
    laneHalfWidthM: 2.2,
    lengthM: 12,
    cargoMassKg: 0,
    cargoMaterial: "concrete",
    wallArealDensity: 1.6,
    backgroundCps: 1000,
    backgroundWindowFractions: [0.71, 0.19, 0.1],
    neutronBackgroundCps: 3,
    shadowDepth: 0.08 + 0.2 * (1 - Math.exp(-mass / 10000)),
    windowsKeV: [
      [20, 400],
      [400, 1000],
      [1000, 3000],
    ],
    norm: [],
    sources: [],
    neutronEfficiencyM2: 0.01,
    ...s,
  };
}

/** A line with its energy-dependent constants precomputed. */
interface PreparedLine {
  energy: number;
  /** Photons/s after the source's own shielding. */
  rate: number;
  muCargo: number;
  muSteel: number;
  pvtDepth: number;
  windowFractions: number[];
}

/** An emitting point inside the container and its (shielded) lines. */
interface Emitter {
  /** Position relative to the container front (x offset ≤ 0), lateral y, height z. */
  offset: Point3;
  lines: PreparedLine[];
  /** Voxel of a distributed load (coarse panel integration, shorter range). */
  isVoxel: boolean;
}

/** Precomputes per-line attenuation coefficients and window fractions. */
function prepareLines(o: Full, lines: readonly EmissionLine[], shielding: readonly ShieldLayer[]): PreparedLine[] {
  return lines.map((l) => ({
    energy: l.energy,
    rate: l.rate * transmission(l.energy, shielding),
    muCargo: massAttenuation(o.cargoMaterial, l.energy),
    muSteel: massAttenuation("steel", l.energy),
    pvtDepth: pvtDepth(l.energy),
    windowFractions: pvtWindowFractions(l.energy, o.windowsKeV),
  }));
}

/** NORM loads as a grid of voxel emitters (activity split evenly). */
function normEmitters(o: Full): Emitter[] {
  const nx = Math.max(2, Math.ceil(o.lengthM / 0.75));
  const ny = 3;
  const nz = 3;
  const out: Emitter[] = [];
  for (const load of o.norm) {
    const lines = prepareLines(
      o,
      emissionOf({ nuclide: load.nuclide, activityBq: load.activityBq / (nx * ny * nz) }).lines,
      [],
    );
    for (let i = 0; i < nx; i++) {
      for (let j = 0; j < ny; j++) {
        for (let k = 0; k < nz; k++) {
          const offset = {
            x: -((i + 0.5) * o.lengthM) / nx,
            y: -BOX.halfWidth + ((j + 0.5) * 2 * BOX.halfWidth) / ny,
            z: BOX.z0 + ((k + 0.5) * (BOX.z1 - BOX.z0)) / nz,
          };
          out.push({ offset, lines, isVoxel: true });
        }
      }
    }
  }
  return out;
}

/** Cargo density (g/cm³) if the mass filled the box uniformly. */
function cargoDensity(o: Full): number {
  const volumeCm3 = o.lengthM * 2 * BOX.halfWidth * (BOX.z1 - BOX.z0) * 1e6;
  return (o.cargoMassKg * 1000) / volumeCm3;
}

/** Mean source counts per window at one panel for one emitter at container-front position `front`. */
function emitterCounts(o: Full, e: Emitter, panel: (typeof PANELS)[number], front: number, rho: number): number[] {
  const p = { x: front + e.offset.x, y: e.offset.y, z: e.offset.z };
  const out = o.windowsKeV.map(() => 0);
  if (Math.abs(p.x) > (e.isVoxel ? 15 : 40)) {
    return out;
  }
  for (const v of panelView(p, panel, o.laneHalfWidthM, e.isVoxel)) {
    const inside = exitDistance(p, v.dir, front, o.lengthM);
    const cargo = inside * 100 * rho;
    const wall =
      inside > 0 || Math.abs(p.y) <= BOX.halfWidth ? o.wallArealDensity / Math.max(Math.abs(v.dir.y), 0.3) : 0;
    for (const line of e.lines) {
      const t = Math.exp(-line.muCargo * cargo - line.muSteel * wall);
      const detected = line.rate * v.fraction * t * pvtInteraction(line.pvtDepth, v.cos);
      line.windowFractions.forEach((f, w) => (out[w]! += detected * f));
    }
  }
  return out;
}

/** Fraction of a panel's background view blocked by the box (an infinitely long line seen from the lane side). */
function blockedView(front: number, lengthM: number, d: number): number {
  return (Math.atan(front / d) - Math.atan((front - lengthM) / d)) / Math.PI;
}

/** Mean neutron counts per tube per second from point sources (tubes at the panel centres). */
function neutronRates(o: Full, front: number, rho: number): number[] {
  return PANELS.map((panel) => {
    const tube = { x: 0, y: panel.side === "A" ? o.laneHalfWidthM : -o.laneHalfWidthM, z: (panel.z0 + panel.z1) / 2 };
    return o.sources.reduce((sum, s) => {
      const n = emissionOf(s).neutronsPerS;
      if (n <= 0) {
        return sum;
      }
      const p = { x: front - (s.positionM ?? o.lengthM / 2), y: s.lateralM ?? 0, z: s.heightM ?? 2.8 };
      const r2 = (tube.x - p.x) ** 2 + (tube.y - p.y) ** 2 + (tube.z - p.z) ** 2;
      const dir = {
        x: (tube.x - p.x) / Math.sqrt(r2),
        y: (tube.y - p.y) / Math.sqrt(r2),
        z: (tube.z - p.z) / Math.sqrt(r2),
      };
      const cargo: ShieldLayer = {
        material: o.cargoMaterial,
        arealDensity: exitDistance(p, dir, front, o.lengthM) * 100 * rho,
      };
      return (
        sum + (n * neutronTransmission([...(s.shielding ?? []), cargo]) * o.neutronEfficiencyM2) / (4 * Math.PI * r2)
      );
    }, o.neutronBackgroundCps);
  });
}

/** Deterministic expected counts of a passage (compute once, sample many seeds). */
export function portalExpectation(scenario: PortalScenario): PortalExpectation {
  const o = withScenarioDefaults(scenario);
  const dt = o.sampleIntervalS;
  const rho = cargoDensity(o);
  const emitters = [
    ...normEmitters(o),
    ...o.sources.map((s) => ({
      offset: { x: -(s.positionM ?? o.lengthM / 2), y: s.lateralM ?? 0, z: s.heightM ?? 2.8 },
      lines: prepareLines(o, emissionOf(s).lines, s.shielding ?? []),
      isVoxel: false,
    })),
  ];
  const transitS = o.lengthM / o.speedMps;
  const n = Math.round((o.preSeconds + transitS + o.postSeconds) / dt);
  const exp: PortalExpectation = {
    sampleIntervalS: dt,
    speedMps: o.speedMps,
    windowsKeV: o.windowsKeV,
    occupied: [],
    gamma: [],
    neutron: [],
    peakSourceCps: 0,
  };
  for (let k = 0; k < n; k++) {
    const t = (k + 0.5) * dt - o.preSeconds;
    const front = o.speedMps * t;
    const shadow = 1 - o.shadowDepth * blockedView(front, o.lengthM, o.laneHalfWidthM);
    let sourceCps = 0;
    const gamma = PANELS.map((panel) => {
      const bg = o.backgroundWindowFractions.map((f) => f * o.backgroundCps * shadow * dt);
      for (const e of emitters) {
        emitterCounts(o, e, panel, front, rho).forEach((c, w) => {
          bg[w]! += c * dt;
          sourceCps += c;
        });
      }
      return bg;
    });
    exp.gamma.push(gamma);
    exp.neutron.push(neutronRates(o, front, rho).map((r) => r * dt));
    exp.occupied.push(t >= 0 && t < transitS);
    exp.peakSourceCps = Math.max(exp.peakSourceCps, sourceCps);
  }
  return exp;
}
