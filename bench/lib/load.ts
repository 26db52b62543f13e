/** Sends `count` requests through `send`, `concurrency` at a time; returns each latency (ms) and the wall time. */
export async function drive(
  count: number,
  concurrency: number,
  send: (index: number) => Promise<void>,
): Promise<{ latencies: number[]; wallMs: number }> {
  const latencies: number[] = new Array(count);
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    for (;;) {
      const index = next;
      next += 1;
      if (index >= count) return;
      const t0 = performance.now();
      await send(index);
      latencies[index] = performance.now() - t0;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latencies, wallMs: performance.now() - started };
}
