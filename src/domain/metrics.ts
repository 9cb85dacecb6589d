import { sql, type Kysely } from "kysely";
import { withAgency, type Tx } from "../db/database.ts";
import type { DB } from "../db/schema.ts";
import { invalid } from "../errors.ts";
import { agreementIsReadable } from "./access.ts";
import { recordSharedRead } from "./audit.ts";
import { DECLINE_CODES, SCAN_TYPES } from "./inspection-requests/vocabulary.ts";
import type { Actor } from "./actor.ts";
import type { Clock } from "./clock.ts";
import type { DirectionMetrics, ReciprocityMetrics, WeekFigures } from "../contract/metrics.ts";

export type { DirectionMetrics, EquipmentUse, ReciprocityMetrics, WeekFigures } from "../contract/metrics.ts";

function rate(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

async function requestCounts(tx: Tx, agreementId: string, from: Date, to: Date) {
  const result = await sql<{
    requests: number;
    accepted: number;
    declined: number;
    withdrawn: number;
    pending: number;
    on_time: number;
    missed: number;
    median_h: number | null;
    p90_h: number | null;
  }>`
    select count(*)::int as requests,
           count(*) filter (where exists (select 1 from request_transition t where t.request_id = r.id and t.action = 'accept'))::int as accepted,
           count(*) filter (where r.status = 'declined')::int as declined,
           count(*) filter (where r.status = 'withdrawn')::int as withdrawn,
           count(*) filter (where r.status = 'requested')::int as pending,
           count(*) filter (where r.first_result_at is not null and (r.deadline is null or r.first_result_at <= r.deadline))::int as on_time,
           count(*) filter (where r.missed_at is not null)::int as missed,
           (percentile_cont(0.5) within group (order by extract(epoch from (r.first_result_at - r.requested_at)) / 3600.0))::float8 as median_h,
           (percentile_cont(0.9) within group (order by extract(epoch from (r.first_result_at - r.requested_at)) / 3600.0))::float8 as p90_h
    from inspection_request r
    where r.agreement_id = ${agreementId} and r.requested_at >= ${from} and r.requested_at < ${to}`.execute(tx);
  return result.rows[0];
}

async function declineReasons(tx: Tx, agreementId: string, from: Date, to: Date): Promise<Record<string, number>> {
  const rows = await tx
    .selectFrom("inspection_request")
    .select((eb) => [
      eb.fn.coalesce("decision_code", sql<string>`'unspecified'`).as("code"),
      eb.fn.countAll<number>().as("n"),
    ])
    .where("agreement_id", "=", agreementId)
    .where("status", "=", "declined")
    .where("requested_at", ">=", from)
    .where("requested_at", "<", to)
    .groupBy("decision_code")
    .execute();
  return Object.fromEntries(rows.map((r) => [r.code, Number(r.n)]));
}

async function scanFigures(tx: Tx, agreementId: string, from: Date, to: Date) {
  const base = sql`from scan s join inspection_request r on r.id = s.request_id
    where r.agreement_id = ${agreementId} and r.requested_at >= ${from} and r.requested_at < ${to}`;
  const byType = await sql<{
    scan_type: string;
    n: number;
  }>`select s.scan_type, count(*)::int as n ${base} group by s.scan_type order by s.scan_type`.execute(tx);
  const devices = await sql<{
    device: string;
    type: string | null;
    model: string | null;
    serial: string | null;
    site: string | null;
    n: number;
  }>`
    select coalesce(d.model || ' · ' || d.serial, s.device, 'unrecorded') as device, d.device_type as type, d.model, d.serial, st.locode as site, count(*)::int as n
    from scan s join inspection_request r on r.id = s.request_id
    left join device d on d.id = s.device_id
    left join site st on st.id = d.site_id
    where r.agreement_id = ${agreementId} and r.requested_at >= ${from} and r.requested_at < ${to}
    group by d.id, 1, 2, 3, 4, 5 order by 6 desc, 1`.execute(tx);
  const alarms = await sql<{ chapter: string; alarms: number; nuisance: number }>`
    select coalesce((select substr(g.hs_code, 1, 2) from shipment_goods g where g.shipment_id = r.shipment_id order by g.line_no limit 1), '??') as chapter,
           count(*) filter (where s.outcome = 'alarm' or coalesce(s.verdict, 'no_alarm') not in ('no_alarm', 'unreadable'))::int as alarms,
           count(*) filter (where s.verdict = 'norm_nuisance')::int as nuisance
    ${base} and s.scan_type in ('radiation_portal', 'isotope_id')
    group by 1 order by 2 desc, 1`.execute(tx);
  return {
    scansByType: Object.fromEntries(byType.rows.map((r) => [r.scan_type, r.n])),
    equipmentUse: devices.rows.map((r) => ({
      device: r.model !== null && r.model === r.serial ? r.model : r.device,
      type: r.type,
      model: r.model,
      serial: r.serial,
      site: r.site ?? null,
      scans: r.n,
    })),
    alarmsByHsChapter: alarms.rows.filter((r) => r.alarms > 0),
  };
}

const WEEK_MS = 7 * 86_400_000;

/** Monday 00:00 UTC of the week holding the instant. */
export function weekStart(at: Date): Date {
  const day = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  return new Date(day.getTime() - ((day.getUTCDay() + 6) % 7) * 86_400_000);
}

/** Requests, accommodation and median time to result per week of the range, empty weeks included. */
async function weeklyFigures(tx: Tx, agreementId: string, from: Date, to: Date): Promise<WeekFigures[]> {
  const result = await sql<{
    week: Date;
    requests: number;
    accepted: number;
    declined: number;
    median_h: number | null;
  }>`
    select date_bin('7 days', r.requested_at, timestamptz '2001-01-01 00:00:00+00') as week,
           count(*)::int as requests,
           count(*) filter (where exists (select 1 from request_transition t where t.request_id = r.id and t.action = 'accept'))::int as accepted,
           count(*) filter (where r.status = 'declined')::int as declined,
           (percentile_cont(0.5) within group (order by extract(epoch from (r.first_result_at - r.requested_at)) / 3600.0))::float8 as median_h
    from inspection_request r
    where r.agreement_id = ${agreementId} and r.requested_at >= ${from} and r.requested_at < ${to}
    group by 1 order by 1`.execute(tx);
  const byWeek = new Map(result.rows.map((r) => [new Date(r.week).toISOString().slice(0, 10), r]));
  const weeks: WeekFigures[] = [];
  for (let w = weekStart(from); w < to; w = new Date(w.getTime() + WEEK_MS)) {
    const key = w.toISOString().slice(0, 10);
    const r = byWeek.get(key);
    weeks.push({
      week: key,
      requests: r?.requests ?? 0,
      accommodationRate: r ? rate(r.accepted, r.accepted + r.declined) : null,
      medianHoursToResult: r?.median_h ?? null,
    });
  }
  return weeks;
}

/** The dashboard's default period: the thirty days up to now. */
const DEFAULT_PERIOD_MS = 30 * 24 * 3_600_000;

/** The period a dashboard covers: the one asked for, filled in from the thirty days up to now. */
export function metricsPeriod(clock: Clock, asked: { from?: Date; to?: Date }): { from: Date; to: Date } {
  const to = asked.to ?? clock.now();
  const from = asked.from ?? new Date(to.getTime() - DEFAULT_PERIOD_MS);
  if (from >= to) {
    throw invalid("metrics.bad_range", "`from` must be before `to`");
  }
  return { from, to };
}

const NO_AGREEMENT = "00000000-0000-0000-0000-000000000000";

/** Computes the dashboard for every agreement direction the actor's agency takes part in. */
export async function reciprocityMetrics(
  db: Kysely<DB>,
  actor: Actor,
  from: Date,
  to: Date,
): Promise<ReciprocityMetrics> {
  return withAgency(db, actor.agencyId, async (tx) => {
    const agreements = await tx
      .selectFrom("agreement as ag")
      .innerJoin("agency as p", "p.id", "ag.provider_agency_id")
      .innerJoin("agency as rq", "rq.id", "ag.recipient_agency_id")
      .select(["ag.id", "ag.code", "p.code as host", "rq.code as requester"])
      .where(agreementIsReadable(actor))
      .orderBy("ag.code")
      .execute();
    const directions: DirectionMetrics[] = [];
    for (const ag of agreements) {
      const counts = await requestCounts(tx, ag.id, from, to);
      const scans = await scanFigures(tx, ag.id, from, to);
      const accepted = counts?.accepted ?? 0;
      const declined = counts?.declined ?? 0;
      directions.push({
        agreement: ag.code,
        host: ag.host,
        requester: ag.requester,
        requests: counts?.requests ?? 0,
        accepted,
        declined,
        declinedByReason: await declineReasons(tx, ag.id, from, to),
        withdrawn: counts?.withdrawn ?? 0,
        pending: counts?.pending ?? 0,
        accommodationRate: rate(accepted, accepted + declined),
        scannedBeforeCutoff: rate(counts?.on_time ?? 0, accepted),
        missed: counts?.missed ?? 0,
        medianHoursToResult: counts?.median_h ?? null,
        p90HoursToResult: counts?.p90_h ?? null,
        scansByType: scans.scansByType,
        alarms: scans.alarmsByHsChapter.reduce((n, r) => n + r.alarms, 0),
        nuisanceAlarms: scans.alarmsByHsChapter.reduce((n, r) => n + r.nuisance, 0),
        alarmsByHsChapter: scans.alarmsByHsChapter,
        equipmentUse: scans.equipmentUse,
        weekly: await weeklyFigures(tx, ag.id, from, to),
      });
    }
    const counterparts = await tx
      .selectFrom("agreement as ag")
      .select(["ag.id", "ag.provider_agency_id", "ag.recipient_agency_id"])
      .where("ag.id", "in", agreements.length > 0 ? agreements.map((a) => a.id) : [NO_AGREEMENT])
      .execute();
    await recordSharedRead(tx, actor, {
      action: "metrics.viewed",
      entityType: "agreement",
      records: counterparts.map((a) => ({
        id: a.id,
        ownerAgencyId: a.provider_agency_id === actor.agencyId ? a.recipient_agency_id : a.provider_agency_id,
      })),
      payload: { from: from.toISOString(), to: to.toISOString() },
    });
    return { from: from.toISOString(), to: to.toISOString(), directions };
  });
}

/** Column headings of the CSV for a Japanese reader (the English ones are the column keys). */
const JA_HEADINGS: Record<string, string> = {
  agreement: "協定",
  host: "検査国",
  requester: "要請国",
  from: "期間開始",
  to: "期間終了",
  requests: "要請件数",
  accepted: "承認",
  declined: "拒否",
  withdrawn: "取下げ",
  pending: "判断待ち",
  accommodation_rate: "受入率",
  scanned_before_cutoff: "積載期限前の検査率",
  missed: "未実施",
  median_hours_to_result: "結果までの時間・中央値（h）",
  p90_hours_to_result: "結果までの時間・90パーセンタイル（h）",
  alarms: "警報",
  nuisance_alarms: "誤警報",
  declined_already_loaded: "拒否・積載済み",
  declined_insufficient_information: "拒否・情報不足",
  declined_outside_agreement: "拒否・協定の対象外",
  declined_no_capacity: "拒否・検査能力不足",
  declined_duplicate_request: "拒否・重複した要請",
  declined_examined_domestically: "拒否・自国で検査済み",
  declined_other: "拒否・その他",
  scans_radiation_portal: "放射線検査（ゲート型）",
  scans_isotope_id: "核種同定",
  scans_xray_image: "貨物検査装置（X線）",
  scans_physical_exam: "開披検査",
};

/** The dashboard as CSV: one row per direction, the numbers a spreadsheet needs; headings in the reader's language. */
export function metricsCsv(metrics: ReciprocityMetrics, language: "en" | "ja" = "en"): string {
  // One value per cell: a column per decline reason and per scan type, from the shared vocabularies.
  const header = [
    "agreement",
    "host",
    "requester",
    "from",
    "to",
    "requests",
    "accepted",
    "declined",
    "withdrawn",
    "pending",
    "accommodation_rate",
    "scanned_before_cutoff",
    "missed",
    "median_hours_to_result",
    "p90_hours_to_result",
    "alarms",
    "nuisance_alarms",
    ...DECLINE_CODES.map((c) => `declined_${c}`),
    ...SCAN_TYPES.map((t) => `scans_${t}`),
  ];
  const round = (v: number | null, digits: number) => (v === null ? null : Number(v.toFixed(digits)));
  const cell = (v: string | number | null) => {
    const text = v === null ? "" : String(v);
    return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const rows = metrics.directions.map((d) =>
    [
      d.agreement,
      d.host,
      d.requester,
      metrics.from,
      metrics.to,
      d.requests,
      d.accepted,
      d.declined,
      d.withdrawn,
      d.pending,
      round(d.accommodationRate, 4),
      round(d.scannedBeforeCutoff, 4),
      d.missed,
      round(d.medianHoursToResult, 1),
      round(d.p90HoursToResult, 1),
      d.alarms,
      d.nuisanceAlarms,
      ...DECLINE_CODES.map((c) => d.declinedByReason[c] ?? 0),
      ...SCAN_TYPES.map((t) => d.scansByType[t] ?? 0),
    ]
      .map(cell)
      .join(","),
  );
  const headings = language === "ja" ? header.map((h) => JA_HEADINGS[h] ?? h) : header;
  return [headings.join(","), ...rows].join("\n") + "\n";
}
