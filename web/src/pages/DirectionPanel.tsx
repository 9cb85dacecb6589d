import type { DirectionMetrics } from "../api.ts";
import { useT, type Translator } from "../i18n/index.tsx";
import { Bars } from "../components/Bars.tsx";
import { TrendChart } from "../components/TrendChart.tsx";

/** Hours with one decimal (the unit stays a symbol), or a dash. */
function hours(t: Translator, v: number | null): string {
  return v === null ? "—" : `${t.number(v, { minimumFractionDigits: 1, maximumFractionDigits: 1 })} h`;
}

/** Entries of a count record as bars, largest first. */
function barsOf(t: Translator, record: Record<string, number>) {
  return Object.entries(record)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => ({ label: t.code(k), value: v }));
}

/** The reciprocity numbers of one direction of one agreement. */
export function DirectionPanel({ d }: { d: DirectionMetrics }) {
  const t = useT();
  const percent = (v: number | null) => t.percent(v);
  return (
    <article className="card direction" data-testid="direction" data-agreement={d.agreement}>
      <header>
        <strong>{d.agreement}</strong> · {t("dashboard.direction", { requester: d.requester, host: d.host })}
      </header>
      <div className="direction-body">
        <div className="big-number">
          <span data-testid="accommodation-rate">{percent(d.accommodationRate)}</span>
          <small>{t("dashboard.accommodation")}</small>
        </div>
        <dl className="facts">
          <dt>{t("dashboard.requests")}</dt>
          <dd>{t.number(d.requests)}</dd>
          <dt>{t("dashboard.accepted")}</dt>
          <dd>{t.number(d.accepted)}</dd>
          <dt>{t("dashboard.declined")}</dt>
          <dd>{t.number(d.declined)}</dd>
          <dt>{t("dashboard.withdrawn")}</dt>
          <dd>{t.number(d.withdrawn)}</dd>
          <dt>{t("dashboard.pending")}</dt>
          <dd>{t.number(d.pending)}</dd>
          <dt>{t("dashboard.beforeCutoff")}</dt>
          <dd>{percent(d.scannedBeforeCutoff)}</dd>
          <dt>{t("dashboard.timeToResult")}</dt>
          <dd>
            {hours(t, d.medianHoursToResult)} / {hours(t, d.p90HoursToResult)}
          </dd>
          <dt>{t("dashboard.misses")}</dt>
          <dd className={d.missed > 0 ? "error" : undefined}>{d.missed}</dd>
          <dt>{t("dashboard.alarms")}</dt>
          <dd>
            {d.alarms} ({d.nuisanceAlarms})
          </dd>
        </dl>
      </div>
      <div className="chart-grid">
        <section>
          <h3>{t("dashboard.declinedByReason")}</h3>
          <Bars bars={barsOf(t, d.declinedByReason)} />
        </section>
        <section>
          <h3>{t("dashboard.scansByType")}</h3>
          <Bars bars={barsOf(t, d.scansByType)} />
        </section>
        <section>
          <h3>{t("dashboard.alarmsByChapter")}</h3>
          <Bars
            bars={d.alarmsByHsChapter.map((c) => ({
              label: t("dashboard.chapter", { chapter: c.chapter }),
              value: c.alarms,
              part: c.nuisance,
            }))}
            partLabel={t("dashboard.nuisance")}
            testId="alarms-by-chapter"
          />
          <div className="legend" data-testid="alarms-legend">
            <span>
              <span className="swatch" style={{ background: "#0b5cad" }} /> {t("dashboard.legend.alarms")}
            </span>
            <span>
              <span className="swatch" style={{ background: "#e0a800" }} /> {t("dashboard.legend.nuisance")}
            </span>
          </div>
        </section>
        <section>
          <h3>{t("dashboard.equipment")}</h3>
          <Bars
            bars={d.equipmentUse.map((e) => ({
              label: e.type
                ? t("equipment.registered", {
                    device: e.device,
                    type: t.code(e.type),
                    site: e.site ?? t("devices.noSite"),
                  })
                : t("equipment.unregistered", {
                    device: e.device === "unrecorded" ? t("equipment.unrecorded") : e.device,
                  }),
              value: e.scans,
            }))}
            testId="equipment"
          />
          <p className="muted legend" data-testid="equipment-legend">
            {t("equipment.legend")}
          </p>
        </section>
      </div>
      <section className="trend">
        <h3>{t("trend.title")}</h3>
        <TrendChart weeks={d.weekly} />
      </section>
    </article>
  );
}
