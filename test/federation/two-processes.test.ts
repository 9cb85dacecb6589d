import assert from "node:assert/strict";
import { test } from "node:test";
import { isExactlyOnce, runSoak } from "./soak.ts";

// Two `reciprocity serve` processes on two databases — PostgreSQL and an embedded folder, each way
// round — exchange a small soak run's messages while the Japan node is killed and cut off. The full
// setting (10,000 messages, 10 kills) is scripts/federation-soak.ts.
const pgBaseUrl = process.env.TEST_DATABASE_URL ?? "";

for (const receiverOn of pgBaseUrl ? (["pglite", "postgres"] as const) : []) {
  test(
    `messages cross between two processes exactly once and in order while the receiver (${receiverOn}) is killed and cut off`,
    { timeout: 480_000 },
    async () => {
      const report = await runSoak({
        pgBaseUrl,
        receiverOn,
        messages: 200,
        kills: 3,
        cuts: 1,
        cutMs: 2_000,
        batch: 5,
        timeoutMs: 420_000,
        log: process.env.TEST_LOG ? console.log : undefined,
      });
      const { toReceiver, toSender } = report.check;
      assert.equal(toReceiver.sent, 200, "the plans made 200 messages to the Japan node");
      assert.ok(
        Object.keys(report.plannedByKind).length >= 8,
        `mixed kinds: ${Object.keys(report.plannedByKind).join(", ")}`,
      );
      assert.equal(report.kills, 3);
      assert.deepEqual(report.check.mismatches, [], "each record took each message's effect once");
      for (const flow of [toReceiver, toSender]) {
        assert.equal(flow.outbox.delivered, flow.sent, "outbox drained, nothing dead");
        assert.equal(flow.missing, 0, "no message lost");
        assert.equal(flow.failed, 0, "every message named a record its receiver holds");
        assert.equal(flow.messageIdsSettledTwice, 0, "no message settled twice");
        assert.equal(flow.settledMessageIds, flow.sent, "one audit event per message id");
        assert.equal(flow.subjectsOutOfOrder, 0, "per-subject order kept");
      }
      assert.equal(report.check.containersOutOfOrder, 0);
      assert.ok(toReceiver.outbox.retried > 0, "the kills and the cut made the sender retry");
      assert.ok(isExactlyOnce(report));
    },
  );
}
