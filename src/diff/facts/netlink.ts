// Netlink uAPI: policy entries, commands and the attributes a reply carries. A new or
// changed policy decides what old and new tools may send; a reply that gains or loses an
// attribute changes what `vdpa dev show` and friends print.
import type { Fact } from '../../model/facts.js';
import { isCLike } from '../annotate.js';
import { lineFact, type FileFactProducer } from './types.js';
import { bounded } from './call-changes.js';
import { detector, gated, mayMatch } from './literal-gate.js';

const POLICY = /^\s*\[\s*([A-Z][A-Z0-9_]*_ATTR_[A-Z0-9_]+)\s*\]\s*=\s*(?:\{|NLA_POLICY_)/;
const COMMAND = /\.cmd\s*=\s*([A-Z][A-Z0-9_]*_CMD_[A-Z0-9_]+)/;
const PUT = /\bnla_put(?:_\w+)?\s*\(\s*\w+\s*,\s*([A-Z][A-Z0-9_]*_ATTR_[A-Z0-9_]+)/g;
const ATTR_READ = /\b(?:info->)?attrs\s*\[\s*([A-Z][A-Z0-9_]*_ATTR_[A-Z0-9_]+)\s*\]/g;
/** Every pattern above names an attribute or a command. */
const NETLINK = gated(new RegExp([POLICY, COMMAND, PUT, ATTR_READ].map((re) => re.source).join('|')), ['_ATTR_', '_CMD_']);

export const netlinkFacts: FileFactProducer = detector({ files: isCLike, needs: [NETLINK] }, (file, allHunks) => {
  const hunks = bounded(allHunks);
  const out: Fact[] = [];
  const plus = new Map<string, { kind: Fact['kind']; l: (typeof hunks)[0]['lines'][0]; what: string }>();
  const minus = new Set<string>();
  for (const h of hunks) {
    for (const l of h.lines) {
      if (l.kind === ' ' || !mayMatch(l.code, NETLINK)) continue;
      const found: [Fact['kind'], string, string][] = [];
      const p = POLICY.exec(l.code);
      if (p) found.push(['netlink-policy-changed', p[1]!, 'policy entry']);
      const c = COMMAND.exec(l.code);
      if (c) found.push(['netlink-command-changed', c[1]!, 'command']);
      for (const m of l.code.matchAll(PUT)) found.push(['netlink-reply-changed', m[1]!, 'reply attribute']);
      for (const m of l.code.matchAll(ATTR_READ)) found.push(['netlink-attr-parsed', m[1]!, 'parsed attribute']);
      for (const [kind, sym, what] of found) {
        const key = `${kind}\u0000${sym}`;
        if (l.kind === '-') minus.add(key);
        else if (!plus.has(key)) plus.set(key, { kind, l, what });
      }
    }
  }
  for (const [key, v] of plus) {
    const sym = key.split('\u0000')[1]!;
    const changed = minus.has(key);
    if (changed && v.kind !== 'netlink-policy-changed') continue;
    out.push(lineFact(v.kind, sym, file, v.l, { detail: `${v.l.function ? v.l.function + '() ' : ''}${changed ? 'changes' : 'adds'} the ${v.what} ${sym}` }));
  }
  for (const key of minus) {
    if (plus.has(key)) continue;
    const [kind, sym] = key.split('\u0000') as [Fact['kind'], string];
    const l = hunks.flatMap((h) => h.lines).find((x) => x.kind === '-' && x.code.includes(sym))!;
    out.push(lineFact(kind, sym, file, l, { detail: `${l.function ? l.function + '() ' : ''}removes the ${kind.replace('netlink-', '').replace('-changed', '').replace('-parsed', ' parsed')} ${sym}` }));
  }
  return out;
});
