import type { SubmitFile } from "@validibot/sdk";

/**
 * The files of an upload as an async iterable, fed as the parser reaches each file part: the
 * consumer pulls a file, reads its stream to the end (which lets the parser go on), then pulls
 * the next. `fail()` makes the next pull throw; `end()` finishes the iteration.
 */
export class FileQueue implements AsyncIterable<SubmitFile> {
  readonly #items: SubmitFile[] = [];
  #ended = false;
  #error: unknown = undefined;
  #wake: (() => void) | null = null;

  /** Adds the next file. */
  push(file: SubmitFile): void {
    this.#items.push(file);
    this.#notify();
  }

  /** No more files will come. */
  end(): void {
    this.#ended = true;
    this.#notify();
  }

  /** The upload went wrong: the next pull throws `error` (the first one given). */
  fail(error: unknown): void {
    if (this.#error === undefined) this.#error = error;
    this.#notify();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<SubmitFile> {
    for (;;) {
      if (this.#error !== undefined) throw this.#error;
      const next = this.#items.shift();
      if (next) {
        yield next;
        continue;
      }
      if (this.#ended) return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }
}
