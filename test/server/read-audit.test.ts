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
  },
);
