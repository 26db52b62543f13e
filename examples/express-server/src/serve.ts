import { createServer } from "./create-server";
import { loadSettings } from "./settings";
import { SettingsError } from "./settings-error";

/**
 * `npm start`: loads the settings, starts the server, and stops it gracefully on SIGINT or
 * SIGTERM. Resolves with the exit code once stopped; settings errors print their message (no
 * stack) and give 1.
 */
export async function serve(env: Record<string, string | undefined>): Promise<number> {
  let server: Awaited<ReturnType<typeof createServer>>;
  try {
    server = await createServer(loadSettings(env));
  } catch (error) {
    if (error instanceof SettingsError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const running = await server.start();
  const { logger } = server;
  const login = server.loginUrl(running.url);
  if (login && server.settings.mode !== "production") {
    // Like Jupyter: the link with the token goes to the terminal, never into the JSON logs.
    process.stderr.write(`\n  Validibot dashboard: open ${login}\n\n`);
  }
  if (server.settings.mode !== "production" && server.settings.databaseUrl === null) {
    logger.info(
      { data_dir: server.settings.dataDir },
      "runs and bundles are kept under the data folder",
    );
  }
  if (server.settings.mode === "production" && server.settings.databaseUrl === null) {
    logger.warn(
      {},
      "production without DATABASE_URL keeps runs in a local SQLite file; set DATABASE_URL",
    );
  }
  return new Promise<number>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      logger.info({ signal }, "shutting down");
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      running.close().then(
        () => resolve(0),
        (error: unknown) => {
          logger.error({ err: error }, "shutdown failed");
          resolve(1);
        },
      );
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
