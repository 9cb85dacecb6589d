import { useEffect, useState } from "react";
import type { MessageId } from "../i18n/en.ts";
import { useT, type Translator, type Values } from "../i18n/index.tsx";

// The rule set as a form: thresholds, then each rule with its weight, explanation and conditions.
// Conditions nest (all of / any of / not); each kind has its own inputs. What the form cannot show
// (a kind it does not know) stays as it was, shown as JSON, and the JSON editor stays for experts.

/** A condition of the rule language (see src/targeting/schema.ts), loosely typed for editing. */
export type Cond = Record<string, unknown>;

/** One rule as the form edits it. */
export interface FormRule {
  id: string;
  title?: string;
  weight: number;
  explanation: string;
  when: Cond;
  ifUnknown?: "skip" | "data-missing";
  enabled?: boolean;
  tags?: string[];
  [other: string]: unknown;
}

/** A rule set as the form edits it; other members pass through untouched. */
export interface FormRuleSet {
  thresholds?: { medium: number; high: number };
  random?: { seed: string; rate: number };
  rules?: FormRule[];
  [other: string]: unknown;
}

/** One problem, in plain words, and where it is (a rule's index, or the set). */
export interface Issue {
  rule: number | null;
  message: string;
}

const KINDS = [
  "all",
  "any",
  "not",
  "hsPrefix",
  "field",
  "norm",
  "port",
  "country",
  "transshipment",
  "watchlist",
  "screening",
  "firstSeen",
  "weightImplausible",
  "filedLate",
  "incomplete",
  "hsMismatch",
] as const;
type Kind = (typeof KINDS)[number];
const FIELD_TESTS = ["equals", "in", "prefix", "text", "range", "present"] as const;
type FieldTest = (typeof FIELD_TESTS)[number];
const ROUTE_POINTS = ["receipt", "loading", "discharge", "finalDestination", "transshipment", "anyPort"];
const PARTY_ROLES = ["shipper", "consignee", "notify", "forwarder"];
/** Field paths a targeter is likely to test (the language takes others too). */
const FIELDS = [
  "portOfLoading",
  "portOfDischarge",
  "finalDestination",
  "placeOfReceipt",
  "carrierScac",
  "vesselImo",
  "vesselName",
  "itn",
  "declaredValueUsd",
  "goods.hsCode",
  "goods.description",
  "goods.grossWeightKg",
  "goods.packageType",
  "containers.sizeType",
  "containers.typeGroup",
  "shipper.country",
  "consignee.country",
  "shipper.name",
  "consignee.name",
  "teu",
  "containerCount",
  "totalWeightKg",
  "transshipmentCount",
  "hoursFiledBeforeCutoff",
];
const RULE_ID = /^[a-z0-9][a-z0-9._-]*$/;
const HS_PREFIX = /^\d{2,6}$/;
const COUNTRY = /^[A-Z]{2}$/;
const LOCODE = /^[A-Z]{2}[A-Z0-9]{3}$/;

/** The kind of a condition, by the key that names it. */
export function kindOf(c: Cond): Kind | null {
  if ("field" in c) {
    return "field";
  }
  const key = Object.keys(c)[0];
  return key && (KINDS as readonly string[]).includes(key) ? (key as Kind) : null;
}

function fieldTestOf(c: Cond): FieldTest {
  return FIELD_TESTS.find((k) => k in c) ?? "equals";
}

/** A fresh condition of a kind, with the least a targeter must fill in. */
function blank(kind: Kind): Cond {
  switch (kind) {
    case "all":
    case "any":
      return { [kind]: [{ hsPrefix: [] }] };
    case "not":
      return { not: { hsPrefix: [] } };
    case "hsPrefix":
      return { hsPrefix: [] };
    case "field":
      return { field: "", equals: "" };
    case "norm":
      return { norm: "any" };
    case "port":
      return { port: { at: "discharge", in: [] } };
    case "country":
      return { country: { of: "consignee", in: [] } };
    case "transshipment":
      return { transshipment: {} };
    case "watchlist":
      return { watchlist: { subject: "party" } };
    case "screening":
      return { screening: { minScore: 0.9 } };
    case "firstSeen":
      return { firstSeen: "consignee" };
    case "weightImplausible":
      return { weightImplausible: {} };
    case "filedLate":
      return { filedLate: { hoursBeforeCutoff: 24 } };
    case "incomplete":
      return { incomplete: { fields: [] } };
    case "hsMismatch":
      return { hsMismatch: true };
  }
}

