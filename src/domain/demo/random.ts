// The app's seeded random sources, for the demo world, synthetic manifests, the scale loader and
// the tests' generated inputs: the same seed always gives the same numbers. The uniform generator
// itself is the pure `random/` module's, which the libraries use too.

import { mulberry32 } from "../../random/index.ts";

// mulberry32: one 32-bit state, uniform in [0, 1). Enough for one stream; see `sfc32` for many.
export { mulberry32 };

/** A seeded pseudo-random source. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  weighted<T>(items: readonly (readonly [T, number])[]): T;
  chance(p: number): boolean;
  uuid(): string;
}

/** splitmix32 of one value: spreads a seed, an index or a lane over 32 bits. */
export function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** splitmix32 as a stream of 32-bit words, for seeding larger states. */
export function splitmix32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * sfc32 over 128 bits of state, uniform in [0, 1), with its first outputs discarded. Many
 * independent streams (one per shipment, one per fuzz case) need this: mulberry32 streams seeded
 * one after another are one sequence at different offsets, so they would repeat each other.
 */
export function sfc32(state: readonly [number, number, number, number]): () => number {
  let [a, b, c, d] = state;
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) {
    next();
  }
  return next;
}

/** The `Random` helpers over any uniform stream. */
export function randomFrom(next: () => number): Random {
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    weighted: <T>(items: readonly (readonly [T, number])[]): T => {
      const total = items.reduce((sum, [, w]) => sum + w, 0);
      let roll = next() * total;
      for (const [item, weight] of items) {
        roll -= weight;
        if (roll < 0) {
          return item;
        }
      }
      return (items[items.length - 1] as readonly [T, number])[0];
    },
    chance: (p: number): boolean => next() < p,
    uuid: (): string => {
      const hex = Array.from({ length: 32 }, () => int(0, 15).toString(16));
      hex[12] = "4";
      hex[16] = ((int(0, 15) & 0x3) | 0x8).toString(16);
      const s = hex.join("");
      return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
    },
  };
}

/** Creates a deterministic random source from a 32-bit seed (mulberry32). */
export function seededRandom(seed: number): Random {
  return randomFrom(mulberry32(seed));
}
