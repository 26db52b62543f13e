export {
  type ClientWaitOptions,
  createValidibotClient,
  type RunsApi,
  type SubmitRunRequest,
  type ValidibotClient,
  type ValidibotClientOptions,
} from "./client";
export type { SubmitRunFile, SubmitRunFileData } from "./file-sources";
export { errorFromResponse } from "./response-error";
