/**
 * Normalisation of Harmonized System codes as they appear in real manifests: dotted ("8451.10"),
 * spaced, float artefacts ("8451.0"), lost leading zeros ("30490") and national 7–10 digit codes.
 */

/** A syntactically usable HS code, cut to at most the 6-digit subheading. */
export interface NormalisedHs {
  /** 2, 4 or 6 digits, no dots. */
  code: string;
  chapter: string;
  heading: string | undefined;
  subheading: string | undefined;
  /** National digits beyond the 6-digit subheading (US HTS/Schedule B 10, Japan 9), if any. */
  extension: string | undefined;
  /** What was repaired or dropped on the way. */
  warnings: string[];
}

/** Outcome of normaliseHsCode. */
export type HsCodeResult = { ok: true; value: NormalisedHs } | { ok: false; reason: string };

function stripDecoration(raw: string, warnings: string[]): string {
  let text = raw.trim().replace(/^(HTSUS|HTS|HS)[\s:.#-]*/i, "");
  // "8451.0" / "845110.0": a number that went through a float column, not a dotted code.
  const float = /^(\d+)\.0$/.exec(text);
  if (float?.[1] !== undefined) {
    text = float[1];
    warnings.push(`trailing ".0" removed (value looked like a float)`);
  }
  // "8451.1": a dotted subheading whose trailing zero was lost the same way.
  const short = /^(\d{4})\.(\d)$/.exec(text);
  if (short?.[1] !== undefined && short[2] !== undefined) {
    text = `${short[1]}${short[2]}0`;
    warnings.push(`one digit after the dot; assumed a lost trailing zero`);
  }
  return text.replace(/[\s.-]/g, "");
}

function repairLength(digits: string, warnings: string[]): string {
  if (digits.length === 1 || digits.length === 3 || digits.length === 5) {
    warnings.push(`odd number of digits (${digits.length}); assumed a lost leading zero`);
    return `0${digits}`;
  }
  return digits;
}

function chapterProblem(chapter: string): string | undefined {
  const value = Number(chapter);
  if (value === 0) {
    return "chapter 00 does not exist";
  }
  if (value === 77) {
    return "chapter 77 is reserved and unused in HS 2022";
  }
  if (value === 98) {
    return "chapter 98 is national-only (not in the HS)";
  }
  return undefined;
}

/** Normalise a raw HS/HTS code (string or number) to chapter/heading/subheading; never throws. */
export function normaliseHsCode(raw: string | number): HsCodeResult {
  const warnings: string[] = [];
  const text = typeof raw === "number" ? String(raw) : raw;
  const cleaned = stripDecoration(text, warnings);
  if (cleaned === "") {
    return { ok: false, reason: "HS code is empty" };
  }
  if (!/^\d+$/.test(cleaned)) {
    return { ok: false, reason: `HS code must contain only digits, dots and spaces, got "${text.trim()}"` };
  }
  if (cleaned.length > 10) {
    return { ok: false, reason: `HS code too long: ${cleaned.length} digits (national codes have at most 10)` };
  }
  const digits = repairLength(cleaned, warnings);
  const chapter = digits.slice(0, 2);
  const problem = chapterProblem(chapter);
  if (problem !== undefined) {
    return { ok: false, reason: problem };
  }
  let extension: string | undefined;
  if (digits.length > 6) {
    extension = digits.slice(6);
    warnings.push(`national extension "${extension}" set aside; HS itself has 6 digits`);
  }
  const code = digits.slice(0, 6);
  return {
    ok: true,
    value: {
      code,
      chapter,
      heading: code.length >= 4 ? code.slice(0, 4) : undefined,
      subheading: code.length === 6 ? code : undefined,
      extension,
      warnings,
    },
  };
}
