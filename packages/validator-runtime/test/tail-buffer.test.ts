import { TailBuffer } from "@validibot/validator-runtime";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

describe("TailBuffer", () => {
  it("keeps exactly the last `capacity` bytes of everything written", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 64 }),
        fc.array(fc.uint8Array({ maxLength: 100 }), { maxLength: 30 }),
        (capacity, chunks) => {
          const tail = new TailBuffer(capacity);
          for (const chunk of chunks) tail.write(chunk);
          const all = Buffer.concat(chunks);
          expect(tail.bytes()).toEqual(
            capacity === 0 ? Buffer.alloc(0) : all.subarray(Math.max(0, all.length - capacity)),
          );
        },
      ),
    );
  });
});