/** A scalar as text; anything else as empty. */
const str = (v: unknown, fallback = ""): string =>
  typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? String(v) : fallback;
const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
const asRecord = (v: unknown): Record<string, unknown> =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

type Say = (id: MessageId, values?: Values) => string;

function checkCondition(c: Cond, say: Say, out: string[]): void {
  const kind = kindOf(c);
  if (!kind) {
    out.push(say("ruleForm.issue.unknownCondition", { keys: Object.keys(c).join(", ") || "—" }));
    return;
  }
  const list = (values: string[], pattern: RegExp, bad: MessageId, empty: MessageId) => {
    if (values.length === 0) {
      out.push(say(empty));
    }
    for (const v of values.filter((x) => !pattern.test(x))) {
      out.push(say(bad, { value: v }));
    }
  };
  switch (kind) {
    case "all":
    case "any": {
      const children = Array.isArray(c[kind]) ? (c[kind] as Cond[]) : [];
      if (children.length === 0) {
        out.push(say("ruleForm.issue.emptyGroup", { group: say(`ruleForm.kind.${kind}`) }));
      }
      children.forEach((child) => checkCondition(asRecord(child), say, out));
      return;
    }
    case "not":
      checkCondition(asRecord(c.not), say, out);
      return;
    case "hsPrefix":
      list(asList(c.hsPrefix), HS_PREFIX, "ruleForm.issue.badHs", "ruleForm.issue.noHs");
      return;
    case "port":
      list(asList(asRecord(c.port).in), LOCODE, "ruleForm.issue.badPort", "ruleForm.issue.noPort");
      return;
    case "country":
      list(asList(asRecord(c.country).in), COUNTRY, "ruleForm.issue.badCountry", "ruleForm.issue.noCountry");
      return;
    case "transshipment": {
      const t = asRecord(c.transshipment);
      const via = asList(t.via);
      const viaCountry = asList(t.viaCountry);
      if (via.length === 0 && viaCountry.length === 0 && ("via" in t || "viaCountry" in t)) {
        out.push(say("ruleForm.issue.noVia"));
      }
      via.filter((x) => !LOCODE.test(x)).forEach((v) => out.push(say("ruleForm.issue.badPort", { value: v })));
      viaCountry
        .filter((x) => !COUNTRY.test(x))
        .forEach((v) => out.push(say("ruleForm.issue.badCountry", { value: v })));
      return;
    }
    case "screening": {
      const score = asRecord(c.screening).minScore;
      if (typeof score !== "number" || !(score >= 0 && score <= 1)) {
        out.push(say("ruleForm.issue.badScore"));
      }
      return;
    }
    case "weightImplausible": {
      const tolerance = asRecord(c.weightImplausible).tolerance;
      if (tolerance !== undefined && (typeof tolerance !== "number" || tolerance < 0.1 || tolerance > 10)) {
        out.push(say("ruleForm.issue.badTolerance"));
      }
      return;
    }
    case "filedLate":
      if (
        typeof asRecord(c.filedLate).hoursBeforeCutoff !== "number" ||
        !Number.isFinite(asRecord(c.filedLate).hoursBeforeCutoff)
      ) {
        out.push(say("ruleForm.issue.badHours"));
      }
      return;
    case "incomplete":
      if (asList(asRecord(c.incomplete).fields).length === 0) {
        out.push(say("ruleForm.issue.noFields"));
      }
      return;
    case "field": {
      if (typeof c.field !== "string" || c.field.trim() === "") {
        out.push(say("ruleForm.issue.noField"));
      }
      const test = fieldTestOf(c);
      if ((test === "in" || test === "prefix") && asList(c[test]).length === 0) {
        out.push(say("ruleForm.issue.noValues", { field: str(c.field) }));
      }
      if (test === "equals" && (c.equals === "" || c.equals === undefined)) {
        out.push(say("ruleForm.issue.noValue", { field: str(c.field) }));
      }
      if (test === "range") {
        const r = asRecord(c.range);
        if (typeof r.min !== "number" && typeof r.max !== "number") {
          out.push(say("ruleForm.issue.noRange", { field: str(c.field) }));
        } else if (typeof r.min === "number" && typeof r.max === "number" && r.min > r.max) {
          out.push(say("ruleForm.issue.badRange", { field: str(c.field) }));
        }
      }
      if (test === "text") {
        const p = asRecord(c.text);
        if (!["words", "contains", "globs", "onlyWords"].some((k) => asList(p[k]).length > 0) && p.empty !== true) {
          out.push(say("ruleForm.issue.noWords", { field: str(c.field) }));
        }
      }
      return;
    }
    case "norm":
    case "watchlist":
    case "firstSeen":
    case "hsMismatch":
      return;
  }
}

