// Enum changes in uAPI headers. Implicitly numbered enumerators take their value from their
// position, so an insertion or removal renumbers everything after it; explicit values are
// compared as numbers. Sentinels (__FOO_MAX, FOO_NR) that move are reported as such.
import type { Fact } from '../../model/facts.js';
import type { FileDiff } from '../../model/diff.js';
import type { AnnotatedHunk } from '../annotate.js';
import { lineFact } from './types.js';
import type { Block, Enumerator } from '../uapi/decls.js';
import { fileDecls, type SideView } from '../uapi/hunk-decls.js';
import { evalExpr } from '../uapi/expr.js';
import { compat, SENTINEL } from '../uapi/compat.js';
import type { PatchScope } from '../uapi/scope.js';

export function uapiEnumFacts(file: FileDiff, hunks: AnnotatedHunk[], scope: PatchScope): Fact[] {
  if (file.role !== 'uapi-header') return [];
  const out: Fact[] = [];
  for (const v of fileDecls(file, hunks)) {
    const oldById = new Map(v.old.decls.blocks.filter((b) => b.kind === 'enum').map((b) => [b.id, b]));
    for (const nb of v.new.decls.blocks) {
      if (nb.kind !== 'enum') continue;
      const ob = oldById.get(nb.id);
      if (!ob) {
        // A new enum: every enumerator is new.
        for (const e of nb.enumerators) if (changedLine(v.new, e)) out.push(added(file, v.new, e, nb));
        continue;
      }
      out.push(...compareEnums(file, v, ob, nb, scope));
    }
  }
  return out;
}

const changedLine = (side: SideView, e: Enumerator) => side.lines[e.line]?.kind !== ' ';
const enumName = (b: Block) => (b.tag ? `enum ${b.tag}` : 'an anonymous enum');

/** Where an enumerator's value comes from: "=expr" when explicit, "anchor+offset" when implicit. */
function positions(b: Block): Map<string, string> {
  const out = new Map<string, string>();
  let anchor = b.opened ? '^start' : '^hunk';
  let offset = 0;
  for (const e of b.enumerators) {
    if (e.value !== null) {
      const n = evalExpr(e.value);
      anchor = n !== null ? `=${n}` : `=${e.value.replace(/\s+/g, '')}`;
      offset = 0;
      out.set(e.name, anchor);
    } else {
      offset++;
      out.set(e.name, `${anchor}+${offset - (anchor === '^start' ? 1 : 0)}`);
    }
  }
  return out;
}

function compareEnums(file: FileDiff, v: { old: SideView; new: SideView }, ob: Block, nb: Block, scope: PatchScope): Fact[] {
  const out: Fact[] = [];
  const oPos = positions(ob);
  const nPos = positions(nb);
  const oNames = new Set(ob.enumerators.map((e) => e.name));
  const nNames = new Set(nb.enumerators.map((e) => e.name));
  const removed = ob.enumerators.filter((e) => !nNames.has(e.name));
  const addedList = nb.enumerators.filter((e) => !oNames.has(e.name));
  const renamed = new Map<string, Enumerator>();
  for (const r of removed) {
    // Same value in the same place under a new name.
    const a = addedList.find((x) => ![...renamed.values()].includes(x) && nPos.get(x.name) === oPos.get(r.name));
    if (a) renamed.set(r.name, a);
  }
  let shiftReported = false;
  // Values appended just before the sentinel move only the sentinel: no old value changes.
  const onlyAppended =
    removed.length === 0 &&
    nb.enumerators.every((e) => !oNames.has(e.name) || SENTINEL.test(e.name) || oPos.get(e.name) === nPos.get(e.name));
  for (const e of nb.enumerators) {
    if (!oNames.has(e.name)) continue;
    const was = oPos.get(e.name)!;
    const now = nPos.get(e.name)!;
    if (was === now) continue;
    const sentinel = SENTINEL.test(e.name);
    const explicit = was.startsWith('=') && now.startsWith('=') && !was.includes('+') && !now.includes('+');
    if (!sentinel && !explicit && shiftReported) continue; // one fact per renumbered run
    const o = ob.enumerators.find((x) => x.name === e.name)!;
    const line = changedLine(v.new, e) ? v.new.lines[e.line]! : v.old.lines[o.line]!;
    if (sentinel) {
      out.push(
        lineFact('sentinel-moved', e.name, file, line, {
          detail: `${e.name} in ${enumName(nb)} moves (${describePos(was)} → ${describePos(now)})${onlyAppended ? ' because values were appended before it' : ''}`,
          compat: onlyAppended
            ? compat('compatible', `only values appended before ${e.name} move it; old binaries keep a smaller bound and never send the new values`)
            : compat('behaviour-change', `binaries built with the old ${e.name} keep using it to size arrays or bound input, while the kernel now uses the new one`),
        }),
      );
      continue;
    }
    if (!explicit) shiftReported = true;
    out.push(
      lineFact('enum-value-changed', e.name, file, line, {
        detail: explicit ? `${e.name} in ${enumName(nb)} changes value from ${o.value} to ${e.value}` : `${e.name} in ${enumName(nb)} is renumbered (${describePos(was)} → ${describePos(now)}) by an insertion or removal before it, and so is every implicitly numbered value after it`,
        compat: compat('abi-break', `binaries built against the old header still use the old value of ${e.name}`),
      }),
    );
  }
  for (const r of removed) {
    if (!changedLine(v.old, r)) continue;
    const to = renamed.get(r.name);
    out.push(
      lineFact('enum-value-removed', r.name, file, v.old.lines[r.line]!, {
        detail: to ? `${r.name} in ${enumName(ob)} renamed to ${to.name} with the same value` : `${r.name} removed from ${enumName(ob)}`,
        compat: to ? compat('abi-break', `binaries keep the value, but userspace source that names ${r.name} no longer compiles`) : compat('abi-break', `userspace that uses ${r.name} no longer compiles, and binaries keep a value the kernel may now give another meaning`),
      }),
    );
  }
  for (const a of addedList) {
    if (!changedLine(v.new, a) || [...renamed.values()].includes(a)) continue;
    out.push(added(file, v.new, a, nb, followerState(nb, a, oNames, scope)));
  }
  return out;
}

