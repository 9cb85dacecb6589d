import { useT } from "../i18n/index.tsx";

/** One bar: a label, a value and optionally a part of it shown darker (e.g. nuisance alarms of all alarms). */
export interface Bar {
  label: string;
  value: number;
  part?: number;
}

/** A horizontal bar chart in plain CSS; bars scale to the largest value. */
export function Bars({
  bars,
  empty,
  partLabel,
  testId,
}: {
  bars: Bar[];
  empty?: string;
  partLabel?: string;
  testId?: string;
}) {
  const t = useT();
  if (bars.length === 0) {
    return <p className="muted">{empty ?? t("bars.none")}</p>;
  }
  const max = Math.max(...bars.map((b) => b.value), 1);
  return (
    <div className="bars" data-testid={testId}>
      {bars.map((b) => (
        <div
          key={b.label}
          className="bar-row"
          title={partLabel && b.part !== undefined ? `${t.number(b.part)} ${partLabel}` : undefined}
        >
          <span className="bar-label">{b.label}</span>
          <span className="bar-track">
            <span className="bar" style={{ width: `${(b.value / max) * 100}%` }}>
              {b.part !== undefined && (
                <span className="bar-part" style={{ width: `${b.value > 0 ? (b.part / b.value) * 100 : 0}%` }} />
              )}
            </span>
          </span>
          <span className="bar-value">
            {t.number(b.value)}
            {b.part !== undefined ? ` (${t.number(b.part)} ${partLabel ?? ""})` : ""}
          </span>
        </div>
      ))}
    </div>
  );
}
