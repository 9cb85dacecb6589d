import assert from "node:assert/strict";
import { test } from "node:test";
import Fastify from "fastify";
import { validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { pageOf } from "../../src/contract/common.ts";
import { ShipmentSummarySchema, type ShipmentSummary } from "../../src/contract/shipments.ts";
import { fastWriter, serializerCompilerFor } from "../../src/server/serializer.ts";

const summary = (i: number): ShipmentSummary => ({
  id: `0b6f3a52-93c4-4d8e-9a1b-5c2d7e8f90${String(i).padStart(2, "0")}`,
  billOfLading: `MAEU2600${i}`,
  carrierScac: "MAEU",
  vesselName: i % 2 ? 'MAERSK "KINLOSS" \\ II' : null,
  voyageNo: "612E",
  portOfLoading: "USLGB",
  portOfDischarge: "JPTYO",
  finalDestination: null,
  etd: "2026-12-01T08:00:00.000Z",
  loadingCutoff: null,
  filedAt: "2026-11-28T16:30:00.000Z",
  shipperName: "Pacific Almond Growers\u2028Co-op",
  shipperNameNative: null,
  consigneeName: "YAMATO TRADING",
  consigneeNameNative: "株式会社ヤマト",
  containerCount: 2,
  hsCodes: ["080211", "080212"],
  isShared: i % 3 === 0,
  score: i % 4 ? 42.75 : null,
  level: i % 4 ? "medium" : null,
  hitCount: i,
  hasRequests: false,
});

async function appWith(check: boolean, schema: z.ZodType, body: unknown) {
  const app = Fastify().withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompilerFor(check));
  app.get("/x", { schema: { response: { 200: schema } } }, async () => body);
  await app.ready();
  return app;
}

test("a page of the work list is written as its zod contract writes it, and nothing the contract does not declare", async () => {
  const Page = pageOf(ShipmentSummarySchema);
  const page = {
    items: Array.from({ length: 12 }, (_, i) => ({ ...summary(i), ownerAgencyId: "secret-agency", tokenHash: "x" })),
    nextCursor: "abc.def",
  };
  const fast = fastWriter(Page);
  assert.ok(fast, "the work list's contract has a fast writer");
  const written = fast(page);
  assert.equal(written, JSON.stringify(z.encode(Page, page)));
  assert.doesNotMatch(written, /secret-agency|tokenHash/);
  for (const check of [false, true]) {
    const app = await appWith(check, Page, page);
    const res = await app.inject({ url: "/x" });
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, written);
    assert.deepEqual(res.json().items[1].vesselName, 'MAERSK "KINLOSS" \\ II');
    await app.close();
  }
});

test("with the check on, a body that breaks its contract is a server error, not a quiet answer", async () => {
  const Page = pageOf(ShipmentSummarySchema);
  const broken = { items: [{ ...summary(1), billOfLading: null }], nextCursor: null };
  const app = await appWith(true, Page, broken);
  const res = await app.inject({ url: "/x" });
  assert.equal(res.statusCode, 500);
  await app.close();
});

test("a schema JSON Schema cannot express is written through zod, which still checks it", async () => {
  const Short = z.object({ code: z.custom<string>((v) => typeof v === "string" && v.length <= 5), n: z.number() });
  assert.equal(fastWriter(Short), null);
  for (const check of [false, true]) {
    const good = await appWith(check, Short, { code: "JPTYO", n: 3, extra: 1 });
    const res = await good.inject({ url: "/x" });
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, '{"code":"JPTYO","n":3}');
    await good.close();
    const bad = await appWith(check, Short, { code: "TOO-LONG", n: 3 });
    assert.equal((await bad.inject({ url: "/x" })).statusCode, 500);
    await bad.close();
  }
});
