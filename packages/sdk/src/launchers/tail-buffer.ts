/** Moved to the process toolkit (`sdk/src/process/`); kept here so launcher imports keep working. */
export { TailBuffer } from "../process/tail-buffer";
