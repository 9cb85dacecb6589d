import type { PortalRecord } from "../analysis/portal-types.ts";
import { createRng, samplePoisson, type Rng } from "../analysis/random.ts";
import { writeN42_2012 } from "../io/n42-writer.ts";
import type { Detector, Occupancy, RadFile } from "../model.ts";
import { PANELS } from "./portal-geometry.ts";
import { portalExpectation, type PortalExpectation, type PortalScenario } from "./portal-scenario.ts";

/** Options of synthesizePortalN42: a scenario, a seed, and optionally a precomputed expectation of it. */
export interface SyntheticPortalN42Options extends PortalScenario {
  seed: number;
  /** Start of the first sample (ISO-8601); default 2026-01-05T08:00:00Z. */
  startTime?: string;
  /** Reuse an expectation computed with portalExpectation(scenario) (many seeds, one scenario). */
  expectation?: PortalExpectation;
}

/** What was simulated, for tests and scoring. */
export interface PortalTruth {
  scenario: PortalScenario;
  seed: number;
  peakSourceCps: number;
  occupiedSeconds: number;
}

/** A synthetic occupancy as N42-2012 bytes, the RadFile written, the analysis record and the truth. */
export interface SyntheticPortal {
  bytes: Uint8Array;
  file: RadFile;
  record: PortalRecord;
  truth: PortalTruth;
}

const NEUTRON_TUBES = PANELS.map((p) => ({ name: `${p.name}N`, side: p.side }));

/** Poisson-samples one passage from its expectation. */
export function samplePortalRecord(exp: PortalExpectation, seed: number): PortalRecord {
  const rng = createRng(seed);
  return {
    sampleIntervalS: exp.sampleIntervalS,
    gammaPanels: PANELS.map((p) => ({ name: p.name, side: p.side })),
    windowsKeV: exp.windowsKeV,
    neutronTubes: NEUTRON_TUBES,
    speedMps: exp.speedMps,
    samples: exp.gamma.map((g, k) => ({
      occupied: exp.occupied[k]!,
      gamma: g.map((w) => w.map((m) => samplePoisson(rng, m))),
      neutron: exp.neutron[k]!.map((m) => samplePoisson(rng, m)),
    })),
  };
}

/** A version-4-shaped UUID from the seeded generator (reproducible documents). */
function seededUuid(rng: Rng): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rng() * 16).toString(16));
  hex[12] = "4";
  hex[16] = "8";
  const h = hex.join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The synthetic portal's detectors: PVT panels and He-3 tubes. */
function portalDetectors(): Detector[] {
  return [
    ...PANELS.map((p): Detector => ({
      name: p.name,
      kind: "gamma",
      material: "PVT",
      description: `PVT panel side ${p.side} ${p.z0 < 1 ? "lower" : "upper"}`,
    })),
    ...NEUTRON_TUBES.map((t): Detector => ({
      name: t.name,
      kind: "neutron",
      material: "He3",
      description: `He-3 tube side ${t.side}`,
    })),
  ];
}

/** Converts a portal record to a RadFile with one occupancy (per-window gamma counts kept). */
export function portalRecordToRadFile(record: PortalRecord, startTime: string, uuid?: string): RadFile {
  const dt = record.sampleIntervalS;
  const t0 = Date.parse(startTime);
  const occupancy: Occupancy = {
    id: "Occupancy1",
    start: new Date(t0).toISOString(),
    end: new Date(t0 + Math.round(record.samples.length * dt * 1000)).toISOString(),
    sampleIntervalS: dt,
    gammaDetectors: record.gammaPanels.map((p) => p.name),
    neutronDetectors: record.neutronTubes.map((t) => t.name),
    energyWindowsKeV: record.windowsKeV,
    samples: record.samples.map((s, k) => ({
      tS: Number((k * dt).toFixed(3)),
      gammaPanels: s.gamma.map((w) => w.reduce((a, b) => a + b, 0)),
      gammaWindows: s.gamma,
      neutronPanels: s.neutron,
      occupied: s.occupied,
    })),
    alarms: [],
  };
  return {
    format: "n42-2012",
    instrument: {
      manufacturer: "Reciprocity synthetic",
      model: "RPM-4PVT-4He3-simulated",
      serial: "SIM-1",
      type: "portal",
      classCode: "Portal Monitor",
    },
    detectors: portalDetectors(),
    measurements: [],
    occupancies: [occupancy],
    warnings: [],
    ...(uuid ? { uuid } : {}),
  };
}

/** Generates one seeded portal occupancy from a physical scenario and writes it as N42-2012. */
export function synthesizePortalN42(options: SyntheticPortalN42Options): SyntheticPortal {
  const { seed, startTime, expectation, ...scenario } = options;
  const exp = expectation ?? portalExpectation(scenario);
  const record = samplePortalRecord(exp, seed);
  const start = startTime ?? "2026-01-05T08:00:00.000Z";
  const file = portalRecordToRadFile(record, start, seededUuid(createRng(seed ^ 0x5bd1e995)));
  const xml = writeN42_2012(file, { createdAt: start });
  return {
    bytes: new TextEncoder().encode(xml),
    file,
    record,
    truth: {
      scenario,
      seed,
      peakSourceCps: exp.peakSourceCps,
      occupiedSeconds: exp.occupied.filter(Boolean).length * exp.sampleIntervalS,
    },
  };
}
