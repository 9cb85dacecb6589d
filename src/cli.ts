import { Command, InvalidArgumentError } from "commander";
import { readConfig } from "./config.ts";
import { openDatabase } from "./db/database.ts";
import { migrateToLatest } from "./db/migrate.ts";
import { ensureDemoWorld, startOfUtcDay } from "./domain/demo/seed.ts";
import { EMBEDDED_SINGLE_PROCESS, serve } from "./server/server.ts";
import { targetFor } from "./cli/database.ts";
import { registerIngestCommand } from "./cli/ingest.ts";
import { registerScreenCommand } from "./cli/screen.ts";
import { registerAnalyzeCommand } from "./cli/analyze.ts";
import { registerScoreCommand } from "./cli/score.ts";
import { registerBundleCommand } from "./cli/bundle.ts";
import { registerAuditCommand } from "./cli/audit.ts";
import { registerFederationCommands } from "./cli/federation.ts";

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) {
    throw new InvalidArgumentError("not an integer");
  }
  return n;
}

function workerCount(value: string): number {
  const n = integer(value);
  if (n < 1 || n > 64) {
    throw new InvalidArgumentError("between 1 and 64");
  }
  return n;
}

const program = new Command()
  .name("reciprocity")
  .description("Container-security exchange: shared manifests, inspection requests, scans and results")
  .showHelpAfterError()
  .exitOverride((err) => {
    // Usage errors exit 2, as the ingest contract and most Unix tools do.
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

program
  .command("serve")
  .description("start the server (embedded PGlite unless DATABASE_URL is set)")
  .option("--demo", "create the demo world on first start and enable the demo accounts")
  .option("--data-dir <dir>", "embedded database folder (default ./data or RECIPROCITY_DATA_DIR)")
  .option("--port <port>", "port to listen on (default 8080 or PORT)", integer)
  .option("--workers <n>", "server processes sharing the port (PostgreSQL only)", workerCount, 1)
  .action(async (opts: { demo?: boolean; dataDir?: string; port?: number; workers: number }) => {
    const config = readConfig();
    if (opts.workers > 1 && !config.DATABASE_URL) {
      throw new InvalidArgumentError(EMBEDDED_SINGLE_PROCESS);
    }
    if (config.DATABASE_READ_URL && !config.DATABASE_URL) {
      throw new InvalidArgumentError(
        "DATABASE_READ_URL is a replica of DATABASE_URL; set both, or neither for the embedded database",
      );
    }
    await serve({
      workers: opts.workers,
      readUrl: config.DATABASE_READ_URL,
      target: targetFor(config, opts.dataDir),
      port: opts.port ?? config.PORT,
      host: config.HOST,
      demo: opts.demo ?? false,
      demoPassword: config.RECIPROCITY_DEMO_PASSWORD,
      demoSeed: config.RECIPROCITY_DEMO_SEED,
      logLevel: config.LOG_LEVEL,
      trustProxy: config.RECIPROCITY_TRUST_PROXY,
      allowedOrigins: config.RECIPROCITY_ALLOWED_ORIGINS,
      manifestLimit: Math.round(config.RECIPROCITY_MANIFEST_LIMIT_MB * 1024 * 1024),
    });
  });

program
  .command("migrate")
  .description("bring the database schema up to date")
  .option("--data-dir <dir>", "embedded database folder")
  .action(async (opts: { dataDir?: string }) => {
    const database = await openDatabase(targetFor(readConfig(), opts.dataDir));
    try {
      const results = await migrateToLatest(database.db);
      console.log(
        results.length === 0
          ? "Schema is up to date."
          : results.map((r) => `${r.migrationName}: ${r.status}`).join("\n"),
      );
    } finally {
      await database.close();
    }
  });

program
  .command("demo")
  .description("create the demo world (agencies, agreement, accounts, ~5,000 shipments) if absent")
  .option("--data-dir <dir>", "embedded database folder")
  .option("--seed <n>", "random seed", integer)
  .option("--shipments <n>", "number of shipments", integer, 5000)
  .option("--anchor <date>", "day the 30-day window centres on (YYYY-MM-DD, default today)")
  .option("--no-history", "skip the month of requests, scans and results")
  .action(async (opts: { dataDir?: string; seed?: number; shipments: number; anchor?: string; history: boolean }) => {
    const config = readConfig();
    const anchor = opts.anchor ? new Date(`${opts.anchor}T00:00:00Z`) : startOfUtcDay(new Date());
    if (Number.isNaN(anchor.getTime())) {
      throw new InvalidArgumentError(`--anchor ${opts.anchor} is not a date`);
    }
    const database = await openDatabase(targetFor(config, opts.dataDir));
    try {
      await migrateToLatest(database.db);
      const result = await ensureDemoWorld(database.db, {
        seed: opts.seed ?? config.RECIPROCITY_DEMO_SEED,
        anchor,
        shipments: opts.shipments,
        password: config.RECIPROCITY_DEMO_PASSWORD,
        withHistory: opts.history,
      });
      console.log(
        result.isNew
          ? `Created the demo world: ${result.shipments} shipments.`
          : `The demo world already exists (${result.shipments} shipments).`,
      );
      if (result.password) {
        console.log(`Demo password: ${result.password}`);
      }
    } finally {
      await database.close();
    }
  });

// Commands that live beside their library register themselves here, one line each.
for (const register of [
  registerIngestCommand,
  registerScreenCommand,
  registerAnalyzeCommand,
  registerScoreCommand,
  registerBundleCommand,
  registerAuditCommand,
  registerFederationCommands,
] as ((program: Command) => void)[]) {
  register(program);
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  console.error(`reciprocity: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(err instanceof InvalidArgumentError ? 2 : 1);
}
