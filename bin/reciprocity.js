#!/usr/bin/env node
// The one entry point. TypeScript sources run through tsx's loader so that no build step
// stands between `npm install` and a working command.
import { register } from "tsx/esm/api";

register();
await import("../src/cli.ts");
