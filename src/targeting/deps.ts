// What the rules may ask of the outside world: a watchlist lookup and a party screener, passed in at compile time.
import type { Screener } from "../screening/index.ts";
import type { PartyFacts } from "./facts.ts";

/** What a watchlist says about a subject. */
export interface WatchlistHit {
  list: string;
  id: string;
  reason?: string;
}

/** Looks a party (by name and country), a vessel (by IMO) or a container (by number) up in the agency's watchlists. */
export type WatchlistLookup = (
  subject: "party" | "vessel" | "container",
  key: string,
  country?: string,
) => WatchlistHit | undefined;

/** The best screening-list match for a party, if any. */
export interface PartyScreenHit {
  score: number;
  list: string;
  id: string;
  name: string;
  matched: string;
}

/** Screens one party; a real implementation wraps src/screening (see screenerLookup). */
export type PartyScreen = (party: PartyFacts) => PartyScreenHit | undefined;

/** External lookups the rules use; a rule set that needs one that is missing does not compile. */
export interface TargetingDeps {
  watchlist?: WatchlistLookup;
  screenParty?: PartyScreen;
}

/** Wraps a screener as a PartyScreen with a bounded memo (the same shipper recurs across many shipments). */
export function screenerLookup(screener: Screener, floor = 0.5, memoSize = 50_000): PartyScreen {
  const memo = new Map<string, PartyScreenHit | undefined>();
  return (party) => {
    const key = `${party.name}|${party.country ?? ""}`;
    if (memo.has(key)) {
      return memo.get(key);
    }
    if (memo.size >= memoSize) {
      memo.clear();
    }
    const top = screener.screen(
      { name: party.name, ...(party.country ? { country: party.country } : {}) },
      { threshold: floor, topK: 1 },
    ).matches[0];
    const hit = top
      ? { score: top.score, list: top.list, id: top.id, name: top.name, matched: top.matched }
      : undefined;
    memo.set(key, hit);
    return hit;
  };
}
