/**
 * How many communication steps cover `[start, stop]` with `step`: the last one is clipped to
 * stop, and a remainder within rounding noise does not add a sliver of a step.
 */
export function stepCount(start: number, stop: number, step: number): number {
  return Math.max(1, Math.ceil((stop - start) / step - 1e-9));
}

/**
 * The k-th communication point (k = 0 is start, k = count is exactly stop). Computed from k,
 * not by adding steps up, so it does not drift; rounded to 15 significant digits so that
 * 0.1 + 0.2 reads 0.3.
 */
export function communicationPoint(
  start: number,
  stop: number,
  step: number,
  k: number,
  count: number,
): number {
  if (k >= count) return stop;
  return Math.min(stop, Number((start + k * step).toPrecision(15)));
}
