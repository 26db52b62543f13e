/**
 * The last `capacity` bytes of a stream, kept in a fixed ring buffer: what a launcher keeps of a
 * validator's stdout and stderr. Memory stays at `capacity` however much the validator prints.
 */
export class TailBuffer {
  /** How many bytes the tail keeps. */
  readonly capacity: number;
  private readonly ring: Buffer;
  private start = 0;
  private length = 0;
  private total = 0;

  /** @param capacity bytes to keep; 0 keeps nothing. */
  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) {
      throw new RangeError(`tail capacity must be a non-negative integer, got ${capacity}`);
    }
    this.capacity = capacity;
    this.ring = Buffer.alloc(capacity);
  }

  /** Every byte ever written, kept or not. */
  get totalBytes(): number {
    return this.total;
  }

  /** Whether bytes were dropped from the front. */
  get truncated(): boolean {
    return this.total > this.length;
  }

  /** Appends bytes, dropping the oldest ones beyond `capacity`. */
  write(chunk: Uint8Array): void {
    this.total += chunk.length;
    const cap = this.capacity;
    if (cap === 0) return;
    const data = chunk.length > cap ? chunk.subarray(chunk.length - cap) : chunk;
    const end = (this.start + this.length) % cap;
    const first = Math.min(data.length, cap - end);
    this.ring.set(data.subarray(0, first), end);
    this.ring.set(data.subarray(first), 0);
    const overflow = this.length + data.length - cap;
    if (overflow > 0) {
      this.start = (this.start + overflow) % cap;
      this.length = cap;
    } else {
      this.length += data.length;
    }
  }

  /** The kept bytes, oldest first. */
  bytes(): Buffer {
    const cap = this.capacity;
    if (this.start + this.length <= cap) {
      return Buffer.from(this.ring.subarray(this.start, this.start + this.length));
    }
    return Buffer.concat([
      this.ring.subarray(this.start),
      this.ring.subarray(0, (this.start + this.length) % cap),
    ]);
  }

  /**
   * The kept bytes as UTF-8. When the front was truncated, a character cut in half at the start
   * is dropped rather than shown as a replacement character.
   */
  text(): string {
    let bytes = this.bytes();
    if (this.truncated) {
      let skip = 0;
      // UTF-8 continuation bytes are 0b10xxxxxx; at most three follow a lead byte.
      while (skip < 3 && skip < bytes.length && ((bytes[skip] ?? 0) & 0xc0) === 0x80) skip++;
      bytes = bytes.subarray(skip);
    }
    return bytes.toString("utf8");
  }
}
