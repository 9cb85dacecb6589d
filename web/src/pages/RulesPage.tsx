import { useCallback, useEffect, useState } from "react";
import type {
  Backtest,
  RuleSetView as RuleSet,
  SelectionStats as Stats,
  WatchlistView as WatchEntry,
} from "../../../src/contract/targeting.ts";
import { api, ApiError, type Me } from "../api.ts";
import { ConfirmDialog } from "../components/ConfirmDialog.tsx";
import { StatusLines } from "../components/StatusLines.tsx";
import { Time } from "../components/Time.tsx";
import type { MessageId } from "../i18n/en.ts";
import { useT, type Values } from "../i18n/index.tsx";
import { explainServerIssues, RuleSetForm, validateRuleSet, type FormRuleSet, type Issue } from "./RuleForm.tsx";

/** The agency's rules: versions, a draft editor with a backtest before activation, and the watchlist. */
export function RulesPage({ me }: { me: Me }) {
  const t = useT();
  const [sets, setSets] = useState<RuleSet[]>([]);
  const [draft, setDraft] = useState<FormRuleSet | null>(null);
  const [mode, setMode] = useState<"form" | "json">("form");
  const [jsonText, setJsonText] = useState("");
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [serverIssues, setServerIssues] = useState<Issue[]>([]);
  const [saved, setSaved] = useState<string | null>(null);
  const [tried, setTried] = useState(false);
  const canWrite = me.roles.includes("targeter") || me.roles.includes("supervisor");
  const [backtest, setBacktest] = useState<{ id: string; result: Backtest } | null>(null);
  const reload = useCallback(() => {
    api<RuleSet[]>("/rule-sets").then(
      (list) => {
        setSets(list);
        const active = list.find((s) => s.status === "active");
        setDraft((d) => d ?? ((active?.definition ?? { rules: [] }) as FormRuleSet));
      },
      (err: Error) => setError(err.message),
    );
  }, []);
  useEffect(reload, [reload]);

  const say = useCallback((id: MessageId, values?: Values) => t(id, values), [t]);
  const issues = draft ? [...validateRuleSet(draft, say), ...serverIssues] : [];

  /** Reads the JSON editor into the form; false (and a plain message) when it does not parse. */
  function readJson(): FormRuleSet | null {
    try {
      const parsed = JSON.parse(jsonText) as unknown;
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
        setError(t("ruleForm.jsonNotObject"));
        return null;
      }
      return parsed as FormRuleSet;
    } catch (err) {
      setError(t("ruleForm.jsonInvalid", { problem: err instanceof Error ? err.message : "" }));
      return null;
    }
  }

  function switchMode(next: "form" | "json") {
    setError(null);
    if (next === "json" && draft) {
      setJsonText(JSON.stringify(draft, null, 2));
      setMode("json");
    } else if (next === "form") {
      const parsed = readJson();
      if (parsed) {
        setDraft(parsed);
        setMode("form");
      }
    }
  }

  async function handleSave() {
    setError(null);
    setSaved(null);
    setServerIssues([]);
    setTried(true);
    const definition = mode === "json" ? readJson() : draft;
    if (!definition) {
      return;
    }
    if (mode === "json") {
      setDraft(definition);
    }
    if (validateRuleSet(definition, say).length > 0) {
      setError(t("ruleForm.fixFirst"));
      return;
    }
    try {
      const created = await api<RuleSet>("/rule-sets", {
        method: "POST",
        body: { name: name || t("rules.defaultName"), definition },
      });
      setSaved(t("ruleForm.saved", { version: created.version }));
      setTried(false);
      reload();
    } catch (err) {
      const found = err instanceof ApiError ? (err.details as { issues?: string[] } | undefined)?.issues : undefined;
      if (found && found.length > 0) {
        setServerIssues(explainServerIssues(found, definition, say));
        setError(t("ruleForm.serverFound"));
      } else {
        setError(err instanceof Error ? err.message : t("rules.saveFailed"));
      }
    }
  }

  async function handleBacktest(id: string) {
    setError(null);
    try {
      setBacktest({
        id,
        result: await api<Backtest>(`/rule-sets/${id}/backtest`, { method: "POST", body: { days: 30 } }),
      });
    } catch (err) {
      setError(err instanceof Error ? err.message : t("rules.backtestFailed"));
    }
  }

  async function handleActivate(id: string) {
    try {
      await api(`/rule-sets/${id}/activation`, { method: "POST" });
      reload();
    } catch (err) {
      setError(err instanceof Error ? err.message : t("rules.activationFailed"));
    }
  }

  return (
    <section>
      <h1>{t("rules.title", { agency: me.agency.name })}</h1>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <table className="grid" data-testid="rule-sets">
        <thead>
          <tr>
            <th>{t("rules.version")}</th>
            <th>{t("rules.name")}</th>
            <th>{t("rules.status")}</th>
            <th>{t("rules.rules")}</th>
            <th>{t("rules.created")}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {sets.map((s) => (
            <tr key={s.id}>
              <td>{s.version}</td>
              <td>{s.name}</td>
              <td>
                <span
                  className={`status status-${s.status === "active" ? "accepted" : s.status === "draft" ? "requested" : "withdrawn"}`}
                >
                  {t.code(`ruleset_${s.status}`)}
                </span>
              </td>
              <td>{s.ruleCount}</td>
              <td>
                <Time iso={s.createdAt} />
              </td>
              <td className="actions">
                <button type="button" onClick={() => void handleBacktest(s.id)}>
                  {t("rules.backtest")}
                </button>
                {s.status === "draft" && me.roles.includes("supervisor") && (
                  <button type="button" onClick={() => void handleActivate(s.id)}>
                    {t("rules.activate")}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {backtest && (
        <BacktestView version={sets.find((s) => s.id === backtest.id)?.version ?? 0} result={backtest.result} />
      )}
      {canWrite && draft && (
        <>
          <h2>{t("rules.newDraft")}</h2>
          <p className="muted">{t("ruleForm.hint")}</p>
          <div className="filters" role="group" aria-label={t("ruleForm.editAs")}>
            <input
              placeholder={t("rules.draftName")}
              aria-label={t("rules.draftName")}
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
            <button
              type="button"
              className={mode === "form" ? undefined : "secondary"}
              aria-pressed={mode === "form"}
              onClick={() => switchMode("form")}
            >
              {t("ruleForm.asForm")}
            </button>
            <button
              type="button"
              className={mode === "json" ? undefined : "secondary"}
              aria-pressed={mode === "json"}
              onClick={() => switchMode("json")}
            >
              {t("ruleForm.asJson")}
            </button>
          </div>
          {mode === "form" ? (
            <RuleSetForm
              value={draft}
              issues={
                tried || serverIssues.length > 0
                  ? issues
                  : issues.filter((i) => i.rule !== null && draft.rules?.[i.rule]?.id !== "")
              }
              onChange={(d) => {
                setDraft(d);
                setServerIssues([]);
              }}
            />
          ) : (
            <textarea
              className="raw"
              name="definition"
              aria-label={t("ruleForm.asJson")}
              rows={18}
              value={jsonText}
              onChange={(e) => setJsonText(e.target.value)}
            />
          )}
          {(tried || serverIssues.length > 0) && issues.length > 0 && (
            <div className="error" role="alert" data-testid="rule-set-issues">
              <p>{t("ruleForm.problems", { count: issues.length })}</p>
              <ul>
                {issues.slice(0, 20).map((i, n) => (
                  <li key={n}>{i.message}</li>
                ))}
              </ul>
            </div>
          )}
          {saved && (
            <p className="ok" role="status" data-testid="rule-set-saved">
              {saved}
            </p>
          )}
          <button type="button" onClick={() => void handleSave()}>
            {t("rules.save")}
          </button>
        </>
      )}
      <Watchlist canWrite={canWrite} />
    </section>
  );
}

function BacktestView({ version, result }: { version: number; result: Backtest }) {
  const t = useT();
  const row = (label: string, s: Stats) => (
    <tr>
      <td>{label}</td>
      <td>{s.flagged}</td>
      <td>{s.inspected}</td>
      <td>{s.found}</td>
      <td>{s.inspected > 0 ? t.percent(Math.round((100 * s.found) / s.inspected) / 100) : "—"}</td>
    </tr>
  );
  return (
    <div className="card" data-testid="backtest">
      <h3>{t("backtest.title", { version, shipments: result.shipments, days: result.days })}</h3>
      <table className="grid">
        <thead>
          <tr>
            <th>{t("backtest.selection")}</th>
            <th>{t("backtest.flagged")}</th>
            <th>{t("backtest.inspected")}</th>
            <th>{t("backtest.found")}</th>
            <th>{t("backtest.hitRate")}</th>
          </tr>
        </thead>
        <tbody>
          {row(t("backtest.version", { version }), result.draft)}
          {row(t("backtest.active"), result.active)}
          {row(t("backtest.random", { rate: t.percent(result.random.rate) }), result.random)}
        </tbody>
      </table>
      <p className="muted">
        {t("backtest.frequent")}{" "}
        {result.byRule
          .slice(0, 8)
          .map((r) => `${r.ruleId} (${r.hits})`)
          .join(", ")}
      </p>
    </div>
  );
}

function Watchlist({ canWrite }: { canWrite: boolean }) {
  const t = useT();
  const [entries, setEntries] = useState<WatchEntry[]>([]);
  const [value, setValue] = useState("");
  const [reason, setReason] = useState("");
  const [kind, setKind] = useState("party");
  const [editing, setEditing] = useState<{ id: string; value: string; reason: string } | null>(null);
  const [removing, setRemoving] = useState<WatchEntry | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(() => {
    api<WatchEntry[]>("/watchlist").then(setEntries, () => setEntries([]));
  }, []);
  useEffect(reload, [reload]);
  async function handleAdd() {
    setError(null);
    try {
      await api("/watchlist", { method: "POST", body: { kind, value, reason } });
      setValue("");
      setReason("");
      reload();
    } catch (err) {
      setError(err instanceof Error ? err.message : t("watchlist.failed"));
    }
  }
  async function handleSave() {
    if (!editing) {
      return;
    }
    setError(null);
    try {
      const saved = await api<WatchEntry>(`/watchlist/${editing.id}`, {
        method: "PATCH",
        body: { value: editing.value, reason: editing.reason },
      });
      setNotice(t("watchlist.changed", { value: saved.value }));
      setEditing(null);
      reload();
    } catch (err) {
      setError(err instanceof Error ? err.message : t("watchlist.failed"));
    }
  }
  return (
    <>
      <h2>{t("watchlist.title")}</h2>
      <StatusLines notice={notice} error={error} testId="watchlist-notice" />
      {canWrite && (
        <div className="filters">
          <select value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="party">{t("watchlist.party")}</option>
            <option value="vessel">{t("watchlist.vessel")}</option>
            <option value="container">{t("watchlist.container")}</option>
          </select>
          <input placeholder={t("watchlist.value")} value={value} onChange={(e) => setValue(e.target.value)} />
          <input placeholder={t("watchlist.reason")} value={reason} onChange={(e) => setReason(e.target.value)} />
          <button type="button" onClick={() => void handleAdd()}>
            {t("watchlist.add")}
          </button>
        </div>
      )}
      <ul data-testid="watchlist">
        {entries.map((e) =>
          editing?.id === e.id ? (
            <li key={e.id} data-testid="watch-entry">
              {t.code(`watch_${e.kind}`)}:{" "}
              <input
                aria-label={t("watchlist.value")}
                value={editing.value}
                onChange={(x) => setEditing({ ...editing, value: x.target.value })}
              />{" "}
              <input
                aria-label={t("watchlist.reason")}
                value={editing.reason}
                onChange={(x) => setEditing({ ...editing, reason: x.target.value })}
              />{" "}
              <button type="button" onClick={() => void handleSave()}>
                {t("watchlist.save")}
              </button>{" "}
              <button type="button" className="secondary" onClick={() => setEditing(null)}>
                {t("watchlist.cancel")}
              </button>
            </li>
          ) : (
            <li key={e.id} data-testid="watch-entry">
              {t.code(`watch_${e.kind}`)}: <strong>{e.value}</strong> — {e.reason}
              {canWrite && (
                <>
                  {" "}
                  <button
                    type="button"
                    className="link"
                    onClick={() => setEditing({ id: e.id, value: e.value, reason: e.reason })}
                  >
                    {t("watchlist.edit")}
                  </button>{" "}
                  <button type="button" className="link" onClick={() => setRemoving(e)}>
                    {t("watchlist.remove")}
                  </button>
                </>
              )}
            </li>
          ),
        )}
      </ul>
      {removing && (
        <ConfirmDialog
          confirmation={{
            title: t("watchlist.removeTitle", { value: removing.value }),
            consequence: t("watchlist.removeConsequence"),
            confirmLabel: t("watchlist.removeConfirm"),
            reasonLabel: t("watchlist.removeReason"),
            reasonMinLength: 3,
            reasonMaxLength: 2000,
          }}
          onCancel={() => setRemoving(null)}
          onConfirm={async (answer) => {
            await api(`/watchlist/${removing.id}/removal`, { method: "POST", body: { reason: answer.reason } });
            setNotice(t("watchlist.removed", { value: removing.value }));
            setRemoving(null);
            reload();
          }}
        />
      )}
    </>
  );
}
