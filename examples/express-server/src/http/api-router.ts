import { pipeline } from "node:stream/promises";
import { ListRunsQuery, ValidibotError } from "@validibot/contracts";
import type { ValidationService } from "@validibot/sdk";
import { type ApiScope, requireScope } from "@validibot/sdk/access";
import { type Request, type RequestHandler, type Response, Router } from "express";
import { z } from "zod";
import { accessOf } from "../security/authenticate";
import { createRunHandler } from "./create-run";
import { validatorDescriptor } from "./descriptors";
import { invalidRequest } from "./errors";
import { UploadSlots } from "./upload-slots";

const RunParams = z.object({ id: z.string().min(1).max(200) });
const ArtifactParams = RunParams.extend({ name: z.string().min(1).max(255) });

function parse<T extends z.ZodTypeAny>(schema: T, value: unknown, where: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidRequest(where, parsed.error);
  return parsed.data;
}

function runParams(req: Request, res: Response): { id: string } {
  const params = parse(RunParams, req.params, "params");
  res.locals.run_id = params.id;
  return params;
}

/** `attachment; filename="..."; filename*=UTF-8''...`, safe for any artifact name. */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** Options of `apiRouter`. */
export interface ApiRouterOptions {
  /**
   * Run uploads read at once; one more is answered 503 `too_many_uploads` with `Retry-After`.
   * Default: 8.
   */
  maxConcurrentUploads?: number;
}

/** Refuses (403 `api_scope_insufficient`) before anything is read when the token lacks `scope`. */
function needs(scope: ApiScope): RequestHandler {
  return (_req, res, next) => {
    requireScope(accessOf(res).principal, scope);
    next();
  };
}

/**
 * The runs API of `runsContract` under `/api/v1`, as thin Express handlers over the
 * framework-free service: params, query and body checked with the contract's zod schemas, every
 * error the contract's error body. Behind `authenticate`: every handler goes through the
 * request's `RunAccess`, so a token sees only its organization's runs (another's is
 * `run_not_found`) and needs `runs:read`, `runs:write` or `runs:cancel`.
 */
export function apiRouter(service: ValidationService, options: ApiRouterOptions = {}): Router {
  const router = Router();
  const slots = new UploadSlots(options.maxConcurrentUploads ?? 8);
  const descriptors = service.validators.map(validatorDescriptor);

  router.get("/api/v1/validators", (_req, res) => {
    res.json({ items: descriptors });
  });

  router.post("/api/v1/validation-runs", needs("runs:write"), createRunHandler(service, slots));

  router.get("/api/v1/validation-runs", async (req, res) => {
    const query = parse(ListRunsQuery, req.query, "query");
    const access = accessOf(res);
    const page = await access.listRuns(query);
    const items = await Promise.all(page.items.map((run) => access.getRunView(run.id)));
    res.json({ items: items.filter((run) => run !== null), next_cursor: page.next_cursor });
  });

  router.get("/api/v1/validation-runs/:id", async (req, res) => {
    const { id } = runParams(req, res);
    const run = await accessOf(res).getRunView(id);
    if (!run) throw new ValidibotError("run_not_found", `no run ${id}`);
    res.json(run);
  });

  router.post("/api/v1/validation-runs/:id/cancel", async (req, res) => {
    const { id } = runParams(req, res);
    const access = accessOf(res);
    await access.cancel(id);
    res.json(await access.getRunView(id));
  });

  router.get("/api/v1/validation-runs/:id/findings", async (req, res) => {
    const { id } = runParams(req, res);
    res.json({ items: await accessOf(res).listFindings(id) });
  });

  router.get("/api/v1/validation-runs/:id/artifacts/:name", async (req, res) => {
    const { id, name } = parse(ArtifactParams, req.params, "params");
    res.locals.run_id = id;
    const { artifact, stream } = await accessOf(res).openArtifact(id, name);
    // setHeader, not res.set: Express would add a charset the artifact may not have.
    res.status(200);
    res.setHeader("content-type", artifact.mime_type ?? "application/octet-stream");
    res.setHeader("content-length", String(artifact.size_bytes));
    res.setHeader("content-disposition", contentDisposition(artifact.name));
    res.setHeader("x-content-type-options", "nosniff");
    res.setHeader("etag", `"sha256-${artifact.sha256}"`);
    // Once bytes are out, a failure can only cut the response short.
    await pipeline(stream, res).catch(() => res.destroy());
  });

  return router;
}
