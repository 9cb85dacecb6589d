import type { PortalBackground, PortalRecord } from "./portal-types.ts";

/** Mean counts per sample over the given sample indices. */
function meanOver(record: PortalRecord, idx: readonly number[]): PortalBackground {
  const first = record.samples[0]!;
  const gamma = first.gamma.map((w) => w.map(() => 0));
  const neutron = first.neutron.map(() => 0);
  for (const i of idx) {
    const s = record.samples[i]!;
    s.gamma.forEach((w, p) => w.forEach((c, k) => (gamma[p]![k]! += c)));
    s.neutron.forEach((c, t) => (neutron[t]! += c));
  }
  const n = Math.max(idx.length, 1);
  return { gamma: gamma.map((w) => w.map((c) => c / n)), neutron: neutron.map((c) => c / n), samples: idx.length };
}

/** Gross gamma counts of a sample (all panels, all windows). */
export function grossGamma(record: PortalRecord, i: number): number {
  return record.samples[i]!.gamma.reduce((s, w) => s + w.reduce((a, b) => a + b, 0), 0);
}

/**
 * Background from unoccupied samples in [from, to) only (the lane must be empty), boxcar mean with one pass of
 * rejection of samples whose gross counts exceed B + rejectSigma·√B (spikes, sources in adjacent lanes).
 */
export function estimateBackground(
  record: PortalRecord,
  from: number,
  to: number,
  rejectSigma: number,
): PortalBackground {
  const idx: number[] = [];
  for (let i = Math.max(0, from); i < Math.min(to, record.samples.length); i++) {
    if (!record.samples[i]!.occupied) {
      idx.push(i);
    }
  }
  const mean = idx.reduce((s, i) => s + grossGamma(record, i), 0) / Math.max(idx.length, 1);
  const limit = mean + rejectSigma * Math.sqrt(Math.max(mean, 1));
  const kept = idx.filter((i) => grossGamma(record, i) <= limit);
  return meanOver(record, kept.length > 0 ? kept : idx);
}
