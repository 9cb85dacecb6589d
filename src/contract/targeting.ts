import { z } from "zod";
import { RULE_SET_STATUSES, WATCHLIST_KINDS } from "../domain/vocabulary.ts";

// An agency's targeting: its rule set versions with their backtests, and its own watchlist.

/** A stored rule set version. */
export const RuleSetSchema = z.object({
  id: z.uuid(),
  version: z.number().int(),
  name: z.string(),
  status: z.enum(RULE_SET_STATUSES),
  definition: z.unknown(),
  createdAt: z.string(),
  activatedAt: z.string().nullable(),
  ruleCount: z.number().int(),
});
export type RuleSetView = z.infer<typeof RuleSetSchema>;

/** A draft rule set to save; it is compiled before it is stored. */
export const NewRuleSet = z.object({
  name: z.string().trim().min(1).max(200),
  definition: z.record(z.string(), z.unknown()),
});

/** How far back a backtest looks. */
export const BacktestBody = z.object({ days: z.number().int().min(1).max(365).default(30) });

/** How one selection method would have done over the window. */
export const SelectionStatsSchema = z.object({
  flagged: z.number().int(),
  inspected: z.number().int(),
  /** Inspected and something found: an alarm, an anomaly, a man-made source, or a hold. */
  found: z.number().int(),
});
export type SelectionStats = z.infer<typeof SelectionStatsSchema>;

/** A draft's backtest beside the active rules and the random baseline. */
export const BacktestSchema = z.object({
  days: z.number(),
  shipments: z.number(),
  draft: SelectionStatsSchema,
  active: SelectionStatsSchema,
  random: SelectionStatsSchema.extend({ rate: z.number() }),
  byRule: z.array(z.object({ ruleId: z.string(), hits: z.number() })),
});
export type Backtest = z.infer<typeof BacktestSchema>;

/** One entry of an agency's own watchlist. */
export const WatchlistEntrySchema = z.object({
  id: z.uuid(),
  kind: z.enum(WATCHLIST_KINDS),
  value: z.string(),
  country: z.string().nullable(),
  reason: z.string(),
  createdAt: z.string(),
});
export type WatchlistView = z.infer<typeof WatchlistEntrySchema>;

const WatchValue = z.string().trim().min(2).max(300);
const WatchReason = z.string().trim().min(3).max(2000);

/** A party, vessel (IMO) or container to watch, and why. */
export const NewWatchlistEntry = z.object({
  kind: z.enum(WATCHLIST_KINDS),
  value: WatchValue,
  country: z.string().length(2).optional(),
  reason: WatchReason,
});

/** A change to an entry's value, country or reason; at least one. */
export const WatchlistEntryPatch = z
  .object({
    value: WatchValue.optional(),
    country: z.string().length(2).toUpperCase().nullable().optional(),
    reason: WatchReason.optional(),
  })
  .refine((p) => p.value !== undefined || p.country !== undefined || p.reason !== undefined, "Say what to change");

/** Why an entry comes off the watchlist. */
export const WatchlistRemoval = z.object({ reason: WatchReason });
