// Pure comparison of one struct/union as two sides of a hunk show it: which members were
// removed, added (and where), changed, moved, renamed, or carved out of reserved space.
import type { Block, Member } from './decls.js';
import { RESERVED_NAME } from './compat.js';

export type MemberChange =
  | { type: 'removed'; member: Member }
  | { type: 'added'; member: Member; position: 'inserted' | 'appended' | 'unknown'; next: Member | null; prev: Member | null }
  | { type: 'changed'; old: Member; new: Member; what: 'type' | 'moved' | 'renamed' | 'replaced' }
  /** Old members now inside an added anonymous union/struct that keeps their names reachable. */
  | { type: 'wrapped'; old: Member[]; wrapper: Member }
  /** Reserved members (old side) whose bytes now hold `taken`, plus whatever stays reserved (`rest`). */
  | { type: 'reserved'; reserved: Member[]; rest: Member[]; taken: Member[] };

/** Identity of a member across sides: its name, or the nested block for an anonymous one. */
export function memberKey(m: Member): string {
  return m.name === '' && m.nested ? `{${m.nested.id}}` : m.name;
}

export const isReserved = (m: Member) => RESERVED_NAME.test(m.name);

export function sameDecl(a: Member, b: Member): boolean {
  if (a.nested || b.nested) return !!a.nested && !!b.nested && a.nested.kind === b.nested.kind;
  return norm(a.type) === norm(b.type) && a.dims.join('][') === b.dims.join('][') && (a.bits ?? '') === (b.bits ?? '');
}

const norm = (t: string) => t.replace(/\s+/g, ' ').replace(/\b(const|volatile)\b\s*/g, '').trim();

export function diffMembers(ob: Block, nb: Block): MemberChange[] {
  const O = ob.members;
  const N = nb.members;
  const oKeys = O.map(memberKey);
  const nKeys = N.map(memberKey);
  const nSet = new Set(nKeys);
  const oSet = new Set(oKeys);
  const common = oKeys.filter((k) => nSet.has(k));
  const stable = new Set(lcs(common, nKeys.filter((k) => oSet.has(k))));
  const out: MemberChange[] = [];
  const byKeyN = new Map(N.map((m) => [memberKey(m), m]));
  const byKeyO = new Map(O.map((m) => [memberKey(m), m]));

  for (const k of common) {
    const om = byKeyO.get(k)!;
    const nm = byKeyN.get(k)!;
    if (!stable.has(k)) out.push({ type: 'changed', old: om, new: nm, what: 'moved' });
    else if (!sameDecl(om, nm) && !(isReserved(om) && isReserved(nm))) out.push({ type: 'changed', old: om, new: nm, what: 'type' });
  }

  // Group removed and added members by the gap between stable members they sit in.
  const gapOf = (keys: string[], i: number) => {
    let p = i - 1;
    while (p >= 0 && !stable.has(keys[p]!)) p--;
    return p >= 0 ? keys[p]! : '^';
  };
  const removed = O.map((m, i) => ({ m, gap: gapOf(oKeys, i) })).filter((x) => !nSet.has(memberKey(x.m)));
  const added = N.map((m, i) => ({ m, i, gap: gapOf(nKeys, i) })).filter((x) => !oSet.has(memberKey(x.m)));
  const usedAdded = new Set<Member>();

  // A reserved member that shrank: the added members right before or after it took its space.
  for (const k of common) {
    const om = byKeyO.get(k)!;
    const nm = byKeyN.get(k)!;
    if (!isReserved(om) || sameDecl(om, nm)) continue;
    const idx = N.indexOf(nm);
    const taken: Member[] = [];
    for (let i = idx - 1; i >= 0 && !oSet.has(nKeys[i]!); i--) taken.unshift(N[i]!);
    for (let i = idx + 1; i < N.length && !oSet.has(nKeys[i]!); i++) taken.push(N[i]!);
    if (taken.length === 0) continue;
    taken.forEach((m) => usedAdded.add(m));
    // The "changed" entry for the reserved member itself is replaced by this one.
    const at = out.findIndex((c) => c.type === 'changed' && c.old === om);
    if (at >= 0) out.splice(at, 1);
    out.push({ type: 'reserved', reserved: [om], rest: [nm, ...taken.filter(isReserved)], taken: taken.filter((m) => !isReserved(m)) });
  }

  const gaps = new Set(removed.map((r) => r.gap));
  for (const gap of gaps) {
    const rs = removed.filter((r) => r.gap === gap).map((r) => r.m);
    const as = added.filter((a) => a.gap === gap && !usedAdded.has(a.m)).map((a) => a.m);
    const reserved = rs.filter(isReserved);
    if (reserved.length > 0 && as.length > 0) {
      // Reserved space replaced by real members, possibly with a smaller reserved rest.
      out.push({ type: 'reserved', reserved, rest: as.filter(isReserved), taken: as.filter((m) => !isReserved(m)) });
      as.forEach((m) => usedAdded.add(m));
      for (const r of rs) if (!isReserved(r)) out.push({ type: 'removed', member: r });
      continue;
    }
    const wrappers = as.filter((a) => a.nested && a.name === '');
    for (const r of rs) {
      // Old member now inside an added anonymous union/struct, still reachable by its name.
      const wrap = wrappers.find((a) => reachable(a.nested!).has(r.name));
      if (wrap) {
        usedAdded.add(wrap);
        const group = out.find((c): c is Extract<MemberChange, { type: 'wrapped' }> => c.type === 'wrapped' && c.wrapper === wrap);
        if (group) group.old.push(r);
        else out.push({ type: 'wrapped', old: [r], wrapper: wrap });
        continue;
      }
      const a = as.find((x) => !usedAdded.has(x));
      if (a) {
        usedAdded.add(a);
        out.push({ type: 'changed', old: r, new: a, what: sameDecl({ ...r, name: '' }, { ...a, name: '' }) ? 'renamed' : 'replaced' });
        continue;
      }
      out.push({ type: 'removed', member: r });
    }
  }

  for (const a of added) {
    if (usedAdded.has(a.m)) continue;
    let next: Member | null = null;
    for (let j = a.i + 1; j < N.length; j++) {
      if (oSet.has(nKeys[j]!)) {
        next = N[j]!;
        break;
      }
    }
    const prev = a.i > 0 ? N[a.i - 1]! : null;
    out.push({ type: 'added', member: a.m, position: next ? 'inserted' : nb.closed ? 'appended' : 'unknown', next, prev });
  }
  return out;
}

/** Member names reachable from a block, through anonymous nested members. */
function reachable(b: Block): Set<string> {
  const out = new Set<string>();
  for (const m of b.members) {
    if (m.name) out.add(m.name);
    else if (m.nested) for (const n of reachable(m.nested)) out.add(n);
  }
  return out;
}

/** Longest common subsequence of two key lists (both small: a hunk's worth of members). */
function lcs(a: string[], b: string[]): string[] {
  const n = a.length;
  const m = b.length;
  const dp: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) dp[i]![j] = a[i] === b[j] ? dp[i + 1]![j + 1]! + 1 : Math.max(dp[i + 1]![j]!, dp[i]![j + 1]!);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push(a[i]!);
      i++;
      j++;
    } else if (dp[i + 1]![j]! >= dp[i]![j + 1]!) i++;
    else j++;
  }
  return out;
}