/** Every problem of the rule set, in plain words, before it is sent. */
export function validateRuleSet(def: FormRuleSet, say: Say): Issue[] {
  const issues: Issue[] = [];
  const th = def.thresholds;
  if (
    !th ||
    typeof th.medium !== "number" ||
    typeof th.high !== "number" ||
    !Number.isFinite(th.medium) ||
    !Number.isFinite(th.high)
  ) {
    issues.push({ rule: null, message: say("ruleForm.issue.noThresholds") });
  } else if (th.high < th.medium) {
    issues.push({ rule: null, message: say("ruleForm.issue.thresholdOrder", { medium: th.medium, high: th.high }) });
  }
  if (def.random && (typeof def.random.rate !== "number" || !(def.random.rate >= 0 && def.random.rate <= 1))) {
    issues.push({ rule: null, message: say("ruleForm.issue.badRandom") });
  }
  const rules = def.rules ?? [];
  if (rules.length === 0) {
    issues.push({ rule: null, message: say("ruleForm.issue.noRules") });
  }
  const seen = new Map<string, number>();
  rules.forEach((rule, i) => {
    const name = rule.id || say("ruleForm.unnamed", { n: i + 1 });
    const add = (message: string) =>
      issues.push({ rule: i, message: say("ruleForm.issue.inRule", { rule: name, message }) });
    if (!RULE_ID.test(rule.id)) {
      add(say("ruleForm.issue.badId"));
    } else if (rule.id === "data.missing") {
      add(say("ruleForm.issue.reservedId"));
    }
    const first = seen.get(rule.id);
    if (rule.id && first !== undefined) {
      add(say("ruleForm.issue.duplicateId", { n: first + 1 }));
    }
    seen.set(rule.id, i);
    if (typeof rule.weight !== "number" || !Number.isFinite(rule.weight) || rule.weight < -1000 || rule.weight > 1000) {
      add(say("ruleForm.issue.badWeight"));
    }
    if (typeof rule.explanation !== "string" || rule.explanation.trim() === "") {
      add(say("ruleForm.issue.noExplanation"));
    }
    const problems: string[] = [];
    checkCondition(asRecord(rule.when), say, problems);
    problems.forEach(add);
  });
  return issues;
}

/**
 * The server's own findings ("rules.3.weight: Too big") said the form's way: which rule, by its
 * name, then what the server found.
 */
