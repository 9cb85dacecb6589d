import js from "@eslint/js";
import tseslint from "typescript-eslint";

// The layers of DESIGN.md, as import rules. Relative imports are matched by how far they climb,
// so each rule is written once per folder depth under src/ (src/x.ts is depth 0).
const LIBRARIES = ["trade", "radiation", "screening", "targeting", "random"];
/** Libraries whose index.ts is the only door for the rest of the app (radiation has no index yet). */
const INDEXED = ["trade", "screening", "targeting", "random"];
/** Modules of a library the app may import directly, each with its reason. */
const LIBRARY_SIDE_DOORS = [
  "screening/shipped-update\\.ts", // writes the shipped lists to disk: kept out of the pure index on purpose
];
const HTTP_PACKAGES = ["fastify", "fastify-plugin", "fastify-type-provider-zod", "@fastify/*"];
const DATABASE_PACKAGES = ["kysely", "pg", "pg-copy-streams", "@electric-sql/pglite"];
const DEPTHS = [0, 1, 2, 3, 4];

/** The relative prefix that climbs from a file at `depth` to src/. */
function toSrc(depth) {
  return depth === 0 ? "^\\./" : `^(\\.\\./){${depth}}`;
}

/** Glob of the files at `depth` under src/, inside `folder` when given. */
function filesAt(depth, folder) {
  const stars = Array.from({ length: depth - (folder ? 1 : 0) }, () => "*/").join("");
  return [`src/${folder ? `${folder}/` : ""}${stars}*.{ts,tsx}`];
}

/** Deep imports into a library from outside it: the app goes through the library's index.ts. */
function throughIndex(depth) {
  return {
    regex: `${toSrc(depth)}(?!(${LIBRARY_SIDE_DOORS.join("|")})$)(${INDEXED.join("|")})/(?!index\\.ts$)`,
    message: "Import a library through its index.ts (DESIGN.md: pure libraries can be published on their own).",
  };
}

/** The import rules of each layer, one configuration per depth. */
function layerRules() {
  const blocks = [];
  for (const depth of DEPTHS) {
    if (depth >= 1) {
      for (const library of LIBRARIES) {
        blocks.push({
          files: filesAt(depth, library),
          rules: {
            "no-restricted-imports": [
              "error",
              {
                paths: [...HTTP_PACKAGES.filter((p) => !p.includes("*")), ...DATABASE_PACKAGES].map((name) => ({
                  name,
                  message: "A pure library knows no HTTP and no database.",
                })),
                patterns: [
                  { group: ["@fastify/*"], message: "A pure library knows no HTTP." },
                  {
                    regex: `${toSrc(depth)}(?!(${LIBRARIES.join("|")})/)`,
                    message: "A pure library imports nothing from the app (domain, server, db, cli, workers, errors).",
                  },
                  {
                    regex: `${toSrc(depth)}(${INDEXED.filter((l) => l !== library).join("|")})/(?!index\\.ts$)`,
                    message: "Import another library through its index.ts.",
                  },
                ],
              },
            ],
          },
        });
      }
      blocks.push({
        files: filesAt(depth, "domain"),
        rules: {
          "no-restricted-imports": [
            "error",
            {
              paths: HTTP_PACKAGES.filter((p) => !p.includes("*")).map((name) => ({
                name,
                message: "The domain knows no HTTP.",
              })),
              patterns: [
                { group: ["@fastify/*"], message: "The domain knows no HTTP." },
                {
                  regex: `${toSrc(depth)}server/`,
                  message: "The domain knows no HTTP: server/ is an adapter over it.",
                },
                throughIndex(depth),
              ],
            },
          ],
        },
      });
      blocks.push({
        files: filesAt(depth, "db"),
        rules: {
          "no-restricted-imports": [
            "error",
            {
              patterns: [
                {
                  // The database types use the vocabularies (statuses, dispositions…), nothing else of the domain.
                  regex: `${toSrc(depth)}((server|cli)/|domain/(?!([\\w-]+/)*vocabulary\\.ts$))`,
                  message: "db/ is the connection and the schema: it knows no use case or adapter.",
                },
              ],
            },
          ],
        },
      });
    }
    if (depth === 1) {
      blocks.push({
        files: filesAt(depth, "contract"),
        rules: {
          "no-restricted-imports": [
            "error",
            {
              paths: [...HTTP_PACKAGES.filter((p) => !p.includes("*")), ...DATABASE_PACKAGES].map((name) => ({
                name,
                message: "The contract is schemas: it knows no HTTP and no database.",
              })),
              patterns: [
                { group: ["@fastify/*"], message: "The contract is schemas: it knows no HTTP." },
                throughIndex(depth),
              ],
            },
          ],
          // Schemas are built from zod, the vocabularies and the text rule; a pure library's types may
          // name a field's shape (the analysis report), but no value of it is imported.
          "@typescript-eslint/no-restricted-imports": [
            "error",
            {
              patterns: [
                {
                  regex: `${toSrc(depth)}(?!(domain/([\\w-]+/)*vocabulary|domain/text)\\.ts$)(?!(${LIBRARIES.join("|")})/)`,
                  message:
                    "The contract imports zod, the domain's vocabularies and its text rule only (DESIGN.md: schemas are the contract).",
                },
                {
                  regex: `${toSrc(depth)}(${LIBRARIES.join("|")})/`,
                  allowTypeImports: true,
                  message: "The contract takes only types from a pure library.",
                },
              ],
            },
          ],
        },
      });
    }
    blocks.push({
      files: filesAt(depth),
      ignores: ["domain", "db", "contract", ...LIBRARIES].map((folder) => `src/${folder}/**`),
      rules: { "no-restricted-imports": ["error", { patterns: [throughIndex(depth)] }] },
    });
  }
  return blocks;
}

export default tseslint.config(
  { ignores: ["node_modules", "web/dist", "data", "test-results"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": [
        "error",
        {
          allowForKnownSafeCalls: [
            { from: "package", package: "node:test", name: ["it", "describe", "test", "before", "after"] },
          ],
        },
      ],
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
      "@typescript-eslint/switch-exhaustiveness-check": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/require-await": "off",
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true, allowBoolean: true }],
      eqeqeq: ["error", "always"],
      curly: ["error", "all"],
    },
  },
  {
    // Tests read JSON bodies from inject(); asserting on them is the point, so `any` is allowed there.
    files: ["test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
  {
    // Plain JavaScript bootstraps (worker threads) are outside the TypeScript project.
    files: ["**/*.mjs"],
    ...tseslint.configs.disableTypeChecked,
  },
  ...layerRules(),
  {
    // The browser app reads the server's types; the only values it takes are the vocabularies and
    // the audit log's wording (plain modules with no imports).
    files: ["web/src/**/*.{ts,tsx}"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "(^|/)src/(?!domain/(vocabulary|audit-details)\\.ts$)",
              allowTypeImports: true,
              message:
                "The browser app imports only types from the server (import type), and values only from a vocabulary.",
            },
          ],
        },
      ],
    },
  },
);
