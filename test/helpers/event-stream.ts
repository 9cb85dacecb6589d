import http from "node:http";
import type { FastifyInstance } from "fastify";

/** One change as a stream delivers it. */
export interface StreamedChange {
  id: string;
  data: { seq: string; action: string; entityType: string; entityId: string | null };
}

/** An open `GET /api/events` stream that records what arrives. */
export interface OpenStream {
  status: number;
  changes: StreamedChange[];
  /** Whether the server ended the stream. */
  isEnded(): boolean;
  /** Resolves once a change matching `match` arrived; rejects after `timeoutMs`. */
  waitFor(match: (c: StreamedChange) => boolean, timeoutMs?: number): Promise<StreamedChange>;
  /** Resolves with the time (performance.now()) the server ended the stream; rejects after `timeoutMs`. */
  ended(timeoutMs?: number): Promise<number>;
  close(): void;
}

/** Opens the event stream on a listening server with the given headers (a session cookie, Last-Event-ID). */
export function openStream(port: number, headers: Record<string, string>): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    const changes: StreamedChange[] = [];
    const listeners = new Set<() => void>();
    let endedAt: number | null = null;
    const notify = () => {
      for (const listener of [...listeners]) {
        listener();
      }
    };
    const req = http.get({ port, host: "127.0.0.1", path: "/api/events", headers, agent: false }, (res) => {
      let buffer = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buffer += chunk;
        let end = buffer.indexOf("\n\n");
        while (end >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const id = /^id: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (id && data) {
            changes.push({ id, data: JSON.parse(data) as StreamedChange["data"] });
            notify();
          }
          end = buffer.indexOf("\n\n");
        }
      });
      res.on("end", () => {
        endedAt = performance.now();
        notify();
      });
      res.on("error", () => undefined);
      const until = <T>(check: () => T | undefined, timeoutMs: number, what: string) =>
        new Promise<T>((done, fail) => {
          const attempt = () => {
            const value = check();
            if (value !== undefined) {
              listeners.delete(attempt);
              clearTimeout(timer);
              done(value);
            }
          };
          const timer = setTimeout(() => {
            listeners.delete(attempt);
            fail(new Error(`${what} within ${timeoutMs} ms; got ${JSON.stringify(changes.map((c) => c.data.action))}`));
          }, timeoutMs);
          listeners.add(attempt);
          attempt();
        });
      resolve({
        status: res.statusCode ?? 0,
        changes,
        isEnded: () => endedAt !== null,
        waitFor: (match, timeoutMs = 5_000) => until(() => changes.find(match), timeoutMs, "no matching change"),
        ended: (timeoutMs = 5_000) => until(() => endedAt ?? undefined, timeoutMs, "the stream did not end"),
        close: () => req.destroy(),
      });
    });
    req.on("error", reject);
  });
}

/** Logs in through the app and returns the Cookie header of the new session. */
export async function sessionCookie(app: FastifyInstance, username: string, password: string): Promise<string> {
  const res = await app.inject({ method: "POST", url: "/api/session", payload: { username, password } });
  const value = res.cookies.find((c) => c.name === "reciprocity_session")?.value;
  if (res.statusCode !== 200 || !value) {
    throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
  }
  return `reciprocity_session=${value}`;
}

/** The port a listening app is bound to. */
export function portOf(app: FastifyInstance): number {
  const address = app.server.address();
  return typeof address === "object" && address ? address.port : 0;
}

/** Waits until `check` holds, polling every 20 ms; throws after `timeoutMs`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5_000,
): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) {
      throw new Error(`${what}: not within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
