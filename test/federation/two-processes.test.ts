import assert from "node:assert/strict";
import { test } from "node:test";
import { runSoak } from "./two-nodes.ts";

// Two `reciprocity serve` processes, two databases (PostgreSQL for the US node, an embedded folder
// for the Japan node). The full setting (10,000 messages, 10 kills) is scripts/federation-soak.ts.
const pgBaseUrl = process.env.TEST_DATABASE_URL;

if (pgBaseUrl) {
  test("messages cross between two processes exactly once and in order while the receiver is killed and cut off", { timeout: 300_000 }, async () => {
    const report = await runSoak({ pgBaseUrl, receiverOn: "postgres", batch: 5, messages: 300, kills: 3, subjects: 20, outageMs: 1_500, timeoutMs: 240_000, log: process.env.TEST_LOG ? console.log : undefined });
    assert.equal(report.outbox.total, 300);
    assert.equal(report.outbox.delivered, 300, "outbox drained, nothing dead");
    assert.equal(report.outbox.dead, 0);
    assert.equal(report.receiver.missing, 0, "no message lost");
    assert.equal(report.receiver.received, 300);
    assert.equal(report.receiver.applied, 300);
    assert.equal(report.receiver.appliedEvents, 300, "each message applied exactly once");
    assert.equal(report.receiver.distinctAppliedEvents, 300);
    assert.equal(report.receiver.subjectsOutOfOrder, 0, "per-container order kept");
    assert.ok(report.outbox.retried > 0, "the kills and the outage made the sender retry");
  });
}
