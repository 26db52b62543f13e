import { quietSqliteWarning } from "./quiet-sqlite-warning";

// Installed before the server's modules load: node:sqlite warns as it is imported.
quietSqliteWarning();
const { serve } = await import("./serve");
process.exitCode = await serve(process.env);
