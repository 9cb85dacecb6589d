// Seeded, auditable random selection: anyone holding the seed can recompute why a shipment was (not) picked.
import { createHash } from "node:crypto";

/** The outcome of a random draw, with the number an auditor can recompute. */
export interface RandomDraw {
  selected: boolean;
  /** Uniform in [0, 1): the first 52 bits of SHA-256(`${seed}:${shipmentKey}`). */
  draw: number;
  rate: number;
}

/** Deterministic random selection: a shipment is selected when its hash-derived draw is below `rate`. */
export function randomSelect(seed: string, shipmentKey: string, rate: number): RandomDraw {
  const digest = createHash("sha256").update(`${seed}:${shipmentKey}`).digest();
  // 52 bits fit a double exactly: 4 bytes high, 20 bits low.
  const high = digest.readUInt32BE(0);
  const low = digest.readUInt32BE(4) >>> 12;
  const draw = (high * 2 ** 20 + low) / 2 ** 52;
  return { selected: draw < rate, draw, rate };
}
