import { initContract } from "@ts-rest/core";
import { z } from "zod";
import { ErrorBody } from "../errors";
import { Finding, Run, RunPage, RunStatus, ValidatorDescriptor } from "./resources";

const c = initContract();

/**
 * The multipart form of a new run: field `validator` (the validator id), field `inputs` (JSON
 * text), and one file field per port key. Typed loosely because the file fields are dynamic.
 */
export const CreateRunForm = z
  .object({ validator: z.string().min(1), inputs: z.string().optional() })
  .passthrough();
/** The multipart form of a new run. */
export type CreateRunForm = z.infer<typeof CreateRunForm>;

/** Query of the run list: optional status filter, page size (1-200, default 50) and cursor. */
export const ListRunsQuery = z.object({
  status: RunStatus.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
});
/** Query of the run list. */
export type ListRunsQuery = z.infer<typeof ListRunsQuery>;

/** The runs API of the reference server (ts-rest contract). */
export const runsContract = c.router(
  {
    createRun: {
      method: "POST",
      path: "/validation-runs",
      contentType: "multipart/form-data",
      body: CreateRunForm,
      responses: { 201: Run, 400: ErrorBody, 404: ErrorBody, 413: ErrorBody, 415: ErrorBody },
      summary: "Submit files and inputs to a validator",
    },
    getRun: {
      method: "GET",
      path: "/validation-runs/:id",
      responses: { 200: Run, 404: ErrorBody },
      summary: "One run",
    },
    listRuns: {
      method: "GET",
      path: "/validation-runs",
      query: ListRunsQuery,
      responses: { 200: RunPage, 400: ErrorBody },
      summary: "Runs, newest first",
    },
    cancelRun: {
      method: "POST",
      path: "/validation-runs/:id/cancel",
      body: c.noBody(),
      responses: { 200: Run, 404: ErrorBody, 409: ErrorBody },
      summary: "Cancel a run that has not ended",
    },
    listFindings: {
      method: "GET",
      path: "/validation-runs/:id/findings",
      responses: { 200: z.object({ items: z.array(Finding) }), 404: ErrorBody },
      summary: "A run's findings",
    },
    downloadArtifact: {
      method: "GET",
      path: "/validation-runs/:id/artifacts/:name",
      responses: {
        200: c.otherResponse({ contentType: "application/octet-stream", body: z.unknown() }),
        404: ErrorBody,
      },
      summary: "An artifact's bytes, streamed",
    },
    listValidators: {
      method: "GET",
      path: "/validators",
      responses: { 200: z.object({ items: z.array(ValidatorDescriptor) }) },
      summary: "The validators this server offers",
    },
  },
  { pathPrefix: "/api/v1" },
);