export function explainServerIssues(issues: string[], def: FormRuleSet, say: Say): Issue[] {
  return issues.map((issue) => {
    const m = /^rules\.(\d+)(?:\.([^:]*))?:\s*(.*)$/.exec(issue) ?? /^rule ([^:]+):\s*(.*)$/.exec(issue);
    if (m && m.length === 4) {
      const i = Number(m[1]);
      const rule = def.rules?.[i];
      return {
        rule: i,
        message: say("ruleForm.issue.inRule", {
          rule: rule?.id || say("ruleForm.unnamed", { n: i + 1 }),
          message: say("ruleForm.issue.server", { where: m[2] || "—", message: m[3] ?? "" }),
        }),
      };
    }
    if (m && m.length === 3) {
      const i = def.rules?.findIndex((r) => r.id === m[1]) ?? -1;
      return {
        rule: i >= 0 ? i : null,
        message: say("ruleForm.issue.inRule", { rule: m[1] ?? "", message: m[2] ?? "" }),
      };
    }
    return { rule: null, message: issue };
  });
}

/** A comma-separated list input that keeps what is typed until it parses. */
function ListInput({
  value,
  onChange,
  label,
  upper = false,
  placeholder,
}: {
  value: string[];
  onChange: (v: string[]) => void;
  label: string;
  upper?: boolean;
  placeholder?: string;
}) {
  const [text, setText] = useState(value.join(", "));
  useEffect(() => {
    setText((current) => (parseList(current, upper).join("|") === value.join("|") ? current : value.join(", ")));
  }, [value, upper]);
  return (
    <input
      aria-label={label}
      placeholder={placeholder}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        onChange(parseList(e.target.value, upper));
      }}
    />
  );
}

function parseList(text: string, upper: boolean): string[] {
  return text
    .split(",")
    .map((s) => (upper ? s.trim().toUpperCase() : s.trim()))
    .filter(Boolean);
}

/** A number input: empty reads as undefined, so "no limit" is possible. */
function NumberInput({
  value,
  onChange,
  label,
  step = "any",
}: {
  value: number | undefined;
  onChange: (v: number | undefined) => void;
  label: string;
  step?: string;
}) {
  return (
    <input
      type="number"
      step={step}
      aria-label={label}
      value={value ?? ""}
      onChange={(e) => onChange(e.target.value === "" ? undefined : Number(e.target.value))}
    />
  );
}

/** A value typed as the field holds it: a number when the old value was one, else text. */
function scalarOf(text: string, like: unknown): string | number | boolean {
  if (typeof like === "number" && text.trim() !== "" && Number.isFinite(Number(text))) {
    return Number(text);
  }
  if (typeof like === "boolean") {
    return text === "true";
  }
  return text;
}

/** One condition and, for groups, the conditions inside it. */
function ConditionEditor({
  value,
  onChange,
  onRemove,
  depth,
}: {
  value: Cond;
  onChange: (c: Cond) => void;
  onRemove?: () => void;
  depth: number;
}) {
  const t = useT();
  const kind = kindOf(value);
  const set = (key: string, inner: Record<string, unknown>) => onChange({ [key]: inner });
  const kindLabel = t("ruleForm.conditionKind");
  return (
    <div className={`condition depth-${Math.min(depth, 3)}`} data-testid="condition" data-kind={kind ?? "unknown"}>
      <div className="condition-head">
        <select aria-label={kindLabel} value={kind ?? ""} onChange={(e) => onChange(blank(e.target.value as Kind))}>
          {kind === null && <option value="">{t("ruleForm.kind.unknown")}</option>}
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`ruleForm.kind.${k}`)}
            </option>
          ))}
        </select>
        {onRemove && (
          <button type="button" className="link" onClick={onRemove}>
            {t("ruleForm.removeCondition")}
          </button>
        )}
      </div>
      <ConditionBody kind={kind} value={value} onChange={onChange} set={set} depth={depth} t={t} />
    </div>
  );
}

