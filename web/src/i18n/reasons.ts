// Texts the server states in English in its records (the radiation analysis's notes and reach-back
// advice, the declaration check, clearance findings, notifications) read here as a code with
// parameters and are worded from the catalogue in the reader's language. A text of a form not
// known here is shown as the server wrote it.
import type { ClearanceFinding } from "../../../src/contract/inspection-requests.ts";
import { formatTime } from "../time.ts";
import type { MessageId } from "./en.ts";
import type { Translator, Values } from "./index.tsx";

/** A text recognised as a catalogue message with its values. */
interface Worded {
  id: MessageId;
  values?: Values;
}

type Reader = (match: RegExpExecArray, t: Translator) => Worded;

/** Splits a list of labels at its commas, but not at commas inside brackets ("U-235 (SNM, 87%), Co-60 (Industrial)"). */
export function splitLabels(text: string): string[] {
  return text.split(/, (?![^()]*\))/).filter((s) => s.trim().length > 0);
}

/** A nuclide as the analysis labels it, "U-235 (SNM, possible, 87%)", in the reader's words. */
export function nuclideLabel(t: Translator, label: string): string {
  const match = /^(\S+) \(([^()]*)\)$/.exec(label.trim());
  if (!match) {
    return label;
  }
  const facts = (match[2] ?? "").split(", ").map((fact) => {
    if (fact === "possible") {
      return t("reason.possibleFact");
    }
    return /^\d+(\.\d+)?%$/.test(fact) ? fact : t.code(fact);
  });
  return t("reason.nuclide", { name: match[1], facts: facts.join(t("common.listSeparator")) });
}

function nuclideList(t: Translator, labels: string): string {
  return splitLabels(labels)
    .map((l) => nuclideLabel(t, l))
    .join(t("common.listSeparator"));
}

/** What an SNM nuclide needs to be confirmed, as the analysis states it. */
function signatureText(t: Translator, text: string): string {
  const requiredAndOne = /^([\d.]+) keV and one of (.+) keV$/.exec(text);
  if (requiredAndOne) {
    return t("reason.signature.requiredAndOne", { required: requiredAndOne[1], anyOf: requiredAndOne[2] });
  }
  const groupOr = /^its (.+) keV group \(or ([\d.]+) keV\)$/.exec(text);
  if (groupOr) {
    return t("reason.signature.groupOr", { group: groupOr[1], or: groupOr[2] });
  }
  return text;
}

const NOTES: [RegExp, Reader][] = [
  [/^the full-spectrum fit does not need it$/, () => ({ id: "reason.note.fitNotNeeded" })],
  [/^only as an alternative to (\S+)$/, (m) => ({ id: "reason.note.alternativeTo", values: { nuclide: m[1] } })],
  [
    /^its strongest line \(([\d.]+) keV\) is not found$/,
    (m) => ({ id: "reason.note.strongestMissing", values: { energy: m[1] } }),
  ],
  [/^no line in range$/, () => ({ id: "reason.note.noLineInRange" })],
  [
    /^its ([\d.]+) keV peak is explained by (\S+)$/,
    (m) => ({ id: "reason.note.peakExplainedBy", values: { energy: m[1], nuclide: m[2] } }),
  ],
  [/^every peak it matches is explained by another nuclide$/, () => ({ id: "reason.note.allPeaksExplained" })],
  [
    /^its ([\d. /]+) keV lines? (?:is|are) missing$/,
    (m) => ({ id: "reason.note.linesMissing", values: { energies: m[1], count: (m[1] ?? "").split(" / ").length } }),
  ],
  [/^no neutron measurement to support it$/, () => ({ id: "reason.note.noNeutron" })],
  [/^neutron excess only ([\d.]+)σ$/, (m) => ({ id: "reason.note.neutronWeak", values: { sigma: m[1] } })],
  [
    /^(\S+) explains the spectrum nearly as well as (\S+)$/,
    (m) => ({ id: "reason.note.rivalExplains", values: { rival: m[1], nuclide: m[2] } }),
  ],
  [
    /^(\S+) shows no peak in its ([\d.]+)–([\d.]+) keV group$/,
    (m) => ({ id: "reason.note.noPeakInGroup", values: { nuclide: m[1], lo: m[2], hi: m[3] } }),
  ],
  [
    /^(\S+) has no peak of its own in its ([\d.]+)–([\d.]+) keV group \((.+) explains what is there\)$/,
    (m) => ({ id: "reason.note.noOwnPeakInGroup", values: { nuclide: m[1], lo: m[2], hi: m[3], others: m[4] } }),
  ],
  [
    /^(\S+) needs (.+); found (.+) keV$/,
    (m, t) => ({
      id: "reason.note.needsSignature",
      values: {
        nuclide: m[1],
        signature: signatureText(t, m[2] ?? ""),
        found: m[3] === "no line" ? t("reason.noLine") : `${m[3]} keV`,
      },
    }),
  ],
];

