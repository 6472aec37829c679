/** What least-outstanding routing needs to know about a candidate. */
export interface RoutingCandidate {
  readonly routable: boolean;
  readonly outstanding: number;
}

/**
 * SageMaker's LEAST_OUTSTANDING_REQUESTS routing: among the candidates that may take traffic,
 * the one with the fewest requests in flight. Ties go to the first candidate at or after
 * `cursor` (round-robin), so equally idle instances share sequential traffic instead of the
 * first one taking it all. Returns the chosen index, or -1 when nothing is routable.
 */
export function pickLeastOutstanding(candidates: readonly RoutingCandidate[], cursor: number): number {
  let best = -1;
  for (let k = 0; k < candidates.length; k += 1) {
    const index = (cursor + k) % candidates.length;
    const candidate = candidates[index] as RoutingCandidate;
    if (!candidate.routable) continue;
    if (best === -1 || candidate.outstanding < (candidates[best] as RoutingCandidate).outstanding)
      best = index;
  }
  return best;
}
