import type { Socket } from "node:net";
import type { FastifyError, FastifyInstance } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { AppError } from "../errors.ts";

/** Maps every failure to `{ code, message, details? }`; 5xx bodies never carry internals. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError, request, reply) => {
    if (err instanceof AppError) {
      return reply.code(err.statusCode).send({ code: err.code, message: err.message, details: err.details });
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const details = err.validation.map((v) => ({ path: v.instancePath, message: v.message }));
      const message = details
        .map((d) => `${err.validationContext ?? "request"}${d.path} ${d.message ?? ""}`.trim())
        .join("; ");
      return reply.code(400).send({ code: "request.invalid", message, details });
    }
    const status = err.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err, request: { method: request.method, url: request.url } }, "request failed");
      return reply.code(500).send({ code: "server.error", message: "Something went wrong on our side" });
    }
    return reply
      .code(status)
      .send({ code: err.code ? `request.${err.code.toLowerCase()}` : "request.invalid", message: err.message });
  });
  app.setNotFoundHandler((request, reply) => {
    return reply
      .code(404)
      .send({ code: "route.not_found", message: `No route ${request.method} ${request.url.split("?")[0]}` });
  });
}

/**
 * Answers a request the HTTP parser refused (headers too large, malformed request line) with the
 * same `{code, message}` body as every other error, then closes the connection.
 */
export function answerClientError(err: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const isHeaderOverflow = err.code === "HPE_HEADER_OVERFLOW";
  const status = isHeaderOverflow ? "431 Request Header Fields Too Large" : "400 Bad Request";
  const body = JSON.stringify(
    isHeaderOverflow
      ? { code: "request.headers_too_large", message: "The request's headers are too large" }
      : { code: "request.malformed", message: "The request is not well-formed HTTP" },
  );
  socket.end(
    `HTTP/1.1 ${status}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
