/**
 * Diagnostics produced by the trade parsers: what is wrong with an input and exactly where,
 * plus the shared field checks (container, IMO, UN/LOCODE, HS, SCAC) that produce them.
 * Parsers never throw on bad input; they collect these instead.
 */

import { normaliseHsCode } from "./hs.ts";
import { isValidImo, normaliseImo } from "./imo.ts";
import { decodeSizeType, iso6346CheckDigit, parseContainerNumber } from "./iso6346.ts";
import { isValidScac, normaliseScac } from "./scac.ts";
import { findLocode, locodeDataInfo, parseLocode } from "./unlocode.ts";

/** How bad a finding is: errors mean data is wrong or lost, warnings mean it was read leniently. */
export type Severity = "error" | "warning";

/** Where a finding sits in the source; every field is optional because formats differ. */
export interface SourcePosition {
  file?: string;
  /** 1-based segment number within the file (EDIFACT/X12). */
  segment?: number;
  segmentTag?: string;
  /** 1-based element position after the tag (EDIFACT `EQD+CN+…`: CN is element 1). */
  element?: number;
  /** 1-based component position inside the element. */
  component?: number;
  /** 1-based line of the segment start (or CSV record start). */
  line?: number;
  /** 1-based CSV data row (header excluded). */
  row?: number;
  /** CSV column header. */
  column?: string;
}

/** One finding about an input file, with a stable dotted code such as `edifact.unt_count_mismatch`. */
export interface Diagnostic extends SourcePosition {
  severity: Severity;
  code: string;
  message: string;
  /**
   * True when the finding stands for an item the parser read but could not turn into a record (a
   * CSV row without a bill of lading, a status that names no container, a message of a type it
   * does not map): an ingest counts the item as read and set aside, for this reason.
   */
  isDropped?: boolean;
}

/** Build a diagnostic, dropping position fields that are undefined so records stay JSON-clean. */
export function makeDiagnostic(severity: Severity, code: string, message: string, at: SourcePosition = {}): Diagnostic {
  const diagnostic: Diagnostic = { severity, code, message };
  for (const [key, value] of Object.entries(at) as Array<[string, unknown]>) {
    if (value !== undefined) {
      Object.assign(diagnostic, { [key]: value });
    }
  }
  return diagnostic;
}

/** Collects diagnostics for one file; the file name is stamped on every entry. */
export class DiagnosticCollector {
  readonly list: Diagnostic[] = [];

  constructor(readonly file?: string) {}

  /** Record an error (data wrong, missing or unusable). */
  error(code: string, message: string, at: SourcePosition = {}): void {
    this.list.push(makeDiagnostic("error", code, message, { file: this.file, ...at }));
  }

  /** Record a warning (input accepted leniently). */
  warning(code: string, message: string, at: SourcePosition = {}): void {
    this.list.push(makeDiagnostic("warning", code, message, { file: this.file, ...at }));
  }

  /** Record an item read but not turned into a record, and why (see Diagnostic.isDropped). */
  dropped(severity: Severity, code: string, message: string, at: SourcePosition = {}): void {
    this.list.push({ ...makeDiagnostic(severity, code, message, { file: this.file, ...at }), isDropped: true });
  }

  /** Append diagnostics produced elsewhere. */
  add(diagnostics: readonly Diagnostic[]): void {
    this.list.push(...diagnostics);
  }

  /** True when at least one error was recorded. */
  hasErrors(): boolean {
    return this.list.some((d) => d.severity === "error");
  }
}

/** Values that template and test files put where real data belongs ("CONTAINER", "DEPARTPLACE"). */
const PLACEHOLDER_WORDS = /^(?:TBA|TBD|TBC|N\/?A|NONE|NULL|UNKNOWN|DUMMY|TEST|SAMPLE|PLACEHOLDER|X+|0+)$/;
const PLACEHOLDER_PARTS = /CONTAINER|PLACE|PORT|NUMBER|VOYAGE|VESSEL|SENDER|RECEIVER|RECIPIENT/;

/** True when a value is a template placeholder rather than data. */
export function isPlaceholder(raw: string): boolean {
  const value = raw.trim().toUpperCase();
  if (PLACEHOLDER_WORDS.test(value)) {
    return true;
  }
  return /^[A-Z]{6,}$/.test(value) && PLACEHOLDER_PARTS.test(value);
}

/** A container id as it will be stored: normalised, with its validity. */
export interface CheckedContainer {
  number: string;
  isValid: boolean;
}

/** Validate an ISO 6346 container number; invalid ids are kept and reported as errors at `at`. */
export function checkContainer(
  raw: string | undefined,
  at: SourcePosition,
  out: DiagnosticCollector,
): CheckedContainer {
  const text = (raw ?? "").trim();
  if (!text) {
    out.error("container.missing", "container number is missing", at);
    return { number: "", isValid: false };
  }
  const parsed = parseContainerNumber(text);
  if (parsed.ok) {
    return { number: parsed.value.id, isValid: true };
  }
  if (isPlaceholder(text)) {
    out.error("container.placeholder", `container number "${text}" is a placeholder, not an id`, at);
    return { number: parsed.normalised, isValid: false };
  }
  const badDigit = wrongCheckDigit(parsed.normalised);
  const code = parsed.reason.startsWith("check digit") || badDigit ? "container.check_digit" : "container.invalid";
  const extra = badDigit && !parsed.reason.startsWith("check digit") ? `; ${badDigit}` : "";
  out.error(code, `container ${parsed.normalised}: ${parsed.reason}${extra}`, at);
  return { number: parsed.normalised, isValid: false };
}

