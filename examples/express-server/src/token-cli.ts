import { parseArgs } from "node:util";
import { isValidibotError } from "@validibot/contracts";
import { type ApiTokenRecord, OrgId } from "@validibot/sdk/access";
import { loadSettings } from "./settings";
import { SettingsError } from "./settings-error";
import { openApiTokens } from "./wiring/access";

/** How to call `tokens`, printed on a usage error. */
export const TOKENS_USAGE = `usage:
  tokens create --org <id> --scopes <scope,...> [--org-name <name>] [--name <label>] [--expires-in <n>d|h|m]
  tokens list [--org <id>] [--json]
  tokens revoke <token id>
scopes: runs:read, runs:write, runs:cancel, admin
The store is the server's: VALIDIBOT_DATA_DIR (SQLite) or DATABASE_URL, as for npm start.`;

/** Where the CLI writes: stdout (results) and stderr (notes and errors). */
export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
}

const UNITS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000 };

function expiryOf(text: string | undefined, now: Date): Date | null {
  if (text === undefined) return null;
  const match = /^(\d{1,6})([dhm])$/.exec(text);
  if (!match)
    throw new SettingsError([`--expires-in: ${JSON.stringify(text)} is not like 30d, 12h or 90m`]);
  return new Date(now.getTime() + Number(match[1]) * (UNITS[match[2] as string] as number));
}

function row(record: ApiTokenRecord): string {
  const state = record.revoked_at
    ? `revoked ${record.revoked_at}`
    : record.expires_at
      ? `expires ${record.expires_at}`
      : "active";
  return [record.id, record.org_id, record.scopes.join(","), state, record.name].join("\t");
}

/**
 * `tokens create | list | revoke`: manages the API tokens of the server whose settings `env`
 * gives (the same store `npm start` uses). A new token is printed once, on stdout; the store
 * keeps only its hash. Resolves with the exit code (2 for a usage error).
 */
export async function tokensCli(
  args: string[],
  env: Record<string, string | undefined>,
  output: CliOutput = {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
  },
): Promise<number> {
  const [command, ...rest] = args;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        org: { type: "string" },
        "org-name": { type: "string" },
        scopes: { type: "string" },
        name: { type: "string" },
        "expires-in": { type: "string" },
        json: { type: "boolean" },
      },
    });
  } catch (error) {
    output.err(`${(error as Error).message}\n${TOKENS_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const text = (name: string) => {
    const value = values[name];
    return typeof value === "string" ? value : undefined;
  };
  if (!["create", "list", "revoke"].includes(command ?? "")) {
    output.err(TOKENS_USAGE);
    return 2;
  }
  try {
    const settings = loadSettings(env);
    const tokens = await openApiTokens(settings);
    try {
      if (command === "create") {
        const org = text("org");
        const scopes = text("scopes");
        if (!org || !scopes) {
          output.err(`tokens create needs --org and --scopes\n${TOKENS_USAGE}`);
          return 2;
        }
        if (!OrgId.safeParse(org).success) {
          throw new SettingsError([
            `--org: ${JSON.stringify(org)} is not an organization id (letters, digits, '.', '_', '-')`,
          ]);
        }
        const { token, record } = await tokens.create({
          org: { id: org, name: text("org-name") ?? org },
          scopes,
          name: text("name") ?? "API token",
          expiresAt: expiryOf(text("expires-in"), new Date()),
        });
        output.out(token);
        output.err(
          `made ${record.id} for organization ${record.org_id} (${record.scopes.join(", ")})${record.expires_at ? `, expires ${record.expires_at}` : ""}. It is shown this once: only its hash is stored.`,
        );
        return 0;
      }
      if (command === "list") {
        const org = text("org");
        const records = await tokens.list(org ? { orgId: org } : {});
        if (values.json) output.out(JSON.stringify(records.map(({ token_sha256: _, ...r }) => r)));
        else for (const record of records) output.out(row(record));
        return 0;
      }
      const id = positionals[0];
      if (!id) {
        output.err(`tokens revoke needs a token id\n${TOKENS_USAGE}`);
        return 2;
      }
      const record = await tokens.revoke(id);
      output.out(row(record));
      return 0;
    } finally {
      await tokens.store.close();
    }
  } catch (error) {
    if (error instanceof SettingsError) {
      output.err(error.message);
      return 1;
    }
    if (isValidibotError(error)) {
      output.err(`${error.code}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
