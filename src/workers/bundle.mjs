// Plain JavaScript, so that the entry point can use it before any TypeScript loader exists.
//
// Running the TypeScript sources through tsx's loader costs each thread that does it a hooks thread
// of its own (Node 20 runs module hooks off-thread) and a transformed copy of every module: about
// 60 MB in the server's main thread, and more in each worker thread. So the entry point and the
// long-lived worker threads (the embedded database, the instrument analysis pool) run one plain ES
// module bundled from the sources instead, built by esbuild (which tsx itself uses) and kept under
// `.cache/bundles` until a source changes. Package imports stay imports, resolved from the project's
// node_modules as before.
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL, URL } from "node:url";

const REPO = path.resolve(fileURLToPath(new URL("../..", import.meta.url)));
/** Inside the project, so that the bundles' package imports resolve to its node_modules. */
const CACHE = path.join(REPO, ".cache", "bundles");
/**
 * An entry's earlier bundles are removed when a new one is written, once they are this old: a
 * process that started a moment ago may still be about to import the one it found.
 */
const STALE_AFTER_MS = 10 * 60 * 1000;

/** `import.meta.url`, `.dirname` and `.filename`, spelt so that this file does not match itself. */
const META = new RegExp(["\\bimport", "meta", "(url|dirname|filename)\\b"].join("\\."), "g");

/**
 * Each source file keeps the location it was written at: `import.meta.url`, `.dirname` and
 * `.filename` become the file's own, so reference data read relative to a module, and worker
 * entries named relative to a module, are found exactly as without a bundle.
 */
const keepOwnLocation = {
  name: "keep-own-location",
  /** @param {import("esbuild").PluginBuild} build */
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      const contents = source.replace(META, (_, what) =>
        JSON.stringify(
          what === "url" ? pathToFileURL(args.path).href : what === "dirname" ? path.dirname(args.path) : args.path,
        ),
      );
      return { contents, loader: "ts" };
    });
  },
};

/** @param {string} file */
function stamp(file) {
  const s = statSync(file);
  return `${s.size}:${s.mtimeMs}`;
}

/**
 * The bundle of a TypeScript entry module, reused while none of the files it was built from has
 * changed (checked by size and modification time), rebuilt otherwise.
 * @param {URL} entry
 * @returns {Promise<URL>}
 */
export async function bundledModule(entry) {
  const source = fileURLToPath(entry);
  const key = createHash("sha256").update(source).digest("hex").slice(0, 12);
  const base = `${path.basename(source, ".ts")}-${key}`;
  const manifestFile = path.join(CACHE, `${base}.json`);
  try {
    /** @type {{ module: string; inputs: Record<string, string> }} */
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
    if (Object.entries(manifest.inputs).every(([file, seen]) => stamp(file) === seen)) {
      statSync(manifest.module);
      return pathToFileURL(manifest.module);
    }
  } catch {
    // No bundle yet, or one of its sources is gone: build it.
  }
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: [source],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    write: false,
    metafile: true,
    logLevel: "silent",
    plugins: [keepOwnLocation],
  });
  const code = result.outputFiles[0]?.contents;
  if (!code) {
    throw new Error(`the bundle of ${source} came out empty`);
  }
  const inputs = Object.fromEntries(
    Object.keys(result.metafile.inputs).map((file) => {
      const absolute = path.resolve(REPO, file);
      return [absolute, stamp(absolute)];
    }),
  );
  const module = path.join(CACHE, `${base}-${createHash("sha256").update(code).digest("hex").slice(0, 12)}.mjs`);
  mkdirSync(CACHE, { recursive: true });
  // Written aside and renamed, so that a process starting at the same moment never reads half a file.
  writeAtomically(module, code);
  writeAtomically(manifestFile, JSON.stringify({ module, inputs }));
  removeStale(base, module);
  return pathToFileURL(module);
}

/**
 * Removes the entry's bundles other than `current`, and half-written files left by a process that
 * died while writing, once they are older than STALE_AFTER_MS; every source change would otherwise
 * leave a bundle behind for good.
 * @param {string} base
 * @param {string} current
 */
function removeStale(base, current) {
  const cutoff = Date.now() - STALE_AFTER_MS;
  for (const name of readdirSync(CACHE)) {
    const file = path.join(CACHE, name);
    const ours = name.startsWith(`${base}-`) && (name.endsWith(".mjs") || name.endsWith(".part"));
    if (!ours || file === current) {
      continue;
    }
    try {
      if (statSync(file).mtimeMs < cutoff) {
        rmSync(file, { force: true });
      }
    } catch {
      // Removed by another process meanwhile.
    }
  }
}

/**
 * @param {string} file
 * @param {string | Uint8Array} data
 */
function writeAtomically(file, data) {
  const partial = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.part`;
  writeFileSync(partial, data);
  renameSync(partial, file);
}