function word(t: Translator, text: string, readers: [RegExp, Reader][]): string | null {
  for (const [pattern, read] of readers) {
    const match = pattern.exec(text.trim());
    if (match) {
      const { id, values } = read(match, t);
      return t(id, values);
    }
  }
  return null;
}

/** One note of the analysis on a nuclide it could not confirm ("its strongest line (244.3 keV) is not found"). */
export function noteText(t: Translator, note: string): string {
  return word(t, note, NOTES) ?? note;
}

/** Notes joined with "; " (one of them, "U-235 needs …; found … keV", holds a "; " of its own). */
function splitNotes(text: string): string[] {
  const parts: string[] = [];
  for (const part of text.split("; ")) {
    if (part.startsWith("found ") && parts.length > 0) {
      parts[parts.length - 1] = `${parts[parts.length - 1]}; ${part}`;
    } else {
      parts.push(part);
    }
  }
  return parts;
}

/** The analysis's reach-back advice ("possible U-235: …"). */
export function reachBackText(t: Translator, reason: string): string {
  if (reason.trim() === "reach-back advised") {
    return t("reason.reachBackAdvised");
  }
  const match = /^possible (\S+): (.+)$/.exec(reason.trim());
  if (!match) {
    return reason;
  }
  const why = splitNotes(match[2] ?? "").map((n) => noteText(t, n));
  return t("reason.reachBack.possible", { nuclide: match[1], why: why.join(t("common.listSeparator")) });
}

/** How a scan's result contradicts the declared goods, as the declaration check states it. */
export function inconsistencyText(t: Translator, text: string | null): string {
  if (!text) {
    return t("reason.seeAnalysis");
  }
  const found = /^(.+) found; declared (.+) would not contain it$/.exec(text.trim());
  if (found) {
    return t("reason.inconsistent.found", {
      nuclides: found[1],
      declared: found[2] === "goods" ? t("reason.declaredGoods") : found[2],
    });
  }
  const noNatural = /^declared (.+) but no natural radioactivity \(K-40, U or Th series\) was seen$/.exec(text.trim());
  if (noNatural) {
    return t("reason.inconsistent.noNatural", { declared: noNatural[1] });
  }
  return text;
}

/** The nuclide category behind each verdict reason of a clearance finding. */
const VERDICT_CATEGORY: Record<string, string> = { snm: "snm", industrial: "industrial", investigate: "neutron" };

/**
 * One clearance finding for people, from its parts: "isotope id scan at 27 Nov 09:00: special
 * nuclear material (U-235 (SNM))" in the reader's language.
 */
