import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { toKatakana } from "wanakana";
import { fixedClock } from "../../src/domain/clock.ts";
import { sweepDeadlines } from "../../src/domain/deadlines.ts";
import { SHOTS, startHarness, type Harness } from "./harness.ts";

/** An HPGe spectrum of uranium: the analysis calls it special nuclear material (U-235). */
const U235 = path.resolve(import.meta.dirname, "../../../shared/raddata/n42-2012/interspec_U235_Unshielded_6000.n42");
/** What the host's staff write, in their own language: data on the partner's screens, not labels. */
const OFFICER_NOTE = "Handheld HPGe on the rear doors";
const OVERRIDE_REASON =
  "Reach-back reviewed the spectrum: depleted-uranium counterweights on the shipper's licence; released";

/** What the scan of a screen found that a Japanese reader should not meet. */
interface Leak {
  text: string;
  why: string;
}

/**
 * Reads every visible text of the page (outside code, pre, textarea and the data cells the caller
 * names) and returns what looks untranslated: a catalogue key ("shipments.title") or a label in
 * ASCII only with an English word in it. Codes, numbers, units, references, port codes, container
 * numbers and names from the data (upper-case, or given in `names`) are allowed.
 */
async function untranslated(page: Page, names: readonly string[]): Promise<Leak[]> {
  const texts = await page.evaluate(() => {
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest("code, pre, textarea, script, style, [hidden], .sr-only, option:not(:checked)")) {
        continue;
      }
      if (parent.closest("details:not([open])") && !parent.closest("summary")) {
        continue;
      }
      const text = (node.textContent ?? "").trim();
      if (text) {
        out.push(text);
      }
    }
    // Placeholders, button names and titles are read too.
    for (const el of document.querySelectorAll("[placeholder], [aria-label], [title]")) {
      for (const attr of ["placeholder", "aria-label", "title"]) {
        const value = el.getAttribute(attr);
        if (value) {
          out.push(value);
        }
      }
    }
    return out;
  });
  const UNITS = new Set([
    "keV",
    "cps",
    "kg",
    "s",
    "h",
    "min",
    "µSv/h",
    "UTC",
    "JST",
    "IMO",
    "HS",
    "CSV",
    "API",
    "B/L",
    "NORM",
    "SNM",
    "N42",
    "SPE",
    "SPC",
    "CNF",
    "Reciprocity",
  ]);
  const leaks: Leak[] = [];
  for (const raw of texts) {
    let text = raw;
    for (const name of names) {
      text = text.split(name).join(" ");
    }
    if (
      /\b[a-z]+(?:\.[a-zA-Z_]+)+\b/.test(text) &&
      !/[^\u0020-\u007E]/.test(text.replace(/\b[a-z]+(?:\.[a-zA-Z_]+)+\b/g, ""))
    ) {
      leaks.push({ text: raw, why: "looks like a catalogue key" });
      continue;
    }
    if (/[^\u0020-\u007E]/.test(text)) {
      continue; // Japanese is there; codes and names may sit beside it.
    }
    const words = text.split(/[\s,;:()[\]{}/|·—–\-→←↕▲▼…+=%#"'<>]+/).filter((w) => w && !UNITS.has(w));
    // An English label has a word with lower-case letters; codes, references and upper-case data names do not.
    const english = words.filter((w) => /[a-z]{2,}/.test(w) && !/\d/.test(w));
    if (english.length > 0) {
      leaks.push({ text: raw, why: `ASCII-only label (${english.slice(0, 3).join(" ")})` });
    }
  }
  return leaks;
}

async function assertJapanese(page: Page, screen: string, names: readonly string[]): Promise<void> {
  const leaks = await untranslated(page, names);
  assert.deepEqual(leaks, [], `untranslated text on ${screen}`);
}

describe("browser: the partner's targeter works in Japanese", () => {
  let harness: Harness;
  let page: Page;
  let names: string[] = [];

  before(async () => {
    harness = await startHarness();
  });
  after(async () => {
    await page?.context().close();
    await harness?.close();
  });

  it("starts in Japanese: the partner's accounts are seeded so, and the page says lang=ja", async () => {
    const row = await harness.database.db
      .selectFrom("app_user")
      .select("language")
      .where("username", "=", "partner.targeter")
      .executeTakeFirstOrThrow();
    assert.equal(row.language, "ja", "the demo seed gives the partner's staff Japanese");
    page = await harness.loginAs("partner.targeter", { language: "ja" });
    assert.equal(await page.getAttribute("html", "lang"), "ja");
    const me = (await (await page.request.get(`${harness.baseUrl}/api/me`)).json()) as {
      username: string;
      displayName: string;
      agency: { name: string };
    };
    // Names from the data: the user's own (requests show who made them by username) and the agency's.
    names = [me.username, me.displayName, me.agency.name];
    await page.getByRole("heading", { name: "貨物" }).waitFor();
    await page.getByTestId("risk").first().waitFor();
    assert.match((await page.getByTestId("result-count").textContent()) ?? "", /^貨物 1–\d+件目/);
    // Times read 2026年12月2日 21:00 JST.
    assert.match(
      (await page.getByTestId("time").first().textContent()) ?? "",
      /^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2} JST$/,
    );
    await assertJapanese(page, "the shipment list", names);
    await page.screenshot({ path: path.join(SHOTS, "ja-1-shipments.png"), fullPage: false });
  });

  it("finds a consignee searched in katakana", async () => {
    const list = (await (await page.request.get(`${harness.baseUrl}/api/shipments?limit=50`)).json()) as {
      items: { consigneeName: string }[];
    };
    const stem = list.items
      .map((i) => i.consigneeName.split(" ")[0] ?? "")
      .find((w) => /^[A-Z]{4,}$/.test(w) && /^[\u30A0-\u30FF]+$/.test(toKatakana(w.toLowerCase())));
    assert.ok(stem, "a romanised Japanese consignee in the demo world");
    const katakana = toKatakana(stem.toLowerCase());
    await page.fill("input[name=q]", katakana);
    await page.selectOption("select[name=sailing]", "all");
    await page.click("button:has-text('絞り込み')");
    await page.waitForFunction((word) => {
      const rows = [...document.querySelectorAll("[data-testid=shipments] tbody tr")];
      return rows.length > 0 && rows.every((tr) => (tr.textContent ?? "").includes(word));
    }, stem);
    assert.ok((await page.locator("[data-testid=shipments] tbody tr").count()) > 0, `${katakana} finds ${stem}`);
    await assertJapanese(page, "the search result", names);
    await page.screenshot({ path: path.join(SHOTS, "ja-2-katakana-search.png"), fullPage: false });
  });

  it("finds a consignee by the kanji of its native name, shown beside the romanised one", async () => {
    const list = (await (await page.request.get(`${harness.baseUrl}/api/shipments?limit=100`)).json()) as {
      items: { consigneeName: string; consigneeNameNative: string | null }[];
    };
    const native = list.items.find((i) => i.consigneeNameNative && /^[\u4E00-\u9FFF]{2}/u.test(i.consigneeNameNative));
    assert.ok(native?.consigneeNameNative, "a Japanese consignee filed with its name in kanji in the demo world");
    const kanji = native.consigneeNameNative.slice(0, 2);
    await page.fill("input[name=q]", kanji);
    await page.click("button:has-text('絞り込み')");
    await page.waitForFunction((word) => {
      const rows = [...document.querySelectorAll("[data-testid=shipments] tbody tr")];
      return rows.length > 0 && rows.every((tr) => (tr.textContent ?? "").includes(word));
    }, kanji);
    const first = page.locator("[data-testid=shipments] tbody tr").first();
    // The search matches the kanji anywhere in the name (株式 also finds …株式会社).
    assert.ok(
      ((await first.getByTestId("native-name").first().textContent()) ?? "").includes(kanji),
      `the first row's native name holds ${kanji}`,
    );
    await assertJapanese(page, "the kanji search result", names);
    await page.screenshot({ path: path.join(SHOTS, "ja-2b-kanji-search.png"), fullPage: false });
    await page.fill("input[name=q]", "");
    await page.click("button:has-text('絞り込み')");
    await page.getByTestId("risk").first().waitFor();
  });

  it("opens a shipment and requests an inspection in Japanese, with its confirmation texts", async () => {
    await page.locator("[data-testid=shipments] tbody tr td a").first().click();
    await page.getByRole("heading", { name: /^B\/L番号 / }).waitFor();
    await assertJapanese(page, "the shipment", names);
    await page.getByRole("button", { name: "検査を要請" }).first().click();
    await page.fill("textarea[name=reason]", "荷受人が初見で、申告重量が品目に対して不自然");
    await page.selectOption("select[name=priority]", "high");
    await assertJapanese(page, "the request form", names);
    await page.screenshot({ path: path.join(SHOTS, "ja-3-request-form.png"), fullPage: true });
    await page.click("button:has-text('要請を送信')");
    const card = page.getByTestId("request-card").first();
    await card.getByTestId("request-status").filter({ hasText: "要請済み" }).waitFor();
    await assertJapanese(page, "the shipment with its request", names);
  });

  it("walks the request queue, the rules and the dashboard in Japanese", async () => {
    await page.click("a:has-text('検査要請')");
    await page.getByRole("heading", { name: "検査要請" }).waitFor();
    const card = page.getByTestId("request-card").first();
    await card.waitFor();
    await assertJapanese(page, "the request queue", names);
    await page.screenshot({ path: path.join(SHOTS, "ja-5-requests.png"), fullPage: true });
    await card.getByRole("button", { name: "要請を取り下げる…" }).click();
    const dialog = page.getByTestId("confirm-dialog");
    await dialog.waitFor();
    assert.match((await dialog.getByTestId("consequence").textContent()) ?? "", /取り下げた要請は再開できず/);
    await assertJapanese(page, "the withdrawal confirmation", names);
    await page.screenshot({ path: path.join(SHOTS, "ja-4-confirm.png"), fullPage: false });
    await dialog.getByRole("button", { name: "キャンセル" }).click();
    await page.click("a:has-text('相互主義ダッシュボード')");
    await page.getByTestId("direction").first().waitFor();
    await assertJapanese(page, "the dashboard", names);
    await page.screenshot({ path: path.join(SHOTS, "ja-6-dashboard.png"), fullPage: true });
    await page.click("a:has-text('ルール')");
    await page.getByTestId("rule-sets").locator("tbody tr").first().waitFor();
    // Rule-set names are the agency's own data, as written by whoever saved them.
    const sets = (await (await page.request.get(`${harness.baseUrl}/api/rule-sets`)).json()) as { name: string }[];
    await assertJapanese(page, "the rules", [...names, ...sets.map((s) => s.name)]);
    await page.screenshot({ path: path.join(SHOTS, "ja-7-rules.png"), fullPage: false });
  });

  it("reads a scan's findings, a supervisor's override, its notification and a missed deadline in Japanese", async () => {
    // The partner asks for an isotope scan; the host accepts, scans a uranium source and clears it against the finding.
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const list = (await (
      await page.request.get(
        `${harness.baseUrl}/api/shipments?port=JPTYO&etdFrom=${tomorrow}&sort=etd&order=asc&limit=10`,
      )
    ).json()) as { items: { id: string; hasRequests: boolean }[] };
    const free = list.items.find((i) => !i.hasRequests);
    assert.ok(free, "a Japan-bound shipment with no request yet");
    const shipment = await (await page.request.get(`${harness.baseUrl}/api/shipments/${free.id}`)).json();
    const made = await page.request.post(`${harness.baseUrl}/api/inspection-requests`, {
      data: {
        shipmentId: shipment.id,
        containerNo: shipment.containers[0].containerNo,
        reason: "放射線に関するターゲティングの該当",
        scansRequested: ["isotope_id"],
      },
    });
    assert.equal(made.status(), 201, await made.text());
    const request = (await made.json()) as { id: string; reference: string };
    const host = async (username: string, work: (p: Page) => Promise<void>) => {
      const p = await harness.loginAs(username);
      await work(p);
      await p.context().close();
    };
    await host("host.supervisor", async (p) => {
      const res = await p.request.post(`${harness.baseUrl}/api/inspection-requests/${request.id}/decision`, {
        data: { decision: "accept" },
      });
      assert.equal(res.status(), 200, await res.text());
    });
    await host("scan.officer", async (p) => {
      const res = await p.request.post(`${harness.baseUrl}/api/inspection-requests/${request.id}/scans`, {
        data: {
          scanType: "isotope_id",
          outcome: "alarm",
          notes: OFFICER_NOTE,
          attachment: {
            fileName: "u235.n42",
            mediaType: "application/xml",
            contentBase64: readFileSync(U235).toString("base64"),
          },
        },
      });
      assert.equal(res.status(), 201, await res.text());
    });
    await host("host.supervisor", async (p) => {
      const res = await p.request.post(`${harness.baseUrl}/api/inspection-requests/${request.id}/disposition`, {
        data: { disposition: "cleared", override: { reason: OVERRIDE_REASON } },
      });
      assert.equal(res.status(), 200, await res.text());
    });
    // The host staff appear by username on the request (who scanned, who overrode).
    const data = [...names, OFFICER_NOTE, OVERRIDE_REASON, "scan.officer", "host.supervisor"];

    // The override reaches the partner's targeter as a notification worded in Japanese.
    await page.goto(`${harness.baseUrl}/requests/${request.id}`);
    await page.getByTestId("request-status").filter({ hasText: "措置決定済み" }).waitFor();
    await page.getByTestId("notifications-button").click();
    const notice = page.getByTestId("notification").filter({ hasText: request.reference });
    await notice.first().waitFor();
    assert.match((await notice.first().textContent()) ?? "", /監督者が検査の所見を覆して「解放（積載可）」としました/);
    await assertJapanese(page, "the notifications", data);
    await page.screenshot({ path: path.join(SHOTS, "ja-8-notifications.png"), fullPage: false });
    await page.getByTestId("notifications-button").click();

    // The request: the analysis and, in its history, the findings the supervisor overrode.
    await page.getByTestId("analysis").first().waitFor();
    await page.locator("summary").filter({ hasText: /^経過/ }).first().click();
    const overridden = (await page.getByTestId("timeline-override").first().textContent()) ?? "";
    assert.match(overridden, /核種同定（.*）：特殊核物質（U-235（特殊核物質/);
    await assertJapanese(page, "the request with its findings and override", data);
    await page.screenshot({ path: path.join(SHOTS, "ja-9-findings.png"), fullPage: true });

    // The clock passes every cut-off: the partner's open request is recorded missed, its reason worded in Japanese.
    await sweepDeadlines(harness.database.db, fixedClock(new Date(Date.now() + 40 * 86_400_000)));
    await page.click("a:has-text('検査要請')");
    const missed = page.getByTestId("missed").first();
    await missed.waitFor();
    assert.match((await missed.textContent()) ?? "", /積載期限（カットオフ）を過ぎた|コンテナが積載された/);
    await assertJapanese(page, "the request queue with a missed request", data);
    await page.screenshot({ path: path.join(SHOTS, "ja-10-missed.png"), fullPage: true });
  });

  it("switches to English in the header, kept with the account and audited", async () => {
    const saved = page.waitForResponse((r) => r.url().endsWith("/api/me/language") && r.request().method() === "PUT");
    await page.selectOption("select[name=language]", "en");
    assert.equal((await saved).status(), 200);
    await page.getByRole("link", { name: "Shipments" }).waitFor();
    assert.equal(await page.getAttribute("html", "lang"), "en");
    const events = await harness.database.db
      .selectFrom("audit_event")
      .select("payload")
      .where("action", "=", "user.language_changed")
      .execute();
    assert.deepEqual(
      events.map((e) => e.payload),
      [{ from: "ja", to: "en" }],
    );
  });
});
