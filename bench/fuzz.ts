// API fuzz benchmark: the generator of test/server/fuzz.test.ts at scale, against one engine.
//   node --import tsx bench/fuzz.ts [--n 100000] [--seed S] [--pg postgres://postgres@127.0.0.1:5432/test] [--shipments 60] [--examples 3]
// Prints inputs sent, answers by status class, 5xx and other contract violations, the failing
// routes with the error each logged, duration and inputs per second. Exits 1 when anything failed.
import { parseArgs } from "node:util";
import type { Database } from "../src/db/database.ts";
import { migrateToLatest } from "../src/db/migrate.ts";
import { engines } from "../test/helpers/db.ts";
import {
  buildFuzzApp,
  createFuzzer,
  describeFailure,
  fuzzTargets,
  groupFailures,
  loadManifestSamples,
  prepareFuzzWorld,
  runFuzz,
  type FuzzReport,
} from "../test/helpers/fuzz-inputs.ts";
import { seedTestWorld } from "../test/helpers/world.ts";

const { values } = parseArgs({
  options: {
    n: { type: "string", default: "100000" },
    seed: { type: "string" },
    pg: { type: "string" },
    shipments: { type: "string", default: "60" },
    examples: { type: "string", default: "1" },
  },
});
const N = Number(values.n);
const SEED = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
const EXAMPLES = Number(values.examples);

async function openEngine(): Promise<{ name: string; database: Database; drop(): Promise<void> }> {
  if (values.pg) {
    // The test helper makes (and later drops) a scratch database under the given server.
    process.env.TEST_DATABASE_URL = values.pg;
  }
  const engine = engines().find((e) => e.name === (values.pg ? "postgres" : "pglite"));
  if (!engine) {
    throw new Error("no engine");
  }
  const opened = await engine.open();
  return { name: engine.name, ...opened };
}

function printTotals(report: FuzzReport, engine: string): void {
  const seconds = report.durationMs / 1000;
  const fivexx = report.failures.filter((f) => f.status >= 500).length;
  const groups = groupFailures(report.failures);
  const routes = [...new Set(report.failures.map((f) => f.fuzzCase.target))].sort();
  const lines = [
    `engine ${engine}, seed ${report.seed}`,
    `inputs sent        ${report.sent}`,
    `by status class    ${Object.entries(report.byClass)
      .sort()
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}`,
    `5xx                ${fivexx}`,
    `contract breaches  ${report.failures.length} (5xx, no answer, or an error body that is not {code, message})`,
    `failing routes     ${routes.length}${routes.length > 0 ? `: ${routes.join(", ")}` : ""}`,
    `duration           ${seconds.toFixed(1)} s`,
    `inputs/s           ${(report.sent / seconds).toFixed(0)}`,
    `routes fuzzed      ${Object.keys(report.byTarget).length}`,
    `credentials lost   ${Object.values(report.credentialsLost).reduce((a, b) => a + b, 0)} (renewed; by the route of the account's case before: ${
      Object.entries(report.credentialsLost)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ${v}`)
        .join(", ") || "none"
    })`,
    `error codes        ${Object.entries(report.errorCodes)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}`,
  ];
  console.log(lines.join("\n"));
  if (groups.length > 0) {
    console.log(`\nfailures by route and logged error (${groups.length} kinds):`);
    for (const g of groups) {
      console.log(`\n[${g.count}× as ${g.accounts.join(", ")}] ${g.key}`);
      const examples = report.failures.filter((f) => groupFailures([f])[0]?.key === g.key).slice(0, EXAMPLES);
      for (const f of examples) {
        console.log(describeFailure(f));
      }
    }
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const engine = await openEngine();
  try {
    await migrateToLatest(engine.database.db);
    await seedTestWorld(engine.database.db, Number(values.shipments));
    const { app, logs } = await buildFuzzApp(engine.database.db);
    const { accounts, pools, warnings } = await prepareFuzzWorld(app, engine.database.db);
    warnings.forEach((w) => console.error(`setup: ${w}`));
    const targets = fuzzTargets(app.routeTable);
    console.error(
      `${engine.name}: world ready in ${((Date.now() - started) / 1000).toFixed(1)} s; ${targets.length} routes, ${accounts.length} accounts, seed ${SEED}`,
    );
    const fuzzer = createFuzzer({ seed: SEED, targets, accounts, pools, samples: loadManifestSamples() });
    const step = Math.max(1, Math.floor(N / 20));
    const report = await runFuzz({
      app,
      fuzzer,
      seed: SEED,
      count: N,
      logs,
      pools,
      accounts,
      onProgress: (done, r) => {
        if (done % step === 0) {
          console.error(`  ${done}/${N} sent, ${r.failures.length} failures`);
        }
      },
    });
    await app.close();
    printTotals(report, engine.name);
    process.exitCode = report.failures.length > 0 ? 1 : 0;
  } finally {
    await engine.drop();
  }
}

await main();
