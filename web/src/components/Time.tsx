import { formatTime, formatUtc } from "../time.ts";

/** A time in the viewer's agency's zone, with UTC on hover. */
export function Time({ iso, seconds = false }: { iso: string | null | undefined; seconds?: boolean }) {
  if (!iso) {
    return <>—</>;
  }
  return (
    <time dateTime={iso} title={formatUtc(iso, { seconds })} data-testid="time">
      {formatTime(iso, { seconds })}
    </time>
  );
}
