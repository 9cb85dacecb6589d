// Rules as data: the JSON shape of a rule set, validated with zod before anything is compiled.
import { z } from "zod";
import { PARTY_ROLES, type PartyRole } from "./facts.ts";
import type { TextPattern } from "./text.ts";

/** A scalar a field can be compared with. */
export type Scalar = string | number | boolean;

/** Where on the route a port or country condition looks. */
export const ROUTE_POINTS = [
  "receipt",
  "loading",
  "discharge",
  "finalDestination",
  "transshipment",
  "anyPort",
] as const;
/** A point on the route. */
export type RoutePoint = (typeof ROUTE_POINTS)[number];
/** Whose country a country condition looks at: a route point, a party role or any party. */
export type CountryOf = RoutePoint | PartyRole | "anyParty";

/** The condition language (see README.md): field tests, domain tests and all/any/not. */
export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { field: string; equals: Scalar }
  | { field: string; in: Scalar[] }
  | { field: string; prefix: string[] }
  | { field: string; text: TextPattern }
  | { field: string; range: { min?: number; max?: number } }
  | { field: string; present: boolean }
  | { hsPrefix: string[] }
  | { norm: "nuisance" | "explain-or-escalate" | "any" }
  | { port: { at: RoutePoint; in: string[] } }
  | { country: { of: CountryOf; in: string[] } }
  | { transshipment: { via?: string[]; viaCountry?: string[] } }
  | { watchlist: { subject: "party" | "vessel" | "container"; roles?: PartyRole[]; lists?: string[] } }
  | { screening: { minScore: number; roles?: PartyRole[] } }
  | { firstSeen: "shipper" | "consignee" }
  | { weightImplausible: { tolerance?: number } }
  | { filedLate: { hoursBeforeCutoff: number } }
  | { incomplete: { fields: string[] } }
  | { hsMismatch: true };

const Scalar = z.union([z.string(), z.number(), z.boolean()]);
const Strings = z.array(z.string().min(1)).min(1);
const Roles = z.array(z.enum(PARTY_ROLES)).min(1);
const TextPatternSchema = z
  .strictObject({
    words: Strings.optional(),
    contains: Strings.optional(),
    globs: Strings.optional(),
    onlyWords: Strings.optional(),
    empty: z.boolean().optional(),
  })
  .refine(
    (p) => p.words || p.contains || p.globs || p.onlyWords || p.empty,
    "a text pattern needs words, contains, globs, onlyWords or empty",
  );

/** Zod schema of one condition (recursive). */
export const ConditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(ConditionSchema).min(1) }),
    z.strictObject({ any: z.array(ConditionSchema).min(1) }),
    z.strictObject({ not: ConditionSchema }),
    z.strictObject({ field: z.string(), equals: Scalar }),
    z.strictObject({ field: z.string(), in: z.array(Scalar).min(1) }),
    z.strictObject({ field: z.string(), prefix: Strings }),
    z.strictObject({ field: z.string(), text: TextPatternSchema }),
    z.strictObject({
      field: z.string(),
      range: z.strictObject({ min: z.number().optional(), max: z.number().optional() }),
    }),
    z.strictObject({ field: z.string(), present: z.boolean() }),
    z.strictObject({ hsPrefix: z.array(z.string().regex(/^\d{2,6}$/, "HS prefixes are 2–6 digits")).min(1) }),
    z.strictObject({ norm: z.enum(["nuisance", "explain-or-escalate", "any"]) }),
    z.strictObject({ port: z.strictObject({ at: z.enum(ROUTE_POINTS), in: Strings }) }),
    z.strictObject({
      country: z.strictObject({
        of: z.enum([...ROUTE_POINTS, ...PARTY_ROLES, "anyParty"]),
        in: z.array(z.string().length(2)).min(1),
      }),
    }),
    z.strictObject({
      transshipment: z.strictObject({
        via: Strings.optional(),
        viaCountry: z.array(z.string().length(2)).min(1).optional(),
      }),
    }),
    z.strictObject({
      watchlist: z.strictObject({
        subject: z.enum(["party", "vessel", "container"]),
        roles: Roles.optional(),
        lists: Strings.optional(),
      }),
    }),
    z.strictObject({ screening: z.strictObject({ minScore: z.number().min(0).max(1), roles: Roles.optional() }) }),
    z.strictObject({ firstSeen: z.enum(["shipper", "consignee"]) }),
    z.strictObject({ weightImplausible: z.strictObject({ tolerance: z.number().min(0.1).max(10).optional() }) }),
    z.strictObject({ filedLate: z.strictObject({ hoursBeforeCutoff: z.number() }) }),
    z.strictObject({ incomplete: z.strictObject({ fields: Strings }) }),
    z.strictObject({ hsMismatch: z.literal(true) }),
  ]),
);

/** Id of the one hit a rule set's `dataMissing` adds for rules it could not assess. */
export const DATA_MISSING_RULE_ID = "data.missing";

/** Zod schema of one rule. */
export const RuleSchema = z.strictObject({
  /** Stable id, referenced by hits, backtests and audit. */
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, "rule ids are lower-case letters, digits, dots, dashes, underscores"),
  title: z.string().optional(),
  /** Points added to the score when the rule fires (negative weights mitigate). */
  weight: z.number().min(-1000).max(1000),
  /** Explanation template; `{name}` is replaced by evidence or a shipment field ("Goods {hsCode} ({description}) …"). */
  explanation: z.string().min(1),
  when: ConditionSchema,
  /**
   * What the rule does when a fact it needs is unknown (absent on the shipment): never fire as if the
   * fact were there; "data-missing" also counts it towards the rule set's one `dataMissing` hit.
   */
  ifUnknown: z.enum(["skip", "data-missing"]).default("skip"),
  enabled: z.boolean().default(true),
  tags: z.array(z.string()).default([]),
});

/** Zod schema of a rule set. */
export const RuleSetSchema = z
  .strictObject({
    id: z.string().min(1),
    version: z.string().min(1),
    /** Agency that owns the rules (e.g. "JP-CUSTOMS", "US-CBP"). */
    agency: z.string().min(1),
    description: z.string().optional(),
    /** Score at or above `medium` is medium risk, at or above `high` is high risk. */
    thresholds: z
      .strictObject({ medium: z.number(), high: z.number() })
      .refine((t) => t.high >= t.medium, "high must be ≥ medium"),
    /** Baseline random selection (a share of shipments picked regardless of score). */
    random: z.strictObject({ seed: z.string().min(1), rate: z.number().min(0).max(1) }).optional(),
    /**
     * One hit, whatever the number of rules, when rules marked `ifUnknown: "data-missing"` could not be assessed
     * for want of facts the shipment should carry; `{missingFacts}` and `{rules}` name them in the explanation.
     */
    dataMissing: z.strictObject({ weight: z.number().min(-1000).max(1000), explanation: z.string().min(1) }).optional(),
    rules: z.array(RuleSchema).min(1),
  })
  .refine((s) => new Set(s.rules.map((r) => r.id)).size === s.rules.length, "rule ids must be unique")
  .refine(
    (s) => s.rules.every((r) => r.id !== DATA_MISSING_RULE_ID),
    `${DATA_MISSING_RULE_ID} is the id of the data-missing hit, not of a rule`,
  );

/** One rule (after defaults). */
export type Rule = z.infer<typeof RuleSchema>;
/** A rule set (after defaults). */
export type RuleSet = z.infer<typeof RuleSetSchema>;
/** A rule set as written in JSON (defaults not yet applied). */
export type RuleSetInput = z.input<typeof RuleSetSchema>;
