import { RadFileError } from "../errors.ts";
import type { RadFile } from "../model.ts";
import { trimTrailingZeros } from "./n42-values.ts";

/** First record number (1-based) holding spectral data in IEC 1455. */
const FIRST_DATA_RECORD = 59;

/** True when the text looks like an IEC 1455 (A004-record) file. */
export function looksLikeIec1455(text: string): boolean {
  return text.startsWith("A004");
}

/** Splits fixed-width Fortran floats that touch (`1.0E+00-2.0E-08`) into separate numbers. */
function floats(s: string): number[] {
  return (s.match(/[-+]?\d*\.?\d+(?:[eE][-+]?\d+)?/g) ?? []).map(Number);
}

function iecDate(date: string | undefined, time: string | undefined): string | undefined {
  const d = /^(\d{2})\/(\d{2})\/(\d{2,4})$/.exec(date ?? "");
  const t = /^(\d{2}):(\d{2}):(\d{2})$/.exec(time ?? "");
  if (!d || !t) {
    return undefined;
  }
  const y = Number(d[3]) < 100 ? 2000 + Number(d[3]) : Number(d[3]);
  // Month-first, as written by the sample file's own second date (08/25/21).
  return new Date(Date.UTC(y, Number(d[1]) - 1, Number(d[2]), Number(t[1]), Number(t[2]), Number(t[3]))).toISOString();
}

/** Reads an IEC 1455 ASCII spectrum. */
export function readIec1455(text: string): RadFile {
  const records = text
    .split(/\r?\n/)
    .filter((l) => l.startsWith("A004"))
    .map((l) => l.slice(4));
  if (records.length < FIRST_DATA_RECORD) {
    throw new RadFileError("radfile.truncated", `IEC 1455: only ${records.length} records`, { line: records.length });
  }
  const [live, real, nCh] = floats(records[1]!);
  if (live === undefined || real === undefined || nCh === undefined || nCh <= 0) {
    throw new RadFileError("radfile.malformed", "IEC 1455: record 2 must hold live, real, channels", { line: 2 });
  }
  const [date, time] = records[2]!.trim().split(/\s+/);
  const coef = floats(records[3]!);
  const counts: number[] = [];
  for (const rec of records.slice(FIRST_DATA_RECORD - 1)) {
    counts.push(...rec.trim().split(/\s+/).slice(1).map(Number));
  }
  if (counts.length < nCh) {
    throw new RadFileError("radfile.truncated", `IEC 1455: ${counts.length} of ${nCh} channels`, {
      line: records.length,
    });
  }
  const spectrum = counts.slice(0, nCh);
  if (spectrum.some((c) => !Number.isFinite(c))) {
    throw new RadFileError("radfile.malformed", "IEC 1455: non-numeric channel count", { line: FIRST_DATA_RECORD });
  }
  const warnings: string[] = [];
  const hasCal = coef.some((c) => c !== 0);
  if (!hasCal) {
    warnings.push("IEC 1455: all-zero energy calibration; using identity (1 keV/channel)");
  }
  const title = records
    .slice(5, 9)
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .join(" ");
  const start = iecDate(date, time);
  return {
    format: "iec1455",
    instrument: { manufacturer: "", model: records[0]!.trim().split(/\s+/)[1] ?? "", serial: "", type: "unknown" },
    detectors: [{ name: "", kind: "gamma", description: "" }],
    measurements: [
      {
        id: "spectrum1",
        detector: "",
        class: "unknown",
        realTimeS: real,
        liveTimeS: live,
        ...(start ? { startTime: start } : {}),
        spectrum: {
          counts: spectrum,
          calibration: {
            kind: "polynomial",
            coefficients: trimTrailingZeros(hasCal ? coef : [0, 1]),
            ...(hasCal ? {} : { isAssumed: true }),
          },
        },
        grossCounts: spectrum.reduce((a, b) => a + b, 0),
        ...(title ? { title } : {}),
      },
    ],
    warnings,
  };
}
