import { distance } from 'fastest-levenshtein';

/**
 * The valid names nearest to a mistyped one by edit distance (ties kept, at most three), or none
 * when even the nearest is too far to be a typo: more than a third of the longer name's letters
 * (two for a swap in a short name, but never most of a one-letter name: `foo` is not `-o`).
 */
export function nearestNames(given: string, valid: Iterable<string>): string[] {
  const scored = [...new Set(valid)]
    .map((name) => ({ name, d: distance(given.toLowerCase(), name.toLowerCase()) }))
    .filter(({ name, d }) => d <= Math.max(Math.min(2, Math.min(name.length, given.length) - 1), Math.ceil(Math.max(name.length, given.length) / 3)));
  const best = Math.min(...scored.map((s) => s.d));
  return scored.filter((s) => s.d === best).slice(0, 3).map((s) => s.name);
}

/** "; did you mean a or b?" after a problem, or nothing when no name is near. */
export function didYouMean(names: string[]): string {
  if (!names.length) return '';
  return `; did you mean ${names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`}?`;
}
