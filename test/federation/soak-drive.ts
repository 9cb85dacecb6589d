import type { MessageKind } from "../../src/federation/messages.ts";
import {
  jpManifestLine,
  MANIFEST_COLUMNS,
  usManifestLine,
  type JpExport,
  type PlannedContainer,
  type UsExport,
} from "./soak-plan.ts";

// The soak run's officers: each plan is carried out through the two nodes' own APIs, as their
// users would, so every message the run counts is one the nodes made themselves (the audit
// trigger's outbox rows) about records the receiving node holds. The Japan node goes down at
// random meanwhile: a call to it that gets no answer is tried again later, and a request whose
// creation may or may not have landed is looked up before it is asked again.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The node went away before it answered (killed, restarting, or cut off). */
export class NoAnswer extends Error {}

/** A user signed in to one node's API; signs in again when its session is gone. */
export class ApiUser {
  private cookie: string | null = null;
  constructor(
    readonly url: string,
    private readonly username: string,
    private readonly password: string,
  ) {}

  private async send(
    method: string,
    path: string,
    body: string | undefined,
    contentType: string | undefined,
  ): Promise<Response> {
    try {
      const headers: Record<string, string> = this.cookie ? { cookie: this.cookie } : {};
      if (contentType) {
        headers["content-type"] = contentType;
      }
      return await fetch(`${this.url}/api${path}`, { method, headers, body, signal: AbortSignal.timeout(60_000) });
    } catch (err) {
      throw new NoAnswer(`${method} ${path}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private signingIn: Promise<void> | null = null;

  /** One sign-in at a time: the server lets one attempt per account through at once. */
  private signIn(): Promise<void> {
    this.signingIn ??= this.signInOnce().finally(() => {
      this.signingIn = null;
    });
    return this.signingIn;
  }

  private async signInOnce(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const res = await this.send(
        "POST",
        "/session",
        JSON.stringify({ username: this.username, password: this.password }),
        "application/json",
      );
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith("reciprocity_session="));
      if (res.status === 200 && cookie) {
        this.cookie = cookie.split(";")[0] as string;
        return;
      }
      if (res.status !== 429 || attempt >= 5) {
        throw new Error(`${this.username} cannot sign in on ${this.url}: ${res.status} ${await res.text()}`);
      }
      await sleep(1_000 * Number(res.headers.get("retry-after") ?? "1"));
    }
  }

  /** Calls the API; answers the status and JSON body. Throws NoAnswer when the node did not answer. */
  async call<T>(
    method: "GET" | "POST",
    path: string,
    body?: unknown,
    contentType = "application/json",
  ): Promise<{ status: number; body: T }> {
    while (!this.cookie) {
      await this.signIn();
    }
    const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    const sentWith = this.cookie;
    let res = await this.send(method, path, payload, payload === undefined ? undefined : contentType);
    if (res.status === 401) {
      if (this.cookie === sentWith) {
        this.cookie = null;
      }
      while (!this.cookie) {
        await this.signIn();
      }
      res = await this.send(method, path, payload, payload === undefined ? undefined : contentType);
    }
    const text = await res.text().catch(() => {
      throw new NoAnswer(`${method} ${path}: the answer was cut off`);
    });
    if (res.status >= 500 && res.status !== 501) {
      // A node shutting down mid-request answers 5xx: the same as no answer for the caller.
      throw new NoAnswer(`${method} ${path}: ${res.status} ${text.slice(0, 200)}`);
    }
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  }

  /** Like call, but anything other than 2xx is a failure of the run. */
  async must<T>(method: "GET" | "POST", path: string, body?: unknown, contentType?: string): Promise<T> {
    const answer = await this.call<T>(method, path, body, contentType);
    if (answer.status >= 300) {
      throw new Error(
        `${this.username}: ${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`,
      );
    }
    return answer.body;
  }

  /** Every item of a paged list. */
  async all<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const sep = path.includes("?") ? "&" : "?";
      const page: { items: T[]; nextCursor: string | null } = await this.must(
        "GET",
        `${path}${sep}limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  }
}

export interface Officers {
  usAdmin: ApiUser;
  usTargeter: ApiUser;
  usSupervisor: ApiUser;
  usOfficer: ApiUser;
  jpTargeter: ApiUser;
}

/** Where a container's plan stands. */
type Step =
  | "copy" // waiting for the other node's copy of the shipment
  | "ask" // the request is to be made (on the copy)
  | "host" // waiting for the host node to hold the request
  | "decide"
  | "scan"
  | "dispose"
  | "release"
  | "withdraw"
  | "occupancies"
  | "done";

interface Progress {
  plan: PlannedContainer;
  step: Step;
  copyId?: string;
  /** The request on the node that asked (Japan for US exports, the US for Japanese ones). */
  askedId?: string;
  /** A creation whose answer never came: look before asking again. */
  isUnsure?: boolean;
  /** The request on the host node (US exports). */
  hostId?: string;
  scansDone: number;
}

export interface DriveOptions {
  officers: Officers;
  plans: PlannedContainer[];
  /** Containers worked at once (the next ones are filed as earlier ones finish). */
  window?: number;
  /** Queues the portal occupancies of a Japanese export on the US node, or null when they were queued before the run. */
  queueOccupancies: ((plan: JpExport) => Promise<void>) | null;
  log?: (line: string) => void;
}

/** Carries out every plan through the nodes' APIs; resolves when every container's plan is done. */
export async function drivePlans(options: DriveOptions): Promise<{ apiCalls: number; retriedCalls: number }> {
  const { officers } = options;
  const window = options.window ?? 60;
  const waiting = [...options.plans];
  const active: Progress[] = [];
  const stats = { apiCalls: 0, retriedCalls: 0 };
  let filed = 0;
  while (waiting.length > 0 || active.length > 0) {
    if (active.length < window / 2 && waiting.length > 0) {
      const wave = waiting.splice(0, window - active.length);
      await fileUsExports(
        officers.usAdmin,
        wave.filter((p): p is UsExport => p.side === "us"),
        filed,
      );
      filed += 1;
      for (const plan of wave) {
        active.push({ plan, step: firstStep(plan), scansDone: 0 });
      }
    }
    const lookups = await lookUp(officers, active);
    let moved = 0;
    for (const item of active) {
      try {
        stats.apiCalls += 1;
        if (await advance(options, item, lookups)) {
          moved += 1;
        }
      } catch (err) {
        if (!(err instanceof NoAnswer)) {
          throw err;
        }
        stats.retriedCalls += 1;
      }
    }
    for (let i = active.length - 1; i >= 0; i--) {
      if (active[i]?.step === "done") {
        active.splice(i, 1);
      }
    }
    if (moved === 0) {
      await sleep(250);
    }
  }
  options.log?.(`all ${options.plans.length} containers' plans carried out`);
  return stats;
}

function firstStep(plan: PlannedContainer): Step {
  if (plan.side === "us") {
    return plan.request ? "copy" : "done";
  }
  return plan.request ? "copy" : "occupancies";
}

/** Files the original of each US export, then each round of amendments, as carriers' CSV files. */
async function fileUsExports(admin: ApiUser, plans: UsExport[], wave: number): Promise<void> {
  const filings = (p: UsExport) => p.consignees.length + (p.cancelled ? 1 : 0);
  const rounds = Math.max(0, ...plans.map(filings));
  for (let version = 1; version <= rounds; version++) {
    const lines = plans.filter((p) => filings(p) >= version).map((p) => usManifestLine(p, version));
    const report = await admin.must<{ inserted: number; replaced: number; cancelled: number }>(
      "POST",
      `/manifests?format=csv&fileName=soak-${wave}-v${version}.csv`,
      [MANIFEST_COLUMNS, ...lines].join("\n"),
      "text/csv",
    );
    const stored = report.inserted + report.replaced + report.cancelled;
    if (stored !== lines.length) {
      throw new Error(
        `the US node stored ${stored} of ${lines.length} filings of wave ${wave} v${version}: ${JSON.stringify(report).slice(0, 400)}`,
      );
    }
  }
}

/** The lines of a Japanese export manifest (filed on the Japan node before the run). */
export function jpManifest(plans: JpExport[]): string {
  return [MANIFEST_COLUMNS, ...plans.map(jpManifestLine)].join("\n");
}

interface Lookups {
  /** Copies by bill of lading, on the node that asks. */
  jpCopies: Map<string, string>;
  usCopies: Map<string, string>;
  /** Requests by container: those Japan made (its own ids), and those the US node hosts for Japan. */
  jpAsked: Map<string, string> | null;
  usHosted: Map<string, string>;
}

/** Reads what the steps due this turn wait for, one list per kind of wait. */
async function lookUp(officers: Officers, active: Progress[]): Promise<Lookups> {
  const lookups: Lookups = { jpCopies: new Map(), usCopies: new Map(), jpAsked: null, usHosted: new Map() };
  const needs = (side: "us" | "jp", ...steps: Step[]) =>
    active.some((a) => a.plan.side === side && steps.includes(a.step));
  const read = async (
    user: ApiUser,
    path: string,
    into: Map<string, string>,
    key: (item: Record<string, string>) => string,
  ): Promise<boolean> => {
    try {
      for (const item of await user.all<Record<string, string>>(path)) {
        into.set(key(item), item.id as string);
      }
      return true;
    } catch (err) {
      if (!(err instanceof NoAnswer)) {
        throw err;
      }
      return false;
    }
  };
  if (needs("us", "copy")) {
    await read(officers.jpTargeter, "/shipments?port=JPYOK", lookups.jpCopies, (s) => s.billOfLading as string);
  }
  if (active.some((a) => a.plan.side === "us" && a.step === "ask" && a.isUnsure)) {
    const asked = new Map<string, string>();
    lookups.jpAsked = (await read(
      officers.jpTargeter,
      "/inspection-requests?party=requester",
      asked,
      (r) => r.containerNo as string,
    ))
      ? asked
      : null;
  }
  if (needs("us", "host")) {
    await read(
      officers.usSupervisor,
      "/inspection-requests?party=host&status=requested",
      lookups.usHosted,
      (r) => r.containerNo as string,
    );
  }
  if (needs("jp", "copy")) {
    await read(officers.usTargeter, "/shipments?port=USLAX", lookups.usCopies, (s) => s.billOfLading as string);
  }
  return lookups;
}

/** Takes the container's next step if it can; true when it moved. */
async function advance(options: DriveOptions, item: Progress, lookups: Lookups): Promise<boolean> {
  const { officers } = options;
  const plan = item.plan;
  switch (item.step) {
    case "copy": {
      const copyId = (plan.side === "us" ? lookups.jpCopies : lookups.usCopies).get(plan.bill);
      if (!copyId) {
        return false;
      }
      item.copyId = copyId;
      item.step = "ask";
      return true;
    }
    case "ask": {
      const asker = plan.side === "us" ? officers.jpTargeter : officers.usTargeter;
      if (item.isUnsure) {
        // Whether the creation landed is known only from the node's own list of its requests.
        if (!lookups.jpAsked) {
          return false;
        }
        const made = lookups.jpAsked.get(plan.container);
        if (made) {
          item.askedId = made;
          item.isUnsure = false;
          item.step = "host";
          return true;
        }
      }
      item.isUnsure = true;
      const created = await asker.must<{ id: string }>("POST", "/inspection-requests", {
        shipmentId: item.copyId,
        containerNo: plan.container,
        reason:
          plan.side === "us"
            ? "Consignee changed after the original filing"
            : "Tiles from a quarry with high NORM readings",
        priority: "high",
        scansRequested: ["radiation_portal"],
      });
      item.isUnsure = false;
      item.askedId = created.id;
      item.step = plan.side === "us" ? "host" : plan.request?.withdrawn ? "withdraw" : "occupancies";
      return true;
    }
    case "host": {
      const hostId = lookups.usHosted.get(plan.container);
      if (!hostId) {
        return false;
      }
      item.hostId = hostId;
      item.step = "decide";
      return true;
    }
    case "decide": {
      const request = (plan as UsExport).request;
      const body =
        request?.decision === "decline"
          ? { decision: "decline", reasonCode: "no_capacity", reason: "No scanner slot before the loading cut-off" }
          : { decision: "accept" };
      await officers.usSupervisor.must("POST", `/inspection-requests/${item.hostId}/decision`, body);
      item.step = request?.decision === "decline" ? "done" : "scan";
      return true;
    }
    case "scan": {
      const request = (plan as UsExport).request;
      const scan = request?.scans[item.scansDone];
      if (!request || !scan) {
        item.step = "dispose";
        return true;
      }
      await officers.usOfficer.must("POST", `/inspection-requests/${item.hostId}/scans`, {
        ...scan,
        notes: `Lane ${1 + (item.scansDone % 4)}, ${scan.outcome.replace("_", " ")}`,
      });
      item.scansDone += 1;
      if (item.scansDone >= request.scans.length) {
        item.step = "dispose";
      }
      return true;
    }
    case "dispose": {
      const request = (plan as UsExport).request;
      if (!request?.disposition) {
        item.step = "done";
        return true;
      }
      await officers.usSupervisor.must("POST", `/inspection-requests/${item.hostId}/disposition`, {
        disposition: request.disposition,
        note: `Disposed as ${request.disposition}`,
      });
      item.step = request.holdReleased ? "release" : "done";
      return true;
    }
    case "release":
      await officers.usSupervisor.must("POST", `/inspection-requests/${item.hostId}/hold-release`, {
        reason: "Isotope identification found naturally occurring K-40 only",
      });
      item.step = "done";
      return true;
    case "withdraw":
      await officers.usTargeter.must("POST", `/inspection-requests/${item.askedId}/withdrawal`, {
        reason: "Importer provided a radiation survey certificate",
      });
      item.step = "occupancies";
      return true;
    case "occupancies":
      await options.queueOccupancies?.(plan as JpExport);
      item.step = "done";
      return true;
    case "done":
      return false;
  }
}

/** The body of the k-th portal occupancy of a Japanese export at the US port. */
export function occupancyBody(
  plan: JpExport,
  k: number,
  at: Date,
): { kind: MessageKind; subject: string; body: Record<string, unknown> } {
  const started = new Date(at.getTime() + k * 3_600_000);
  const ended = new Date(started.getTime() + 12_000);
  const alarm = (Number(plan.container.slice(4, 10)) + k) % 5 === 0;
  return {
    kind: "portal.occupancy",
    subject: `container:${plan.container}`,
    body: {
      occupancyId: `RPM-USLAX-04-${plan.container}-${k + 1}`,
      portal: "RPM-USLAX-04",
      locode: "USLAX",
      containerNo: plan.container,
      startedAt: started.toISOString(),
      endedAt: ended.toISOString(),
      grossGamma: alarm ? [1210, 1480, 2350, 1530, 1250] : [1210, 1236, 1251, 1229, 1214],
      grossNeutron: [3, 2, 4, 3, 2],
      alarms: alarm ? [{ kind: "gamma", at: new Date(started.getTime() + 6_000).toISOString(), sigma: 6.1 }] : [],
      analysis: alarm
        ? { verdict: "naturally_occurring", nuclides: ["K-40", "Th-232"], note: "ceramic tiles" }
        : { verdict: "no_alarm", nuclides: [], note: null },
      n42: null,
    },
  };
}
