import { ValidibotError } from "@validibot/contracts";

/** Seconds a client refused for capacity is told to wait (`Retry-After`). */
export const UPLOAD_RETRY_AFTER_SECONDS = 5;

/**
 * A counter of run uploads being read at once, with a ceiling: `take()` gives a release function
 * or throws 503 `too_many_uploads` past the ceiling. Each upload streams with bounded memory;
 * the ceiling bounds how many streams (sockets, open files, buffers) the server holds at once.
 */
export class UploadSlots {
  readonly #max: number;
  #active = 0;

  /** `max`: uploads read at once (at least 1). */
  constructor(max: number) {
    if (!Number.isSafeInteger(max) || max < 1) {
      throw new RangeError(`the upload ceiling must be a whole number of at least 1, got ${max}`);
    }
    this.#max = max;
  }

  /** Uploads being read now. */
  get active(): number {
    return this.#active;
  }

  /** Takes a slot; the returned function gives it back (calling it twice gives back one). */
  take(): () => void {
    if (this.#active >= this.#max) {
      throw new ValidibotError(
        "too_many_uploads",
        `the server is already reading ${this.#max} uploads; retry in ${UPLOAD_RETRY_AFTER_SECONDS} s`,
        { details: { retry_after_seconds: UPLOAD_RETRY_AFTER_SECONDS } },
      );
    }
    this.#active += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#active -= 1;
    };
  }
}
