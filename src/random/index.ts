// Seeded pseudo-random numbers, shared by every part that makes reproducible data: the demo world,
// synthetic manifests, spectra and portal occupancies, targeting and screening variants. A pure
// module (it imports nothing), so the pure libraries may use it as well as the app.

/** A uniform [0, 1) generator. */
export type UniformSource = () => number;

/** mulberry32: one 32-bit state, uniform in [0, 1); the same seed always gives the same numbers. */
export function mulberry32(seed: number): UniformSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
