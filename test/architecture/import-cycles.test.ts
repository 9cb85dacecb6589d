import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import ts from "typescript";

// No module of src/ may reach itself through its imports, type-only imports included: a cycle
// makes load order matter at run time and ties files together that should change apart.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * Cycles known and owned elsewhere, each with the reason it stays for now. The test fails when one
 * of them disappears, so the entry is removed with the cycle.
 */
const KNOWN_CYCLES: { files: string[]; reason: string }[] = [];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return sourceFiles(path);
    }
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Each file's relative imports and re-exports (static and dynamic), resolved to files. */
export function importGraph(files: readonly string[]): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    const targets = info.importedFiles
      .map((f) => f.fileName)
      .filter((name) => name.startsWith("."))
      .map((name) => resolve(dirname(file), name))
      .filter((target) => known.has(target));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Strongly connected groups of more than one file (Tarjan), and files that import themselves. */
export function cyclesOf(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) !== index.get(node)) {
      return;
    }
    const group: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(member);
    } while (member !== node);
    if (group.length > 1 || (graph.get(node) ?? []).includes(node)) {
      cycles.push(group.sort());
    }
  };
  for (const node of graph.keys()) {
    if (!index.has(node)) {
      visit(node);
    }
  }
  return cycles;
}

describe("import graph of src/", () => {
  it("finds a cycle when there is one", () => {
    const graph = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a"]],
      ["d", ["a"]],
    ]);
    assert.deepEqual(cyclesOf(graph), [["a", "b", "c"]]);
    assert.deepEqual(
      cyclesOf(
        new Map([
          ["a", ["b"]],
          ["b", []],
        ]),
      ),
      [],
    );
  });

  it("sees type-only imports, re-exports and multi-line imports", () => {
    const info = ts.preProcessFile(
      'import type {\n  A,\n} from "./a.ts";\nexport { b } from "./b.ts";\nconst c = await import("./c.ts");\n',
      true,
      true,
    );
    assert.deepEqual(
      info.importedFiles.map((f) => f.fileName),
      ["./a.ts", "./b.ts", "./c.ts"],
    );
  });

  it("has no import cycle besides the known ones", () => {
    const files = sourceFiles(join(ROOT, "src"));
    assert.ok(files.length > 100, `expected the whole tree, found ${files.length} files`);
    const found = cyclesOf(importGraph(files)).map((group) => group.map((f) => relative(ROOT, f)));
    const key = (files: string[]) => [...files].sort().join(" → ");
    const known = new Set(KNOWN_CYCLES.map((c) => key(c.files)));
    assert.deepEqual(
      found.map(key).filter((k) => !known.has(k)),
      [],
      "new import cycles",
    );
    assert.deepEqual(
      [...known].filter((k) => !found.map(key).includes(k)),
      [],
      "a known cycle is gone: remove it from KNOWN_CYCLES",
    );
  });
});
