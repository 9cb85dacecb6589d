/**
 * A file of short time slices (a mobile or aerial system, a portal pass-by without a background
 * record) is one measurement of a moving scene: the quiet slices are its background, and a source
 * shows as a rise in the count rate over a few slices. This finds the rise.
 *
 * The background rate is the median slice rate. The spread of quiet slices is wider than Poisson
 * (terrain, speed, shielding by the vehicle), so each slice's uncertainty is the larger of the
 * Poisson width and the robust spread of the rates (1.4826 × median absolute deviation). Every
 * window of 1 to MAX_WINDOW consecutive slices is tested; the most significant is the pass-by.
 * Quiet slices are those well clear of it whose own excess is small.
 */

/** Longest window tested (slices). */
export const MAX_WINDOW = 12;

/** Significance a window needs, given the number of windows tested (about 5σ for a few hundred). */
export const PASS_BY_SIGMA = 5;

/** The rise found in a series of gross counts. */
export interface PassBy {
  /** First slice of the window and one past its last. */
  start: number;
  end: number;
  /** Significance of the window's excess over background. */
  sigma: number;
  /** Whether the excess reaches PASS_BY_SIGMA. */
  isAlarm: boolean;
  /** Background count rate (counts/s). */
  backgroundRate: number;
  /** Slices to use as background. */
  quiet: number[];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Finds the most significant rise of the count rate; null when the series is too short to say. */
export function findPassBy(counts: readonly number[], liveTimes: readonly number[], minSlices = 10): PassBy | null {
  const n = counts.length;
  if (n < minSlices || liveTimes.length !== n) {
    return null;
  }
  const rates = counts.map((c, i) => c / Math.max(liveTimes[i]!, 1e-9));
  const backgroundRate = median(rates);
  const spread = 1.4826 * median(rates.map((r) => Math.abs(r - backgroundRate)));
  const sliceSigma = (i: number): number => {
    const t = liveTimes[i]!;
    return Math.max(Math.sqrt(Math.max(backgroundRate * t, 1)), spread * t);
  };
  let best = { start: 0, end: 1, sigma: Number.NEGATIVE_INFINITY };
  for (let start = 0; start < n; start++) {
    let excess = 0;
    let variance = 0;
    for (let end = start + 1; end <= Math.min(n, start + MAX_WINDOW); end++) {
      const i = end - 1;
      excess += counts[i]! - backgroundRate * liveTimes[i]!;
      variance += sliceSigma(i) ** 2;
      const sigma = excess / Math.sqrt(variance);
      if (sigma > best.sigma) {
        best = { start, end, sigma };
      }
    }
  }
  const margin = 2;
  const quiet: number[] = [];
  for (let i = 0; i < n; i++) {
    const isNear = i >= best.start - margin && i < best.end + margin;
    const z = (counts[i]! - backgroundRate * liveTimes[i]!) / sliceSigma(i);
    if (!isNear && z < 2) {
      quiet.push(i);
    }
  }
  return { ...best, isAlarm: best.sigma >= PASS_BY_SIGMA, backgroundRate, quiet };
}

/** Significance of a window's excess in a series of small counts (neutrons), against the quiet slices. */
export function windowExcessSigma(
  counts: readonly number[],
  liveTimes: readonly number[],
  window: { start: number; end: number },
  quiet: readonly number[],
): number | null {
  const quietCounts = quiet.reduce((s, i) => s + counts[i]!, 0);
  const quietTime = quiet.reduce((s, i) => s + liveTimes[i]!, 0);
  let observed = 0;
  let time = 0;
  for (let i = window.start; i < window.end; i++) {
    observed += counts[i]!;
    time += liveTimes[i]!;
  }
  if (quietTime <= 0 || time <= 0) {
    return null;
  }
  const scale = time / quietTime;
  const expected = scale * quietCounts;
  const variance = observed + scale * scale * quietCounts;
  return variance > 0 ? (observed - expected) / Math.sqrt(variance) : 0;
}
