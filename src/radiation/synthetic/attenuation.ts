/**
 * Narrow-beam photon attenuation: T = exp(−Σ (μ/ρ)(E)·ρx) over shield layers, with total mass attenuation
 * coefficients (coherent included, cm²/g) interpolated log-log from the NIST XCOM / Hubbell–Seltzer tables at
 * 16 energies. No build-up (scattered photons are dropped): conservative for thick shields, fine for tests.
 */

/** Shield and cargo materials the generator knows. */
export type ShieldMaterial = "lead" | "steel" | "polyethylene" | "concrete" | "pvt" | "uranium" | "plutonium";

/** One shield layer: material and areal density (g/cm² = density × thickness). */
export interface ShieldLayer {
  material: ShieldMaterial;
  arealDensity: number;
}

const ENERGIES = [50, 60, 80, 100, 150, 200, 300, 400, 500, 600, 800, 1000, 1250, 1500, 2000, 3000];

/** μ/ρ (cm²/g) at ENERGIES. Lead and the actinides have their K edges handled separately below. */
const TABLE: Record<Exclude<ShieldMaterial, "uranium" | "plutonium">, number[]> = {
  lead: [
    8.041, 5.021, 2.419, 5.549, 2.014, 0.9985, 0.4031, 0.2323, 0.1614, 0.1248, 0.0887, 0.07102, 0.05876, 0.05222,
    0.04606, 0.04234,
  ],
  steel: [
    1.958, 1.205, 0.5952, 0.3717, 0.1964, 0.146, 0.1099, 0.094, 0.08414, 0.07704, 0.06699, 0.05995, 0.0535, 0.04883,
    0.04265, 0.03621,
  ],
  polyethylene: [
    0.2038, 0.1903, 0.1734, 0.1621, 0.144, 0.1309, 0.1128, 0.1006, 0.09159, 0.08465, 0.07438, 0.06699, 0.05989, 0.05447,
    0.04673, 0.0375,
  ],
  concrete: [
    0.3623, 0.2785, 0.2057, 0.1739, 0.1436, 0.127, 0.1082, 0.09629, 0.08767, 0.08109, 0.07113, 0.06388, 0.05719,
    0.05208, 0.0447, 0.0364,
  ],
  pvt: [
    0.187, 0.1787, 0.1655, 0.1499, 0.1353, 0.1215, 0.1046, 0.09336, 0.08501, 0.07855, 0.06906, 0.06216, 0.05568,
    0.05055, 0.04338, 0.03487,
  ],
};

/** Lead K edge (keV) and μ/ρ just below it. */
const PB_K_EDGE = 88.0;
const PB_BELOW_EDGE = 1.91;

/** Log-log interpolation in a table (clamped to the end points' power-law extension). */
function interpolate(values: readonly number[], e: number): number {
  let i = 0;
  while (i < ENERGIES.length - 2 && e > ENERGIES[i + 1]!) {
    i++;
  }
  const x0 = Math.log(ENERGIES[i]!);
  const x1 = Math.log(ENERGIES[i + 1]!);
  const y0 = Math.log(values[i]!);
  const y1 = Math.log(values[i + 1]!);
  return Math.exp(y0 + ((y1 - y0) * (Math.log(e) - x0)) / (x1 - x0));
}

/** Lead with its K edge: below 88 keV interpolate 80 keV → the value just below the edge. */
function leadAttenuation(e: number): number {
  if (e >= 80 && e < PB_K_EDGE) {
    const t = (Math.log(e) - Math.log(80)) / (Math.log(PB_K_EDGE) - Math.log(80));
    return Math.exp(Math.log(2.419) + t * (Math.log(PB_BELOW_EDGE) - Math.log(2.419)));
  }
  return interpolate(TABLE.lead, e);
}

/**
 * Mass attenuation coefficient (cm²/g) of a material at energy e (keV). Uranium and plutonium are approximated
 * as lead scaled by 1.15 above their K edges (≈ 116/122 keV) and by 1.5 below (good to ~20 % — enough for
 * self-shielding estimates of metal SNM, where only a thin surface layer emits anyway).
 */
export function massAttenuation(material: ShieldMaterial, e: number): number {
  const energy = Math.max(e, 20);
  switch (material) {
    case "lead":
      return leadAttenuation(energy);
    case "uranium":
    case "plutonium": {
      const edge = material === "uranium" ? 115.6 : 121.8;
      return energy >= edge ? 1.15 * interpolate(TABLE.lead, energy) : 1.5 * leadAttenuation(energy);
    }
    case "steel":
    case "polyethylene":
    case "concrete":
    case "pvt":
      return interpolate(TABLE[material], energy);
  }
}

/** Photon transmission through a stack of shield layers at energy e (keV). */
export function transmission(e: number, layers: readonly ShieldLayer[]): number {
  const exponent = layers.reduce((s, l) => s + massAttenuation(l.material, e) * l.arealDensity, 0);
  return Math.exp(-exponent);
}

/** Fast-neutron removal coefficients (cm²/g): hydrogen removes fast neutrons far better than metal. */
const NEUTRON_REMOVAL: Record<ShieldMaterial, number> = {
  polyethylene: 0.11,
  pvt: 0.1,
  concrete: 0.037,
  steel: 0.021,
  lead: 0.011,
  uranium: 0.01,
  plutonium: 0.01,
};

/** Fast-neutron transmission through shield layers (removal cross-section approximation). */
export function neutronTransmission(layers: readonly ShieldLayer[]): number {
  return Math.exp(-layers.reduce((s, l) => s + NEUTRON_REMOVAL[l.material] * l.arealDensity, 0));
}
