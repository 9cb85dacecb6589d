/** Redistributes counts from input bins (edges, length n + 1) to output bins by linear energy overlap. */
export function rebinCounts(
  counts: readonly number[],
  edgesIn: readonly number[],
  edgesOut: readonly number[],
  gain = 1,
): number[] {
  const out = new Array<number>(edgesOut.length - 1).fill(0);
  const nOut = out.length;
  let b = 0;
  for (let ch = 0; ch < counts.length; ch++) {
    const c = counts[ch]!;
    const lo = edgesIn[ch]! * gain;
    const hi = edgesIn[ch + 1]! * gain;
    if (c === 0 || !(hi > lo)) {
      continue;
    }
    while (b > 0 && edgesOut[b]! > lo) {
      b--;
    }
    while (b < nOut && edgesOut[b + 1]! <= lo) {
      b++;
    }
    for (let k = b; k < nOut && edgesOut[k]! < hi; k++) {
      const overlap = Math.min(hi, edgesOut[k + 1]!) - Math.max(lo, edgesOut[k]!);
      if (overlap > 0) {
        out[k]! += (c * overlap) / (hi - lo);
      }
    }
  }
  return out;
}
