import assert from "node:assert/strict";
import { dirname, join, resolve } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";

// The project's ESLint configuration encodes the layers of DESIGN.md. Each case lints a few lines
// as if they were a file at the given path (nothing is written to the tree) and checks which
// import rule, if any, refuses them. Type information is not needed by these rules, so it is off.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const eslint = new ESLint({
  cwd: ROOT,
  overrideConfig: [{ files: ["**/*.ts", "**/*.tsx"], ...tseslint.configs.disableTypeChecked }],
});

async function importRulesHit(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, path) });
  assert.ok(result, "ESLint gave no result");
  assert.deepEqual(
    result.messages.filter((m) => m.fatal),
    [],
    "the probe does not parse",
  );
  return result.messages.map((m) => m.ruleId ?? "").filter((rule) => rule.endsWith("no-restricted-imports"));
}

describe("import layers (eslint.config.mjs)", () => {
  it("the domain knows no HTTP", async () => {
    assert.deepEqual(
      await importRulesHit(
        "src/domain/probe.ts",
        'import { JSON_BODY_LIMIT } from "../server/app.ts";\nexport const x = JSON_BODY_LIMIT;\n',
      ),
      ["no-restricted-imports"],
    );
    assert.deepEqual(
      await importRulesHit("src/domain/probe.ts", 'import Fastify from "fastify";\nexport const x = Fastify;\n'),
      ["no-restricted-imports"],
    );
  });

  it("a pure library imports nothing from the app and no database", async () => {
    assert.deepEqual(
      await importRulesHit(
        "src/trade/csv/probe.ts",
        'import { withAgency } from "../../db/database.ts";\nexport const x = withAgency;\n',
      ),
      ["no-restricted-imports"],
    );
    assert.deepEqual(
      await importRulesHit("src/screening/probe.ts", 'import { sql } from "kysely";\nexport const x = sql;\n'),
      ["no-restricted-imports"],
    );
    assert.deepEqual(
      await importRulesHit(
        "src/targeting/probe.ts",
        'import { DECLINE_CODES } from "../domain/vocabulary.ts";\nexport const x = DECLINE_CODES;\n',
      ),
      ["no-restricted-imports"],
    );
  });

  it("the app enters a library through its index.ts", async () => {
    assert.deepEqual(
      await importRulesHit(
        "src/domain/ingest/probe.ts",
        'import { assignDefined } from "../../trade/records.ts";\nexport const x = assignDefined;\n',
      ),
      ["no-restricted-imports"],
    );
    assert.deepEqual(
      await importRulesHit(
        "src/domain/ingest/probe.ts",
        'import { assignDefined } from "../../trade/index.ts";\nexport const x = assignDefined;\n',
      ),
      [],
    );
    // src/domain/targeting is the domain's own folder, not the library of the same name.
    assert.deepEqual(
      await importRulesHit(
        "src/domain/ingest/probe.ts",
        'import { scoreAllAgencies } from "../targeting/scoring.ts";\nexport const x = scoreAllAgencies;\n',
      ),
      [],
    );
    assert.deepEqual(
      await importRulesHit(
        "src/cli/probe.ts",
        'import { checkListFile } from "../screening/shipped-update.ts";\nexport const x = checkListFile;\n',
      ),
      [],
    );
  });

  it("db/ knows no use case", async () => {
    assert.deepEqual(
      await importRulesHit(
        "src/db/probe.ts",
        'import { recordAudit } from "../domain/audit.ts";\nexport const x = recordAudit;\n',
      ),
      ["no-restricted-imports"],
    );
  });

  it("the contract is schemas built from zod and the vocabularies", async () => {
    const probe = "src/contract/probe.ts";
    assert.deepEqual(
      await importRulesHit(probe, 'import { withAgency } from "../db/database.ts";\nexport const x = withAgency;\n'),
      ["@typescript-eslint/no-restricted-imports"],
    );
    assert.deepEqual(
      await importRulesHit(
        probe,
        'import { requireActor } from "../server/auth.ts";\nexport const x = requireActor;\n',
      ),
      ["@typescript-eslint/no-restricted-imports"],
    );
    assert.deepEqual(
      await importRulesHit(
        probe,
        'import { getShipment } from "../domain/shipments.ts";\nexport const x = getShipment;\n',
      ),
      ["@typescript-eslint/no-restricted-imports"],
    );
    assert.deepEqual(await importRulesHit(probe, 'import { sql } from "kysely";\nexport const x = sql;\n'), [
      "no-restricted-imports",
    ]);
    assert.deepEqual(
      await importRulesHit(
        probe,
        'import { analyzeFile } from "../radiation/analyze-file.ts";\nexport const x = analyzeFile;\n',
      ),
      ["@typescript-eslint/no-restricted-imports"],
    );
    const right = [
      'import { z } from "zod";',
      'import type { AnalysisReport } from "../radiation/analyze-file.ts";',
      'import { SCAN_TYPES } from "../domain/vocabulary.ts";',
      'import { DISPOSITIONS } from "../domain/inspection-requests/vocabulary.ts";',
      'import { isBadText } from "../domain/text.ts";',
      'import { PageQuery } from "./common.ts";',
      "export const x = [z, SCAN_TYPES, DISPOSITIONS, isBadText, PageQuery];",
      "export type Y = AnalysisReport;",
      "",
    ].join("\n");
    assert.deepEqual(await importRulesHit(probe, right), []);
  });

  it("the browser app imports types from the server, and values only from a vocabulary", async () => {
    const wrong =
      'import { listInspectionRequests } from "../../src/domain/inspection-requests/index.ts";\nexport const x = listInspectionRequests;\n';
    assert.deepEqual(await importRulesHit("web/src/probe.ts", wrong), ["@typescript-eslint/no-restricted-imports"]);
    const right =
      'import type { Page } from "../../src/domain/paging.ts";\nimport type { ScanView } from "../../src/contract/inspection-requests.ts";\nimport { DISPOSITIONS } from "../../src/domain/vocabulary.ts";\nexport const x: Page<ScanView> | typeof DISPOSITIONS = DISPOSITIONS;\n';
    assert.deepEqual(await importRulesHit("web/src/probe.ts", right), []);
  });
});
