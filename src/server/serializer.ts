import fastJson from "fast-json-stringify";
import type { FastifySerializerCompiler } from "fastify/types/schema.js";
import { serializerCompiler as zodSerializerCompiler } from "fastify-type-provider-zod";
import { z } from "zod";
import { $ZodType } from "zod/v4/core";

// Response bodies are written from each route's zod response schema turned into JSON Schema once,
// by fast-json-stringify: only the properties the contract declares are written (a column a query
// picked up by mistake never reaches the client), in the contract's order, without validating the
// whole body again on every answer. A schema JSON Schema cannot express (a custom type, a
// transform) is written as before, through zod. With RECIPROCITY_CHECK_RESPONSES=1 (the suite and
// the browser tests set it) every body is also written through zod and the two must agree byte for
// byte, so every response the tests provoke checks the fast writer against the contract.

type Writer = (data: unknown) => string;

/** Writers already built, by JSON Schema text: many apps in one process share their contracts. */
const writers = new Map<string, Writer>();

function zodSchemaOf(schema: unknown): z.ZodType | null {
  if (schema instanceof $ZodType) {
    return schema as z.ZodType;
  }
  const inner = (schema as { properties?: unknown } | null)?.properties;
  return inner instanceof $ZodType ? (inner as z.ZodType) : null;
}

/** fast-json-stringify's writer for a zod schema, or null where JSON Schema cannot say what zod does. */
export function fastWriter(schema: z.ZodType): Writer | null {
  let json: string;
  try {
    json = JSON.stringify(z.toJSONSchema(schema, { target: "draft-7", io: "output", unrepresentable: "throw" }));
  } catch {
    return null;
  }
  let writer = writers.get(json);
  if (!writer) {
    writer = fastJson(JSON.parse(json) as Parameters<typeof fastJson>[0]);
    writers.set(json, writer);
  }
  return writer;
}

/**
 * The serializer compiler of the app. `check`: each body is also written through zod and compared
 * (see the top of this module); the default is RECIPROCITY_CHECK_RESPONSES=1.
 */
export function serializerCompilerFor(
  check = process.env.RECIPROCITY_CHECK_RESPONSES === "1",
): FastifySerializerCompiler<unknown> {
  return (route) => {
    const viaZod = zodSerializerCompiler(route as Parameters<typeof zodSerializerCompiler>[0]) as Writer;
    const schema = zodSchemaOf(route.schema);
    const fast = schema ? fastWriter(schema) : null;
    if (!fast) {
      return viaZod;
    }
    if (!check) {
      return fast;
    }
    return (data) => {
      const expected = viaZod(data);
      const written = fast(data);
      if (written !== expected) {
        throw new Error(
          `The response of ${route.method} ${route.url} (${route.httpStatus}) was written differently from its contract: ${written.slice(0, 300)} against ${expected.slice(0, 300)}`,
        );
      }
      return written;
    };
  };
}
