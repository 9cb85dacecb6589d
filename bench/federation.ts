// Federation between two nodes on this machine: the US node (a `reciprocity serve` process on
// PostgreSQL) sends to the Japan node (a `reciprocity serve` process on an embedded folder).
// Prints the cost of signing and verifying one message, messages/s end to end for a burst, and
// p50/p99 delivery latency (queued at the sender → receipt back) for a steady stream.
//
//   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:federation [-- --quick]
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { sql } from "kysely";
import { fed } from "../src/domain/federation/tables.ts";
import {
  generateNodeKey,
  importPrivateKey,
  importPublicKey,
  keyId,
  signMessage,
  verifyMessage,
} from "../src/federation/envelope.ts";
import type { Message } from "../src/federation/messages.ts";
import { sampleMessage } from "../src/federation/samples.ts";
import { outboxTotals, prepareTwoNodes, queueSamples } from "../test/federation/two-nodes.ts";

const { values } = parseArgs({ options: { quick: { type: "boolean", default: false } } });
const burst = values.quick ? 300 : 3000;
const streamRate = values.quick ? 50 : 200;
const streamSeconds = values.quick ? 3 : 15;
const subjects = 100;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function signVerifyCost(): Promise<{ signUs: number; verifyUs: number; bytes: number }> {
  const key = await generateNodeKey();
  const signing = { kid: key.kid, agency: "USCBP", privateKey: await importPrivateKey(key.privatePem) };
  const publicKey = await importPublicKey(key.publicPem);
  if ((await keyId(publicKey)) !== key.kid) {
    throw new Error("key id mismatch");
  }
  const n = values.quick ? 500 : 5000;
  const messages: Message[] = Array.from({ length: n }, (_, i) => {
    const sample = sampleMessage(i, i % subjects);
    return {
      v: 1,
      id: randomUUID(),
      sender: "USCBP",
      recipient: "JPCUS",
      createdAt: new Date().toISOString(),
      sentAt: new Date().toISOString(),
      seq: 1 + i,
      ...sample,
    };
  });
  let t = process.hrtime.bigint();
  const signed: string[] = [];
  for (const m of messages) {
    signed.push(await signMessage(m, signing));
  }
  const signNs = Number(process.hrtime.bigint() - t);
  t = process.hrtime.bigint();
  for (const jws of signed) {
    const verified = await verifyMessage(jws, publicKey);
    if (!verified.isValid) {
      throw new Error("a signed message did not verify");
    }
  }
  const verifyNs = Number(process.hrtime.bigint() - t);
  return {
    signUs: signNs / n / 1000,
    verifyUs: verifyNs / n / 1000,
    bytes: Math.round(signed.reduce((s, j) => s + j.length, 0) / n),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const cost = await signVerifyCost();
  console.log(
    `sign ${cost.signUs.toFixed(1)} µs/message, verify ${cost.verifyUs.toFixed(1)} µs/message (Ed25519 JWS, ${cost.bytes} bytes per envelope on average)`,
  );

  const pgBaseUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!pgBaseUrl) {
    console.log("end to end: skipped (set TEST_DATABASE_URL to a PostgreSQL server where this may create a database)");
    return;
  }
  const nodes = await prepareTwoNodes(pgBaseUrl, "pglite");
  const [sender, receiver] = await Promise.all([nodes.startSender(), nodes.startReceiver()]);
  try {
    // Burst: everything queued at once, timed until the last receipt.
    const t0 = Date.now();
    await queueSamples(nodes.pgDb, 0, burst, subjects, 500);
    while ((await outboxTotals(nodes.pgDb)).delivered < burst) {
      await sleep(50);
    }
    const burstSeconds = (Date.now() - t0) / 1000;
    console.log(
      `burst: ${burst} messages in ${burstSeconds.toFixed(1)} s end to end = ${(burst / burstSeconds).toFixed(0)} messages/s (queued, signed, sent, verified, stored, applied, receipt verified)`,
    );

    // Stream: a steady rate, one small transaction per tick, as changes arrive in practice.
    const tick = 100;
    const perTick = Math.max(1, Math.round((streamRate * tick) / 1000));
    const streamStart = new Date();
    let queued = burst;
    for (let elapsed = 0; elapsed < streamSeconds * 1000; elapsed += tick) {
      await queueSamples(nodes.pgDb, queued, perTick, subjects, perTick);
      queued += perTick;
      await sleep(tick);
    }
    while ((await outboxTotals(nodes.pgDb)).delivered < queued) {
      await sleep(50);
    }
    const rows = await fed(nodes.pgDb.db)
      .selectFrom("federation_outbox")
      .select(sql<string>`extract(epoch from (delivered_at - created_at)) * 1000`.as("ms"))
      .where("created_at", ">=", streamStart)
      .execute();
    const latencies = rows.map((r) => Number(r.ms)).sort((a, b) => a - b);
    console.log(
      `stream: ${latencies.length} messages at ${streamRate}/s: delivery latency p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms, max ${(latencies.at(-1) ?? 0).toFixed(0)} ms`,
    );
  } finally {
    await Promise.all([sender.stop(), receiver.stop()]);
    await nodes.cleanup();
  }
}

await main();
