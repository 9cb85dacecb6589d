import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type { FastifyInstance } from "fastify";
import {
  PostgresQueryCompiler,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from "kysely";
import { fixedClock } from "../../src/domain/clock.ts";
import { buildApp } from "../../src/server/app.ts";
import { loginAs } from "../helpers/api.ts";
import { describeOnEngines } from "../helpers/db.ts";
import { seedTestWorld, TEST_ANCHOR } from "../helpers/world.ts";

/** Counts the statements that read inspection requests through a database handle. */
class RequestReads implements KyselyPlugin {
  count = 0;
  private readonly compiler = new PostgresQueryCompiler();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (/inspection_request/.test(this.compiler.compileQuery(args.node, args.queryId).sql)) {
      this.count++;
    }
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

// A replica is the same data behind another handle; here a second handle on the test database
// stands for it, and the counts show which handle the dashboard read.
describeOnEngines(
  "metrics on a read replica",
  (database) => seedTestWorld(database.db, 40),
  (ctx) => {
    const clock = fixedClock(new Date(TEST_ANCHOR.getTime() + 8 * 3_600_000));
    const main = new RequestReads();
    const replica = new RequestReads();
    let app: FastifyInstance;
    let plain: FastifyInstance;

    before(async () => {
      const db = ctx().database.db;
      app = await buildApp({ db: db.withPlugin(main), readDb: db.withPlugin(replica), clock, webDir: "/nonexistent" });
      plain = await buildApp({ db, clock, webDir: "/nonexistent" });
    });
    after(async () => {
      await app.close();
      await plain.close();
    });

    it("reads the dashboard from the replica, and the same numbers as without one", async () => {
      const supervisor = await loginAs(app, "host.supervisor");
      main.count = 0;
      replica.count = 0;
      const res = await supervisor.get("/api/metrics/reciprocity");
      assert.equal(res.statusCode, 200, res.body);
      assert.ok(replica.count > 0, "the metrics read the replica");
      assert.equal(main.count, 0, "and not the main database");
      const direct = await (await loginAs(plain, "host.supervisor")).get("/api/metrics/reciprocity");
      assert.deepEqual(res.json(), direct.json());
    });
  },
);
