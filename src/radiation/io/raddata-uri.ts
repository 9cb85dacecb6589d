import { inflateSync } from "node:zlib";
import { RadFileError } from "../errors.ts";
import type { DeviationPair, Measurement, MeasurementClass, RadFile } from "../model.ts";
import { expandCountedZeros, trimTrailingZeros } from "./n42-values.ts";

/** URI option bits (SpecUtils "G0" encoding). */
const OPT_NO_DEFLATE = 0x01;
const OPT_NO_BASEX = 0x02;
const OPT_CSV_CHANNELS = 0x04;
const OPT_NO_ZERO_COMPRESS = 0x08;
const OPT_URL_BASE64 = 0x10;
const OPT_WAVELET = 0x40;

const PREFIX = /^(?:RADDATA|INTERSPEC):(?:\/\/)?G0\//i;
const BASE45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/** True when the text starts with a RADDATA / INTERSPEC G0 spectrum URI. */
export function looksLikeRaddataUri(text: string): boolean {
  return PREFIX.test(text.trimStart());
}

/** Decodes RFC 9285 base-45 text into bytes. */
export function decodeBase45(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; i += 3) {
    const chunk = [...s.slice(i, i + 3)].map((c) => BASE45.indexOf(c));
    if (chunk.some((v) => v < 0)) {
      throw new RadFileError("radfile.malformed", "RADDATA: invalid base-45 character", { byteOffset: i });
    }
    const v = chunk.reduce((acc, d, k) => acc + d * 45 ** k, 0);
    if (chunk.length === 3) {
      out.push(v >> 8, v & 0xff);
    } else {
      out.push(v);
    }
  }
  return Uint8Array.from(out);
}

/** Stream-VByte decode of `n` uint32 values starting at `off` (2-bit length codes, then LE value bytes). */
export function decodeStreamVByte(b: Uint8Array, off: number, n: number): { values: number[]; end: number } {
  const ctrlLen = Math.ceil(n / 4);
  let p = off + ctrlLen;
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    const code = ((b[off + (i >> 2)] ?? 0) >> ((i & 3) * 2)) & 3;
    if (off + (i >> 2) >= b.length || p + code + 1 > b.length) {
      throw new RadFileError("radfile.truncated", "RADDATA: channel data ends early", { byteOffset: p });
    }
    let v = 0;
    for (let k = 0; k <= code; k++) {
      v += b[p + k]! * 2 ** (8 * k);
    }
    p += code + 1;
    values.push(v);
  }
  return { values, end: p };
}

interface Header {
  opts: number;
  payload: string;
}

function splitHeader(uri: string): Header {
  const rest = uri.trim().replace(PREFIX, "");
  const twoDigitOpts = rest[3] !== "/";
  const optLen = twoDigitOpts ? 2 : 1;
  const opts = Number.parseInt(rest.slice(0, optLen), 16);
  const slash = rest.indexOf("/", optLen);
  if (!Number.isFinite(opts) || slash < 0) {
    throw new RadFileError("radfile.malformed", "RADDATA: bad option header");
  }
  if (rest.slice(optLen, optLen + 1) !== "0") {
    throw new RadFileError("radfile.unsupported", "RADDATA: multi-URL spectra are not supported");
  }
  return { opts, payload: rest.slice(slash + 1) };
}

function payloadBytes(h: Header): Uint8Array {
  let raw: Uint8Array;
  if (h.opts & OPT_NO_BASEX) {
    raw = new TextEncoder().encode(decodeURIComponent(h.payload));
  } else if (h.opts & OPT_URL_BASE64) {
    raw = Buffer.from(h.payload, "base64url");
  } else {
    raw = decodeBase45(decodeURIComponent(h.payload));
  }
  if (h.opts & OPT_NO_DEFLATE) {
    return raw;
  }
  try {
    return inflateSync(raw);
  } catch (e) {
    throw new RadFileError("radfile.malformed", `RADDATA: zlib inflate failed: ${(e as Error).message}`);
  }
}

function numbers(v: string | undefined): number[] {
  return (v ?? "")
    .split(/[,$]/)
    .filter((s) => s !== "")
    .map(Number);
}

function parseFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  const re = /(?:^| )([A-Z]):/g;
  const hits = [...text.matchAll(re)];
  hits.forEach((m, i) => {
    const end = hits[i + 1]?.index ?? text.length;
    fields.set(m[1]!, text.slice(m.index + m[0].length, end));
  });
  return fields;
}

function startTime(p: string | undefined): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})/.exec(p ?? "");
  if (!m) {
    return undefined;
  }
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)).toISOString();
}

const SOURCE_CLASS: Record<string, MeasurementClass> = { F: "foreground", B: "background", C: "calibration" };

function channelCounts(bytes: Uint8Array, sAt: number, opts: number): number[] {
  if (opts & OPT_CSV_CHANNELS) {
    const text = new TextDecoder("latin1").decode(bytes.subarray(sAt));
    const values = numbers(text.split(/\s/)[0]);
    return opts & OPT_NO_ZERO_COMPRESS ? values : expandCountedZeros(values);
  }
  if (sAt + 2 > bytes.length) {
    throw new RadFileError("radfile.truncated", "RADDATA: channel count missing", { byteOffset: sAt });
  }
  const n = bytes[sAt]! | (bytes[sAt + 1]! << 8);
  const { values } = decodeStreamVByte(bytes, sAt + 2, n);
  return opts & OPT_NO_ZERO_COMPRESS ? values : expandCountedZeros(values);
}

/** Decodes a single-spectrum `RADDATA://G0/…` URI (as used by InterSpec QR codes and reference spectra). */
export function readRaddataUri(uri: string): RadFile {
  const h = splitHeader(uri);
  if (h.opts & OPT_WAVELET) {
    throw new RadFileError("radfile.unsupported", "RADDATA: wavelet-compressed spectra are not supported");
  }
  const bytes = payloadBytes(h);
  const latin = new TextDecoder("latin1").decode(bytes);
  const sIdx = latin.search(/(?:^| )S:/);
  if (sIdx < 0) {
    throw new RadFileError("radfile.malformed", "RADDATA: no S: channel data field");
  }
  const sAt = sIdx + (latin[sIdx] === " " ? 3 : 2);
  const f = parseFields(latin.slice(0, sIdx));
  const counts = channelCounts(bytes, sAt, h.opts);
  const [real, live] = numbers(f.get("T"));
  const dev = numbers(f.get("D"));
  const pairs: DeviationPair[] = [];
  for (let i = 0; i + 1 < dev.length; i += 2) {
    pairs.push([dev[i]!, dev[i + 1]!]);
  }
  const coef = numbers(f.get("C"));
  const gps = numbers(f.get("G"));
  const start = startTime(f.get("P"));
  const title = f.get("O")?.trim();
  const neutrons = f.get("N");
  const m: Measurement = {
    id: "spectrum1",
    detector: "",
    class: SOURCE_CLASS[(f.get("I") ?? "").trim()] ?? "unknown",
    realTimeS: real ?? Number.NaN,
    liveTimeS: live ?? real ?? Number.NaN,
    ...(start ? { startTime: start } : {}),
    spectrum: {
      counts,
      calibration: {
        kind: "polynomial",
        coefficients: trimTrailingZeros(coef.length > 0 ? coef : [0, 1]),
        ...(coef.length > 0 ? {} : { isAssumed: true }),
        ...(pairs.length > 0 ? { deviationPairs: pairs } : {}),
      },
    },
    grossCounts: counts.reduce((a, b) => a + b, 0),
    ...(neutrons !== undefined && neutrons.trim() !== "" ? { neutronCounts: Number(neutrons) } : {}),
    ...(gps.length >= 2 ? { gps: { lat: gps[0]!, lon: gps[1]! } } : {}),
    ...(title ? { title } : {}),
  };
  return {
    format: "raddata-uri",
    instrument: {
      manufacturer: "",
      model: f.get("M")?.trim() ?? "",
      serial: f.get("E")?.trim() ?? "",
      type: "unknown",
    },
    detectors: [{ name: "", kind: "gamma", description: "" }],
    measurements: [m],
    warnings: coef.length > 0 ? [] : ["RADDATA: no energy calibration; using identity (1 keV/channel)"],
  };
}
