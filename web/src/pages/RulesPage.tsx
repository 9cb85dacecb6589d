import { useCallback, useEffect, useState } from "react";
import type { RuleSetView as RuleSet } from "../../../src/domain/targeting/rule-sets.ts";
import { api, type Me } from "../api.ts";
import { Time } from "../components/Time.tsx";

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
      await api("/rule-sets", { method: "POST", body: { name: name || "Draft", definition: JSON.parse(draftText) as unknown } });
      reload();
    } catch (err) {
      setError(err instanceof Error ? err.message : "Could not save the draft");
    }
  }

  async function handleBacktest(id: string) {
    setError(null);
    try {
      setBacktest({ id, result: await api<Backtest>(`/rule-sets/${id}/backtest`, { method: "POST", body: { days: 30 } }) });
    } catch (err) {
      setError(err instanceof Error ? err.message : "Backtest failed");
    }
  }

  async function handleActivate(id: string) {
    try {
      await api(`/rule-sets/${id}/activation`, { method: "POST" });
      reload();
    } catch (err) {
      setError(err instanceof Error ? err.message : "Activation failed");
    }
  }

  return (
    <section>
      <h1>Targeting rules — {me.agency.name}</h1>
      {error && <p className="error" role="alert">{error}</p>}
      <table className="grid" data-testid="rule-sets">
        <thead>
          <tr>
            <th>Version</th>
            <th>Name</th>
            <th>Status</th>
            <th>Rules</th>
            <th>Created</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {sets.map((s) => (
            <tr key={s.id}>
              <td>{s.version}</td>
              <td>{s.name}</td>
              <td>
                <span className={`status status-${s.status === "active" ? "accepted" : s.status === "draft" ? "requested" : "withdrawn"}`}>{s.status}</span>
              </td>
              <td>{s.ruleCount}</td>
              <td><Time iso={s.createdAt} /></td>
              <td className="actions">
                <button type="button" onClick={() => void handleBacktest(s.id)}>
                  Backtest 30 days
                </button>
                {s.status === "draft" && me.roles.includes("supervisor") && (
                  <button type="button" onClick={() => void handleActivate(s.id)}>
                    Activate
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {backtest && <BacktestView version={sets.find((s) => s.id === backtest.id)?.version ?? 0} result={backtest.result} />}
      <h2>New draft</h2>
      <p className="muted">Rules are data: conditions, a weight and an explanation template. The server compiles the draft and lists every problem.</p>
      <input placeholder="Name of the draft" value={name} onChange={(e) => setName(e.target.value)} />
      <textarea className="raw" name="definition" rows={18} value={draftText} onChange={(e) => setDraftText(e.target.value)} />
      <button type="button" onClick={() => void handleSave()}>
        Save draft
      </button>
      <Watchlist />
    </section>
  );
}

function BacktestView({ version, result }: { version: number; result: Backtest }) {
  const row = (label: string, s: Stats) => (
    <tr>
      <td>{label}</td>
      <td>{s.flagged}</td>
      <td>{s.inspected}</td>
      <td>{s.found}</td>
      <td>{s.inspected > 0 ? `${Math.round((100 * s.found) / s.inspected)} %` : "—"}</td>
    </tr>
  );
  return (
    <div className="card" data-testid="backtest">
      <h3>
        Backtest of version {version}: {result.shipments} shipments, last {result.days} days
      </h3>
      <table className="grid">
        <thead>
          <tr>
            <th>Selection</th>
            <th>Flagged</th>
            <th>Inspected</th>
            <th>Found</th>
            <th>Hit rate</th>
          </tr>
        </thead>
        <tbody>
          {row(`Version ${version}`, result.draft)}
          {row("Active rules", result.active)}
          {row(`Random baseline (${(result.random.rate * 100).toFixed(1)} %)`, result.random)}
        </tbody>
      </table>
      <p className="muted">Most frequent rules: {result.byRule.slice(0, 8).map((r) => `${r.ruleId} (${r.hits})`).join(", ")}</p>
    </div>
  );
}

function Watchlist() {
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
      <h2>Watchlist</h2>
      <div className="filters">
        <select value={kind} onChange={(e) => setKind(e.target.value)}>
          <option value="party">party</option>
          <option value="vessel">vessel (IMO)</option>
          <option value="container">container</option>
        </select>
        <input placeholder="Name, IMO or container" value={value} onChange={(e) => setValue(e.target.value)} />
        <input placeholder="Reason" value={reason} onChange={(e) => setReason(e.target.value)} />
        <button type="button" onClick={() => void handleAdd()}>
          Add
        </button>
      </div>
      <ul>
        {entries.map((e) => (
          <li key={e.id}>
            {e.kind}: <strong>{e.value}</strong> — {e.reason}
          </li>
        ))}
      </ul>
    </>
  );
}
