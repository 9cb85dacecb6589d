import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { chromium, type Browser, type Page } from "playwright-core";
import { openDatabase, type Database } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import { systemClock } from "../../src/domain/clock.ts";
import { ensureDemoWorld, startOfUtcDay } from "../../src/domain/demo/seed.ts";
import { setDemoAccountsActive } from "../../src/domain/users.ts";
import { buildApp, DEFAULT_WEB_DIR } from "../../src/server/app.ts";

/** Where browser tests leave their screenshots. */
export const SHOTS = path.resolve("test-results");
const PASSWORD = "journey-password-1";
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** A running server on a fresh embedded database with a small demo world, and a browser. */
export interface Harness {
  baseUrl: string;
  database: Database;
  /**
   * Logs in through the page. The account is first set to `language` (default English, which the
   * English checks read; the partner's demo accounts otherwise start in Japanese).
   */
  loginAs(username: string, options?: { language?: "en" | "ja" }): Promise<Page>;
  close(): Promise<void>;
}

/** Fails with the stage's name when a start-up or shut-down step does not finish in time. */
async function within<T>(stage: string, work: Promise<T>, ms = 90_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`browser harness: ${stage} did not finish in ${ms / 1000} s`)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Starts the server and headless Debian chromium; fails loudly when either is missing. */
export async function startHarness(): Promise<Harness> {
  assert.ok(existsSync(path.join(DEFAULT_WEB_DIR, "index.html")), "build the UI first: npm run build:web");
  assert.ok(existsSync(CHROMIUM), `no browser at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
  mkdirSync(SHOTS, { recursive: true });
  const database = await within("opening the embedded database", openDatabase({ memory: true }));
  await within("migrating", migrateToLatest(database.db));
  // No generated history: each browser test makes the requests it then checks.
  await within(
    "seeding the demo world",
    ensureDemoWorld(database.db, {
      seed: 11,
      anchor: startOfUtcDay(new Date()),
      shipments: 400,
      password: PASSWORD,
      withHistory: false,
    }),
  );
  await setDemoAccountsActive(database.db, true);
  const app: FastifyInstance = await within("building the server", buildApp({ db: database.db, clock: systemClock }));
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  const baseUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  const browser: Browser = await chromium.launch({
    timeout: 90_000,
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    baseUrl,
    database,
    loginAs: async (username, options = {}) => {
      await database.db
        .updateTable("app_user")
        .set({ language: options.language ?? "en" })
        .where("username", "=", username)
        .execute();
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      await page.goto(baseUrl);
      await page.fill("input[name=username]", username);
      await page.fill("input[name=password]", PASSWORD);
      await page.click("button[type=submit]");
      await page.getByTestId("who").waitFor();
      return page;
    },
    close: async () => {
      await within("closing the browser", browser.close(), 30_000);
      await within("closing the server", app.close(), 30_000);
      await within("closing the database", database.close(), 30_000);
    },
  };
}
