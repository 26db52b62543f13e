import { randomBytes, timingSafeEqual } from "node:crypto";

/** One dashboard login: which API token it stands for, and its CSRF token. */
export interface Session {
  /** The API token the user logged in with; checked against the token store on every request. */
  token: string;
  csrf: string;
  expiresAt: number;
}

/** Whether two secrets are equal, in constant time. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The dashboard's sessions, in this process's memory: a random 256-bit id (the cookie) maps to
 * the API token and a CSRF token. Logout deletes the session; a restart logs everyone out.
 * Bounded: past `max` sessions the oldest goes.
 */
export class SessionStore {
  readonly #sessions = new Map<string, Session>();
  readonly #ttlMs: number;
  readonly #max: number;

  /** `ttlMs` default: 12 hours; `max` default: 10 000 sessions. */
  constructor(ttlMs = 12 * 3600_000, max = 10_000) {
    this.#ttlMs = ttlMs;
    this.#max = max;
  }

  /** How long a session lasts, in seconds (the cookie's Max-Age). */
  get ttlSeconds(): number {
    return Math.floor(this.#ttlMs / 1000);
  }

  /** Starts a session for `token`; returns its id (for the cookie). */
  create(token: string): { id: string; session: Session } {
    if (this.#sessions.size >= this.#max) {
      const oldest = this.#sessions.keys().next().value;
      if (oldest !== undefined) this.#sessions.delete(oldest);
    }
    const id = randomBytes(32).toString("base64url");
    const session = {
      token,
      csrf: randomBytes(32).toString("base64url"),
      expiresAt: Date.now() + this.#ttlMs,
    };
    this.#sessions.set(id, session);
    return { id, session };
  }

  /** The live session of an id, or null (unknown or expired). */
  get(id: string | null): Session | null {
    if (id === null) return null;
    const session = this.#sessions.get(id);
    if (!session) return null;
    if (session.expiresAt <= Date.now()) {
      this.#sessions.delete(id);
      return null;
    }
    return session;
  }

  /** Ends a session. */
  delete(id: string | null): void {
    if (id !== null) this.#sessions.delete(id);
  }
}
