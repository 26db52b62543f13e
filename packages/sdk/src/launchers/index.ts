export * from "./cloud-run-errors";
export * from "./cloud-run-job-launcher";
export * from "./cloud-run-status";
export * from "./contract-env";
export * from "./docker-launcher";
export * from "./local-process-launcher";
export * from "./registry";
export * from "./tail-buffer";
export type * from "./types";