function ConditionBody({
  kind,
  value,
  onChange,
  set,
  depth,
  t,
}: {
  kind: Kind | null;
  value: Cond;
  onChange: (c: Cond) => void;
  set: (key: string, inner: Record<string, unknown>) => void;
  depth: number;
  t: Translator;
}) {
  switch (kind) {
    case null:
      return <pre className="raw">{JSON.stringify(value, null, 2)}</pre>;
    case "all":
    case "any": {
      const children = Array.isArray(value[kind]) ? (value[kind] as Cond[]) : [];
      return (
        <div className="condition-children">
          {children.map((child, i) => (
            <ConditionEditor
              key={i}
              value={asRecord(child)}
              depth={depth + 1}
              onChange={(c) => onChange({ [kind]: children.map((x, j) => (j === i ? c : x)) })}
              onRemove={() => onChange({ [kind]: children.filter((_, j) => j !== i) })}
            />
          ))}
          <button
            type="button"
            className="secondary"
            onClick={() => onChange({ [kind]: [...children, blank("hsPrefix")] })}
          >
            {t("ruleForm.addCondition")}
          </button>
        </div>
      );
    }
    case "not":
      return (
        <div className="condition-children">
          <ConditionEditor value={asRecord(value.not)} depth={depth + 1} onChange={(c) => onChange({ not: c })} />
        </div>
      );
    case "hsPrefix":
      return (
        <label>
          {t("ruleForm.hsCodes")}{" "}
          <ListInput
            label={t("ruleForm.hsCodes")}
            value={asList(value.hsPrefix)}
            placeholder="2844, 2612"
            onChange={(v) => onChange({ hsPrefix: v })}
          />
        </label>
      );
    case "norm":
      return (
        <select
          aria-label={t("ruleForm.kind.norm")}
          value={String(value.norm)}
          onChange={(e) => onChange({ norm: e.target.value })}
        >
          {["any", "nuisance", "explain-or-escalate"].map((n) => (
            <option key={n} value={n}>
              {t(`ruleForm.norm.${n}` as MessageId)}
            </option>
          ))}
        </select>
      );
    case "port":
    case "country": {
      const inner = asRecord(value[kind]);
      const key = kind === "port" ? "at" : "of";
      const points = kind === "port" ? ROUTE_POINTS : [...ROUTE_POINTS, ...PARTY_ROLES, "anyParty"];
      return (
        <div className="inline-fields">
          <select
            aria-label={t("ruleForm.where")}
            value={str(inner[key])}
            onChange={(e) => set(kind, { ...inner, [key]: e.target.value })}
          >
            {points.map((p) => (
              <option key={p} value={p}>
                {t(`ruleForm.point.${p}` as MessageId)}
              </option>
            ))}
          </select>
          <ListInput
            label={kind === "port" ? t("ruleForm.ports") : t("ruleForm.countries")}
            upper
            value={asList(inner.in)}
            placeholder={kind === "port" ? "KRPUS, CNSHA" : "JP, KR"}
            onChange={(v) => set(kind, { ...inner, in: v })}
          />
        </div>
      );
    }
    case "transshipment": {
      const inner = asRecord(value.transshipment);
      const put = (k: "via" | "viaCountry", v: string[]) => {
        const next = { ...inner, [k]: v };
        if (v.length === 0) {
          delete next[k];
        }
        set("transshipment", next);
      };
      return (
        <div className="inline-fields">
          <label>
            {t("ruleForm.viaPorts")}{" "}
            <ListInput
              label={t("ruleForm.viaPorts")}
              upper
              value={asList(inner.via)}
              placeholder="KRPUS"
              onChange={(v) => put("via", v)}
            />
          </label>
          <label>
            {t("ruleForm.viaCountries")}{" "}
            <ListInput
              label={t("ruleForm.viaCountries")}
              upper
              value={asList(inner.viaCountry)}
              placeholder="KR"
              onChange={(v) => put("viaCountry", v)}
            />
          </label>
        </div>
      );
    }
    case "watchlist": {
      const inner = asRecord(value.watchlist);
      return (
        <select
          aria-label={t("ruleForm.subject")}
          value={str(inner.subject, "party")}
          onChange={(e) => set("watchlist", { ...inner, subject: e.target.value })}
        >
          {["party", "vessel", "container"].map((s) => (
            <option key={s} value={s}>
              {t.code(`watch_${s}`)}
            </option>
          ))}
        </select>
      );
    }
    case "screening": {
      const inner = asRecord(value.screening);
      return (
        <label>
          {t("ruleForm.minScore")}{" "}
          <NumberInput
            label={t("ruleForm.minScore")}
            value={typeof inner.minScore === "number" ? inner.minScore : undefined}
            onChange={(v) => set("screening", { ...inner, minScore: v })}
          />
        </label>
      );
    }
    case "firstSeen":
      return (
        <select
          aria-label={t("ruleForm.kind.firstSeen")}
          value={String(value.firstSeen)}
          onChange={(e) => onChange({ firstSeen: e.target.value })}
        >
          {["shipper", "consignee"].map((r) => (
            <option key={r} value={r}>
              {t(`ruleForm.point.${r}` as MessageId)}
            </option>
          ))}
        </select>
      );
    case "weightImplausible": {
      const inner = asRecord(value.weightImplausible);
      return (
        <label>
          {t("ruleForm.tolerance")}{" "}
          <NumberInput
            label={t("ruleForm.tolerance")}
            value={typeof inner.tolerance === "number" ? inner.tolerance : undefined}
            onChange={(v) => set("weightImplausible", v === undefined ? {} : { tolerance: v })}
          />
        </label>
      );
    }
    case "filedLate": {
      const inner = asRecord(value.filedLate);
      return (
        <label>
          {t("ruleForm.hoursBeforeCutoff")}{" "}
          <NumberInput
            label={t("ruleForm.hoursBeforeCutoff")}
            value={typeof inner.hoursBeforeCutoff === "number" ? inner.hoursBeforeCutoff : undefined}
            onChange={(v) => set("filedLate", { hoursBeforeCutoff: v })}
          />
        </label>
      );
    }
    case "incomplete":
      return (
        <label>
          {t("ruleForm.requiredFields")}{" "}
          <ListInput
            label={t("ruleForm.requiredFields")}
            value={asList(asRecord(value.incomplete).fields)}
            onChange={(v) => set("incomplete", { fields: v })}
          />
        </label>
      );
    case "hsMismatch":
      return <p className="muted">{t("ruleForm.hsMismatchHint")}</p>;
    case "field":
      return <FieldTestEditor value={value} onChange={onChange} t={t} />;
  }
}

