import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { READ_ACTIONS } from "../../src/domain/audit.ts";
import { buildTestApp, loginAs } from "../helpers/api.ts";
import { describeOnEngines } from "../helpers/db.ts";
import { seedTestWorld } from "../helpers/world.ts";

describeOnEngines(
  "reads of shared data in the audit log",
  (database) => seedTestWorld(database.db),
  (ctx) => {
    let app: FastifyInstance;
    before(async () => {
      ({ app } = await buildTestApp(ctx().database.db));
    });
    after(async () => {
      await app.close();
    });

    it("records a page of another agency's shipments for the owner, and the log separates reads from changes", async () => {
      const partner = await loginAs(app, "partner.targeter");
      const page = (await partner.get("/api/shipments?limit=5")).json();
      assert.ok(page.items.length > 0);
      const auditor = await loginAs(app, "host.auditor");
      const reads = (await auditor.get("/api/audit-events?kind=reads&action=shipments.listed&limit=10")).json().items;
      const listed = reads.find((e: { actorUsername: string }) => e.actorUsername === "partner.targeter");
      assert.ok(listed, "the partner's list page is not in the host's audit log");
      assert.deepEqual([...listed.payload.ids].sort(), page.items.map((s: { id: string }) => s.id).sort());
      const changes = (await auditor.get("/api/audit-events?kind=changes&limit=500")).json().items;
      assert.ok(changes.length > 0);
      assert.deepEqual(
        changes.filter((e: { action: string }) => (READ_ACTIONS as readonly string[]).includes(e.action)),
        [],
      );
      // Listing only one's own shipments writes nothing.
      const host = await loginAs(app, "host.targeter");
      const before = (await auditor.get("/api/audit-events?kind=reads&limit=500")).json().items.length;
      await host.get("/api/shipments?limit=5");
      assert.equal((await auditor.get("/api/audit-events?kind=reads&limit=500")).json().items.length, before);
    });

    it("pages each filter of the log, reads among many changes and changes among many reads, in exactly the chain's order", async () => {
      // A page walks the agency's chain from the newest link and stops when it is full (the
      // planner cannot weigh these filters under row-level security): every page of every filter,
      // through its cursors, must be the whole log's events that pass it, in the same order.
      const partner = await loginAs(app, "partner.targeter");
      for (let i = 0; i < 12; i++) {
        assert.equal((await partner.get(`/api/shipments?limit=3&sort=${i % 2 ? "etd" : "score"}`)).statusCode, 200);
      }
      type Event = { seq: string; action: string; actorUsername: string | null; entityType: string };
      for (const username of ["host.auditor", "partner.auditor"]) {
        const auditor = await loginAs(app, username);
        const walk = async (filter: string, limit: number): Promise<Event[]> => {
          const all: Event[] = [];
          let cursor = "";
          for (let pages = 0; pages < 500; pages++) {
            const res = await auditor.get(`/api/audit-events?limit=${limit}${filter}${cursor}`);
            assert.equal(res.statusCode, 200, `${username} ${filter}: ${res.body}`);
            const page = res.json<{ items: Event[]; nextCursor: string | null }>();
            all.push(...page.items);
            if (!page.nextCursor) {
              return all;
            }
            cursor = `&cursor=${encodeURIComponent(page.nextCursor)}`;
          }
          throw new Error("the cursor never ended");
        };
        const log = await walk("", 200);
        const seqs = log.map((e) => BigInt(e.seq));
        assert.ok(
          seqs.every((seq, i) => i === 0 || seq < (seqs[i - 1] as bigint)),
          `${username}: newest first`,
        );
        const isRead = (e: Event) => (READ_ACTIONS as readonly string[]).includes(e.action);
        assert.ok(log.filter(isRead).length >= 12, `${username}: the partner's pages are in the log`);
        assert.ok(
          log.some((e) => !isRead(e)),
          `${username}: changes are in the log`,
        );
        const filters: [string, (e: Event) => boolean][] = [
          ["&kind=reads", isRead],
          ["&kind=changes", (e) => !isRead(e)],
          ["&action=shipments.listed", (e) => e.action === "shipments.listed"],
          ["&actionPrefix=shipment", (e) => e.action.startsWith("shipment")],
          ["&actor=partner.targeter", (e) => e.actorUsername === "partner.targeter"],
          ["&actor=partner.targeter&kind=changes", (e) => e.actorUsername === "partner.targeter" && !isRead(e)],
          ["&entityType=shipment&kind=reads", (e) => e.entityType === "shipment" && isRead(e)],
        ];
        for (const [filter, passes] of filters) {
          const expected = log.filter(passes).map((e) => e.seq);
          assert.deepEqual(
            (await walk(filter, 7)).map((e) => e.seq),
            expected,
            `${username} ${filter}`,
          );
        }
      }
    });
  },
);
