import { randomBytes } from "node:crypto";
import { link, mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { MIN_WORKER_KEY_LENGTH } from "@validibot/sdk";
import { SettingsError } from "../settings-error";

/** The file under the data folder that keeps the generated worker key. */
export const WORKER_KEY_FILE = "worker-key";

/**
 * The worker key kept in `<dataDir>/worker-key`, made at first start: 32 random bytes
 * (base64url), written with mode 0600 and linked into place create-only, so two servers starting
 * together on one folder agree on one key.
 */
export async function loadOrCreateWorkerKey(dataDir: string): Promise<string> {
  const path = join(dataDir, WORKER_KEY_FILE);
  await mkdir(dataDir, { recursive: true });
  const temp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  await writeFile(temp, `${randomBytes(32).toString("base64url")}\n`, { mode: 0o600, flag: "wx" });
  try {
    await link(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    await unlink(temp);
  }
  const key = (await readFile(path, "utf8")).trim();
  if (key.length < MIN_WORKER_KEY_LENGTH) {
    throw new SettingsError([
      `${path}: holds no usable worker key (at least ${MIN_WORKER_KEY_LENGTH} characters); delete it to have a new one made`,
    ]);
  }
  return key;
}
