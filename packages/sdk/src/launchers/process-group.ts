/** Moved to the process toolkit (`sdk/src/process/`); kept here so launcher imports keep working. */
export { MAX_TIMER_MS, signalProcessGroup } from "../process/process-group";
