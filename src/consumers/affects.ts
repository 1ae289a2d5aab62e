// Which real use sites a finding's change touches, and why each breaks or does not. Pure: the
// findings, the patch's facts and a lookup into the consumers index go in; per finding, the use
// sites with a one-line reason come out. Verdicts rest on patterns read from the consumers'
// syntax trees, so they say what the code does, never more: severities are left alone.
import type { Fact } from '../model/facts.js';
import type { Finding } from '../model/finding.js';
import type { IndexedUse } from './types.js';
import { isFeatureBit, uapiName, uapiStruct } from './symbols.js';

export type Verdict = 'breaks' | 'safe' | 'check';

export interface AffectedUse {
  use: IndexedUse;
  verdict: Verdict;
  why: string;
}

/** Uses of a symbol; with `definitions`, the consumers' own definitions of it too (and bare mentions). */
export type UseLookup = (symbol: string, definitions?: boolean) => IndexedUse[];

/** At most this many sites per finding, the breaking ones first. */
const MAX_PER_FINDING = 12;

/** Which features negotiation a kernel or QEMU file's offered bits reach. */
function transportsOf(fact: Fact): string[] {
  const f = fact.file ?? '';
  if (/vhost[-_]user|libvhost-user/.test(f) || fact.symbol.startsWith('VHOST_USER_')) return ['vhost-user'];
  if (/vdpa/.test(f)) return ['vdpa'];
  if (/drivers\/vhost\//.test(f)) return ['vhost'];
  if (/uapi\/linux\/vhost|linux-headers\/linux\/vhost/.test(f)) return ['vhost', 'vdpa'];
  return ['vhost', 'vdpa', 'vhost-user'];
}

/** Device words a path may name, kernel side or consumer side (`drivers/vhost/vsock.c`, `…/vhost_kern/net.rs`). */
const DEVICES: Record<string, string> = { net: 'net', vsock: 'vsock', scsi: 'scsi', blk: 'blk', block: 'blk', fs: 'fs', crypto: 'crypto', console: 'console', balloon: 'balloon', rng: 'rng', gpu: 'gpu', iommu: 'iommu', pmem: 'pmem', mem: 'mem', sound: 'sound', snd: 'sound', input: 'input', video: 'video', can: 'can', i2c: 'i2c', gpio: 'gpio', rtc: 'rtc', watchdog: 'watchdog' };

/** The virtio device a path is about: the last device word in it (the file name is the most specific), or null for shared code. */
function deviceOf(path: string): string | null {
  const words = path.toLowerCase().split(/[^a-z0-9]+/);
  for (let i = words.length - 1; i >= 0; i--) if (Object.hasOwn(DEVICES, words[i]!)) return DEVICES[words[i]!]!;
  return null;
}

const short = (s: string) => s.replace(/^(VIRTIO_(F_|[A-Z]+_F_)|VHOST_(USER_)?(PROTOCOL_)?F_|VHOST_BACKEND_F_)/, '');
const listOf = (detail: string) => detail.split(',').filter(Boolean);

/** A negotiation site against a newly offered bit. */
function offeredBit(u: IndexedUse, bit: string): AffectedUse {
  if (u.pattern === 'features-intersect') {
    const masked = listOf(u.patternDetail.replace(/^masks (nothing)?/, ''));
    if (masked.includes(bit)) return { use: u, verdict: 'safe', why: `features = ${u.detail}, masks ${short(bit)} → the new bit is never enabled` };
    const only = masked.length ? `masks only ${masked.map(short).join(', ')}` : 'masks nothing';
    return { use: u, verdict: 'breaks', why: `features = ${u.detail}, ${only} → a newly offered bit is enabled when the guest acks it` };
  }
  if (u.pattern === 'features-allow-list') {
    const list = listOf(u.patternDetail);
    if (list.includes(bit)) return { use: u, verdict: 'check', why: `allow-list includes ${short(bit)} → enabled on purpose; check it handles the new behaviour` };
    // Named constants (`& SUPPORTED_FEATURES`): their bits are defined elsewhere and not read here.
    const named = list.filter((x) => !isFeatureBit(x));
    if (named.length) return { use: u, verdict: 'safe', why: `features filtered through ${named.join(', ')} → the new bit stays off unless the consumer adds it there` };
    return { use: u, verdict: 'safe', why: `explicit allow-list (${list.length} bits) without ${short(bit)} → the new bit stays off` };
  }
  return { use: u, verdict: 'check', why: `computes features (${u.detail}) → check whether ${short(bit)} passes through` };
}

/** A site that names the bit itself. */
function namedBit(u: IndexedUse, bit: string, removed: boolean): AffectedUse {
  if (removed) {
    if (u.kind === 'feature-set') return { use: u, verdict: 'breaks', why: `sets ${short(bit)} → asks for a bit no longer offered (VHOST_SET_FEATURES fails, or the feature is lost)` };
    if (u.kind === 'feature-test') return { use: u, verdict: 'check', why: `tests ${short(bit)} → takes the path for its absence from now on` };
  }
  if (u.kind === 'feature-mask') return { use: u, verdict: 'safe', why: `masks ${short(bit)} out → never enables it` };
  if (u.kind === 'feature-test') return { use: u, verdict: 'check', why: `tests ${short(bit)} → takes the new path once it is negotiated` };
  if (u.kind === 'feature-set') return { use: u, verdict: 'check', why: `sets ${short(bit)} → requests it explicitly` };
  return { use: u, verdict: 'check', why: `${u.kind} ${short(bit)}` };
}

/** A site of a struct whose layout the patch changes. */
function structSite(u: IndexedUse, fact: Fact): AffectedUse {
  const fields = listOf(u.detail);
  const touched = fields.filter((f) => new RegExp(`\\b${f}\\b`).test(fact.detail ?? ''));
  const appended = fact.kind === 'struct-member-appended' || fact.kind === 'struct-reserved-used';
  if (!appended && touched.length) return { use: u, verdict: 'breaks', why: `${u.kind === 'struct-build' ? 'fills' : 'reads'} ${touched.join(', ')} → the member it uses moved or changed` };
  if (u.pattern === 'size-field') return { use: u, verdict: appended ? 'safe' : 'check', why: `size from an argsz field (${u.patternDetail}) → an old binary passes the old size${appended ? ', which the kernel must keep accepting' : ''}` };
  if (u.kind === 'struct-size' || u.pattern === 'size-sizeof')
    return { use: u, verdict: appended ? 'check' : 'breaks', why: `size from sizeof → ${appended ? 'a rebuilt binary passes the new size, an old one the old size (an _IOW/_IOR number that encodes the size changes)' : 'the size changes at rebuild and old binaries keep the old one'}` };
  if (u.kind === 'struct-build') return { use: u, verdict: appended ? 'safe' : 'breaks', why: appended ? `fills ${fields.join(', ')} → leaves the new member zero: must mean the old behaviour` : `fills ${fields.join(', ')} → laid out by the old header` };
  if (u.kind === 'struct-read') return { use: u, verdict: appended ? 'safe' : 'breaks', why: appended ? `reads ${fields.join(', ')} → never sees the new member` : `reads ${fields.join(', ')} → at the old offsets` };
  return { use: u, verdict: 'check', why: `${u.kind} → built against the old layout` };
}

/** An ioctl or message call site against a new error return. */
function errnoSite(u: IndexedUse, errno: string): AffectedUse {
  if (u.pattern === 'errno-handled') {
    const handled = listOf(u.patternDetail);
    if (handled.includes(errno)) return { use: u, verdict: 'safe', why: `handles ${errno} → falls back` };
    return { use: u, verdict: 'breaks', why: `handles only ${handled.join(', ')} → ${errno} is treated as a failure` };
  }
  if (u.pattern === 'errno-fatal') return { use: u, verdict: 'breaks', why: `any error is fatal → ${errno} fails the call where it worked before` };
  return { use: u, verdict: 'check', why: `${u.kind} → check how it treats ${errno}` };
}

function messageSite(u: IndexedUse, fact: Fact): AffectedUse {
  if (u.kind === 'sends' && u.pattern === 'reply-not-awaited') return { use: u, verdict: 'check', why: 'sends without waiting for a reply → a reply the change adds is left unread and the next answer is misread' };
  if (u.kind === 'sends' && u.pattern === 'reply-awaited') return { use: u, verdict: 'check', why: 'awaits the reply (REPLY_ACK / need_reply) → sees a changed answer' };
  if (u.kind === 'handles') return { use: u, verdict: 'check', why: `handles ${fact.symbol} → must accept what the change sends` };
  return { use: u, verdict: 'check', why: `${u.kind} ${fact.symbol}` };
}

/** A site of a symbol whose value or declaration changed. */
function declarationSite(u: IndexedUse, fact: Fact): AffectedUse {
  const abi = fact.compat?.class === 'abi-break';
  const verb = u.kind === 'ioctl' ? 'issues it' : u.kind === 'handles' ? 'handles it' : u.kind;
  return { use: u, verdict: abi ? 'breaks' : 'check', why: abi ? `${verb} with the value from its own copy of the header → ${fact.compat!.reason}` : `${verb} → ${fact.detail ?? fact.kind}` };
}

/** Uapi request names a fact names (an errno fact's detail says which ioctl can now fail). */
function requestsOf(fact: Fact, facts: Fact[]): string[] {
  const named = [...(fact.detail ?? '').matchAll(/\b[A-Z][A-Z0-9_]+\b/g)].map((m) => uapiName(m[0])).filter((s): s is string => !!s && !isFeatureBit(s));
  if (named.length) return named;
  return facts.filter((f) => f.function && f.function === fact.function && f.file === fact.file && uapiName(f.symbol) && !isFeatureBit(f.symbol)).map((f) => f.symbol);
}

/** A consumer's own copy of a definition whose value the patch changes. */
function ownCopy(u: IndexedUse, fact: Fact): AffectedUse {
  const abi = fact.compat?.class === 'abi-break';
  return { use: u, verdict: abi ? 'breaks' : 'check', why: `defines its own copy (${u.detail || 'no value read'}) → keeps the old value until it syncs its headers` };
}

function affectedByFact(fact: Fact, facts: Fact[], lookup: UseLookup): AffectedUse[] {
  const out: AffectedUse[] = [];
  const sites = (sym: string) => lookup(sym);
  // A device's feature set reaches that device's code and shared code, not another device's (a vsock bit, vhost-net).
  const device = deviceOf(fact.file ?? '');
  const deviceSites = (sym: string) => sites(sym).filter((u) => !device || !deviceOf(u.file) || deviceOf(u.file) === device);
  switch (fact.kind) {
    case 'mask-bit-added':
    case 'flag-bit-added':
    case 'macro-added':
      if (!isFeatureBit(fact.symbol)) break;
      // Backend features have their own ioctl (VHOST_SET_BACKEND_FEATURES): virtio negotiation never passes them.
      if (!fact.symbol.startsWith('VHOST_BACKEND_F_')) for (const t of transportsOf(fact)) for (const u of deviceSites(`@features:${t}`)) out.push(offeredBit(u, fact.symbol));
      for (const u of deviceSites(fact.symbol)) out.push(namedBit(u, fact.symbol, false));
      break;
    case 'mask-bit-removed':
      for (const u of deviceSites(fact.symbol)) out.push(namedBit(u, fact.symbol, true));
      break;
    case 'struct-member-appended':
    case 'struct-member-inserted':
    case 'struct-member-removed':
    case 'struct-member-changed':
    case 'struct-reserved-used':
    case 'struct-implicit-padding': {
      const sym = fact.symbol.startsWith('struct ') ? fact.symbol : uapiStruct(fact.symbol);
      if (sym) for (const u of sites(sym)) out.push(structSite(u, fact));
      break;
    }
    case 'error-return-added':
      for (const req of requestsOf(fact, facts)) for (const u of sites(req)) if (u.kind === 'ioctl' || u.kind === 'sends') out.push(errnoSite(u, fact.symbol));
      break;
    case 'macro-value-changed':
    case 'macro-removed':
    case 'ioctl-changed':
    case 'ioctl-removed':
    case 'ioctl-number-reused':
    case 'enum-value-changed':
    case 'enum-value-removed':
    case 'sentinel-moved':
      for (const u of lookup(fact.symbol, true)) {
        if (u.kind === 'defines') out.push(ownCopy(u, fact));
        else if (u.kind !== 'mention') out.push(declarationSite(u, fact));
      }
      break;
    default:
      if (fact.symbol.startsWith('VHOST_USER_') && !isFeatureBit(fact.symbol) && fact.kind !== 'symbol-removed') for (const u of sites(fact.symbol)) out.push(messageSite(u, fact));
  }
  return out;
}

const RANK: Record<Verdict, number> = { breaks: 0, check: 1, safe: 2 };
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Per finding (same order), the use sites its change touches. A finding is tied to the facts
 * whose symbol it lists, in its file when it has one.
 */
export function consumersAffected(findings: Finding[], facts: Fact[], lookup: UseLookup): AffectedUse[][] {
  const memo = new Map<string, IndexedUse[]>();
  const cached: UseLookup = (s, definitions = false) => {
    const key = `${definitions ? 1 : 0}${s}`;
    let r = memo.get(key);
    if (!r) memo.set(key, (r = lookup(s, definitions)));
    return r;
  };
  return findings.map((f) => {
    const symbols = new Set(f.symbols);
    const mine = facts.filter((x) => symbols.has(x.symbol) && (f.file === null || x.file === null || x.file === f.file || x.kind.startsWith('struct-') || x.kind === 'flag-bit-added'));
    const seen = new Map<string, AffectedUse>();
    for (const fact of mine) {
      for (const a of affectedByFact(fact, facts, cached)) {
        const key = `${a.use.project}\0${a.use.file}\0${a.use.line}\0${a.use.symbol}`;
        const prev = seen.get(key);
        if (!prev || RANK[a.verdict] < RANK[prev.verdict]) seen.set(key, a);
      }
    }
    return [...seen.values()].sort((a, b) => RANK[a.verdict] - RANK[b.verdict] || cmp(a.use.project, b.use.project) || cmp(a.use.file, b.use.file) || a.use.line - b.use.line);
  });
}

/** `crosvm devices/…/worker.rs:84 Worker::new: features = … → …` */
export function formatAffected(a: AffectedUse): string {
  return `${a.use.project} ${a.use.file}:${a.use.line}${a.use.function ? ` ${a.use.function}` : ''}: ${a.why}`;
}

/** The findings with their consumers replaced by the real use sites, where any were found. */
export function withConsumerUses(findings: Finding[], affected: AffectedUse[][]): Finding[] {
  return findings.map((f, i) => {
    const a = affected[i] ?? [];
    if (a.length === 0) return f;
    const shown = a.slice(0, MAX_PER_FINDING);
    const consumers = shown.map(formatAffected);
    if (a.length > shown.length) consumers.push(`(+${a.length - shown.length} more use sites)`);
    return {
      ...f,
      consumers,
      consumerUses: shown.map((x) => ({ project: x.use.project, version: x.use.version, file: x.use.file, line: x.use.line, function: x.use.function, symbol: x.use.symbol, kind: x.use.kind, pattern: x.use.pattern, verdict: x.verdict, why: x.why })),
    };
  });
}
