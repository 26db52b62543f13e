export type { ConfigFile, FilePortConfig, LaunchConfig, ValidatorConfig } from "./config-file";
export { readConfigFile } from "./config-file";
export {
  type CreateServerOptions,
  createServer,
  type RunningServer,
  type ValidibotServer,
} from "./create-server";
export { quietSqliteWarning } from "./quiet-sqlite-warning";
export {
  DEFAULT_CONFIG_PATH,
  type GoogleSettings,
  type LoadSettingsOptions,
  loadSettings,
  type ServerMode,
  type ServerSettings,
} from "./settings";
export { SettingsError } from "./settings-error";
