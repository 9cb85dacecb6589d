import path from "node:path";
import { readConfig, type Config } from "../config.ts";
import { openDatabase, type Database, type DatabaseTarget } from "../db/database.ts";
import { migrateToLatest } from "../db/migrate.ts";

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
