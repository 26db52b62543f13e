import { randomBytes, randomUUID } from "node:crypto";

/** A new run or attempt id (UUID v4). */
export function newId(): string {
  return randomUUID();
}

/** A new `callback_id`: `execution-attempt-<uuid>`, as Validibot names them. */
export function newCallbackId(): string {
  return `execution-attempt-${randomUUID()}`;
}

/** A fresh callback nonce: 32 random bytes in base64url (43 characters). */
export function newCallbackNonce(): string {
  return randomBytes(32).toString("base64url");
}
