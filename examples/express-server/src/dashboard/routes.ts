import {
  isValidibotError,
  type RunStatus,
  RunStatus as RunStatusSchema,
} from "@validibot/contracts";
import type { ValidationService } from "@validibot/sdk";
import { type Request, type Response, Router } from "express";
import { z } from "zod";
import { validatorDescriptor } from "../http/descriptors";
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

/** The dashboard: `/` (runs), `/runs/:id` (one run), `/new` (submit by hand). Server-rendered HTML. */
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
      page = await service.listRuns({ status, cursor, limit });
    } catch (error) {
      if (isValidibotError(error) && error.code === "invalid_request") {
        badRequest(res, error.message, mode);
        return;
      }
      throw error;
    }
    const runs = (await Promise.all(page.items.map((run) => service.getRunView(run.id)))).filter(
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
    const run = await service.getRunView(id);
    if (!run) {
      sendPage(res, runNotFoundPage(id), 404, mode);
      return;
    }
    const traceId = (await service.getRun(id))?.trace_id ?? null;
    sendPage(res, runPage(run, await service.listFindings(id), traceId), 200, mode);
  });

  router.get("/new", (_req: Request, res: Response) => {
    sendPage(res, newRunPage(service.validators.map(validatorDescriptor)), 200, mode);
  });

  return router;
}
