import type { ValidatorType } from "@validibot/contracts";
import type { ZodType, ZodTypeDef } from "zod";

/** A file a validator takes, by port key (CONTRACT.md: a validator selects its files by port key). */
export interface FilePortDefinition {
  /** The port key, e.g. `primary_model`, `weather_file`, `fmu`. */
  port_key: string;
  /** Whether a run needs this file. Default: true. */
  required?: boolean;
  /** Accepted MIME types; the first is used when a file comes without one. */
  mime_types: string[];
  /** Accepted file name endings (`.idf`), checked when the MIME type is not given. Default: any. */
  extensions?: string[];
  /** The input file's `role` (e.g. `primary-model`). Default: null. */
  role?: string | null;
  /** True to send the file as a resource file (e.g. a weather file). Default: false. */
  resource?: boolean;
  /** The resource file's `type` (e.g. `energyplus_weather`), when `resource` is true. */
  resource_type?: string;
  /** The largest file accepted, in bytes. Default: the service's `maxFileBytes`. */
  max_bytes?: number;
}

/** A validator a host offers: who it is, what files and inputs it takes. */
export interface ValidatorDefinition {
  /** Stable id, used in requests and envelopes. */
  id: string;
  type: ValidatorType;
  version: string;
  /** Human-readable name. Default: the id. */
  title?: string;
  file_ports: FilePortDefinition[];
  /**
   * Schema of the run's `inputs`; the parsed value (defaults filled) goes into the envelope.
   * Default: the typed contract inputs for ENERGYPLUS and FMU, any JSON object otherwise.
   */
  inputs?: ZodType<Record<string, unknown>, ZodTypeDef, unknown>;
  /** The attempt's timeout. Default: the service's `defaultTimeoutSeconds`. */
  timeout_seconds?: number;
  /**
   * The validator's default ruleset (a `Ruleset` document), applied to every run before the
   * submission's own. Default: none.
   */
  ruleset?: unknown;
}
