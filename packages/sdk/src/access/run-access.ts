import type { Readable } from "node:stream";
import { type Finding, type Run, ValidibotError } from "@validibot/contracts";
import type { ArtifactRecord, MetricRecord, RunRecord } from "../model";
import type { SubmitRequest } from "../service/request";
import type { ValidationService } from "../service/service";
import type { ListRunsOptions, RunListPage } from "../store/types";
import { requireScope } from "./api-tokens";
import type { Principal } from "./types";

/**
 * The validation service as one principal may use it: every read needs `runs:read`, submitting
 * `runs:write`, cancelling `runs:cancel`, and only runs of the principal's organization exist
 * for it. Another organization's run is `run_not_found`, exactly like a run that does not exist,
 * so a token learns nothing about other tenants. Submissions belong to the principal's
 * organization whatever the request says.
 */
export class RunAccess {
  readonly #service: ValidationService;
  /** Who is asking. */
  readonly principal: Principal;

  constructor(service: ValidationService, principal: Principal) {
    this.#service = service;
    this.principal = principal;
  }

  /** Whether a run belongs to the principal's organization (nothing about scopes). */
  owns(run: { org_id: string }): boolean {
    return run.org_id === this.principal.org.id;
  }

  /** The principal's organization's runs, newest first. */
  async listRuns(options: Omit<ListRunsOptions, "orgId"> = {}): Promise<RunListPage> {
    requireScope(this.principal, "runs:read");
    return this.#service.listRuns({ ...options, orgId: this.principal.org.id });
  }

  /** A run of the principal's organization, or null (also for another organization's). */
  async getRun(id: string): Promise<RunRecord | null> {
    requireScope(this.principal, "runs:read");
    const run = await this.#service.getRun(id);
    return run && this.owns(run) ? run : null;
  }

  /** A run as the runs API shows it, or null (also for another organization's). */
  async getRunView(id: string): Promise<Run | null> {
    requireScope(this.principal, "runs:read");
    const run = await this.#service.getRunView(id);
    return run && this.owns(run) ? run : null;
  }

  /** A run's findings; `run_not_found` for another organization's run. */
  async listFindings(id: string): Promise<Finding[]> {
    await this.#requireRun(id);
    return this.#service.listFindings(id);
  }

  /** A run's metrics; `run_not_found` for another organization's run. */
  async listMetrics(id: string): Promise<MetricRecord[]> {
    await this.#requireRun(id);
    return this.#service.listMetrics(id);
  }

  /** A run's artifacts; `run_not_found` for another organization's run. */
  async listArtifacts(id: string): Promise<ArtifactRecord[]> {
    await this.#requireRun(id);
    return this.#service.listArtifacts(id);
  }

  /** An artifact's bytes; `run_not_found` for another organization's run. */
  async openArtifact(
    id: string,
    name: string,
  ): Promise<{ artifact: ArtifactRecord; stream: Readable }> {
    await this.#requireRun(id);
    return this.#service.openArtifact(id, name);
  }

  /** Submits a run owned by the principal's organization (needs `runs:write`). */
  async submit(request: Omit<SubmitRequest, "org">): Promise<RunRecord> {
    requireScope(this.principal, "runs:write");
    return this.#service.submit({ ...request, org: this.principal.org });
  }

  /** Cancels a run (needs `runs:cancel`); `run_not_found` for another organization's run. */
  async cancel(id: string): Promise<RunRecord> {
    requireScope(this.principal, "runs:cancel");
    const run = await this.#service.getRun(id);
    if (!run || !this.owns(run)) throw new ValidibotError("run_not_found", `no run ${id}`);
    return this.#service.cancel(id);
  }

  async #requireRun(id: string): Promise<void> {
    if (!(await this.getRun(id))) throw new ValidibotError("run_not_found", `no run ${id}`);
  }
}
