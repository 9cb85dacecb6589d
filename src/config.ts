import path from "node:path";
import { z } from "zod";

const Env = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional(),
  /** A read replica of DATABASE_URL for reports and metrics; those read the main database when unset. */
  DATABASE_READ_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional(),
  RECIPROCITY_DATA_DIR: z.string().min(1).optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default("0.0.0.0"),
  RECIPROCITY_DEMO_PASSWORD: z.string().min(8, "must be at least 8 characters").optional(),
  RECIPROCITY_DEMO_SEED: z.coerce.number().int().default(20021),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Reverse proxies whose X-Forwarded-* headers are believed: comma-separated addresses or CIDR ranges. */
  RECIPROCITY_TRUST_PROXY: z.string().optional().transform(list),
  /** Origins besides the server's own whose pages may write with the session cookie. */
  RECIPROCITY_ALLOWED_ORIGINS: z
    .string()
    .optional()
    .transform(list)
    .pipe(z.array(z.url({ protocol: /^https?$/ }).transform((u) => new URL(u).origin))),
  /** Largest manifest upload in MB. */
  RECIPROCITY_MANIFEST_LIMIT_MB: z.coerce.number().positive().max(1024).default(50),
});

function list(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** Settings read once from the environment; bad values stop the process with a clear message. */
export type Config = z.infer<typeof Env> & { dataDir: string };

/** Parses the environment; throws listing every bad variable. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means "not set", as shells and container platforms often pass them.
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const parsed = Env.safeParse(given);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid environment: ${problems}`);
  }
  return { ...parsed.data, dataDir: path.resolve(parsed.data.RECIPROCITY_DATA_DIR ?? "data") };
}
