import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { SHOTS, startHarness, type Harness } from "./harness.ts";

describe("browser: administration — accounts and roles, agreements, API tokens", () => {
  let harness: Harness;

  before(async () => {
    harness = await startHarness();
  });
  after(async () => {
    await harness?.close();
  });

  it("creates an account, resets its password, disables and enables it, each change confirmed and audited", async () => {
    const page = await harness.loginAs("host.admin");
    await page.click("a:has-text('Administration')");
    const users = page.getByTestId("users");
    await users.locator("tbody tr", { hasText: "scan.officer" }).waitFor();
    await page.fill("input[name=newUsername]", "lb.officer");
    await page.fill("input[name=newDisplayName]", "Lena Brooks");
    await page.check("input[name=role-scan_officer]");
    await page.fill("input[name=newPassword]", "first-password-123");
    await page.click("button:has-text('Create account')");
    const row = users.locator("tbody tr", { hasText: "lb.officer" });
    await row.waitFor();
    assert.match((await row.textContent()) ?? "", /scan officer/);

    await row.getByRole("button", { name: "Reset password…" }).click();
    const dialog = page.getByRole("dialog");
    const confirm = dialog.getByRole("button", { name: "Set new password" });
    await dialog.locator("textarea[name=confirmReason]").fill("too-short");
    assert.equal(await confirm.isDisabled(), true, "12 characters at least");
    await dialog.locator("textarea[name=confirmReason]").fill("second-password-456");
    await confirm.click();
    await page.getByTestId("admin-notice").filter({ hasText: "password of lb.officer was reset" }).waitFor();

    await row.getByRole("button", { name: "Disable…" }).click();
    assert.match((await dialog.getByTestId("consequence").textContent()) ?? "", /signed out at once/);
    await dialog.getByRole("button", { name: "Disable account" }).click();
    await row.getByTestId("user-state").filter({ hasText: "disabled" }).waitFor();
    const refused = await page.request.post(`${harness.baseUrl}/api/session`, {
      data: { username: "lb.officer", password: "second-password-456" },
    });
    assert.equal(refused.status(), 401, "a disabled account cannot sign in");
    await row.getByRole("button", { name: "Enable…" }).click();
    await dialog.getByRole("button", { name: "Enable account" }).click();
    await row.getByTestId("user-state").filter({ hasText: "active" }).waitFor();
    await page.screenshot({ path: path.join(SHOTS, "admin-1-users.png"), fullPage: true });

    const other = await page.context().browser()?.newContext();
    const login = await other?.request.post(`${harness.baseUrl}/api/session`, {
      data: { username: "lb.officer", password: "second-password-456" },
    });
    assert.equal(login?.status(), 200, "the reset password signs in");
    await other?.close();

    const log = (await (
      await page.request.get(`${harness.baseUrl}/api/audit-events?actionPrefix=user.&limit=10`)
    ).json()) as { items: { action: string }[] };
    assert.deepEqual(
      log.items.map((e) => e.action),
      ["user.enabled", "user.disabled", "user.password_reset", "user.created"],
    );
    await page.context().close();
  });

  it("shows the agreements with their term and legal basis, and issues and revokes an API token", async () => {
    const page = await harness.loginAs("host.admin");
    await page.click("a:has-text('Administration')");
    const agreement = page.getByTestId("agreements").locator("tbody tr", { hasText: "CSI-USCBP-JPCUS" });
    await agreement.waitFor();
    assert.match(
      (await agreement.textContent()) ?? "",
      /USCBP → JPCUS.*JP.*2002-08-01 – open-ended.*Container Security Initiative/,
    );

    await page.fill("input[name=tokenName]", "terminal-feed");
    await page.fill("input[name=tokenDays]", "30");
    await page.click("button:has-text('Issue token')");
    await page.getByTestId("issued-token").waitFor();
    const token = page.getByTestId("tokens").locator("tbody tr", { hasText: "terminal-feed" });
    await token.waitFor();
    assert.match((await token.textContent()) ?? "", /active.*never/);
    await token.getByRole("button", { name: "Revoke…" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Revoke token" }).click();
    await token.getByTestId("token-state").filter({ hasText: "revoked" }).waitFor();
    await page.screenshot({ path: path.join(SHOTS, "admin-2-agreements-tokens.png"), fullPage: true });
    await page.context().close();
  });
});
