/**
 * Watches: one chunked HTTP response per watch, one JSON line per event, as kube-apiserver streams them.
 *
 * Where a watch starts (kube's rules): without a resourceVersion, or with "0", it first sends the current
 * objects as ADDED; from a version N it sends every write after N, from the store's history, then live ones;
 * if those writes are no longer kept it sends one ERROR event carrying a 410 Expired Status and ends, which
 * tells a client to list again. `sendInitialEvents=true` sends the current objects and then a BOOKMARK
 * annotated `k8s.io/initial-events-end` (the WatchList protocol).
 *
 * Selectors apply to the object before and after each write, as the watch cache does: an object that
 * starts matching arrives as ADDED, one that stops matching as DELETED (its old state with the new version).
 * With `allowWatchBookmarks=true` a BOOKMARK carrying the current version goes out every bookmark interval.
 * A watch ends cleanly after `timeoutSeconds` (else the server's default), or is cut by the test controls.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Registry } from "./registry.js";
import { groupVersion, type ResourceType } from "./resources.js";
import type { Selector } from "./selectors.js";
import { ApiError } from "./status.js";
import type { Store, StoreEvent } from "./store.js";
import { toTable } from "./table.js";
import type { JsonObject, KubeObject } from "./types.js";

export interface WatchRequest {
  readonly resource: ResourceType;
  /** null: every namespace. */
  readonly namespace: string | null;
  readonly selector: Selector;
  readonly resourceVersion: string | null;
  readonly allowBookmarks: boolean;
  readonly sendInitialEvents: boolean | null;
  readonly timeoutSeconds: number | null;
  /** Objects as Table rows (`kubectl get -w`): column definitions in the first event only. */
  readonly table: boolean;
}

export interface WatchOptions {
  readonly bookmarkIntervalMs: number;
  readonly defaultTimeoutSeconds: number;
}

type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";

interface OpenWatch {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  stop(): void;
}

export class Watches {
  private readonly open = new Set<OpenWatch>();

  constructor(
    private readonly store: Store,
    private readonly registry: Registry,
    private readonly options: WatchOptions,
  ) {}

  count(): number {
    return this.open.size;
  }

  /** Destroys every watch connection mid-stream: what a client sees when an API server or a load balancer
   *  in front of it goes away (no final chunk; the client's body stream errors). */
  cut(): number {
    const n = this.open.size;
    for (const w of [...this.open]) {
      w.stop();
      w.req.socket.destroy();
    }
    return n;
  }

  /** Ends every watch cleanly, as the server does when a watch's timeout expires. */
  end(): number {
    const n = this.open.size;
    for (const w of [...this.open]) {
      w.stop();
      w.res.end();
    }
    return n;
  }

  serve(req: IncomingMessage, res: ServerResponse, w: WatchRequest): void {
    const r = w.resource;
    let columnsSent = false;
    const write = (type: WatchEventType, object: JsonObject): void => {
      let out = object;
      if (w.table && type !== "BOOKMARK" && type !== "ERROR") {
        out = toTable(r, [object as KubeObject], {}, new Date(), !columnsSent);
        columnsSent = true;
      }
      res.write(`${JSON.stringify({ type, object: out })}\n`);
    };
    const inScope = (e: StoreEvent): boolean =>
      e.storage === r.storage && (w.namespace === null || !r.namespaced || e.namespace === w.namespace);
    const deliver = (e: StoreEvent): void => {
      if (!inScope(e)) return;
      const now = w.selector.matches(e.object);
      const before = e.previous !== undefined && w.selector.matches(e.previous);
      const view = (o: KubeObject): KubeObject => this.registry.view(r, o);
      if (e.type === "ADDED") {
        if (now) write("ADDED", view(e.object));
      } else if (e.type === "DELETED") {
        if (before) write("DELETED", view(e.object));
      } else if (now && before) write("MODIFIED", view(e.object));
      else if (now) write("ADDED", view(e.object));
      else if (before) {
        const gone = structuredClone(e.previous!);
        gone.metadata.resourceVersion = String(e.rv);
        write("DELETED", view(gone));
      }
    };
    const bookmark = (annotations?: Record<string, string>): void => {
      const metadata: JsonObject = {
        resourceVersion: String(this.store.currentRv()),
        creationTimestamp: null,
      };
      if (annotations) metadata.annotations = annotations;
      write("BOOKMARK", { kind: r.kind, apiVersion: groupVersion(r), metadata });
    };

    // Work out the replay before subscribing, in the same turn of the event loop: nothing can be written in
    // between, so no write is lost or sent twice.
    const rv = w.resourceVersion ?? "";
    const initial = w.sendInitialEvents ?? (rv === "" || rv === "0");
    let replay: StoreEvent[] = [];
    let failure: ApiError | undefined;
    if (!initial && rv !== "" && rv !== "0") {
      try {
        replay = this.store.eventsAfter(Number(rv));
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        failure = err;
      }
    }
    const current = initial
      ? this.store
          .list(r.storage, r.namespaced ? w.namespace : null)
          .filter((o) => w.selector.matches(o))
          .map((o) => this.registry.view(r, o))
      : [];

    res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-cache, private" });
    res.flushHeaders();
    if (failure) {
      write("ERROR", failure.toStatus());
      res.end();
      return;
    }
    for (const o of current) write("ADDED", o);
    for (const e of replay) deliver(e);
    if (w.sendInitialEvents === true) bookmark({ "k8s.io/initial-events-end": "true" });

    const unsubscribe = this.store.subscribe(deliver);
    const ticker = w.allowBookmarks
      ? setInterval(() => bookmark(), this.options.bookmarkIntervalMs)
      : undefined;
    // kube-apiserver treats 0 like no timeout given: its default applies.
    const timeoutSeconds = w.timeoutSeconds || this.options.defaultTimeoutSeconds;
    const timer = setTimeout(() => {
      stop();
      res.end();
    }, timeoutSeconds * 1000);
    const entry: OpenWatch = { req, res, stop: () => stop() };
    const stop = (): void => {
      unsubscribe();
      clearInterval(ticker);
      clearTimeout(timer);
      this.open.delete(entry);
    };
    this.open.add(entry);
    res.on("close", stop);
  }
}
