import pg from "pg";

// How a server process learns that the audit log grew, whatever the number of open streams.
//
// PostgreSQL: a dedicated connection LISTENs on the channel that migration 0015's trigger notifies
// at each commit that appended events. A notification can be lost with its connection, so the
// feed reconnects (with back-off) and reads the log's head at once, and reads it again every few
// seconds as a safety net; that read goes over the LISTEN connection, so it also proves the
// connection still answers.
//
// Embedded PGlite belongs to this process alone and runs on its own thread; the feed reads the
// log's head (the primary key's last entry, one indexed lookup) every 100 ms while streams are
// open, instead of forwarding PGlite's own LISTEN from that thread: that would need notifications
// pushed across the thread's message protocol (src/db/pglite-host.ts) for the same number, and the
// poll costs about 2 % of a core with 500 streams open (measured), whatever their number.

/** The channel migration 0015 notifies with the newest seq of each append. */
export const CHANGE_CHANNEL = "reciprocity_audit";

const HEAD_SQL = "select coalesce(max(seq), 0)::text as seq from audit_event";
const RECONNECT_FIRST_MS = 250;
const RECONNECT_MAX_MS = 10_000;

/** Where the feed reports what it learns. */
export interface ChangeFeedOptions {
  /** Reads the log's newest seq through the app's database (services.events.newestSeq). */
  newestSeq(): Promise<string>;
  /** PostgreSQL URL for the dedicated LISTEN connection; without one the feed polls with `newestSeq`. */
  listenUrl?: string;
  /** How often the head is read without LISTEN (ms). */
  pollMs: number;
  /** How often the head is read while listening, as a safety net (ms). */
  fallbackPollMs: number;
  /** Called with the log's newest seq whenever it may have moved, at start and after every reconnection. */
  onHead(seq: bigint): void;
  /** A read or the connection failed; the feed keeps trying. */
  onError(err: unknown, what: string): void;
}

/** A running feed. */
export interface ChangeFeed {
  /** Stops reading and listening; resolves once nothing of it is in flight. */
  close(): Promise<void>;
}

/** Starts the feed that suits the database: LISTEN/NOTIFY on PostgreSQL, polling otherwise. */
export function startChangeFeed(options: ChangeFeedOptions): ChangeFeed {
  return options.listenUrl ? new ListeningFeed(options, options.listenUrl) : new PollingFeed(options);
}

/** Reads the head every `pollMs`, one read at a time. */
class PollingFeed implements ChangeFeed {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  private isClosed = false;

  constructor(private readonly options: ChangeFeedOptions) {
    this.schedule(0);
  }

  async close(): Promise<void> {
    this.isClosed = true;
    clearTimeout(this.timer);
    await this.inFlight;
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      this.inFlight = this.tick();
    }, ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      const seq = await this.options.newestSeq();
      if (!this.isClosed) {
        this.options.onHead(BigInt(seq));
      }
    } catch (err) {
      if (!this.isClosed) {
        this.options.onError(err, "reading the audit log's head failed");
      }
    }
    if (!this.isClosed) {
      this.schedule(this.options.pollMs);
    }
  }
}

/** LISTENs on a dedicated connection, reconnects when it is lost, and reads the head as a safety net. */
class ListeningFeed implements ChangeFeed {
  private client: pg.Client | null = null;
  private readonly lost = new WeakSet<pg.Client>();
  private retryMs = RECONNECT_FIRST_MS;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  private isClosed = false;

  constructor(
    private readonly options: ChangeFeedOptions,
    private readonly url: string,
  ) {
    void this.connect();
    this.schedulePoll();
  }

  async close(): Promise<void> {
    this.isClosed = true;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.pollTimer);
    await this.inFlight;
    const client = this.client;
    this.client = null;
    if (client) {
      this.lost.add(client);
      await client.end().catch(() => undefined);
    }
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.url,
      keepAlive: true,
      application_name: "reciprocity live updates",
    });
    client.on("notification", (message) => {
      if (
        message.channel === CHANGE_CHANNEL &&
        message.payload &&
        /^\d{1,19}$/.test(message.payload) &&
        !this.isClosed
      ) {
        this.options.onHead(BigInt(message.payload));
      }
    });
    client.on("error", (err) => this.drop(client, err));
    client.on("end", () => this.drop(client, new Error("the LISTEN connection ended")));
    try {
      await client.connect();
      await client.query(`listen ${CHANGE_CHANNEL}`);
      if (this.isClosed || this.lost.has(client)) {
        this.drop(client, null);
        return;
      }
      this.client = client;
      this.retryMs = RECONNECT_FIRST_MS;
      // Whatever committed while no connection was listening is read now.
      const { rows } = await client.query<{ seq: string }>(HEAD_SQL);
      if (!this.isClosed) {
        this.options.onHead(BigInt(rows[0]?.seq ?? "0"));
      }
    } catch (err) {
      this.drop(client, err);
    }
  }

  /** Forgets a connection (once) and, unless closing, connects again after the back-off. */
  private drop(client: pg.Client, err: unknown): void {
    if (this.lost.has(client)) {
      return;
    }
    this.lost.add(client);
    if (this.client === client) {
      this.client = null;
    }
    // Not awaited: on a dead socket the goodbye may never complete.
    client.end().catch(() => undefined);
    if (this.isClosed) {
      return;
    }
    if (err) {
      this.options.onError(err, `live-update connection lost; reconnecting in ${this.retryMs} ms`);
    }
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.connect(), this.retryMs);
    this.reconnectTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, RECONNECT_MAX_MS);
  }

  private schedulePoll(): void {
    this.pollTimer = setTimeout(() => {
      this.inFlight = this.poll();
    }, this.options.fallbackPollMs);
    this.pollTimer.unref();
  }

  private async poll(): Promise<void> {
    const client = this.client;
    try {
      const seq = client ? await headOver(client, this.options.fallbackPollMs) : await this.options.newestSeq();
      if (!this.isClosed) {
        this.options.onHead(BigInt(seq));
      }
    } catch (err) {
      if (client) {
        // A connection that does not answer cannot be trusted to deliver notifications either.
        this.drop(client, err);
      } else if (!this.isClosed) {
        this.options.onError(err, "reading the audit log's head failed");
      }
    }
    if (!this.isClosed) {
      this.schedulePoll();
    }
  }
}

/** Reads the head over the LISTEN connection, failing after `timeoutMs`. */
async function headOver(client: pg.Client, timeoutMs: number): Promise<string> {
  const query = client.query<{ seq: string }>(HEAD_SQL);
  query.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the LISTEN connection did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    const { rows } = await Promise.race([query, timeout]);
    return rows[0]?.seq ?? "0";
  } finally {
    clearTimeout(timer);
  }
}
