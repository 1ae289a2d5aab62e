// state-transition-changed: a row of a state machine's jump table ("[STATE] = { [EVENT] =
// handler, … }", as vfio-ccw's fsm and similar drivers write them) added or changed. Which
// handler an event gets in each state decides what an unexpected open, close or reset does.
import type { Fact } from '../../model/facts.js';
import { isCLike } from '../annotate.js';
import { lineFact, type FileFactProducer } from './types.js';
import { bounded } from './call-changes.js';

/** "[VFIO_CCW_STATE_STANDBY] = {": the state whose row follows. */
const ROW = /^\s*\[\s*(\w+)\s*\]\s*=\s*\{/;
/** "[VFIO_CCW_EVENT_OPEN] = fsm_open,": one transition. */
const CELL = /^\s*\[\s*(\w+)\s*\]\s*=\s*(\w+)\s*,?\s*$/;

export const stateTableFacts: FileFactProducer = (file, allHunks) => {
  if (!isCLike(file.path)) return [];
  // Cheap prefilter: a changed line that opens with "[" is rare outside tables.
  if (!allHunks.some((h) => h.lines.some((l) => l.kind !== ' ' && l.code.includes('[') && l.code.includes('=')))) return [];
  const out: Fact[] = [];
  for (const h of bounded(allHunks)) {
    let state: string | null = null;
    const removed = new Map<string, string>();
    for (const l of h.lines) {
      const row = ROW.exec(l.code);
      if (row) {
        state = row[1]!;
        continue;
      }
      const cell = CELL.exec(l.code);
      if (!cell || !state || l.kind === ' ') continue;
      const key = `${state}\u0000${cell[1]}`;
      if (l.kind === '-') {
        removed.set(key, cell[2]!);
        continue;
      }
      const before = removed.get(key);
      if (before === cell[2]) continue;
      // Only tables whose cells are handlers for events in states: both names say so.
      if (!/STATE/.test(state) || !/EVENT|STATE/.test(cell[1]!)) continue;
      const change = before ? `from ${before}() to ${cell[2]}()` : `to ${cell[2]}()`;
      out.push(lineFact('state-transition-changed', cell[1]!, file, l, { detail: `the state table now sends ${cell[1]} in ${state} ${change}: what this event does in that state (ignored, fatal, or a real transition) changes` }));
    }
  }
  return out;
};
