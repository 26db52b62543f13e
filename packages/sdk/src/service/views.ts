import type { Run } from "@validibot/contracts";
import { countResults } from "../assertions";
import type { RunRecord } from "../model";
import type { RunStore } from "../store/types";

/** A run as the runs API shows it: the record with its finding counts, metrics and artifacts. */
export async function runView(store: RunStore, run: RunRecord): Promise<Run> {
  const [counts, metrics, artifacts] = await Promise.all([
    store.countFindings(run.id),
    store.listMetrics(run.id),
    store.listArtifacts(run.id),
  ]);
  return {
    id: run.id,
    validator_id: run.validator_id,
    validator_type: run.validator_type,
    status: run.status,
    error_category: run.error_category,
    error_message: run.error_message,
    result_status: run.result_status,
    org_id: run.org_id,
    inputs: run.inputs,
    files: run.files,
    attempt_count: run.attempt_count,
    created_at: run.created_at,
    updated_at: run.updated_at,
    started_at: run.started_at,
    finished_at: run.finished_at,
    deadline_at: run.deadline_at,
    finding_counts: counts,
    metrics: metrics.map(({ name, value, unit, category, tags }) => ({
      name,
      value,
      unit,
      category,
      tags,
    })),
    artifacts: artifacts.map(({ name, type, mime_type, size_bytes, sha256 }) => ({
      name,
      type,
      mime_type,
      size_bytes,
      sha256,
    })),
    assertions: countResults(run.assertion_results),
    assertion_results: run.assertion_results,
    ruleset_sha256: run.ruleset_sha256,
  };
}
