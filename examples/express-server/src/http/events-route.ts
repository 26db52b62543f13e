import type { Run } from "@validibot/contracts";
import { requireScope } from "@validibot/sdk/access";
import type { Request, Response } from "express";
import { accessOf } from "../security/authenticate";
import type { RunFeed } from "./run-feed";

/** How often an idle stream gets a comment line, so proxies keep it open. */
const HEARTBEAT_MS = 15_000;

/**
 * `GET /events`: Server-Sent Events, one `run` event (the run as the API shows it) whenever a run
 * changes; `?run=<id>` narrows it to one run. Behind `authenticate`: only runs of the token's
 * organization are sent, and only to a token with `runs:read`. Clients reconnect on their own (`retry: 2000`).
 * `closeAll()` ends every open stream, for shutdown.
 */
export class EventsRoute {
  readonly #feed: RunFeed;
  readonly #view: (id: string) => Promise<Run | null>;
  readonly #open = new Set<Response>();

  constructor(feed: RunFeed, view: (id: string) => Promise<Run | null>) {
    this.#feed = feed;
    this.#view = view;
  }

  /** The Express handler. */
  readonly handle = (req: Request, res: Response): void => {
    const access = accessOf(res);
    requireScope(access.principal, "runs:read");
    const only = typeof req.query.run === "string" ? req.query.run : null;
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
    });
    res.write("retry: 2000\n\n");
    this.#open.add(res);
    const unsubscribe = this.#feed.subscribe((runId) => {
      if (only !== null && runId !== only) return;
      this.#view(runId).then(
        (run) => {
          if (run && access.owns(run) && !res.writableEnded)
            res.write(`event: run\nid: ${run.updated_at}\ndata: ${JSON.stringify(run)}\n\n`);
        },
        () => {},
      );
    });
    const heartbeat = setInterval(() => res.write(": ping\n\n"), HEARTBEAT_MS);
    heartbeat.unref();
    res.on("close", () => {
      clearInterval(heartbeat);
      unsubscribe();
      this.#open.delete(res);
    });
  };

  /** Ends every open stream. */
  closeAll(): void {
    for (const res of this.#open) res.end();
    this.#open.clear();
  }
}