/** For ids shaped like AAAA999999D, say when the check digit is wrong even if other rules fail too. */
function wrongCheckDigit(id: string): string | undefined {
  if (!/^[A-Z]{4}\d{7}$/.test(id)) {
    return undefined;
  }
  const expected = iso6346CheckDigit(id.slice(0, 10));
  return Number(id.charAt(10)) === expected ? undefined : `check digit is ${id.charAt(10)}, expected ${expected}`;
}

/** A size/type code as sent (trimmed, uppercased); one that ISO 6346 does not define is kept with a warning. */
export function checkSizeType(
  raw: string | undefined,
  at: SourcePosition,
  out: DiagnosticCollector,
): string | undefined {
  const text = (raw ?? "").trim().toUpperCase();
  if (!text) {
    return undefined;
  }
  const decoded = decodeSizeType(text);
  if (!decoded.ok) {
    out.warning(
      "container.size_type_unknown",
      `size/type code "${text}" is not an ISO 6346 code (${decoded.reason}); kept as sent`,
      at,
    );
  }
  return text;
}

/** IMO number split into a valid IMO or another id; placeholders are errors, bad check digits warnings. */
export function checkImo(
  raw: string | undefined,
  at: SourcePosition,
  out: DiagnosticCollector,
): { imo?: string; otherId?: string } {
  const text = (raw ?? "").trim();
  if (!text) {
    return {};
  }
  if (isValidImo(text)) {
    return { imo: normaliseImo(text) };
  }
  if (isPlaceholder(text)) {
    out.error("vessel.placeholder", `vessel id "${text}" is a placeholder`, at);
    return {};
  }
  out.warning("vessel.imo_invalid", `vessel id "${text}" is not a valid IMO number; kept as other id`, at);
  return { otherId: text };
}

/**
 * Normalise a location code ("US LAX" → "USLAX"). Placeholders are dropped with an error; other
 * non-UN/LOCODE codes (CBP Schedule D/K, GLNs) are kept with a warning; well-formed codes missing
 * from a country the shipped UN/LOCODE subset covers get a warning too.
 */
export function checkLocation(
  raw: string | undefined,
  what: string,
  at: SourcePosition,
  out: DiagnosticCollector,
): string | undefined {
  const text = (raw ?? "").trim().toUpperCase();
  if (!text) {
    return undefined;
  }
  const parsed = parseLocode(text);
  if (parsed.ok) {
    warnUnknownLocode(parsed.value.code, parsed.value.country, what, at, out);
    return parsed.value.code;
  }
  if (isPlaceholder(text)) {
    out.error("location.placeholder", `${what} "${text}" is a placeholder, ignored`, at);
    return undefined;
  }
  out.warning("location.not_unlocode", `${what} "${text}" is not a UN/LOCODE; kept as sent`, at);
  return text;
}

let coveredCountries: ReadonlySet<string> | undefined;

function warnUnknownLocode(
  code: string,
  country: string,
  what: string,
  at: SourcePosition,
  out: DiagnosticCollector,
): void {
  coveredCountries ??= new Set(locodeDataInfo().countries);
  if (coveredCountries.has(country) && !findLocode(code)) {
    out.warning("location.unknown_locode", `${what} ${code} is not in the UN/LOCODE list`, at);
  }
}

/**
 * HS code as digits only (dots and spaces removed, national extension kept). Repairs made by
 * normaliseHsCode and unusable codes are reported as warnings; the digits are kept either way.
 */
export function checkHsCode(raw: string | undefined, at: SourcePosition, out: DiagnosticCollector): string | undefined {
  const text = (raw ?? "").trim();
  if (!text) {
    return undefined;
  }
  const result = normaliseHsCode(text);
  if (!result.ok) {
    out.warning("hs.invalid", `HS code "${text}": ${result.reason}`, at);
    return text.replace(/[\s.-]/g, "") || undefined;
  }
  // The national extension is kept here, so that repair note does not apply.
  for (const note of result.value.warnings.filter((w) => !w.startsWith("national extension"))) {
    out.warning("hs.repaired", `HS code "${text}": ${note}`, at);
  }
  return result.value.code + (result.value.extension ?? "");
}

/** Carrier SCAC, uppercased; warns when it is not 2–4 letters but keeps it. */
export function checkScac(raw: string | undefined, at: SourcePosition, out: DiagnosticCollector): string | undefined {
  const text = (raw ?? "").trim();
  if (!text) {
    return undefined;
  }
  if (!isValidScac(text)) {
    out.warning("scac.invalid", `carrier code "${text}" is not a 2–4 letter SCAC; kept as sent`, at);
  }
  return normaliseScac(text);
}
