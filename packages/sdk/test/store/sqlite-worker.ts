/**
 * A separate process working on one SQLite file at the same time as its siblings: it opens the
 * store (migrating a fresh file), says "ready", waits for "go" on stdin, then creates runs of its
 * own and of a shared set (all processes try the same ids) and claims every shared callback.
 * It prints one JSON line with what it got. Arguments: <path> <worker name> <shared count>.
 */
import { createInterface } from "node:readline";
import { isValidibotError } from "@validibot/contracts";
import { SqliteRunStore } from "../../src/store/sqlite-store";
import { makeAttempt, makeRun } from "./fixtures";

const [path, worker, sharedArg] = process.argv.slice(2);
if (!path || !worker || !sharedArg) throw new Error("usage: <path> <worker> <shared count>");
const shared = Number(sharedArg);

const store = new SqliteRunStore({ path });
await store.init();
process.stdout.write("ready\n");
const lines = createInterface({ input: process.stdin });
for await (const line of lines) if (line === "go") break;
lines.close();

const created: string[] = [];
const claimed: string[] = [];
const errors: string[] = [];
for (let i = 0; i < shared; i++) {
  const own = makeRun({ id: `run-${worker}-${i}` });
  await store.createRun(own, makeAttempt(own));
  const run = makeRun({ id: `run-shared-${i}` });
  const attempt = makeAttempt(run, {
    id: `attempt-shared-${i}`,
    callback_id: `execution-attempt-shared-${i}`,
  });
  try {
    await store.createRun(run, attempt);
    created.push(run.id);
  } catch (error) {
    if (!isValidibotError(error) || error.code !== "store_conflict") errors.push(String(error));
  }
}
for (let i = 0; i < shared; i++) {
  try {
    const result = await store.claimCallback(
      {
        callback_id: `execution-attempt-shared-${i}`,
        run_id: `run-shared-${i}`,
        attempt_id: `attempt-shared-${i}`,
      },
      60_000,
    );
    if (result.kind === "claimed") claimed.push(`execution-attempt-shared-${i}`);
  } catch (error) {
    errors.push(String(error));
  }
}
await store.close();
process.stdout.write(`${JSON.stringify({ worker, created, claimed, errors })}\n`);
