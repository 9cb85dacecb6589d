import { label, type DirectionMetrics } from "../api.ts";
import { Bars } from "../components/Bars.tsx";

/** A share as a percentage, or a dash when there is nothing to divide. */
function percent(v: number | null): string {
  return v === null ? "—" : `${Math.round(v * 1000) / 10}%`;
}

/** Hours with one decimal, or a dash. */
function hours(v: number | null): string {
  return v === null ? "—" : `${v.toFixed(1)} h`;
}

/** Entries of a count record as bars, largest first. */
function barsOf(record: Record<string, number>) {
  return Object.entries(record)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => ({ label: label(k), value: v }));
}

/** The reciprocity numbers of one direction of one agreement. */
export function DirectionPanel({ d }: { d: DirectionMetrics }) {
  return (
    <article className="card direction" data-testid="direction" data-agreement={d.agreement}>
      <header>
        <strong>{d.agreement}</strong> · {d.requester} asks, {d.host} inspects
      </header>
      <div className="direction-body">
        <div className="big-number">
          <span data-testid="accommodation-rate">{percent(d.accommodationRate)}</span>
          <small>accommodation rate (accepted of decided)</small>
        </div>
        <dl className="facts">
          <dt>Requests made</dt>
          <dd>{d.requests}</dd>
          <dt>Accepted</dt>
          <dd>{d.accepted}</dd>
          <dt>Declined</dt>
          <dd>{d.declined}</dd>
          <dt>Withdrawn</dt>
          <dd>{d.withdrawn}</dd>
          <dt>Pending</dt>
          <dd>{d.pending}</dd>
          <dt>Scanned before cut-off</dt>
          <dd>{percent(d.scannedBeforeCutoff)}</dd>
          <dt>Time to result (median / p90)</dt>
          <dd>
            {hours(d.medianHoursToResult)} / {hours(d.p90HoursToResult)}
          </dd>
          <dt>Misses (loaded before closed)</dt>
          <dd className={d.missed > 0 ? "error" : undefined}>{d.missed}</dd>
          <dt>Alarms (nuisance)</dt>
          <dd>
            {d.alarms} ({d.nuisanceAlarms})
          </dd>
        </dl>
      </div>
      <div className="chart-grid">
        <section>
          <h3>Declined by reason</h3>
          <Bars bars={barsOf(d.declinedByReason)} />
        </section>
        <section>
          <h3>Scans by type</h3>
          <Bars bars={barsOf(d.scansByType)} />
        </section>
        <section>
          <h3>Alarms by HS chapter</h3>
          <Bars
            bars={d.alarmsByHsChapter.map((c) => ({ label: `ch. ${c.chapter}`, value: c.alarms, part: c.nuisance }))}
            partLabel="nuisance"
            testId="alarms-by-chapter"
          />
          <div className="legend" data-testid="alarms-legend">
            <span>
              <span className="swatch" style={{ background: "#0b5cad" }} /> alarms
            </span>
            <span>
              <span className="swatch" style={{ background: "#e0a800" }} /> of which nuisance (natural radioactivity of the declared goods)
            </span>
          </div>
        </section>
        <section>
          <h3>Equipment use</h3>
          <Bars bars={d.equipmentUse.map((e) => ({ label: e.device, value: e.scans }))} />
        </section>
      </div>
    </article>
  );
}