function FieldTestEditor({ value, onChange, t }: { value: Cond; onChange: (c: Cond) => void; t: Translator }) {
  const test = fieldTestOf(value);
  const field = str(value.field);
  const listId = "rule-fields";
  const withTest = (next: FieldTest) => {
    const fresh: Record<FieldTest, unknown> = {
      equals: "",
      in: [],
      prefix: [],
      text: { words: [] },
      range: {},
      present: true,
    };
    onChange({ field, [next]: fresh[next] });
  };
  const range = asRecord(value.range);
  const text = asRecord(value.text);
  const inValues = Array.isArray(value.in) ? (value.in as unknown[]) : [];
  return (
    <div className="inline-fields">
      <input
        aria-label={t("ruleForm.field")}
        list={listId}
        value={field}
        onChange={(e) => onChange({ ...value, field: e.target.value })}
      />
      <datalist id={listId}>
        {FIELDS.map((f) => (
          <option key={f} value={f} />
        ))}
      </datalist>
      <select aria-label={t("ruleForm.test")} value={test} onChange={(e) => withTest(e.target.value as FieldTest)}>
        {FIELD_TESTS.map((k) => (
          <option key={k} value={k}>
            {t(`ruleForm.test.${k}`)}
          </option>
        ))}
      </select>
      {test === "equals" && (
        <input
          aria-label={t("ruleForm.value")}
          value={str(value.equals)}
          onChange={(e) => onChange({ field, equals: scalarOf(e.target.value, value.equals) })}
        />
      )}
      {(test === "in" || test === "prefix") && (
        <ListInput
          label={t("ruleForm.values")}
          value={asList(value[test])}
          onChange={(v) =>
            onChange({
              field,
              [test]:
                test === "in" && inValues.length > 0 && inValues.every((x) => typeof x === "number")
                  ? v.map((x) => scalarOf(x, 0))
                  : v,
            })
          }
        />
      )}
      {test === "range" && (
        <>
          <NumberInput
            label={t("ruleForm.min")}
            value={typeof range.min === "number" ? range.min : undefined}
            onChange={(v) => onChange({ field, range: { ...range, min: v } })}
          />
          <NumberInput
            label={t("ruleForm.max")}
            value={typeof range.max === "number" ? range.max : undefined}
            onChange={(v) => onChange({ field, range: { ...range, max: v } })}
          />
        </>
      )}
      {test === "present" && (
        <select
          aria-label={t("ruleForm.value")}
          value={String(value.present)}
          onChange={(e) => onChange({ field, present: e.target.value === "true" })}
        >
          <option value="true">{t("ruleForm.isPresent")}</option>
          <option value="false">{t("ruleForm.isAbsent")}</option>
        </select>
      )}
      {test === "text" && (
        <>
          <ListInput
            label={t("ruleForm.words")}
            value={asList(text.words)}
            onChange={(v) => onChange({ field, text: pattern(text, "words", v) })}
          />
          <ListInput
            label={t("ruleForm.contains")}
            value={asList(text.contains)}
            onChange={(v) => onChange({ field, text: pattern(text, "contains", v) })}
          />
        </>
      )}
    </div>
  );
}

