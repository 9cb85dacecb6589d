// Two nodes, two processes, two databases: the US node's officers and Japan's targeter work
// containers through their nodes' APIs — shipments filed and amended, requests, decisions, scans,
// dispositions, released holds, the US port's portal feed — until the US node has sent N messages
// to the Japan node, while the Japan node is killed with SIGKILL and restarted at random and the
// network between them is cut for a while. Prints the figures; exits 1 unless both nodes' data
// show every message applied exactly once, in order, nothing lost and both outboxes drained.
//
//   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run soak:federation -- \
//     [--messages 10000] [--kills 10] [--cuts 2] [--cut-ms 15000] [--receiver pglite|postgres] [--seed 17]
import { parseArgs } from "node:util";
import { isExactlyOnce, runSoak } from "../test/federation/soak.ts";

const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "10000" },
    kills: { type: "string", default: "10" },
    cuts: { type: "string", default: "2" },
    "cut-ms": { type: "string", default: "15000" },
    batch: { type: "string", default: "50" },
    seed: { type: "string", default: "17" },
    receiver: { type: "string", default: "pglite" },
  },
});
const pgBaseUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
if (!pgBaseUrl) {
  console.error("Set TEST_DATABASE_URL to a PostgreSQL server where this may create a database.");
  process.exit(2);
}
const report = await runSoak({
  pgBaseUrl,
  receiverOn: values.receiver === "postgres" ? "postgres" : "pglite",
  messages: Number(values.messages),
  kills: Number(values.kills),
  cuts: Number(values.cuts),
  cutMs: Number(values["cut-ms"]),
  batch: Number(values.batch),
  seed: Number(values.seed),
  timeoutMs: 3 * 3_600_000,
  log: (line) => console.log(line),
});
console.log(JSON.stringify(report, null, 2));
const ok = isExactlyOnce(report);
const { toReceiver: to, toSender: back, records } = report.check;
console.log(
  `${ok ? "OK" : "FAILED"}: ${to.sent} US → Japan messages over ${report.containers} containers (Japan on ${report.receiverOn}) in ${report.exchangeSeconds.toFixed(0)} s ` +
    `(${(to.sent / report.exchangeSeconds).toFixed(1)} messages/s), ${back.sent} Japan → US; ${report.kills} SIGKILLs (Japan down ${report.downSeconds.toFixed(0)} s), ` +
    `${report.cuts} cuts (${report.cutSeconds.toFixed(0)} s); applied ${to.applied} + ${back.applied}, failed ${to.failed} + ${back.failed}, settled twice ${to.messageIdsSettledTwice} + ${back.messageIdsSettledTwice}, ` +
    `lost ${to.missing} + ${back.missing}, dead ${to.outbox.dead} + ${back.outbox.dead}, containers out of order ${report.check.containersOutOfOrder}; ` +
    `retried ${to.outbox.retried} messages (${to.outbox.attempts} attempts), ${to.outbox.duplicates} answered duplicate; ` +
    `records: ${records.shipments} shipments (${records.amendments} amendments, ${records.withdrawn} withdrawn), ${records.partnerRequests} requests with ${records.scans} scans, ${records.hostedRequests} hosted requests, ${records.occupancies} occupancies; ` +
    `${report.check.mismatches.length} mismatches`,
);
for (const line of report.check.mismatches) {
  console.log(`  mismatch: ${line}`);
}
process.exit(ok ? 0 : 1);
