import { randomBytes } from "node:crypto";
import { chmod, link, mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type ApiTokenRecord,
  ApiTokens,
  generateApiToken,
  MIN_API_TOKEN_LENGTH,
  PostgresTokenStore,
  SqliteTokenStore,
  type TokenStore,
} from "@validibot/sdk/access";
import type { ServerSettings } from "../settings";
import { SettingsError } from "../settings-error";

/** The file under the data folder that keeps the generated admin token (local and mock modes). */
export const API_TOKEN_FILE = "api-token";

/** The organization runs belong to when no token names another: the service's default. */
export const DEFAULT_ORG = { id: "default", name: "Default" };

/** The token store of the settings: PostgreSQL with `DATABASE_URL`, else the SQLite file of the runs. */
export function buildTokenStore(settings: ServerSettings): TokenStore {
  if (settings.databaseUrl) {
    return new PostgresTokenStore({
      connectionString: settings.databaseUrl,
      schema: settings.databaseSchema,
    });
  }
  return new SqliteTokenStore({ path: join(settings.dataDir, "validibot.sqlite") });
}

/** Opens (and migrates) the token store of the settings, wrapped as `ApiTokens`. */
export async function openApiTokens(settings: ServerSettings): Promise<ApiTokens> {
  await mkdir(settings.dataDir, { recursive: true });
  const store = buildTokenStore(settings);
  await store.init();
  return new ApiTokens({ store });
}

/**
 * The admin token kept in `<dataDir>/api-token`, made at first start (`vbt_...`, mode 0600,
 * linked into place create-only so two servers starting together agree on one).
 */
export async function loadOrCreateApiToken(dataDir: string): Promise<string> {
  const path = join(dataDir, API_TOKEN_FILE);
  await mkdir(dataDir, { recursive: true });
  const temp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  await writeFile(temp, `${generateApiToken()}\n`, { mode: 0o600, flag: "wx" });
  try {
    await link(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    await unlink(temp);
  }
  // A file copied in with a looser mode is tightened: it is an admin credential.
  await chmod(path, 0o600);
  const token = (await readFile(path, "utf8")).trim();
  if (token.length < MIN_API_TOKEN_LENGTH) {
    throw new SettingsError([
      `${path}: holds no usable API token (at least ${MIN_API_TOKEN_LENGTH} characters); delete it to have a new one made`,
    ]);
  }
  return token;
}

/** The start-up admin token: what it is and its record (which may be revoked or expired). */
export interface BootstrapToken {
  token: string;
  record: ApiTokenRecord;
  /** Where it came from: `VALIDIBOT_API_TOKEN` or the file. */
  source: "env" | "file";
}

/**
 * The admin token of the default organization a server starts with: `VALIDIBOT_API_TOKEN` when
 * set (any mode), else in local and mock mode the one in `<dataDir>/api-token`; registered in
 * the token store. Null in production without `VALIDIBOT_API_TOKEN`.
 */
export async function bootstrapToken(
  settings: ServerSettings,
  tokens: ApiTokens,
): Promise<BootstrapToken | null> {
  let token: string;
  let source: BootstrapToken["source"];
  if (settings.apiToken !== null) {
    token = settings.apiToken;
    source = "env";
  } else if (settings.mode !== "production") {
    token = await loadOrCreateApiToken(settings.dataDir);
    source = "file";
  } else {
    return null;
  }
  const record = await tokens.ensure(token, {
    org: DEFAULT_ORG,
    scopes: ["admin"],
    name: source === "env" ? "VALIDIBOT_API_TOKEN" : "local admin (api-token file)",
  });
  return { token, record, source };
}
