// A shipment's facts plus what rules derive from them (normalised HS codes and texts, TEU, filing lead time),
// each computed at most once per scoring however many rules ask.
import { decodeSizeType, normaliseHsCode, normCommodity, type NormCommodity } from "../trade/index.ts";
import type { PartyFacts, ShipmentFacts } from "./facts.ts";
import type { Evidence } from "./evidence.ts";
import { normaliseText } from "./text.ts";
import { routePorts, transshipmentRelays } from "./route.ts";
import type { RoutePoint } from "./schema.ts";
import { hasWeights, judgeLoads, loadsOf, teuOf, type Load, type WeightFinding } from "./weight.ts";

// HS codes and descriptions repeat across shipments: bounded memos shared by all views.
const MEMO_LIMIT = 100_000;
const hsMemo = new Map<string, string | null>();
const textMemo = new Map<string, string>();

function remember<V>(memo: Map<string, V>, key: string, compute: (key: string) => V): V {
  const known = memo.get(key);
  if (known !== undefined) {
    return known;
  }
  if (memo.size >= MEMO_LIMIT) {
    memo.clear();
  }
  const value = compute(key);
  memo.set(key, value);
  return value;
}

/**
 * A condition's answer when a fact it needs is unknown: it neither holds nor fails, and a `not` of it is unknown too.
 * Compared by identity; never shown as evidence.
 */
export const UNKNOWN: Evidence = Object.freeze({ unknown: "unknown" });

const typeGroupMemo = new Map<string, string>();

function typeGroupOf(code: string): string {
  const r = decodeSizeType(code);
  return r.ok ? (r.value.typeGroup ?? "") : "";
}

function normaliseHs(raw: string): string | null {
  const r = normaliseHsCode(raw);
  return r.ok ? r.value.code : null;
}

/** Per-shipment derived facts, computed lazily. */
export class ShipmentView {
  readonly facts: ShipmentFacts;
  private hsCodes?: Array<string | undefined>;
  private norms?: Array<NormCommodity | undefined>;
  // Caches are created on first use: most shipments touch only a few of them.
  private teuTotal?: number;
  private weights?: Map<number, WeightFinding[]>;
  private loads?: Load[];
  private partyMemo?: Map<string, Map<PartyFacts, unknown>>;
  private portMemo?: Map<RoutePoint, string[]>;
  private relayList?: string[];
  private lead?: number | null;
  private typeGroups?: Array<string | undefined>;
  /** Facts found unknown while the current rule was assessed: absent on this shipment, or not carried by its source. */
  readonly absent: string[] = [];
  readonly notCarried: string[] = [];

  constructor(facts: ShipmentFacts) {
    this.facts = facts;
  }

  /** Starts assessing another rule: forgets the unknown facts noted for the previous one. */
  startRule(): void {
    this.absent.length = 0;
    this.notCarried.length = 0;
  }

  /** False when the source of the facts says it does not carry this field path. */
  carries(path: string): boolean {
    const unknown = this.facts.unknown;
    return unknown === undefined || unknown.length === 0 || !unknown.includes(path);
  }

  /** Notes that the rule being assessed lacks a fact, and answers UNKNOWN. */
  unknown(fact: string): Evidence {
    const list = this.carries(fact) ? this.absent : this.notCarried;
    if (!list.includes(fact)) {
      list.push(fact);
    }
    return UNKNOWN;
  }

  /** ISO 6346 type group per container ("GP", "RT", "RE", …; undefined when the size/type is missing or not decoded). */
  containerTypeGroups(): Array<string | undefined> {
    this.typeGroups ??= this.facts.containers.map((c) =>
      c.sizeType ? remember(typeGroupMemo, c.sizeType.toUpperCase(), typeGroupOf) || undefined : undefined,
    );
    return this.typeGroups;
  }

  /** Normalised 2–6 digit HS code per goods line (undefined when missing or invalid). */
  hs(): Array<string | undefined> {
    this.hsCodes ??= this.facts.goods.map((g) =>
      g.hsCode ? (remember(hsMemo, g.hsCode, normaliseHs) ?? undefined) : undefined,
    );
    return this.hsCodes;
  }

  /** NORM / radioactive-commodity prior per goods line (src/trade normCommodity). */
  norm(): Array<NormCommodity | undefined> {
    this.norms ??= this.hs().map((code) => (code ? normCommodity(code) : undefined));
    return this.norms;
  }

  /** normaliseText of a string (memoised across shipments). */
  text(raw: string): string {
    return remember(textMemo, raw, normaliseText);
  }

  /** Total TEU of the containers. */
  teu(): number {
    this.teuTotal ??= this.facts.containers.reduce((sum, c) => sum + teuOf(c.sizeType), 0);
    return this.teuTotal;
  }

  /** Hours between filing and the loading cut-off (ETD when no cut-off); negative when filed after it; undefined when unknown. */
  hoursFiledBeforeCutoff(): number | undefined {
    if (this.lead === undefined) {
      const cutoff = this.facts.loadingCutoff ?? this.facts.etd;
      this.lead =
        cutoff && this.facts.filedAt ? (Date.parse(cutoff) - Date.parse(this.facts.filedAt)) / 3_600_000 : null;
    }
    return this.lead ?? undefined;
  }

  /** UN/LOCODEs at a route point. */
  ports(at: RoutePoint): string[] {
    this.portMemo ??= new Map();
    let out = this.portMemo.get(at);
    if (!out) {
      out = routePorts(this.facts, at);
      this.portMemo.set(at, out);
    }
    return out;
  }

  /** Ports where the cargo changes vessel. */
  relays(): string[] {
    this.relayList ??= transshipmentRelays(this.facts);
    return this.relayList;
  }

  /** Weight plausibility findings at a tolerance. */
  weightFindings(tolerance: number): WeightFinding[] {
    this.weights ??= new Map();
    let out = this.weights.get(tolerance);
    if (!out) {
      this.loads ??= hasWeights(this.facts)
        ? loadsOf(
            this.facts,
            this.hs().map((c) => (c ? Number(c.slice(0, 2)) : 0)),
          )
        : [];
      out = judgeLoads(this.loads, tolerance);
      this.weights.set(tolerance, out);
    }
    return out;
  }

  /** Memoises a per-party lookup (`kind` is "screening" or "watchlist") for the shipment. */
  memo<T>(kind: string, party: PartyFacts, compute: (party: PartyFacts) => T): T {
    this.partyMemo ??= new Map();
    let byParty = this.partyMemo.get(kind);
    if (!byParty) {
      byParty = new Map();
      this.partyMemo.set(kind, byParty);
    }
    if (byParty.has(party)) {
      return byParty.get(party) as T;
    }
    const value = compute(party);
    byParty.set(party, value);
    return value;
  }

  /** Parties with one of the roles (all parties when roles is undefined). */
  parties(roles: readonly string[] | undefined): PartyFacts[] {
    return roles ? this.facts.parties.filter((p) => roles.includes(p.role)) : this.facts.parties;
  }
}
