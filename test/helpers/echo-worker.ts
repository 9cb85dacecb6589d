// A worker entry for the pool's tests: doubles a number and says where its module was written,
// or fails on request.
import { serveTasks } from "../../src/workers/pool.ts";

const here = import.meta.url;

await serveTasks((task: { fail?: boolean; value: number }) => {
  if (task.fail) {
    throw Object.assign(new Error("asked to fail"), { code: "echo.failed" });
  }
  return { value: task.value * 2, here };
});
