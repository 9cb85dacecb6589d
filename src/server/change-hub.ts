import type { Actor } from "../domain/actor.ts";
import { CHANGE_PAGE, type ChangeEvent } from "../domain/events.ts";
import type { Services } from "../domain/services.ts";
import { startChangeFeed, type ChangeFeed } from "./change-feed.ts";

// One hub per process fans the audit log out to every open event stream. It learns that the log
// grew from the change feed (LISTEN/NOTIFY on PostgreSQL, a cheap poll of the head on PGlite), then
// reads the new events ONCE per agency that has streams open, with that agency's row-level
// security, and writes them to each of its streams; every stream remembers the last event it was
// sent. Sessions of all open streams are re-checked together in one query. So an idle stream costs
// nothing but its socket, and a change costs one read per agency however many streams watch it.

/** How often the sessions of open streams are re-checked and a keep-alive comment is written (ms). */
export const SESSION_CHECK_MS = 15_000;
/** How often the log's head is read when nothing notifies (embedded PGlite), ms. */
export const POLL_MS = 100;
/** How often the head is read while listening, in case a notification was lost (ms). */
export const FALLBACK_POLL_MS = 5_000;
/** How long the feed stays up after the last stream closed, so a page reload does not reconnect it (ms). */
const LINGER_MS = 30_000;

/** One open stream, as the hub sees it. */
export interface Subscriber {
  /** Whose stream: its agency decides what it may see. */
  actor: Actor;
  /** The session the stream was opened with, re-checked every interval; null for an API token. */
  sessionToken: string | null;
  /** The last event sent on the stream (or the position it started from). */
  lastSeq: string;
  send(change: ChangeEvent): void;
  keepAlive(): void;
  /** The session ended: close the stream. */
  end(): void;
}

/** Settings of the hub; tests shorten the intervals. */
export interface ChangeHubOptions {
  /** The log and the sessions, read through the bound use cases. */
  events: Pick<Services["events"], "since" | "newestSeq" | "liveSessionTokens">;
  /** PostgreSQL URL for the LISTEN connection; without one the hub polls the log's head. */
  listenUrl?: string;
  pollMs?: number;
  fallbackPollMs?: number;
  sessionCheckMs?: number;
  log?: { warn(obj: object, msg: string): void };
}

/** The process-wide fan-out of changes to event streams. */
export interface ChangeHub {
  /** Adds a stream; returns the function that removes it. */
  join(subscriber: Subscriber): () => void;
  /** Open streams in this process. */
  readonly size: number;
  /** Ends every stream (on shutdown, so that clients reconnect elsewhere). */
  endAll(): void;
  /** Stops the feed and the timers. */
  close(): Promise<void>;
}

interface Stream {
  subscriber: Subscriber;
  last: bigint;
}

interface AgencyGroup {
  agencyId: string;
  streams: Set<Stream>;
  /** The log was read for this agency up to here (whole-log seq). */
  readTo: bigint;
  /** A stream joined or a read failed: read again even if the head did not move. */
  isDirty: boolean;
}

/** Creates the hub; the feed and the timers start with the first stream. */
export function createChangeHub(options: ChangeHubOptions): ChangeHub {
  return new Hub(options);
}

class Hub implements ChangeHub {
  private readonly groups = new Map<string, AgencyGroup>();
  private head = 0n;
  private feed: ChangeFeed | null = null;
  private lingerTimer: NodeJS.Timeout | undefined;
  private sessionTimer: NodeJS.Timeout | undefined;
  private isPumping = false;
  private isPumpAgain = false;
  private pumping: Promise<void> = Promise.resolve();
  private isClosed = false;
  private count = 0;

  constructor(private readonly options: ChangeHubOptions) {}

  get size(): number {
    return this.count;
  }

  join(subscriber: Subscriber): () => void {
    if (this.isClosed) {
      subscriber.end();
      return () => undefined;
    }
    const stream: Stream = { subscriber, last: BigInt(subscriber.lastSeq) };
    const agencyId = subscriber.actor.agencyId;
    let group = this.groups.get(agencyId);
    if (!group) {
      group = { agencyId, streams: new Set(), readTo: 0n, isDirty: true };
      this.groups.set(agencyId, group);
    }
    group.streams.add(stream);
    // The stream's position may be older than what its agency's streams were last sent: read once.
    group.isDirty = true;
    this.count++;
    this.wake();
    this.schedule();
    let isJoined = true;
    return () => {
      if (isJoined) {
        isJoined = false;
        this.leave(stream);
      }
    };
  }

  endAll(): void {
    for (const group of [...this.groups.values()]) {
      for (const stream of [...group.streams]) {
        this.leave(stream);
        stream.subscriber.end();
      }
    }
  }

  async close(): Promise<void> {
    this.isClosed = true;
    this.endAll();
    await this.sleep();
    await this.pumping;
  }

