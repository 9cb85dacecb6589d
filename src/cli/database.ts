import path from "node:path";
import { readConfig, type Config } from "../config.ts";
import { openDatabase, type Database, type DatabaseTarget } from "../db/database.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { systemClock } from "../domain/clock.ts";
import { createServices, type Services } from "../domain/services.ts";

/** The database the command line works on: DATABASE_URL, else the embedded folder. */
export function targetFor(config: Config, dataDir?: string): DatabaseTarget {
  if (config.DATABASE_URL) {
    return { url: config.DATABASE_URL };
  }
  return { dataDir: dataDir ? path.resolve(dataDir) : config.dataDir };
}

/** Opens and migrates the configured database, runs `fn`, and closes it whatever happens. */
export async function withDatabase<T>(dataDir: string | undefined, fn: (database: Database) => Promise<T>): Promise<T> {
  const database = await openDatabase(targetFor(readConfig(), dataDir));
  try {
    await migrateToLatest(database.db);
    return await fn(database);
  } finally {
    await database.close();
  }
}

/** Opens and migrates the configured database and runs `fn` with the use cases bound to it and the wall clock. */
export async function withServices<T>(dataDir: string | undefined, fn: (services: Services) => Promise<T>): Promise<T> {
  return withDatabase(dataDir, ({ db }) => fn(createServices({ db, clock: systemClock })));
}
