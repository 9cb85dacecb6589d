import { RadFileError } from "../errors.ts";
import { polynomialCalibration, type RadFile } from "../model.ts";
import { trimTrailingZeros } from "./n42-values.ts";

/** True when the text looks like an IAEA/ORTEC SPE file. */
export function looksLikeSpe(text: string): boolean {
  return /^\s*\$SPEC_ID:/.test(text) || /^\$DATA:/m.test(text.slice(0, 4096));
}

interface Section {
  line: number;
  lines: string[];
}

function sections(text: string): Map<string, Section> {
  const out = new Map<string, Section>();
  let current: Section | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const m = /^\$([A-Z_]+):/.exec(raw.trim());
    if (m) {
      current = { line: i + 1, lines: [] };
      if (!out.has(m[1]!)) {
        out.set(m[1]!, current);
      }
      return;
    }
    current?.lines.push(raw.trim());
  });
  return out;
}

function nums(s: string | undefined): number[] {
  return (s ?? "")
    .split(/\s+/)
    .filter((t) => t !== "")
    .map(Number);
}

/** Parses SPE `mm/dd/yyyy hh:mm:ss` to ISO (treated as UTC). */
function speDate(s: string | undefined): string | undefined {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{2,4})\s+(\d{1,2}):(\d{2}):(\d{2})/.exec((s ?? "").trim());
  if (!m) {
    return undefined;
  }
  const y = Number(m[3]) < 100 ? 2000 + Number(m[3]) : Number(m[3]);
  return new Date(Date.UTC(y, Number(m[1]) - 1, Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6]))).toISOString();
}

function calibration(secs: Map<string, Section>, warnings: string[]): number[] {
  const mca = secs.get("MCA_CAL");
  const coef = nums(mca?.lines[1]?.replace(/[a-zA-Z]+\s*$/, ""));
  const fit = nums(secs.get("ENER_FIT")?.lines[0]);
  const pick = coef.some((c) => c !== 0) ? coef : fit;
  if (pick.length >= 2 && pick.some((c) => c !== 0) && Number.isFinite(pick[1])) {
    return pick;
  }
  warnings.push("SPE: missing or all-zero energy calibration; using identity (1 keV/channel)");
  return [0, 1];
}

/** Reads an IAEA/ORTEC SPE text spectrum. */
export function readSpe(text: string): RadFile {
  const secs = sections(text);
  const data = secs.get("DATA");
  if (!data) {
    throw new RadFileError("radfile.malformed", "SPE: no $DATA: section");
  }
  const [first, last] = nums(data.lines[0]);
  if (first === undefined || last === undefined || !(last >= first)) {
    throw new RadFileError("radfile.malformed", "SPE: bad $DATA: channel range", { line: data.line + 1 });
  }
  const counts = data.lines.slice(1).flatMap((l) => nums(l));
  const expected = last - first + 1;
  if (counts.length < expected) {
    throw new RadFileError("radfile.truncated", `SPE: ${counts.length} of ${expected} channels present`, {
      line: data.line + 1 + counts.length,
    });
  }
  const bad = counts.findIndex((c) => !Number.isFinite(c));
  if (bad >= 0) {
    throw new RadFileError("radfile.malformed", "SPE: non-numeric channel count", { line: data.line + 2 + bad });
  }
  const warnings: string[] = [];
  const [live, real] = nums(secs.get("MEAS_TIM")?.lines[0]);
  const start = speDate(secs.get("DATE_MEA")?.lines[0]);
  const title = (secs.get("SPEC_ID")?.lines ?? []).filter((l) => l !== "").join(" ");
  const spectrum = counts.slice(0, expected);
  return {
    format: "spe",
    instrument: { manufacturer: "", model: "", serial: "", type: "unknown" },
    detectors: [{ name: "", kind: "gamma", description: "" }],
    measurements: [
      {
        id: "spectrum1",
        detector: "",
        class: "unknown",
        realTimeS: real ?? live ?? Number.NaN,
        liveTimeS: live ?? Number.NaN,
        ...(start ? { startTime: start } : {}),
        spectrum: {
          counts: spectrum,
          calibration: polynomialCalibration(trimTrailingZeros(calibration(secs, warnings)), warnings),
        },
        grossCounts: spectrum.reduce((a, b) => a + b, 0),
        ...(title ? { title } : {}),
      },
    ],
    warnings,
  };
}
