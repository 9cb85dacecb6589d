import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { SHOTS, startHarness, type Harness } from "./harness.ts";

interface RuleSet {
  id: string;
  version: number;
  status: string;
  definition: { rules: { id: string; weight: number; explanation: string; when: unknown }[] };
}

describe("browser: a targeter edits rules in a form, with plain-language problems, and JSON for experts", () => {
  let harness: Harness;

  before(async () => {
    harness = await startHarness();
  });
  after(async () => {
    await harness?.close();
  });

  it("changes a weight and a condition, adds a rule, is told of each problem in words, and saves a draft", async () => {
    const page = await harness.loginAs("partner.targeter");
    await page.click("a:has-text('Rules')");
    const form = page.getByTestId("rule-form");
    await form.waitFor();
    const active = ((await (await page.request.get(`${harness.baseUrl}/api/rule-sets`)).json()) as RuleSet[]).find(
      (s) => s.status === "active",
    );
    assert.ok(active);
    assert.match(
      (await form.textContent()) ?? "",
      new RegExp(`${active.definition.rules.length} of ${active.definition.rules.length} rules`),
    );

    // Find one rule among the many and open it.
    await form.getByRole("textbox", { name: "Find a rule by name" }).fill("norm.potash");
    const potash = form.locator("[data-testid=rule][data-rule-id='norm.potash']");
    assert.equal(await form.getByTestId("rule").count(), 1, "only the rule looked for");
    await potash.locator("summary").click();
    const weight = potash.locator("input[name=weight]");
    assert.equal(await weight.inputValue(), "10");
    await weight.fill("");
    const issues = potash.getByTestId("rule-issues");
    await issues.waitFor();
    assert.match(
      (await issues.textContent()) ?? "",
      /Rule “norm\.potash”: the weight must be a number from −1000 to 1000\./,
    );
    await weight.fill("5000");
    assert.match((await issues.textContent()) ?? "", /the weight must be a number/);
    await weight.fill("15");
    const hs = potash.getByRole("textbox", { name: "HS code prefixes (comma-separated)" });
    assert.equal(await hs.inputValue(), "3104");
    await hs.fill("3104, 31x");
    assert.match(
      (await potash.getByTestId("rule-issues").textContent()) ?? "",
      /“31x” is not an HS code prefix: use 2 to 6 digits/,
    );
    await hs.fill("3104, 3105");
    await potash.getByTestId("rule-issues").waitFor({ state: "detached" });

    // A new rule: a relay through Busan.
    await form.getByRole("button", { name: "Add a rule" }).click();
    const added = form.getByTestId("rule").last();
    await added.locator("summary").click();
    await added.locator("input[name=ruleId]").fill("norm.potash");
    assert.match((await added.getByTestId("rule-issues").textContent()) ?? "", /already has this name/);
    await added.locator("input[name=ruleId]").fill("route.busan-relay");
    await added.locator("input[name=weight]").fill("20");
    await added.getByRole("combobox", { name: "Condition" }).first().selectOption("transshipment");
    await added.getByRole("textbox", { name: "via ports" }).fill("krpus");
    await page.getByRole("button", { name: "Save draft" }).click();
    const summary = page.getByTestId("rule-set-issues");
    await summary.waitFor();
    assert.match((await summary.textContent()) ?? "", /Rule “route\.busan-relay”: say in a sentence why it fires/);
    await page.screenshot({ path: path.join(SHOTS, "rules-1-form-problems.png"), fullPage: false });
    await added
      .locator("textarea[name=explanation]")
      .fill("Relayed through Busan ({value}): a known route for diverted scrap.");
    const saved = page.waitForResponse((r) => r.request().method() === "POST" && r.url().endsWith("/api/rule-sets"));
    await page.getByRole("button", { name: "Save draft" }).click();
    assert.equal((await saved).status(), 201);
    await page.getByTestId("rule-set-saved").filter({ hasText: "Saved as draft version 2" }).waitFor();
    await page.screenshot({ path: path.join(SHOTS, "rules-2-form-saved.png"), fullPage: false });

    const sets = (await (await page.request.get(`${harness.baseUrl}/api/rule-sets`)).json()) as RuleSet[];
    const draft = sets.find((s) => s.version === 2);
    assert.equal(draft?.status, "draft");
    const rules = draft?.definition.rules ?? [];
    assert.equal(rules.length, active.definition.rules.length + 1);
    assert.deepEqual(rules.find((r) => r.id === "norm.potash")?.when, { hsPrefix: ["3104", "3105"] });
    assert.equal(rules.find((r) => r.id === "norm.potash")?.weight, 15);
    assert.deepEqual(
      rules.find((r) => r.id === "route.busan-relay")?.when,
      { transshipment: { via: ["KRPUS"] } },
      "the port upper-cased",
    );
    // Every other rule went back exactly as it came.
    const untouched = (id: string) => JSON.stringify(rules.find((r) => r.id === id));
    for (const rule of active.definition.rules.filter((r) => r.id !== "norm.potash")) {
      assert.equal(untouched(rule.id), JSON.stringify(rule), rule.id);
    }
    await page.context().close();
  });

  it("keeps JSON for experts: the same draft as text, and a plain message when it does not parse", async () => {
    const page = await harness.loginAs("partner.targeter");
    await page.click("a:has-text('Rules')");
    await page.getByTestId("rule-form").waitFor();
    await page.getByRole("button", { name: "JSON (experts)" }).click();
    const text = page.locator("textarea[name=definition]");
    const json = JSON.parse(await text.inputValue()) as { rules: { id: string }[] };
    assert.ok(json.rules.some((r) => r.id === "norm.potash"));
    await text.fill(`${await text.inputValue()},`);
    await page.getByRole("button", { name: "Form", exact: true }).click();
    await page.getByRole("alert").filter({ hasText: "The JSON cannot be read" }).waitFor();
    assert.equal(await text.count(), 1, "still in the JSON editor, nothing lost");
    await page.screenshot({ path: path.join(SHOTS, "rules-3-json-for-experts.png"), fullPage: false });
    await page.context().close();

    const auditor = await harness.loginAs("partner.auditor");
    const log = (await (
      await auditor.request.get(`${harness.baseUrl}/api/audit-events?action=rule_set.created`)
    ).json()) as { items: { actorUsername: string }[] };
    assert.equal(log.items.length, 1, "the saved draft is audited");
    assert.equal(log.items[0]?.actorUsername, "partner.targeter");
    await auditor.context().close();
  });

  it("edits a watchlist entry and removes one only after confirming with a reason, both audited", async () => {
    const page = await harness.loginAs("partner.targeter");
    await page.click("a:has-text('Rules')");
    await page.getByTestId("rule-form").waitFor();
    await page.getByPlaceholder("Name, IMO or container").fill("ORIENT SCRAP METALS LLC");
    await page.getByPlaceholder("Reason", { exact: true }).fill("Liaison report 26-114");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    const entry = page.getByTestId("watch-entry").filter({ hasText: "ORIENT SCRAP METALS LLC" });
    await entry.waitFor();
    await entry.getByRole("button", { name: "Edit" }).click();
    // While edited, the entry's words are in its inputs.
    const edited = page.getByTestId("watch-entry").filter({ has: page.getByRole("textbox", { name: "Reason" }) });
    assert.equal(
      await edited.getByRole("textbox", { name: "Name, IMO or container" }).inputValue(),
      "ORIENT SCRAP METALS LLC",
    );
    await edited.getByRole("textbox", { name: "Reason" }).fill("Liaison report 26-131 (revised)");
    await edited.getByRole("button", { name: "Save" }).click();
    await page.getByTestId("watchlist-notice").filter({ hasText: "ORIENT SCRAP METALS LLC is changed" }).waitFor();
    await entry.filter({ hasText: "26-131 (revised)" }).waitFor();

    await entry.getByRole("button", { name: "Remove…" }).click();
    const dialog = page.getByRole("dialog");
    assert.match((await dialog.textContent()) ?? "", /Rules stop matching it/);
    const confirm = dialog.getByRole("button", { name: "Remove from the watchlist" });
    assert.equal(await confirm.isDisabled(), true, "a reason first");
    await dialog.locator("textarea[name=confirmReason]").fill("Cleared by liaison 26-140");
    await page.screenshot({ path: path.join(SHOTS, "rules-4-watchlist-remove.png"), fullPage: false });
    await confirm.click();
    await entry.waitFor({ state: "detached" });
    await page.getByTestId("watchlist-notice").filter({ hasText: "is off the watchlist" }).waitFor();
    await page.context().close();

    const auditor = await harness.loginAs("partner.auditor");
    const log = (await (
      await auditor.request.get(`${harness.baseUrl}/api/audit-events?actionPrefix=watchlist.&limit=10`)
    ).json()) as { items: { action: string }[] };
    assert.deepEqual(
      log.items.map((e) => e.action),
      ["watchlist.removed", "watchlist.changed", "watchlist.added"],
    );
    await auditor.context().close();
  });
});
