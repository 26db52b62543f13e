import {
  isValidibotError,
  type RunStatus,
  RunStatus as RunStatusSchema,
} from "@validibot/contracts";
import type { ValidationService } from "@validibot/sdk";
import { type Request, type Response, Router } from "express";
import { z } from "zod";
import { validatorDescriptor } from "../http/descriptors";
import { accessOf } from "../security/authenticate";
import { html } from "./html";
import { sendPage } from "./layout";
import { newRunPage } from "./new-run-page";
import { runNotFoundPage, runPage } from "./run-page";
import { runsPage } from "./runs-page";

const RunsQuery = z.object({
  status: RunStatusSchema.optional(),
  cursor: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(25),
});

function badRequest(res: Response, message: string, mode: string): void {
  sendPage(
    res,
    {
      title: "Bad request",
      body: html`<h1>Bad request</h1><section class="panel"><p>${message}</p><p><a href="/">Back to the runs</a></p></section>`,
    },
    400,
    mode,
  );
}

/**
 * The dashboard: `/` (runs), `/runs/:id` (one run), `/new` (submit by hand). Server-rendered HTML,
 * behind `authenticate`: each page shows only the principal's organization's runs.
 */
export function dashboardRouter(service: ValidationService, mode: string): Router {
  const router = Router();

  router.get("/", async (req: Request, res: Response) => {
    const query = RunsQuery.safeParse(req.query);
    if (!query.success) {
      badRequest(
        res,
        query.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; "),
        mode,
      );
      return;
    }
    const { status, cursor, limit } = query.data;
    let page: Awaited<ReturnType<ValidationService["listRuns"]>>;
    try {
      page = await accessOf(res).listRuns({ status, cursor, limit });
    } catch (error) {
      if (isValidibotError(error) && error.code === "invalid_request") {
        badRequest(res, error.message, mode);
        return;
      }
      throw error;
    }
    const access = accessOf(res);
    const runs = (await Promise.all(page.items.map((run) => access.getRunView(run.id)))).filter(
      (run) => run !== null,
    );
    sendPage(
      res,
      runsPage({
        runs,
        status: (status ?? null) as RunStatus | null,
        cursor: cursor ?? null,
        nextCursor: page.next_cursor,
        limit,
      }),
      200,
      mode,
    );
  });

  router.get("/runs/:id", async (req: Request, res: Response) => {
    const id = String(req.params.id);
    res.locals.run_id = id;
    const access = accessOf(res);
    const run = await access.getRunView(id);
    if (!run) {
      sendPage(res, runNotFoundPage(id), 404, mode);
      return;
    }
    // The run was found through the caller's access; its stored record adds the trace id.
    const traceId = (await service.getRun(id))?.trace_id ?? null;
    sendPage(res, runPage(run, await access.listFindings(id), traceId), 200, mode);
  });

  router.get("/new", (_req: Request, res: Response) => {
    const csrf = typeof res.locals.csrf === "string" ? res.locals.csrf : null;
    sendPage(res, newRunPage(service.validators.map(validatorDescriptor), csrf), 200, mode);
  });

  return router;
}
