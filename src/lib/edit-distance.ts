/**
 * How many single-character edits (insert, delete, replace, swap of two neighbours) turn `a` into
 * `b`: the "optimal string alignment" distance, case-insensitive. Typos people make in a command
 * (`sorces`, `actvity`, `source ad`) are one or two edits away from what they meant.
 */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  if (s === t) return 0;
  if (s.length === 0) return t.length;
  if (t.length === 0) return s.length;
  // Three rows are enough: the swap looks two characters back.
  let before = new Array<number>(t.length + 1).fill(0);
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j);
  let current = new Array<number>(t.length + 1).fill(0);
  for (let i = 1; i <= s.length; i += 1) {
    current[0] = i;
    for (let j = 1; j <= t.length; j += 1) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) {
        best = Math.min(best, before[j - 2]! + 1);
      }
      current[j] = best;
    }
    [before, previous, current] = [previous, current, before];
  }
  return previous[t.length]!;
}

/**
 * The candidates nearest to `word`, at most `limit`: those at the smallest distance found, so
 * `source ad` suggests `source add` and not also `source edit`. A candidate counts as meant when it
 * is within a third of its length in edits (at least one, at most `maxDistance`), so a short word
 * does not "suggest" everything.
 */
export function closestMatches(
  word: string,
  candidates: Iterable<string>,
  options: { limit?: number; maxDistance?: number } = {},
): string[] {
  const limit = options.limit ?? 3;
  const cap = options.maxDistance ?? 3;
  const scored: Array<{ candidate: string; distance: number }> = [];
  for (const candidate of new Set(candidates)) {
    const allowed = Math.min(cap, Math.max(1, Math.floor(candidate.length / 3)));
    const distance = editDistance(word, candidate);
    if (distance <= allowed) scored.push({ candidate, distance });
  }
  const best = Math.min(...scored.map((entry) => entry.distance));
  return scored
    .filter((entry) => entry.distance === best)
    .sort((x, y) => x.distance - y.distance || x.candidate.localeCompare(y.candidate))
    .slice(0, limit)
    .map((entry) => entry.candidate);
}
