import { MIN_TOKEN_SIMILARITY, tokenSimilarity } from "./token-similarity.ts";

/** One query token and the list-name token it was aligned with. */
export interface TokenPair {
  query: number;
  candidate: number;
  similarity: number;
  /** One side is a single-letter initial. */
  isInitial: boolean;
}

/** Best one-to-one alignment of query tokens to candidate tokens (greedy on descending similarity). */
export function alignTokens(query: readonly string[], candidate: readonly string[]): TokenPair[] {
  const pairs: TokenPair[] = [];
  query.forEach((q, i) => {
    candidate.forEach((c, j) => {
      const similarity = tokenSimilarity(q, c);
      const isInitial = q.length === 1 || c.length === 1;
      if (similarity >= MIN_TOKEN_SIMILARITY || (isInitial && similarity > 0)) {
        pairs.push({ query: i, candidate: j, similarity, isInitial: isInitial && q !== c });
      }
    });
  });
  // Ties are broken by the tokens themselves, not their positions, so any permutation of a name aligns the same way.
  const byText = (a: TokenPair, b: TokenPair): number => {
    const qa = query[a.query] ?? "";
    const qb = query[b.query] ?? "";
    const ca = candidate[a.candidate] ?? "";
    const cb = candidate[b.candidate] ?? "";
    return qa < qb ? -1 : qa > qb ? 1 : ca < cb ? -1 : ca > cb ? 1 : a.query - b.query || a.candidate - b.candidate;
  };
  pairs.sort((a, b) => b.similarity - a.similarity || byText(a, b));
  const usedQ = new Set<number>();
  const usedC = new Set<number>();
  const chosen: TokenPair[] = [];
  for (const pair of pairs) {
    if (usedQ.has(pair.query) || usedC.has(pair.candidate)) {
      continue;
    }
    usedQ.add(pair.query);
    usedC.add(pair.candidate);
    chosen.push(pair);
  }
  return chosen.sort((a, b) => a.query - b.query);
}