type Follower = 'end' | 'followed' | 'unknown';

/** What comes after an added enumerator: only sentinels and the end, old values, or unseen text. */
function followerState(nb: Block, a: Enumerator, oNames: Set<string>, scope: PatchScope): Follower {
  const i = nb.enumerators.indexOf(a);
  const after = nb.enumerators.slice(i + 1).filter((e) => oNames.has(e.name) && !SENTINEL.test(e.name));
  if (after.length > 0) return 'followed';
  // A sentinel after it marks the end by convention (the real header may be newer).
  if (nb.closed || nb.enumerators.slice(i + 1).some((e) => SENTINEL.test(e.name))) return 'end';
  if (a.value !== null) return 'end'; // an explicit value renumbers nothing
  // The hunk stops inside the enum: the real header says whether more values follow.
  const prev = nb.enumerators.slice(0, i).reverse().find((e) => oNames.has(e.name));
  const real = nb.tag ? scope.catalogue().enums.get(`enum ${nb.tag}`) : undefined;
  if (real && prev) {
    const j = real.enumerators.findIndex((e) => e.name === prev.name);
    // The real header already has this value right after the same one: merged as is.
    if (j >= 0 && real.enumerators[j + 1]?.name === a.name) return 'end';
    if (j >= 0) return real.enumerators.slice(j + 1).some((e) => !SENTINEL.test(e.name) && e.value === null) ? 'followed' : 'end';
  }
  return 'unknown';
}

function added(file: FileDiff, side: SideView, e: Enumerator, b: Block, follower: Follower = 'end'): Fact {
  const where = follower === 'followed' && e.value === null ? ' before existing values' : '';
  return lineFact('enum-value-added', e.name, file, side.lines[e.line]!, {
    detail: `${e.name}${e.value !== null ? ` = ${e.value}` : ''} added to ${enumName(b)}${where}`,
    compat:
      follower === 'unknown'
        ? compat('abi-break', 'the hunk does not show what follows in the enum; implicitly numbered values after it would be renumbered')
        : compat('compatible', follower === 'followed' && e.value === null ? 'a new name; the values it renumbers are reported separately' : 'a new value at the end changes nothing existing binaries use'),
  });
}

function describePos(p: string): string {
  if (p.startsWith('=')) return p.slice(1).replace(/\+(\d+)$/, ' + $1');
  const m = /^(\^start|\^hunk)\+(\d+)$/.exec(p);
  if (m) return m[1] === '^start' ? `value ${m[2]}` : `position ${m[2]} of the hunk`;
  const n = /^=(.*)\+(\d+)$/.exec(p);
  return n ? `${n[1]} + ${n[2]}` : p;
}
