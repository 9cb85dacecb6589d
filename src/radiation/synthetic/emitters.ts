import { findNuclide } from "../analysis/nuclide-library.ts";
import { massAttenuation, type ShieldMaterial } from "./attenuation.ts";

/** A photon line: energy (keV) and emission rate (photons/s). */
export interface EmissionLine {
  energy: number;
  rate: number;
}

/** What a source emits: photon lines and fast neutrons per second. */
export interface Emission {
  lines: EmissionLine[];
  neutronsPerS: number;
}

/**
 * A radioactive source: a library nuclide (`Cs-137`, `Co-60`, `K-40`, `Ra-226`, `Th-232`, …) of `activityBq`, or
 * special nuclear material `HEU` (93 % U-235 metal) / `WGPu` (weapons-grade Pu metal) of `massKg` as a bare sphere
 * (self-absorption included). `neutronsPerS` overrides the neutron emission (e.g. a Cf-252 or AmBe source).
 */
export interface SourceSpec {
  nuclide: string;
  activityBq?: number;
  massKg?: number;
  neutronsPerS?: number;
}

/** Neutrons per decay (spontaneous fission) for nuclides that emit them. */
const NEUTRONS_PER_DECAY: Record<string, number> = { "Cf-252": 0.116, "Cm-244": 1.1e-6 * 2.7 };

/** One SNM component: activity per gram of material and its lines (keV, photons per decay of that component). */
interface SnmComponent {
  bqPerGram: number;
  lines: [number, number][];
}

/** SNM compositions (specific activities from half-lives; yields per decay, ENSDF). */
const SNM: Record<
  "HEU" | "WGPu",
  { material: ShieldMaterial; density: number; neutronsPerGramS: number; parts: SnmComponent[] }
> = {
  HEU: {
    material: "uranium",
    density: 18.9,
    neutronsPerGramS: 0.001,
    parts: [
      // 93 % U-235 (8.0e4 Bq/g) and 7 % U-238 (1.24e4 Bq/g) with Th-234 / Pa-234m in equilibrium.
      {
        bqPerGram: 0.93 * 7.996e4,
        lines: [
          [143.76, 0.1096],
          [163.36, 0.0508],
          [185.72, 0.572],
          [205.31, 0.0501],
        ],
      },
      {
        bqPerGram: 0.07 * 1.244e4,
        lines: [
          [63.3, 0.037],
          [92.6, 0.05],
          [766.4, 0.00294],
          [1001.03, 0.00839],
        ],
      },
    ],
  },
  WGPu: {
    material: "plutonium",
    density: 19.8,
    // 6 % Pu-240 at 1.02e3 spontaneous-fission neutrons per g·s.
    neutronsPerGramS: 0.06 * 1020,
    parts: [
      {
        bqPerGram: 0.935 * 2.296e9,
        lines: [
          [51.62, 2.71e-4],
          [129.3, 6.31e-5],
          [203.55, 5.69e-6],
          [345.01, 5.56e-6],
          [375.05, 1.554e-5],
          [413.71, 1.466e-5],
        ],
      },
      // U-237 from the Pu-241 α branch (0.5 % Pu-241 × 2.45e-5) and Am-241 ingrowth (0.2 %).
      {
        bqPerGram: 0.005 * 3.82e12 * 2.45e-5,
        lines: [
          [164.6, 0.0186],
          [208.0, 0.212],
        ],
      },
      { bqPerGram: 0.002 * 1.27e11, lines: [[59.54, 0.359]] },
    ],
  },
};

/** Escape probability of photons born uniformly in a sphere of optical radius x = μR (no scattering). */
export function sphereEscape(x: number): number {
  if (x < 1e-3) {
    return 1 - 0.75 * x;
  }
  return (3 / (8 * x ** 3)) * (2 * x * x - 1 + (1 + 2 * x) * Math.exp(-2 * x));
}

/** Lines and neutrons leaving a bare metal SNM sphere of the given mass. */
function snmEmission(kind: "HEU" | "WGPu", massKg: number): Emission {
  const m = SNM[kind];
  const grams = massKg * 1000;
  const radiusCm = Math.cbrt((3 * grams) / (4 * Math.PI * m.density));
  const lines = m.parts.flatMap((p) =>
    p.lines.map(([energy, y]) => ({
      energy,
      rate: p.bqPerGram * grams * y * sphereEscape(massAttenuation(m.material, energy) * m.density * radiusCm),
    })),
  );
  return { lines, neutronsPerS: m.neutronsPerGramS * grams };
}

/** Photon lines and neutron rate of a source (throws on an unknown nuclide so scenarios fail loudly). */
export function emissionOf(spec: SourceSpec): Emission {
  if (spec.nuclide === "HEU" || spec.nuclide === "WGPu") {
    const e = snmEmission(spec.nuclide, spec.massKg ?? 1);
    return spec.neutronsPerS !== undefined ? { ...e, neutronsPerS: spec.neutronsPerS } : e;
  }
  const nuclide = findNuclide(spec.nuclide);
  if (!nuclide) {
    throw new Error(`unknown source nuclide ${spec.nuclide}`);
  }
  const a = spec.activityBq ?? 0;
  return {
    lines: nuclide.lines.map((l) => ({ energy: l.energy, rate: (a * l.intensity) / 100 })),
    neutronsPerS: spec.neutronsPerS ?? a * (NEUTRONS_PER_DECAY[nuclide.name] ?? 0),
  };
}
