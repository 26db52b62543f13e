import { TailBuffer } from "@validibot/sdk/launchers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

describe("TailBuffer", () => {
  it("keeps exactly the last capacity bytes of any sequence of writes", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 64 }),
        fc.array(fc.uint8Array({ maxLength: 100 }), { maxLength: 20 }),
        (capacity, chunks) => {
          const tail = new TailBuffer(capacity);
          for (const chunk of chunks) tail.write(chunk);
          const all = Buffer.concat(chunks);
          const expected = all.subarray(Math.max(0, all.length - capacity));
          expect(tail.bytes().equals(expected)).toBe(true);
          expect(tail.totalBytes).toBe(all.length);
          expect(tail.truncated).toBe(all.length > capacity);
        },
      ),
    );
  });

  it("drops a character cut in half at the front instead of garbling it", () => {
    const cut = new TailBuffer(4);
    cut.write(Buffer.from("aé€", "utf8")); // 1 + 2 + 3 bytes: 4 keeps half of "é"
    expect(cut.text()).toBe("€");
    const whole = new TailBuffer(5);
    whole.write(Buffer.from("aé€", "utf8"));
    expect(whole.text()).toBe("é€");
  });

  it("refuses a negative or fractional capacity", () => {
    expect(() => new TailBuffer(-1)).toThrow(RangeError);
    expect(() => new TailBuffer(1.5)).toThrow(RangeError);
  });
});
