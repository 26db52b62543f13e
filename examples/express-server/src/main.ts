import { quietSqliteWarning } from "./quiet-sqlite-warning";

// Installed before the server's modules load: node:sqlite warns as it is imported.
quietSqliteWarning();
if (process.argv[2] === "tokens") {
  // `main.ts tokens create|list|revoke ...`: manage the API tokens of this server's store.
  const { tokensCli } = await import("./token-cli");
  process.exitCode = await tokensCli(process.argv.slice(3), process.env);
} else {
  const { serve } = await import("./serve");
  process.exitCode = await serve(process.env);
}