  private leave(stream: Stream): void {
    const group = this.groups.get(stream.subscriber.actor.agencyId);
    if (!group?.streams.delete(stream)) {
      return;
    }
    this.count--;
    if (group.streams.size === 0) {
      this.groups.delete(group.agencyId);
    }
    if (this.count === 0 && !this.isClosed) {
      clearTimeout(this.lingerTimer);
      this.lingerTimer = setTimeout(() => void this.sleep(), LINGER_MS);
      this.lingerTimer.unref();
    }
  }

  /** Starts the feed and the session timer if they are not running. */
  private wake(): void {
    clearTimeout(this.lingerTimer);
    if (!this.feed) {
      this.feed = startChangeFeed({
        newestSeq: () => this.options.events.newestSeq(),
        listenUrl: this.options.listenUrl,
        pollMs: this.options.pollMs ?? POLL_MS,
        fallbackPollMs: this.options.fallbackPollMs ?? FALLBACK_POLL_MS,
        onHead: (seq) => this.onHead(seq),
        onError: (err, what) => this.options.log?.warn({ err }, what),
      });
    }
    if (!this.sessionTimer) {
      this.sessionTimer = setInterval(() => void this.checkSessions(), this.options.sessionCheckMs ?? SESSION_CHECK_MS);
      this.sessionTimer.unref();
    }
  }

  /** Stops the feed and the session timer (no streams for a while, or closing). */
  private async sleep(): Promise<void> {
    if (this.count > 0 && !this.isClosed) {
      return;
    }
    clearTimeout(this.lingerTimer);
    clearInterval(this.sessionTimer);
    this.sessionTimer = undefined;
    const feed = this.feed;
    this.feed = null;
    await feed?.close();
  }

  private onHead(seq: bigint): void {
    if (seq > this.head) {
      this.head = seq;
    }
    this.schedule();
  }

  /** Reads for every agency that is behind the head (or dirty); one pump at a time, again if woken meanwhile. */
  private schedule(): void {
    if (this.isClosed) {
      return;
    }
    const isBehind = [...this.groups.values()].some((g) => g.isDirty || g.readTo < this.head);
    if (!isBehind) {
      return;
    }
    if (this.isPumping) {
      this.isPumpAgain = true;
      return;
    }
    this.isPumping = true;
    this.pumping = this.pump().finally(() => {
      this.isPumping = false;
    });
  }

  private async pump(): Promise<void> {
    do {
      this.isPumpAgain = false;
      const head = this.head;
      const due = [...this.groups.values()].filter((g) => g.isDirty || g.readTo < head);
      await Promise.all(due.map((group) => this.readFor(group, head)));
    } while (this.isPumpAgain && !this.isClosed);
  }

  /** One read of the agency's new events (more only when a page comes back full), fanned out to its streams. */
  private async readFor(group: AgencyGroup, head: bigint): Promise<void> {
    group.isDirty = false;
    let from = minLast(group.streams);
    if (from === null) {
      return;
    }
    let readTo = head;
    try {
      for (;;) {
        const changes = await this.options.events.since({ agencyId: group.agencyId }, from.toString());
        deliver(group.streams, changes);
        const newest = changes.at(-1);
        if (newest) {
          from = BigInt(newest.seq);
          // Events commit in sequence order (the chain's lock), so all before a visible one are in.
          readTo = from > readTo ? from : readTo;
        }
        if (changes.length < CHANGE_PAGE) {
          break;
        }
      }
      group.readTo = readTo > group.readTo ? readTo : group.readTo;
    } catch (err) {
      group.isDirty = true;
      this.options.log?.warn(
        { err, agencyId: group.agencyId },
        "reading live updates failed; retrying at the next change or poll",
      );
    }
  }

  /** Ends the streams whose session is over, in one query for all; the others get a keep-alive. */
  private async checkSessions(): Promise<void> {
    const streams = [...this.groups.values()].flatMap((g) => [...g.streams]);
    const tokens = [...new Set(streams.map((s) => s.subscriber.sessionToken).filter((t) => t !== null))];
    let live: Set<string>;
    try {
      live = await this.options.events.liveSessionTokens(tokens);
    } catch (err) {
      // Unknown is not over: a database blip must not drop every stream at once.
      this.options.log?.warn({ err }, "re-checking the sessions of live-update streams failed");
      return;
    }
    for (const stream of streams) {
      if (!this.groups.get(stream.subscriber.actor.agencyId)?.streams.has(stream)) {
        continue;
      }
      const token = stream.subscriber.sessionToken;
      if (token !== null && !live.has(token)) {
        // A stream lives no longer than its session: logout, expiry or a disabled account end it.
        this.leave(stream);
        stream.subscriber.end();
      } else {
        stream.subscriber.keepAlive();
      }
    }
  }
}

function minLast(streams: Set<Stream>): bigint | null {
  let min: bigint | null = null;
  for (const s of streams) {
    if (min === null || s.last < min) {
      min = s.last;
    }
  }
  return min;
}

function deliver(streams: Set<Stream>, changes: ChangeEvent[]): void {
  for (const change of changes) {
    const seq = BigInt(change.seq);
    for (const stream of streams) {
      if (seq > stream.last) {
        stream.last = seq;
        stream.subscriber.send(change);
      }
    }
  }
}
