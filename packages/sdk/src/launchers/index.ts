export * from "../process";
export * from "./cloud-run-errors";
export * from "./cloud-run-job-launcher";
export * from "./cloud-run-status";
export * from "./contract-env";
export * from "./docker-launcher";
export { stopOrphanedProcess } from "./local-orphans";
export * from "./local-process-launcher";
export * from "./registry";

export type * from "./types";
