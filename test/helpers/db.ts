import { randomBytes } from "node:crypto";
import { after, before, describe } from "node:test";
import pg from "pg";
import { openDatabase, type Database } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";

/** An engine the suite runs on: embedded PGlite always, PostgreSQL when TEST_DATABASE_URL is set. */
export interface Engine {
  name: "pglite" | "postgres";
  /** A fresh database; `url` names it on PostgreSQL, for a second connection or process. */
  open(): Promise<{ database: Database; drop(): Promise<void>; url?: string }>;
}

/** A new, empty database on the server of `baseUrl`: its URL, and how to drop it. */
export async function scratchDatabase(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `reciprocity_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const cleanup = new pg.Client({ connectionString: baseUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

async function openPostgres(baseUrl: string): Promise<{ database: Database; drop(): Promise<void>; url: string }> {
  const scratch = await scratchDatabase(baseUrl);
  const database = await openDatabase({ url: scratch.url });
  return {
    database,
    url: scratch.url,
    drop: async () => {
      await database.close();
      await scratch.drop();
    },
  };
}

/** The engines this run covers. */
export function engines(): Engine[] {
  const list: Engine[] = [
    {
      name: "pglite",
      open: async () => {
        const database = await openDatabase({ memory: true });
        return { database, drop: () => database.close() };
      },
    },
  ];
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    list.push({ name: "postgres", open: () => openPostgres(url) });
  }
  return list;
}

/** A migrated database for one describe block, dropped afterwards. */
export interface DbContext {
  engine: Engine["name"];
  database: Database;
  /** The database's URL on PostgreSQL. */
  url?: string;
}

/**
 * Declares the same suite once per engine. `setup` runs after migration (seed data there);
 * the body reads `ctx.database` inside its tests.
 */
export function describeOnEngines<T>(
  title: string,
  setup: (database: Database) => Promise<T>,
  body: (ctx: () => DbContext & { fixture: T }) => void,
): void {
  for (const engine of engines()) {
    describe(`${title} [${engine.name}]`, () => {
      let state: (DbContext & { fixture: T }) | undefined;
      let drop: (() => Promise<void>) | undefined;
      before(async () => {
        const opened = await engine.open();
        drop = () => opened.drop();
        await migrateToLatest(opened.database.db);
        state = {
          engine: engine.name,
          database: opened.database,
          url: opened.url,
          fixture: await setup(opened.database),
        };
      });
      after(async () => {
        await drop?.();
      });
      body(() => {
        if (!state) {
          throw new Error("database not ready");
        }
        return state;
      });
    });
  }
}
