// Starts a worker thread on a TypeScript module. Loader hooks do not carry over from the thread
// that spawned the worker, so each worker registers tsx itself before importing its entry.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.entry);