export function findingText(t: Translator, f: ClearanceFinding): string {
  const details = f.reasons.map((r) => {
    switch (r) {
      case "reach_back":
        return t("reason.finding.reach_back", { why: reachBackText(t, f.reachBack ?? "reach-back advised") });
      case "inconsistent":
        return t("reason.finding.inconsistent", { why: inconsistencyText(t, f.inconsistency) });
      case "snm":
      case "industrial":
      case "investigate": {
        const category = VERDICT_CATEGORY[r];
        const behind = f.nuclides.filter((label) => /\(([^,()]+)/.exec(label)?.[1]?.toLowerCase() === category);
        const named = behind.length > 0 ? behind : f.nuclides;
        const reason = t(`reason.finding.${r}`);
        return named.length > 0
          ? t("reason.withNuclides", {
              reason,
              nuclides: named.map((l) => nuclideLabel(t, l)).join(t("common.listSeparator")),
            })
          : reason;
      }
    }
  });
  return t("reason.finding", {
    scan: t.code(f.scanType),
    at: formatTime(f.scannedAt),
    details: details.join(t("reason.detailSeparator")),
  });
}

/** Why a request missed its deadline: the code's words, else the text as recorded. */
export function missReasonText(t: Translator, code: string | null, text: string | null): string {
  if (code === "loaded_before_result" || code === "cutoff_passed") {
    return t(`missReason.${code}`);
  }
  return text ?? "";
}

/** A notification as the screens show it. */
export interface NoticeLike {
  kind: string;
  message: string;
  params?: Record<string, string | number | null> | null;
}

function text(value: string | number | null | undefined): string | null {
  return typeof value === "string" && value.length > 0 ? value : typeof value === "number" ? String(value) : null;
}

/** A notification worded from its kind and parameters; one of another kind, or written before it had parameters, as written. */
export function noticeText(t: Translator, n: NoticeLike): string {
  const p = n.params ?? {};
  const reference = text(p.reference);
  const containerNo = text(p.containerNo) ?? "";
  if (!reference) {
    return n.message;
  }
  switch (n.kind) {
    case "request_at_risk":
      return typeof p.hoursLeft === "number"
        ? t("notice.request_at_risk", {
            reference,
            containerNo,
            hours: t.number(p.hoursLeft, { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
          })
        : n.message;
    case "request_missed": {
      const reason = text(p.reason);
      return reason ? t("notice.request_missed", { reference, reason: missReasonText(t, reason, reason) }) : n.message;
    }
    case "override": {
      const disposition = text(p.disposition);
      return disposition
        ? t("notice.override", {
            reference,
            containerNo,
            disposition: t.code(disposition),
            reason: text(p.reason) ?? "",
          })
        : n.message;
    }
    case "snm_alert": {
      const scanType = text(p.scanType);
      const verdict = text(p.verdict);
      if (!scanType || !verdict) {
        return n.message;
      }
      const nuclides = text(p.nuclides);
      const advice = text(p.reachBack);
      return t("notice.snm_alert", {
        reference,
        containerNo,
        scan: t.code(scanType),
        nuclides: nuclides ? nuclideList(t, nuclides) : t("reason.noNuclide"),
        verdict: t.code(`verdict_${verdict}`),
        advice: advice ? t("notice.snm_alert.advice", { why: reachBackText(t, advice) }) : "",
      });
    }
    case "scan_alarm": {
      const scanType = text(p.scanType);
      const outcome = text(p.outcome);
      return scanType && outcome
        ? t("notice.scan_alarm", { reference, containerNo, scan: t.code(scanType), outcome: t.code(outcome) })
        : n.message;
    }
    default:
      return n.message;
  }
}

/** An analysis error by its code ("portal.no_background"), else as the analysis wrote it. */
export function analysisErrorText(t: Translator, e: { code: string; message: string }): string {
  const id = `analysisError.${e.code}`;
  return isMessageId(t, id) ? t(id) : e.message;
}

/** Where an ingest finding points ("cuscar.edi message 7 segment 42 (NAD)"), its words in the reader's language. */
export function whereText(t: Translator, where: string): string {
  if (t.language === "en") {
    return where;
  }
  return where.replace(/\b(message|segment|row|column|line|element|B\/L)\b/g, (w) =>
    t(`where.${w === "B/L" ? "bill" : w}` as MessageId),
  );
}

function isMessageId(t: Translator, id: string): id is MessageId {
  return t.has(id);
}
