/** Small dense linear algebra for fits (matrices as arrays of rows). */

/** Solves A·x = b by Gaussian elimination with partial pivoting; returns null when A is singular. */
export function solveLinear(a: readonly number[][], b: readonly number[]): number[] | null {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) {
      if (Math.abs(m[r]![col]!) > Math.abs(m[piv]![col]!)) {
        piv = r;
      }
    }
    if (Math.abs(m[piv]![col]!) < 1e-300) {
      return null;
    }
    [m[col], m[piv]] = [m[piv]!, m[col]!];
    const pr = m[col]!;
    for (let r = col + 1; r < n; r++) {
      const row = m[r]!;
      const f = row[col]! / pr[col]!;
      for (let k = col; k <= n; k++) {
        row[k]! -= f * pr[k]!;
      }
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    const row = m[r]!;
    let s = row[n]!;
    for (let k = r + 1; k < n; k++) {
      s -= row[k]! * x[k]!;
    }
    x[r] = s / row[r]!;
  }
  return x;
}

/** Inverse of a square matrix (column by column); null when singular. */
export function invertMatrix(a: readonly number[][]): number[][] | null {
  const n = a.length;
  const cols: number[][] = [];
  for (let j = 0; j < n; j++) {
    const e = new Array<number>(n).fill(0);
    e[j] = 1;
    const x = solveLinear(a, e);
    if (!x) {
      return null;
    }
    cols.push(x);
  }
  return a.map((_, i) => cols.map((c) => c[i]!));
}

/** Weighted linear least squares: minimises Σ w_i (y_i − Σ_k X_ik β_k)²; returns β and its covariance. */
export function weightedLeastSquares(
  x: readonly number[][],
  y: readonly number[],
  w: readonly number[],
): { beta: number[]; covariance: number[][] } | null {
  const p = x[0]?.length ?? 0;
  const ata = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const atb = new Array<number>(p).fill(0);
  x.forEach((row, i) => {
    const wi = w[i]!;
    for (let a = 0; a < p; a++) {
      atb[a]! += wi * row[a]! * y[i]!;
      for (let b = 0; b < p; b++) {
        ata[a]![b]! += wi * row[a]! * row[b]!;
      }
    }
  });
  const cov = invertMatrix(ata);
  if (!cov) {
    return null;
  }
  const beta = cov.map((row) => row.reduce((s, v, k) => s + v * atb[k]!, 0));
  return { beta, covariance: cov };
}
