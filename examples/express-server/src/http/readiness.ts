import { randomUUID } from "node:crypto";
import { statfs } from "node:fs/promises";
import type { StorageAdapter, ValidationService } from "@validibot/sdk";
import { DEFAULT_RETRY_AFTER_SECONDS } from "@validibot/sdk/express";
import { Router } from "express";

/** Below this much free space on the data folder's disk, the store is reported not ready. */
export const MIN_FREE_BYTES = 16 * 1024 * 1024;

/** How long one readiness check may take before it counts as failed. */
const CHECK_TIMEOUT_MS = 5_000;

/** What `/readyz` checks. */
export interface ReadinessOptions {
  service: ValidationService;
  storage: StorageAdapter;
  /**
   * The folder of the SQLite file, whose disk must have `minFreeBytes` free; null when the store
   * is elsewhere (PostgreSQL). Default: null.
   */
  dataDir?: string | null;
  /** Default: `MIN_FREE_BYTES` (16 MiB). */
  minFreeBytes?: number;
}

/** One part's result. */
interface CheckResult {
  ok: boolean;
  error?: string;
}

async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function check(work: () => Promise<void>): Promise<CheckResult> {
  try {
    await within(CHECK_TIMEOUT_MS, work());
    return { ok: true };
  } catch (error) {
    return { ok: false, error: (error as Error).message || String(error) };
  }
}

/** Writes, reads back and deletes a small object: what every submission needs of the storage. */
async function probeStorage(storage: StorageAdapter): Promise<void> {
  const key = `readiness/probe-${randomUUID()}`;
  const text = `readyz ${new Date().toISOString()}`;
  try {
    await storage.put(key, text, { contentType: "text/plain" });
    const chunks: Buffer[] = [];
    for await (const chunk of await storage.get(key, { maxBytes: 1024 })) {
      chunks.push(Buffer.from(chunk as Uint8Array));
    }
    if (Buffer.concat(chunks).toString("utf8") !== text) {
      throw new Error("the probe object read back differs from what was written");
    }
  } finally {
    await storage.delete(key).catch(() => {});
  }
}

/**
 * `GET /readyz`: whether this server can take work now, part by part: `store` (the run store
 * answers a read, and the SQLite file's disk has room) and `storage` (a write, read and delete of a
 * probe object). 200 `{ status: "ready", checks }` when every part passes; otherwise 503 with
 * `Retry-After`, `code` (`store_unavailable` or `storage_unavailable`, the first failing part),
 * `failed` naming every failing part and `checks` saying why. `/healthz` stays the liveness
 * check (the process answers); this one is what a load balancer or orchestrator should route by.
 */
export function readinessRouter(options: ReadinessOptions): Router {
  const router = Router();
  const minFree = options.minFreeBytes ?? MIN_FREE_BYTES;
  router.get("/readyz", async (_req, res) => {
    const [store, storage] = await Promise.all([
      check(async () => {
        await options.service.listRuns({ limit: 1 });
        if (options.dataDir) {
          const disk = await statfs(options.dataDir);
          const free = Number(disk.bavail) * Number(disk.bsize);
          if (free < minFree) {
            throw new Error(`the disk of the run store has ${free} bytes free (below ${minFree})`);
          }
        }
      }),
      check(() => probeStorage(options.storage)),
    ]);
    const checks = { store, storage };
    const failed = (Object.keys(checks) as (keyof typeof checks)[]).filter(
      (part) => !checks[part].ok,
    );
    res.setHeader("cache-control", "no-store");
    if (failed.length === 0) {
      res.json({ status: "ready", checks });
      return;
    }
    res.setHeader("retry-after", String(DEFAULT_RETRY_AFTER_SECONDS));
    res.status(503).json({
      status: "unavailable",
      code: failed[0] === "store" ? "store_unavailable" : "storage_unavailable",
      message: `not ready: ${failed.map((part) => `${part}: ${checks[part].error}`).join("; ")}`,
      failed,
      checks,
    });
  });
  return router;
}
