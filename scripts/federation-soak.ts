// Two nodes, two processes, two databases: the US node sends 10,000 messages of every kind to the
// Japan node while the Japan node is killed with SIGKILL and restarted at random (10 times) and
// kept down — its URL refused — every other time. Prints the totals; exits 1 unless every message
// was applied exactly once, in its container's order, and the outbox drained.
//
//   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run soak:federation -- [--messages N] [--kills K] [--receiver pglite|postgres]
import { parseArgs } from "node:util";
import { runSoak } from "../test/federation/two-nodes.ts";

const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "10000" },
    kills: { type: "string", default: "10" },
    subjects: { type: "string", default: "200" },
    "outage-ms": { type: "string", default: "5000" },
    batch: { type: "string", default: "50" },
    receiver: { type: "string", default: "pglite" },
  },
});
const pgBaseUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
if (!pgBaseUrl) {
  console.error("Set TEST_DATABASE_URL to a PostgreSQL server where this may create a database.");
  process.exit(2);
}
const receiverOn = values.receiver === "postgres" ? "postgres" : "pglite";
const report = await runSoak({
  pgBaseUrl,
  receiverOn,
  messages: Number(values.messages),
  kills: Number(values.kills),
  subjects: Number(values.subjects),
  outageMs: Number(values["outage-ms"]),
  batch: Number(values.batch),
  timeoutMs: 3 * 3_600_000,
  log: (line) => console.log(line),
});
console.log(JSON.stringify(report, null, 2));
const r = report.receiver;
const isExact =
  report.outbox.delivered === report.messages &&
  report.outbox.dead === 0 &&
  r.missing === 0 &&
  r.received === report.messages &&
  r.applied === report.messages &&
  r.appliedEvents === report.messages &&
  r.distinctAppliedEvents === report.messages &&
  r.subjectsOutOfOrder === 0;
console.log(
  `${isExact ? "OK" : "FAILED"}: ${report.messages} messages, ${report.kills} SIGKILLs (${report.outages} outages), receiver on ${report.receiverOn}, ` +
    `${r.applied} settled once each (${r.applied - r.failed} took effect, ${r.failed} kept with a reason), ${r.subjectsOutOfOrder} containers out of order, ${r.missing} lost, ${report.outbox.dead} dead; ` +
    `${report.outbox.retried} messages retried (${report.outbox.attempts} attempts), ${report.outbox.duplicates} answered duplicate; ${report.seconds.toFixed(0)} s`,
);
process.exit(isExact ? 0 : 1);
