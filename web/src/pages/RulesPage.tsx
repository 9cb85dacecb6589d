import { useCallback, useEffect, useState } from "react";
import type { RuleSetView as RuleSet } from "../../../src/domain/targeting/rule-sets.ts";
import { api, type Me } from "../api.ts";
import { Time } from "../components/Time.tsx";
import { useT } from "../i18n/index.tsx";

interface Stats {
  flagged: number;
  inspected: number;
  found: number;
}

interface Backtest {
  days: number;
  shipments: number;
  draft: Stats;
  active: Stats;
  random: Stats & { rate: number };
  byRule: { ruleId: string; hits: number }[];
}

interface WatchEntry {
  id: string;
  kind: string;
  value: string;
  reason: string;
  createdAt: string;
}

/** The agency's rules: versions, a draft editor with a backtest before activation, and the watchlist. */
export function RulesPage({ me }: { me: Me }) {
  const t = useT();
  const [sets, setSets] = useState<RuleSet[]>([]);
  const [draftText, setDraftText] = useState("");
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [backtest, setBacktest] = useState<{ id: string; result: Backtest } | null>(null);
  const reload = useCallback(() => {
    api<RuleSet[]>("/rule-sets").then(
      (list) => {
        setSets(list);
        const active = list.find((s) => s.status === "active");
        setDraftText((text) => text || JSON.stringify(active?.definition ?? {}, null, 2));
      },
      (err: Error) => setError(err.message),
    );
  }, []);
  useEffect(reload, [reload]);

  async function handleSave() {
    setError(null);
    try {
      await api("/rule-sets", { method: "POST", body: { name: name || t("rules.defaultName"), definition: JSON.parse(draftText) as unknown } });
      reload();
    } catch (err) {
      setError(err instanceof Error ? err.message : t("rules.saveFailed"));
    }
  }

  async function handleBacktest(id: string) {
    setError(null);
    try {
      setBacktest({ id, result: await api<Backtest>(`/rule-sets/${id}/backtest`, { method: "POST", body: { days: 30 } }) });
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
      {error && <p className="error" role="alert">{error}</p>}
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
                <span className={`status status-${s.status === "active" ? "accepted" : s.status === "draft" ? "requested" : "withdrawn"}`}>{t.code(`ruleset_${s.status}`)}</span>
              </td>
              <td>{s.ruleCount}</td>
              <td><Time iso={s.createdAt} /></td>
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
      {backtest && <BacktestView version={sets.find((s) => s.id === backtest.id)?.version ?? 0} result={backtest.result} />}
      <h2>{t("rules.newDraft")}</h2>
      <p className="muted">{t("rules.newDraftHint")}</p>
      <input placeholder={t("rules.draftName")} value={name} onChange={(e) => setName(e.target.value)} />
      <textarea className="raw" name="definition" rows={18} value={draftText} onChange={(e) => setDraftText(e.target.value)} />
      <button type="button" onClick={() => void handleSave()}>
        {t("rules.save")}
      </button>
      <Watchlist />
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
      <h3>
        {t("backtest.title", { version, shipments: result.shipments, days: result.days })}
      </h3>
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
      <p className="muted">{t("backtest.frequent")} {result.byRule.slice(0, 8).map((r) => `${r.ruleId} (${r.hits})`).join(", ")}</p>
    </div>
  );
}

function Watchlist() {
  const t = useT();
  const [entries, setEntries] = useState<WatchEntry[]>([]);
  const [value, setValue] = useState("");
  const [reason, setReason] = useState("");
  const [kind, setKind] = useState("party");
  const reload = useCallback(() => {
    api<WatchEntry[]>("/watchlist").then(setEntries, () => setEntries([]));
  }, []);
  useEffect(reload, [reload]);
  async function handleAdd() {
    await api("/watchlist", { method: "POST", body: { kind, value, reason } });
    setValue("");
    setReason("");
    reload();
  }
  return (
    <>
      <h2>{t("watchlist.title")}</h2>
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
      <ul>
        {entries.map((e) => (
          <li key={e.id}>
            {t.code(`watch_${e.kind}`)}: <strong>{e.value}</strong> — {e.reason}
          </li>
        ))}
      </ul>
    </>
  );
}
