import { useEffect, useState } from "react";
import { api, type ReciprocityMetrics } from "../api.ts";
import { DateInput } from "../components/DateInput.tsx";
import { DirectionPanel } from "./DirectionPanel.tsx";
import { useT } from "../i18n/index.tsx";

const DAY_MS = 86_400_000;

/** A UTC calendar day as YYYY-MM-DD. */
function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Query string of the range: `to` is inclusive, so it runs to the end of that day. */
function rangeQuery(from: string, to: string): string {
  const end = day(new Date(`${to}T00:00:00Z`).getTime() + DAY_MS);
  return `from=${from}T00:00:00Z&to=${end}T00:00:00Z`;
}

/** The reciprocity dashboard: per direction of each agreement, over a chosen range (default the last 30 days). */
export function DashboardPage() {
  const t = useT();
  const [from, setFrom] = useState(() => day(Date.now() - 30 * DAY_MS));
  const [to, setTo] = useState(() => day(Date.now()));
  const [metrics, setMetrics] = useState<ReciprocityMetrics | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!from || !to) {
      return;
    }
    setError(null);
    api<ReciprocityMetrics>(`/metrics/reciprocity?${rangeQuery(from, to)}`).then(setMetrics, (err: Error) =>
      setError(err.message),
    );
  }, [from, to]);

  return (
    <section>
      <h1>{t("nav.dashboard")}</h1>
      <div className="filters">
        <label>
          {t("dashboard.from")} <DateInput name="from" value={from} onChange={setFrom} />
        </label>
        <label>
          {t("dashboard.to")} <DateInput name="to" value={to} onChange={setTo} />
        </label>
        <a
          href={`/api/metrics/reciprocity?format=csv&lang=${t.language}&${rangeQuery(from, to)}`}
          download
          data-testid="csv-link"
        >
          {t("dashboard.csv")}
        </a>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {!metrics && !error && <p className="loading">{t("common.loading")}</p>}
      {metrics?.directions.length === 0 && <p className="muted">{t("dashboard.noAgreement")}</p>}
      {metrics?.directions.map((d) => (
        <DirectionPanel key={`${d.agreement}-${d.requester}`} d={d} />
      ))}
    </section>
  );
}
