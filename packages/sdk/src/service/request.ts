import type { PutBody } from "../storage/types";

/** A file of a submission, by port key. */
export interface SubmitFile {
  /** The validator's port this file feeds, e.g. `primary_model`. */
  port_key: string;
  /**
   * The file's name, kept as its display name: a safe leaf name of at most 255 UTF-8 bytes
   * without control or direction characters (else `file_unsafe_name`). The storage key and the
   * envelope's `name` are derived from it, never the name itself.
   */
  name: string;
  /** Its MIME type. Default: inferred from the name's extension. */
  mime_type?: string;
  /** The bytes: a buffer, text, or a stream (streamed to storage, never buffered). */
  body: PutBody;
}

/** What a host submits for validation. */
export interface SubmitRequest {
  /** The id of one of the service's validators. */
  validatorId: string;
  /** The run's inputs, checked against the validator's schema. Default: `{}`. */
  inputs?: unknown;
  /**
   * One file per port key: a list, checked whole before anything is stored, or an async iterable
   * of files that arrive one after another (a multipart upload read as it streams in), each
   * checked as it comes. The first streamed file is pulled and checked before the run is created,
   * so a bad first file (or none for a required port) throws with no run made; a later streamed
   * file the request got wrong (unknown port, wrong type, a name that cannot be shown, a required
   * port left empty when the iterable ends, or the iterable throwing) ends the already-created
   * run `FAILED` / `VALIDATION_FAILED` and throws.
   */
  files?: SubmitFile[] | AsyncIterable<SubmitFile>;
  /** The owning organization. Default: the service's `defaultOrg`. */
  org?: { id: string; name: string };
  /** The workflow step this run belongs to. Default: workflow `default`, step = the validator id. */
  workflow?: { id: string; step_id: string; step_name?: string | null };
  /** Free tags carried into the envelope's context. */
  tags?: string[];
  /**
   * A ruleset document (`Ruleset`) applied after the validator's default one. Invalid: throws
   * `ruleset_invalid` before anything is stored. Default: none.
   */
  ruleset?: unknown;
}