function pattern(current: Record<string, unknown>, key: string, v: string[]): Record<string, unknown> {
  const next = { ...current, [key]: v };
  if (v.length === 0) {
    delete next[key];
  }
  return next;
}

/** One rule: what it is called, whether it counts, its weight, its explanation and its conditions. */
function RuleEditor({
  rule,
  index,
  issues,
  onChange,
  onRemove,
}: {
  rule: FormRule;
  index: number;
  issues: Issue[];
  onChange: (r: FormRule) => void;
  onRemove: () => void;
}) {
  const t = useT();
  const [isOpen, setOpen] = useState(false);
  const mine = issues.filter((i) => i.rule === index);
  return (
    <details
      className={`card rule${mine.length > 0 ? " has-issues" : ""}`}
      data-testid="rule"
      data-rule-id={rule.id}
      open={isOpen || mine.length > 0}
      onToggle={(e) => setOpen(e.currentTarget.open)}
    >
      <summary>
        <strong>{rule.id ? <code>{rule.id}</code> : t("ruleForm.unnamed", { n: index + 1 })}</strong> ·{" "}
        {t("ruleForm.weightShort", { weight: Number.isFinite(rule.weight) ? rule.weight : "?" })}
        {rule.enabled === false && <span className="status status-withdrawn">{t("ruleForm.off")}</span>}
        {mine.length > 0 && <span className="error"> · {t("ruleForm.problems", { count: mine.length })}</span>}
      </summary>
      <div className="rule-fields">
        <label>
          {t("ruleForm.id")}
          <input name="ruleId" value={rule.id} onChange={(e) => onChange({ ...rule, id: e.target.value.trim() })} />
        </label>
        <label>
          {t("ruleForm.weight")}
          <input
            name="weight"
            type="number"
            step="any"
            value={Number.isFinite(rule.weight) ? rule.weight : ""}
            onChange={(e) => onChange({ ...rule, weight: e.target.value === "" ? Number.NaN : Number(e.target.value) })}
          />
        </label>
        <label className="inline">
          <input
            type="checkbox"
            name="enabled"
            checked={rule.enabled !== false}
            onChange={(e) => onChange({ ...rule, enabled: e.target.checked })}
          />{" "}
          {t("ruleForm.enabled")}
        </label>
        <label>
          {t("ruleForm.ifUnknown")}
          <select
            name="ifUnknown"
            value={rule.ifUnknown ?? "skip"}
            onChange={(e) => onChange({ ...rule, ifUnknown: e.target.value as FormRule["ifUnknown"] })}
          >
            <option value="skip">{t("ruleForm.ifUnknown.skip")}</option>
            <option value="data-missing">{t("ruleForm.ifUnknown.dataMissing")}</option>
          </select>
        </label>
        <label className="wide">
          {t("ruleForm.explanation")}
          <textarea
            name="explanation"
            rows={2}
            value={rule.explanation}
            onChange={(e) => onChange({ ...rule, explanation: e.target.value })}
          />
          <small className="muted">
            {t("ruleForm.explanationHint", { examples: "{hsCode}, {description}, {value}…" })}
          </small>
        </label>
      </div>
      <h4>{t("ruleForm.when")}</h4>
      <ConditionEditor value={asRecord(rule.when)} depth={0} onChange={(when) => onChange({ ...rule, when })} />
      {mine.length > 0 && (
        <ul className="error" data-testid="rule-issues">
          {mine.map((m, i) => (
            <li key={i}>{m.message}</li>
          ))}
        </ul>
      )}
      <button type="button" className="danger-outline" onClick={onRemove}>
        {t("ruleForm.removeRule")}
      </button>
    </details>
  );
}

