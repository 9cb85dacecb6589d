import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import type { ClearanceFinding } from "../../src/contract/inspection-requests.ts";
import { MISS_REASONS } from "../../src/domain/inspection-requests/vocabulary.ts";
import { en } from "../../web/src/i18n/en.ts";
import { translatorFor } from "../../web/src/i18n/index.tsx";
import { ja } from "../../web/src/i18n/ja.ts";
import {
  findingText,
  inconsistencyText,
  missReasonText,
  noteText,
  noticeText,
  reachBackText,
  whereText,
  type NoticeLike,
} from "../../web/src/i18n/reasons.ts";

// Texts the server records in English are worded from the catalogue by code and parameters. These
// tests feed the texts the server writes (their forms taken from the analysis, the declaration
// check, the deadline sweep and the notifications) and check the Japanese leaves no English behind.

const tJa = translatorFor("ja");
const tEn = translatorFor("en");

/** English words left in a Japanese text: lower-case Latin words of three letters or more, units aside. */
function englishIn(text: string): string[] {
  return (text.match(/[A-Za-z][a-z]{2,}/g) ?? []).filter((w) => !["keV"].includes(w));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith(".ts") ? [full] : [];
  });
}
const SOURCES = sourceFiles(path.resolve("src")).map((f) => readFileSync(f, "utf8"));
const MIGRATIONS = readdirSync(path.resolve("migrations")).map((f) => readFileSync(path.join("migrations", f), "utf8"));
const found = (pattern: RegExp, texts: string[]): string[] =>
  [...new Set(texts.flatMap((text) => [...text.matchAll(pattern)].map((m) => m[1] as string)))].sort();

