import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { after, before, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { describeOnEngines } from "../helpers/db.ts";
import {
  buildFuzzApp,
  createFuzzer,
  describeFailure,
  fuzzTargets,
  groupFailures,
  loadManifestSamples,
  prepareFuzzWorld,
  runFuzz,
  type FuzzAccount,
  type FuzzPools,
  type FuzzTarget,
  type LogCapture,
} from "../helpers/fuzz-inputs.ts";
import { seedTestWorld } from "../helpers/world.ts";

// Every route gets schema-derived malformed input (see test/helpers/fuzz-inputs.ts) from every
// account that may call it; no answer may be a 5xx and every error body must be {code, message}.
// FUZZ_SEED and FUZZ_N change the run; FUZZ_ONLY=<index> replays one case (against the ids and
// cursors known after setup; FUZZ_N=<index + 1> replays the run up to it exactly). bench/fuzz.ts
// runs the same generator at 100,000 inputs.
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20261127;
const COUNT = Number(process.env.FUZZ_N ?? 1500);
const ONLY = process.env.FUZZ_ONLY === undefined ? undefined : Number(process.env.FUZZ_ONLY);

/** What a raw socket got back: status, headers and body as text. */
interface RawAnswer {
  status: number;
  head: string;
  body: string;
}

/** Writes bytes to the port as they are and reads until the server closes (or 10 s pass). */
function sendRaw(port: number, bytes: string): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), 10_000);
    socket.on("data", (chunk) => chunks.push(chunk));
    // The server may answer and close while the rest of a large request is still being written.
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString("latin1");
      const split = text.indexOf("\r\n\r\n");
      const head = split < 0 ? text : text.slice(0, split);
      resolve({
        status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0),
        head,
        body: split < 0 ? "" : text.slice(split + 4),
      });
    });
    socket.write(bytes);
  });
}

function assertJsonError(answer: RawAnswer, what: string): void {
  assert.ok(answer.status >= 400 && answer.status < 500, `${what}: status ${answer.status}\n${answer.head}`);
  assert.match(answer.head, /content-type: application\/json/i, `${what}: ${answer.head}`);
  const body = JSON.parse(answer.body) as { code?: unknown; message?: unknown };
  assert.equal(typeof body.code, "string", `${what}: ${answer.body}`);
  assert.equal(typeof body.message, "string", `${what}: ${answer.body}`);
}

/** Opens the event stream, takes the status line and content type, and hangs up. */
function openEventStream(
  port: number,
  headers: Record<string, string>,
): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path: "/api/events", headers }, (res) => {
      const type = String(res.headers["content-type"] ?? "");
      if (type.includes("event-stream")) {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, type, body: "" });
        return;
      }
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, type, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.setTimeout(10_000, () => req.destroy(new Error("no answer from the event stream")));
    req.end();
  });
}