/** The whole rule set as a form; `issues` come from validateRuleSet and the server. */
export function RuleSetForm({
  value,
  issues,
  onChange,
}: {
  value: FormRuleSet;
  issues: Issue[];
  onChange: (v: FormRuleSet) => void;
}) {
  const t = useT();
  const [filter, setFilter] = useState("");
  const rules = value.rules ?? [];
  const th = value.thresholds ?? { medium: 30, high: 60 };
  const shown = rules
    .map((r, i) => ({ r, i }))
    .filter(({ r, i }) => !filter || r.id.includes(filter.trim().toLowerCase()) || issues.some((x) => x.rule === i));
  const setRule = (i: number, r: FormRule) => onChange({ ...value, rules: rules.map((x, j) => (j === i ? r : x)) });
  return (
    <div className="rule-form" data-testid="rule-form">
      <fieldset>
        <legend>{t("ruleForm.thresholds")}</legend>
        <label>
          {t("ruleForm.medium")}
          <input
            name="medium"
            type="number"
            value={Number.isFinite(th.medium) ? th.medium : ""}
            onChange={(e) =>
              onChange({
                ...value,
                thresholds: { ...th, medium: e.target.value === "" ? Number.NaN : Number(e.target.value) },
              })
            }
          />
        </label>
        <label>
          {t("ruleForm.high")}
          <input
            name="high"
            type="number"
            value={Number.isFinite(th.high) ? th.high : ""}
            onChange={(e) =>
              onChange({
                ...value,
                thresholds: { ...th, high: e.target.value === "" ? Number.NaN : Number(e.target.value) },
              })
            }
          />
        </label>
        {value.random && (
          <label>
            {t("ruleForm.randomRate")}
            <input
              name="randomRate"
              type="number"
              step="0.1"
              value={Number.isFinite(value.random.rate) ? Math.round(value.random.rate * 1000) / 10 : ""}
              onChange={(e) =>
                onChange({
                  ...value,
                  random: {
                    ...(value.random as { seed: string; rate: number }),
                    rate: e.target.value === "" ? Number.NaN : Number(e.target.value) / 100,
                  },
                })
              }
            />
          </label>
        )}
      </fieldset>
      <div className="filters">
        <input
          aria-label={t("ruleForm.find")}
          placeholder={t("ruleForm.find")}
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
        <span className="muted">{t("ruleForm.count", { shown: shown.length, count: rules.length })}</span>
        <button
          type="button"
          className="secondary"
          onClick={() => {
            setFilter("");
            onChange({ ...value, rules: [...rules, { id: "", weight: 10, explanation: "", when: blank("hsPrefix") }] });
          }}
        >
          {t("ruleForm.addRule")}
        </button>
      </div>
      {shown.map(({ r, i }) => (
        <RuleEditor
          key={i}
          rule={r}
          index={i}
          issues={issues}
          onChange={(x) => setRule(i, x)}
          onRemove={() => onChange({ ...value, rules: rules.filter((_, j) => j !== i) })}
        />
      ))}
    </div>
  );
}