describe("the catalogue words what the server records", () => {
  it("has every key in Japanese that it has in English", () => {
    assert.deepEqual(Object.keys(ja).sort(), Object.keys(en).sort());
    for (const [key, value] of Object.entries(ja)) {
      assert.ok(value.trim().length > 0, key);
    }
  });

  it("words every audit action the server writes, every notification kind, every ingest code and every analysis error", () => {
    const actions = found(/action: "([a-z_]+\.[a-z_.]+)"/g, SOURCES);
    assert.ok(actions.length >= 40, `${actions.length} actions found`);
    assert.deepEqual(
      actions.filter((a) => !(`audit.action.${a}` in en)),
      [],
      "audit actions without words",
    );
    const kinds = [
      ...found(/kind: "([a-z_]+)",\s*request/g, SOURCES),
      ...found(/'([a-z_]+)', r\.id/g, MIGRATIONS),
      "override",
      "snm_alert",
    ];
    assert.ok(kinds.includes("request_at_risk") && kinds.includes("scan_alarm"), kinds.join(" "));
    assert.deepEqual(
      [...new Set(kinds)].filter((k) => !(`notice.${k}` in en) || !(`code.notification_${k}` in en)),
      [],
      "notification kinds without words",
    );
    const ingest = found(/code: "(ingest\.[a-z_]+)"/g, SOURCES);
    assert.ok(ingest.length >= 10);
    assert.deepEqual(
      ingest.filter((c) => !(`error.${c}` in en)),
      [],
    );
    const steps = [
      ...found(/transition\(\s*tx,\s*clock,\s*actor,\s*\w+,\s*"([a-z_]+)"/g, SOURCES),
      ...found(/to_status: "requested",\s*action: "([a-z_]+)"/g, SOURCES),
    ];
    assert.ok(steps.includes("request") && steps.includes("record_result"), steps.join(" "));
    assert.deepEqual(
      steps.filter((a) => !(`code.${a}` in en)),
      [],
      "request history steps without words",
    );
    const analysis = [...found(/code: "((?:portal|analysis)\.[a-z_]+)"/g, SOURCES), "analysis.failed"];
    assert.deepEqual(
      analysis.filter((c) => !(`analysisError.${c}` in en)),
      [],
    );
  });

  it("reads every note of the analysis and its reach-back advice, in Japanese without English", () => {
    const notes = [
      "the full-spectrum fit does not need it",
      "only as an alternative to K-40",
      "its strongest line (244.3 keV) is not found",
      "no line in range",
      "its 1460.8 keV peak is explained by K-40",
      "every peak it matches is explained by another nuclide",
      "its 1173.2 / 1332.5 keV lines are missing",
      "its 661.7 keV line is missing",
      "no neutron measurement to support it",
      "neutron excess only 1.7σ",
      "Ra-226 explains the spectrum nearly as well as U-235",
      "U-235 shows no peak in its 170–200 keV group",
      "Pu-239 has no peak of its own in its 340–450 keV group (Ra-226, Pb-214 explains what is there)",
      "U-235 needs 185.7 keV and one of 143.8 / 163.4 / 205.3 keV; found 186.2 keV",
      "Pu-239 needs its 375 / 414 keV group (or 129.3 keV); found no line keV",
    ];
    for (const note of notes) {
      const words = noteText(tJa, note);
      assert.notEqual(words, note, `not read: ${note}`);
      assert.deepEqual(englishIn(words), [], `${note} → ${words}`);
      assert.equal(
        noteText(tEn, note).replace(/found no line$/, "found no line keV"),
        note,
        "English reads as the analysis wrote it",
      );
    }
    const advice =
      "possible U-235: U-235 needs 185.7 keV and one of 143.8 / 163.4 / 205.3 keV; found 186.2 keV; no neutron measurement to support it";
    const words = reachBackText(tJa, advice);
    assert.match(
      words,
      /^U-235 の可能性：U-235 の確認には 185\.7 keV と 143\.8 \/ 163\.4 \/ 205\.3 keV のいずれか が必要/,
    );
    assert.deepEqual(englishIn(words), [], words);
    assert.equal(reachBackText(tJa, "reach-back advised"), "専門家への照会（リーチバック）を推奨");
    // A form not known here is shown as written, never dropped.
    assert.equal(noteText(tJa, "a note of a new kind"), "a note of a new kind");
  });

  it("words the declaration check, the miss reasons and clearance findings", () => {
    assert.equal(
      inconsistencyText(tJa, "I-131 found; declared auto parts would not contain it"),
      "I-131 を検出。申告品目（auto parts）には含まれないはずの核種",
    );
    assert.deepEqual(
      englishIn(inconsistencyText(tJa, "declared K-40 but no natural radioactivity (K-40, U or Th series) was seen")),
      [],
    );
    for (const [code, sentence] of Object.entries(MISS_REASONS)) {
      assert.equal(missReasonText(tEn, code, sentence), sentence);
      assert.deepEqual(englishIn(missReasonText(tJa, code, sentence)), []);
    }
    assert.equal(missReasonText(tJa, null, "some other reason"), "some other reason");
    const finding: ClearanceFinding = {
      scanId: "s1",
      scanType: "isotope_id",
      scannedAt: "2026-11-27T09:00:00Z",
      reasons: ["snm", "reach_back", "inconsistent"],
      verdict: "snm",
      nuclides: ["U-235 (SNM, possible)", "K-40 (NORM)"],
      reachBack: "possible U-235: U-235 shows no peak in its 170–200 keV group",
      inconsistency: "U-235 found; declared goods would not contain it",
      summary: "",
    };
    const words = findingText(tJa, finding);
    assert.match(words, /^核種同定/);
    assert.match(words, /特殊核物質（U-235（特殊核物質、可能性））/, "the nuclide behind the verdict, not K-40");
    assert.deepEqual(englishIn(words), [], words);
    assert.match(
      findingText(tEn, finding),
      /^isotope id scan at .*: special nuclear material \(U-235 \(SNM, possible\)\); reach-back advised: possible U-235: /,
    );
  });

  it("words each notification kind from its parameters, and shows older ones as written", () => {
    const notices: (NoticeLike & { params: Record<string, string | number | null> & { reference: string } })[] = [
      {
        kind: "request_at_risk",
        message: "x",
        params: { reference: "IR-JPCUS-2026-000011", containerNo: "HLBU8370011", hoursLeft: 5 },
      },
      { kind: "request_missed", message: "x", params: { reference: "IR-USCBP-2026-000008", reason: "cutoff_passed" } },
      {
        kind: "override",
        message: "x",
        params: { reference: "IR-1", containerNo: "HLXU8077037", disposition: "cleared", reason: "照会済み、無害" },
      },
      {
        kind: "snm_alert",
        message: "x",
        params: {
          reference: "IR-2",
          containerNo: "HLXU8077037",
          scanType: "isotope_id",
          nuclides: "U-235 (SNM, 87%), Co-60 (Industrial, 40%)",
          verdict: "snm",
          reachBack: null,
        },
      },
      {
        kind: "scan_alarm",
        message: "x",
        params: { reference: "IR-3", containerNo: "NYKU4959076", scanType: "xray_image", outcome: "anomaly" },
      },
    ];
    for (const n of notices) {
      const words = noticeText(tJa, n);
      assert.notEqual(words, n.message, n.kind);
      assert.ok(words.includes(n.params.reference), words);
      assert.deepEqual(englishIn(words.replace(n.params.reference, "")), [], `${n.kind}: ${words}`);
    }
    assert.match(noticeText(tJa, notices[0]!), /残り 5\.0 h/);
    assert.match(noticeText(tJa, notices[3]!), /U-235（特殊核物質、87%）、Co-60（産業用、40%）/);
    assert.equal(
      noticeText(tEn, notices[4]!),
      "IR-3 (NYKU4959076): xray image anomaly recorded",
      "the English reads as the database wrote it",
    );
    assert.equal(noticeText(tJa, { kind: "scan_alarm", message: "written before", params: null }), "written before");
    assert.equal(
      noticeText(tJa, { kind: "a_new_kind", message: "as written", params: { reference: "IR-4" } }),
      "as written",
    );
    // Parameters a hostile writer left out or mistyped fall back to the sentence, never to "undefined".
    assert.equal(
      noticeText(tJa, {
        kind: "request_at_risk",
        message: "as written",
        params: { reference: "IR-5", hoursLeft: "soon" },
      }),
      "as written",
    );
  });

  it("words where an ingest finding points", () => {
    assert.equal(
      whereText(tJa, "cuscar.edi message 7 segment 42 (NAD)"),
      "cuscar.edi メッセージ 7 セグメント 42 (NAD)",
    );
    assert.equal(whereText(tJa, "message M-1 B/L ONEY123"), "メッセージ M-1 B/L ONEY123");
    assert.equal(whereText(tEn, "feed.csv row 3 column etd"), "feed.csv row 3 column etd");
  });
});
