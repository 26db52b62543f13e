/**
 * Keeps the last `capacity` bytes written to it, in constant memory: a ring buffer for the tails
 * of a child process's stdout and stderr.
 */
export class TailBuffer {
  private readonly ring: Buffer;
  private start = 0;
  private length = 0;

  constructor(readonly capacity: number) {
    this.ring = Buffer.alloc(Math.max(0, capacity));
  }

  /** Appends bytes, dropping the oldest ones beyond the capacity. */
  write(chunk: Uint8Array): void {
    const cap = this.ring.length;
    if (cap === 0 || chunk.length === 0) return;
    if (chunk.length >= cap) {
      this.ring.set(chunk.subarray(chunk.length - cap), 0);
      this.start = 0;
      this.length = cap;
      return;
    }
    const end = (this.start + this.length) % cap;
    const first = Math.min(chunk.length, cap - end);
    this.ring.set(chunk.subarray(0, first), end);
    if (chunk.length > first) this.ring.set(chunk.subarray(first), 0);
    const total = this.length + chunk.length;
    if (total > cap) {
      this.start = (this.start + total - cap) % cap;
      this.length = cap;
    } else {
      this.length = total;
    }
  }

  /** The bytes kept, oldest first. */
  bytes(): Buffer {
    const cap = this.ring.length;
    if (this.start + this.length <= cap) {
      return Buffer.from(this.ring.subarray(this.start, this.start + this.length));
    }
    return Buffer.concat([
      this.ring.subarray(this.start),
      this.ring.subarray(0, (this.start + this.length) % cap),
    ]);
  }

  /** The bytes kept as UTF-8 text; a character cut in half at the start is replaced. */
  text(): string {
    return this.bytes().toString("utf8");
  }
}
