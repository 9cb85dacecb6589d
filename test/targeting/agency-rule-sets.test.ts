import assert from "node:assert/strict";
import { it } from "node:test";
import { actorForUser } from "../../src/domain/auth.ts";
import { fixedClock } from "../../src/domain/clock.ts";
import { backtestRuleSet } from "../../src/domain/targeting/backtest.ts";
import { describeOnEngines } from "../helpers/db.ts";
import { seedTestWorld, TEST_ANCHOR } from "../helpers/world.ts";

type Hit = { ruleId: string };

describeOnEngines(
  "each agency scores with its own starting rules, on facts it has",
  (database) => seedTestWorld(database.db, 300),
  (ctx) => {
    const clock = fixedClock(new Date(TEST_ANCHOR.getTime() + 8 * 3_600_000));

    async function scores(code: string): Promise<Array<{ shipment_id: string; score: number; hits: Hit[] }>> {
      const rows = await ctx()
        .database.db.selectFrom("shipment_score as sc")
        .innerJoin("agency as a", "a.id", "sc.agency_id")
        .select(["sc.shipment_id", "sc.score", "sc.hits"])
        .where("a.code", "=", code)
        .execute();
      return rows.map((r) => ({ shipment_id: r.shipment_id, score: Number(r.score), hits: r.hits as Hit[] }));
    }

    it("the host runs the U.S. CBP outbound rules and the partner the Japan-bound rules", async () => {
      const active = await ctx()
        .database.db.selectFrom("rule_set as r")
        .innerJoin("agency as a", "a.id", "r.agency_id")
        .select(["a.code", "r.definition"])
        .where("r.status", "=", "active")
        .execute();
      const ids = Object.fromEntries(active.map((r) => [r.code, (r.definition as { id: string }).id]));
      assert.equal(ids.USCBP, "us-cbp-outbound");
      assert.equal(ids.JPCUS, "jp-customs-us-outbound");
      const host = new Map((await scores("USCBP")).map((s) => [s.shipment_id, s]));
      const partner = await scores("JPCUS");
      assert.ok(partner.length > 0);
      assert.ok(
        partner.some((p) => host.get(p.shipment_id)?.score !== p.score),
        "the two agencies no longer see identical scores",
      );
    });

    it("no shipment is charged for a missing ITN the manifests never carry, nor twice for one late filing", async () => {
      for (const code of ["USCBP", "JPCUS"]) {
        const rows = await scores(code);
        const ids = (s: { hits: Hit[] }) => s.hits.map((h) => h.ruleId);
        assert.deepEqual(
          rows.filter((s) => ids(s).includes("filing.no-itn")),
          [],
          code,
        );
        assert.deepEqual(
          rows.filter((s) => ids(s).includes("filing.late-24h") && ids(s).includes("filing.after-cutoff")),
          [],
          code,
        );
      }
    });

    it("the backtest has no rule firing on every shipment", async () => {
      const db = ctx().database.db;
      const user = await db
        .selectFrom("app_user")
        .select("id")
        .where("username", "=", "partner.targeter")
        .executeTakeFirstOrThrow();
      const actor = await actorForUser(db, user.id);
      const active = await db
        .selectFrom("rule_set as r")
        .innerJoin("agency as a", "a.id", "r.agency_id")
        .select("r.id")
        .where("a.code", "=", "JPCUS")
        .where("r.status", "=", "active")
        .executeTakeFirstOrThrow();
      const backtest = await backtestRuleSet(db, clock, actor, active.id, 60);
      assert.ok(backtest.shipments > 50);
      assert.equal(
        backtest.byRule.find((r) => r.ruleId === "filing.no-itn"),
        undefined,
      );
      assert.deepEqual(
        backtest.byRule.filter((r) => r.hits >= backtest.shipments),
        [],
      );
    });
  },
);
