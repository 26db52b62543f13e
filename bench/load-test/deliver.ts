import { setTimeout as sleep } from "node:timers/promises";
import type { Dispatcher } from "undici";
import { drive } from "../lib/load";
import { type CallbackAnswer, isRetryable, postCallback } from "./callbacks";
import type { Role } from "./roles";
import { bump, note, type Tally } from "./tally";
import type { PlayedAttempt } from "./validator-double";

/** Most tries of one callback: the runtime's sender tries 3 times; a 409 is retried until the first copy is done. */
const MAX_TRIES = 40;

/** What `deliverCallbacks` needs. */
export interface Delivery {
  dispatcher: Dispatcher;
  workerKey: string;
  /** The played attempt of each run (null: nothing to deliver). */
  played: (PlayedAttempt | null)[];
  roles: Role[];
  concurrency: number;
  tally: Tally;
}

const describe = (a: CallbackAnswer) => `${a.status} ${a.outcome ?? a.code ?? ""}`.trim();

/**
 * Posts every run's callback, `concurrency` runs at once, by its role: once; twice (at once or
 * one after the other); or a forged one first, then the genuine one. Counts in `tally` how each
 * was answered: a genuine callback must be `accepted`, a duplicate `idempotent_replayed` (after a
 * 409 if it came while the first was processed, or `late_callback_ignored` in between), a forged
 * one refused with its kind's code.
 */
export async function deliverCallbacks(delivery: Delivery): Promise<void> {
  const { dispatcher, workerKey, played, roles, tally } = delivery;
  const post = async (attempt: PlayedAttempt, body = attempt.body, key = workerKey) => {
    const answer = await postCallback(dispatcher, attempt.callbackUrl, body, key);
    tally.callbacksPosted += 1;
    tally.callbackLatencies.push(answer.ms);
    return answer;
  };
  /** Sends like a validator: again after no answer, a 5xx or a 409. */
  const send = async (attempt: PlayedAttempt) => {
    let conflict = false;
    for (let tries = 1; ; tries += 1) {
      const answer = await post(attempt);
      if (!isRetryable(answer) || tries >= MAX_TRIES) return { answer, conflict };
      if (answer.status === 409) conflict = true;
      else tally.transientRetries += 1;
      await sleep(answer.status === 409 ? 20 * tries : 200 * tries);
    }
  };
  const genuine = (i: number, answer: CallbackAnswer) => {
    if (answer.status === 200 && answer.outcome === "accepted") tally.genuineAccepted += 1;
    else {
      tally.genuineWrong += 1;
      note(tally, `run #${i}: genuine callback answered ${describe(answer)}`);
    }
  };
  const duplicate = (i: number, answer: CallbackAnswer, conflict: boolean) => {
    const label = `${conflict ? "409 then " : ""}${describe(answer)}`;
    bump(tally.duplicateAnswers, label);
    const idempotent =
      answer.status === 200 &&
      (answer.outcome === "idempotent_replayed" ||
        (!conflict && answer.outcome === "late_callback_ignored"));
    if (!idempotent) {
      tally.duplicatesWrong += 1;
      note(tally, `run #${i}: duplicate callback answered ${label}`);
    }
  };
  const forge = async (
    i: number,
    attempt: PlayedAttempt,
    role: Extract<Role, { kind: "forged" }>,
  ) => {
    tally.forgedSent += 1;
    const other = played[(i + 1) % played.length] ?? played.find((p, j) => p && j !== i);
    const forged = role.forgery.forge(attempt, other ?? attempt, workerKey);
    const answer = await post(attempt, forged.body, forged.workerKey);
    const codes = tally.forgedByKind[role.forgery.kind] ?? {};
    tally.forgedByKind[role.forgery.kind] = codes;
    bump(codes, `${answer.code ?? answer.outcome ?? "no answer"} (${answer.status})`);
    if (answer.status >= 200 && answer.status < 300) {
      tally.forgedAccepted += 1;
      note(tally, `run #${i}: forged callback (${role.forgery.kind}) accepted`);
    } else if (answer.status >= 400 && answer.status < 500 && answer.status !== 409) {
      tally.forgedRefused += 1;
    }
    if (answer.code !== role.forgery.expectedCode) {
      tally.forgedUnexpected += 1;
      note(tally, `run #${i}: forged (${role.forgery.kind}) answered ${describe(answer)}`);
    }
  };

  await drive(played.length, delivery.concurrency, async (i) => {
    const attempt = played[i];
    const role = roles[i] as Role;
    if (!attempt) return;
    if (role.kind === "duplicate") {
      tally.duplicatesSent += 1;
      const [a, b] = role.concurrent
        ? await Promise.all([send(attempt), send(attempt)])
        : [await send(attempt), await send(attempt)];
      // Sent at once, either may be the one processed; the other is the duplicate.
      const [first, second] = !role.concurrent || a.answer.outcome === "accepted" ? [a, b] : [b, a];
      genuine(i, first.answer);
      duplicate(i, second.answer, second.conflict);
      return;
    }
    if (role.kind === "forged") await forge(i, attempt, role);
    genuine(i, (await send(attempt)).answer);
  });
}
