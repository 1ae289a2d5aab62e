// "Did you mean": the subcommand nearest to a mistyped word. Kept out of the help module so a
// plain review (where a mistyped command arrives as a file name) never loads commander.
import { SUBCOMMANDS } from './subcommands.js';

/** Optimal string alignment distance (a swap of two neighbours counts once). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** The command a word was probably meant to be, or null. */
export function suggestCommand(word: string, names: readonly string[] = [...SUBCOMMANDS, 'help']): string | null {
  const w = word.toLowerCase();
  let best: { name: string; dist: number } | null = null;
  for (const name of names) {
    const dist = name.startsWith(w) && w.length >= 2 ? 0.5 : editDistance(w, name);
    if (dist <= Math.max(1, Math.floor(name.length / 3)) && (!best || dist < best.dist)) best = { name, dist };
  }
  return best?.name ?? null;
}