describeOnEngines(
  "fuzzed API inputs",
  (database) => seedTestWorld(database.db, 60),
  (ctx) => {
    let app: FastifyInstance;
    let logs: LogCapture;
    let accounts: FuzzAccount[];
    let pools: FuzzPools;
    let targets: FuzzTarget[];
    let warnings: string[];
    let port: number;
    let setupMs: number;

    before(async () => {
      const started = Date.now();
      ({ app, logs } = await buildFuzzApp(ctx().database.db));
      ({ accounts, pools, warnings } = await prepareFuzzWorld(app, ctx().database.db));
      targets = fuzzTargets(app.routeTable);
      // inject() skips the HTTP parser; what it refuses is tested on a real port.
      await app.listen({ port: 0, host: "127.0.0.1" });
      port = (app.server.address() as AddressInfo).port;
      setupMs = Date.now() - started;
    });
    after(async () => {
      await app.close();
    });

    it(`answers ${ONLY === undefined ? COUNT : 1} malformed inputs on every route without a 5xx, every error as {code, message}`, async (t) => {
      t.diagnostic(
        `seed ${SEED}: FUZZ_SEED=${SEED} FUZZ_N=${COUNT} reruns this; FUZZ_ONLY=<case index> replays one case, FUZZ_N=<index + 1> the run up to it`,
      );
      for (const warning of warnings) {
        t.diagnostic(`setup: ${warning}`);
      }
      const fuzzer = createFuzzer({ seed: SEED, targets, accounts, pools, samples: loadManifestSamples() });
      t.diagnostic(
        `accounts logged in and scenario walked in ${setupMs} ms; cases 0–${fuzzer.sweep - 1} pair every route with every account that may call it`,
      );
      const report = await runFuzz({
        app,
        fuzzer,
        seed: SEED,
        count: ONLY === undefined ? COUNT : 1,
        start: ONLY ?? 0,
        logs,
        pools,
        accounts,
      });
      t.diagnostic(
        `sent ${report.sent} inputs to ${Object.keys(report.byTarget).length} of ${targets.length} routes in ${report.durationMs} ms: ${JSON.stringify(report.byClass)}`,
      );
      if (report.failures.length === 0) {
        return;
      }
      const groups = groupFailures(report.failures);
      const lines = [
        `${report.failures.length} of ${report.sent} inputs broke the contract (seed ${SEED}); by route and logged error:`,
        ...groups.map((g) => `\n[${g.count}× as ${g.accounts.join(", ")}] ${g.key}\n${describeFailure(g.first)}`),
        "\nevery failing case:",
        ...report.failures
          .slice(0, 200)
          .map(
            (f) =>
              `  #${f.fuzzCase.index} ${f.fuzzCase.target} as ${f.fuzzCase.account} → ${f.status}: ${f.fuzzCase.mutations.join(" | ").slice(0, 200)}`,
          ),
      ];
      assert.fail(lines.join("\n"));
    });

    it("answers 100 KB of request headers on a real port with a JSON error", async () => {
      const oneHeader = await sendRaw(
        port,
        `GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Fill: ${"a".repeat(100 * 1024)}\r\n\r\n`,
      );
      assertJsonError(oneHeader, "one 100 KB header");
      assert.equal(oneHeader.status, 431);
      const manyHeaders = Array.from({ length: 1000 }, (_, i) => `X-Fill-${i}: ${"b".repeat(90)}\r\n`).join("");
      assertJsonError(
        await sendRaw(port, `GET /api/shipments HTTP/1.1\r\nHost: 127.0.0.1\r\n${manyHeaders}\r\n`),
        "1,000 headers of 100 bytes",
      );
      assertJsonError(
        await sendRaw(
          port,
          `GET /api/me HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: reciprocity_session=${"c".repeat(100 * 1024)}\r\n\r\n`,
        ),
        "a 100 KB cookie",
      );
    });

    it("answers requests the HTTP parser refuses with a JSON 400", async () => {
      const malformed = [
        "GET /api/health HTTP/9.9\r\nHost: x\r\n\r\n",
        "\u0000\u0001\u0002 garbage\r\n\r\n",
        "GET /api/health HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0000b\r\n\r\n",
        "POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
        "POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "GET /api/health\u0000 HTTP/1.1\r\nHost: x\r\n\r\n",
      ];
      for (const bytes of malformed) {
        assertJsonError(await sendRaw(port, bytes), JSON.stringify(bytes));
      }
    });

    it("opens the event stream whatever Last-Event-ID says, and refuses a stranger with JSON", async () => {
      const stranger = await openEventStream(port, {});
      assert.equal(stranger.status, 401);
      assert.equal(typeof JSON.parse(stranger.body).code, "string");
      const targeter = accounts.find((a) => a.name === "host.targeter");
      assert.ok(targeter);
      for (const id of [
        "-1",
        "0",
        "1e308",
        "999999999999999999",
        "99999999999999999999",
        "abc",
        "",
        "é",
        "A".repeat(8000),
        "1, 2",
      ]) {
        const res = await openEventStream(port, { ...targeter.headers, "last-event-id": id });
        assert.ok(res.status < 500, `Last-Event-ID ${JSON.stringify(id.slice(0, 40))}: ${res.status} ${res.body}`);
      }
    });
  },
);
