// fallback-removed: a path that used to work for every driver through a generic call now
// requires an optional driver op and fails without it. The patch replaces "x = generic(...)"
// with "x = ops->op(...)" in one function and adds an "if (!ops->op) … -EXXX" branch: drivers
// without the op, which worked before, now make the caller (an ioctl) fail.
import type { Fact } from '../../model/facts.js';
import { isCLike } from '../annotate.js';
import { lineFact, type FileFactProducer } from './types.js';
import { bounded } from './call-changes.js';

/** "x = something(" : the target and the callee. */
const ASSIGN_CALL = /^\s*([\w>.-]+)\s*=\s*([\w>.-]+)\s*\(/;
/** "if (!ops || !ops->domain_alloc_user)": an optional op tested for absence. */
const OP_ABSENT = /\bif\s*\(.*!\s*[\w>.-]*->(\w+)\s*[)|&]/;
const ERRNO = /-(E[A-Z0-9]{2,})\b/;

export const fallbackFacts: FileFactProducer = (file, allHunks) => {
  if (!isCLike(file.path)) return [];
  const out: Fact[] = [];
  for (const h of bounded(allHunks)) {
    const removedCalls = new Map<string, string>();
    for (const l of h.lines) {
      const m = l.kind === '-' ? ASSIGN_CALL.exec(l.code) : null;
      if (m) removedCalls.set(`${l.function}\u0000${m[1]}`, m[2]!);
    }
    if (removedCalls.size === 0) continue;
    h.lines.forEach((l, i) => {
      if (l.kind !== '+') return;
      const absent = OP_ABSENT.exec(l.code);
      if (!absent) return;
      const op = absent[1]!;
      const errno = h.lines.slice(i, i + 4).map((x) => ERRNO.exec(x.code)?.[1]).find(Boolean);
      if (!errno) return;
      // The op's call replaces a generic call assigned to the same target.
      const replacement = h.lines.find((x) => x.kind === '+' && x.function === l.function && x.code.includes(`->${op}(`) && ASSIGN_CALL.test(x.code));
      const target = replacement ? ASSIGN_CALL.exec(replacement.code)![1]! : undefined;
      const generic = target ? removedCalls.get(`${l.function}\u0000${target}`) : undefined;
      // The old call must be a core function, not another op (an op moved between ops tables is no lost fallback).
      if (!generic || generic.includes('->')) return;
      out.push(lineFact('fallback-removed', op, file, l, { detail: `${l.function ? l.function + '() ' : ''}now fails with -${errno} when the driver has no ${op} op, where it used ${generic}() for every driver before: drivers without ${op} that worked stop working` }));
    });
  }
  return out;
};
