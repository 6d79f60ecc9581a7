/**
 * The few statistics an evaluation reports. Formulas, not estimation machinery: each is a closed form from the
 * cited source, computed exactly where it can be (binomial tails with BigInt).
 */

/** z for a two-sided 95% interval: the 0.975 quantile of the standard normal distribution. */
export const Z_95 = 1.959963984540054;

/** A proportion with its confidence interval; every field in 0..1. */
export interface RateInterval {
  rate: number;
  low: number;
  high: number;
}

/**
 * Wilson score interval for `successes` out of `trials` (Wilson 1927; recommended over the normal approximation
 * for small samples and rates near 0 or 1 by Brown, Cai & DasGupta 2001). `trials` 0 gives rate 0 and [0, 1].
 *
 * @param z  normal quantile; default {@link Z_95} (95%)
 * @throws RangeError when the counts are not whole numbers with 0 ≤ successes ≤ trials
 */
export function wilsonInterval(successes: number, trials: number, z = Z_95): RateInterval {
  if (!Number.isInteger(successes) || !Number.isInteger(trials) || successes < 0 || successes > trials) {
    throw new RangeError(`invalid counts: ${successes} of ${trials}`);
  }
  if (trials === 0) return { rate: 0, low: 0, high: 1 };
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return { rate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * Two-sided exact McNemar test for paired binary outcomes (McNemar 1947; the exact form is the binomial test of
 * the discordant pairs, as in R's `exact2x2::mcnemar.exact` and statsmodels' `mcnemar(exact=True)`):
 * p = min(1, 2 · P(X ≤ min(b, c))) with X ~ Binomial(b + c, 1/2). No discordant pairs gives p = 1.
 *
 * @param onlyA  pairs where A succeeded and B did not (b)
 * @param onlyB  pairs where B succeeded and A did not (c)
 * @throws RangeError on negative or fractional counts
 */
export function mcnemarExactP(onlyA: number, onlyB: number): number {
  if (!Number.isInteger(onlyA) || !Number.isInteger(onlyB) || onlyA < 0 || onlyB < 0) {
    throw new RangeError(`invalid counts: ${onlyA}, ${onlyB}`);
  }
  const n = onlyA + onlyB;
  if (n === 0) return 1;
  const k = Math.min(onlyA, onlyB);
  let coefficient = 1n;
  let tail = 0n;
  for (let i = 0; i <= k; i += 1) {
    if (i > 0) coefficient = (coefficient * BigInt(n - i + 1)) / BigInt(i);
    tail += coefficient;
  }
  return Math.min(1, ratio(2n * tail, 1n << BigInt(n)));
}

/** numerator / denominator as a float, exact enough for BigInts far beyond Number's range. */
function ratio(numerator: bigint, denominator: bigint): number {
  const shift = BigInt(Math.max(0, denominator.toString(2).length - 1000));
  return Number(numerator >> shift) / Number(denominator >> shift);
}

/** Median of the finite values (mean of the middle two for an even count); undefined when there are none. */
export function median(values: readonly number[]): number | undefined {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
