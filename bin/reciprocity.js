#!/usr/bin/env node
// The one entry point. No build step stands between `npm install` and a working command: the
// TypeScript sources are bundled into one plain module on first run and again whenever a source
// changes (src/workers/bundle.mjs), which keeps tsx's loader out of a long-running server. Where no
// bundle can be written (a read-only install), the sources run through tsx's loader instead.
import { bundledModule } from "../src/workers/bundle.mjs";

const cli = new URL("../src/cli.ts", import.meta.url);
let bundle = null;
try {
  bundle = await bundledModule(cli);
} catch (err) {
  process.emitWarning(`running the sources through the TypeScript loader: ${err.message}`, "ReciprocityWarning");
}
if (bundle) {
  await import(bundle.href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import(cli.href);
}
