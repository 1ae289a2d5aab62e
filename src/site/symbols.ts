// The symbol catalogue behind symbols/: every interface name the knowledge base names (in an
// entry's symbols or triggers: ioctls, flags, feature bits, messages, structs, driver ops)
// plus the in-scope uAPI names of the headers and of the vhost-user document, each with its
// kind, its definition facts when a source is at hand, the entries that cover it and the
// symbols related to it. In-kernel function names get no page.
import type { Entry } from '../knowledge/entry.js';
import { SEVERITY_RANK } from '../model/finding.js';
import type { ScopeName } from '../knowledge/scope.js';
import type { VhostUserIndex, VhostUserMessage, VhostUserProtocolFeature } from '../spec/types.js';
import type { HeaderDefinition, HeaderFacts } from './header-facts.js';
import { familyOf } from './matrix.js';

export type SymbolKind = ScopeName['kind'] | 'struct' | 'op' | 'kernel';

export interface SiteSymbol {
  name: string;
  /** File name without ".html"; unique even on case-insensitive file systems. */
  slug: string;
  kind: SymbolKind;
  area: string | null;
  /** Entries that name it in `symbols` or in a trigger, best first (severity, then title). */
  entries: Entry[];
  header: HeaderDefinition | null;
  message: VhostUserMessage | null;
  /** Set when this name is an earlier name of `message`. */
  previousNameOf: string | null;
  protocolFeature: VhostUserProtocolFeature | null;
  /** Related symbols, by name (all have pages). */
  related: string[];
}

export interface SymbolSources {
  headers: HeaderFacts | null;
  vhostUser: VhostUserIndex | null;
  /** In-scope names (src/knowledge/scope.ts) from the same sources. */
  scope: ScopeName[];
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const OP_FACTS = new Set(['op-assigned', 'op-called']);
const MAX_RELATED = 20;
const UAPI_PREFIX = /^(VHOST|VIRTIO|VRING|VDUSE|VFIO|IOMMU|IOMMUFD|VDPA)_/;

export function buildSymbolCatalogue(entries: Entry[], src: SymbolSources): Map<string, SiteSymbol> {
  const covering = new Map<string, Set<Entry>>();
  const ops = new Set<string>();
  const cover = (name: string, e: Entry) => {
    const n = name.replace(/^\./, '');
    if (!IDENTIFIER.test(n)) return;
    let s = covering.get(n);
    if (!s) covering.set(n, (s = new Set()));
    s.add(e);
  };
  for (const e of entries) {
    for (const s of e.symbols) cover(s, e);
    for (const t of e.triggers ?? []) {
      for (const s of t.symbols ?? []) cover(s, e);
      if (t.facts?.some((f) => OP_FACTS.has(f))) for (const s of t.symbols ?? []) ops.add(s.replace(/^\./, ''));
    }
  }

  const scope = new Map(src.scope.map((s) => [s.name, s] as const));
  const messages = new Map<string, VhostUserMessage>();
  const previous = new Map<string, VhostUserMessage>();
  for (const m of src.vhostUser?.messages ?? []) {
    messages.set(m.name, m);
    for (const p of m.previousNames) previous.set(p, m);
  }
  const features = new Map([...(src.vhostUser?.protocolFeatures ?? []), ...(src.vhostUser?.featureBits ?? [])].map((f) => [f.name, f] as const));

  // Every message and protocol feature the vhost-user document defines gets a page; an
  // earlier message name only when an entry uses it.
  const names = new Set<string>([...covering.keys(), ...scope.keys(), ...messages.keys(), ...features.keys()].filter((n) => IDENTIFIER.test(n)));
  const out = new Map<string, SiteSymbol>();
  const slugs = new Set<string>();
  for (const name of [...names].sort()) {
    const header = src.headers?.definitions.get(name) ?? null;
    const message = messages.get(name) ?? previous.get(name) ?? null;
    const kind = kindOf(name, scope.get(name), header, message !== null, features.has(name), ops.has(name));
    // Pages are for the interface: in-kernel functions and variables are found through the
    // notes that name them (search indexes those names), not given pages of their own.
    if (kind === 'kernel') continue;
    const es = [...(covering.get(name) ?? [])].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.title.localeCompare(b.title));
    let slug = name;
    for (let i = 2; slugs.has(slug.toLowerCase()); i++) slug = `${name}-${i}`;
    slugs.add(slug.toLowerCase());
    out.set(name, {
      name,
      slug,
      kind,
      area: scope.get(name)?.area ?? (message || features.has(name) ? 'vhost-user' : (commonArea(es) ?? headerArea(header))),
      entries: es,
      header,
      message,
      previousNameOf: message && message.name !== name ? message.name : null,
      protocolFeature: features.get(name) ?? null,
      related: [],
    });
  }
  for (const s of out.values()) s.related = relatedOf(s, out);
  return out;
}

function kindOf(name: string, scoped: ScopeName | undefined, h: HeaderDefinition | null, isMessage: boolean, isFeature: boolean, isOp: boolean): SymbolKind {
  if (scoped) return scoped.kind;
  if (isMessage) return 'message';
  if (isFeature) return name.startsWith('VHOST_USER_PROTOCOL_F_') ? 'protocol-feature' : 'feature-bit';
  if (h?.ioctl) return 'ioctl';
  if (h?.what === 'struct' || h?.what === 'union') return 'struct';
  if (isOp) return 'op';
  if (name.startsWith('VHOST_USER_PROTOCOL_F_')) return 'protocol-feature';
  if (/^VRING_|_FLAG_/.test(name)) return /^[A-Z0-9_]+$/.test(name) ? 'flag' : 'kernel';
  if (/^[A-Z][A-Z0-9_]*_F_[A-Z0-9_]+$/.test(name)) return familyOf(name) ? 'feature-bit' : 'flag';
  if (/^VHOST_USER_[A-Z0-9_]+$/.test(name)) return 'message';
  // Other upper-case names count only under a uAPI prefix: errnos, Kconfig options and
  // kernel-internal macros (DEVICE_ATTR_RO, GFP_*) are not part of the interface.
  if (/^[A-Z][A-Z0-9_]*$/.test(name) && UAPI_PREFIX.test(name)) return 'constant';
  return 'kernel';
}

function commonArea(es: Entry[]): string | null {
  const counts = new Map<string, number>();
  for (const e of es) counts.set(e.area, (counts.get(e.area) ?? 0) + 1);
  let best: string | null = null;
  for (const [a, n] of counts) if (best === null || n > counts.get(best)!) best = a;
  return best;
}

function headerArea(h: HeaderDefinition | null): string | null {
  if (!h) return null;
  const m = /^(vhost|vduse|vfio|iommufd|vdpa|virtio)/.exec(h.header);
  return m ? m[1]! : null;
}

/** GET/SET counterparts, aliases, vhost-user ↔ ioctl equivalents, then symbols sharing entries. */
function relatedOf(s: SiteSymbol, all: Map<string, SiteSymbol>): string[] {
  const out = new Set<string>();
  const add = (n: string | null | undefined) => {
    if (n && n !== s.name && all.has(n)) out.add(n);
  };
  add(s.name.replace(/_(GET|SET)_/, (_m, w: string) => (w === 'GET' ? '_SET_' : '_GET_')));
  if (s.header?.expr && IDENTIFIER.test(s.header.expr)) add(s.header.expr);
  add(s.previousNameOf);
  if (s.message) {
    for (const p of s.message.previousNames) add(p);
    add(s.message.equivalentIoctl);
  }
  for (const o of all.values()) {
    if (o.header?.expr === s.name) add(o.name);
    if (o.message?.name === o.name && o.message.equivalentIoctl === s.name) add(o.name);
  }
  const shared = new Map<string, number>();
  for (const e of s.entries) {
    for (const n of e.symbols) {
      const name = n.replace(/^\./, '');
      if (name !== s.name && all.has(name)) shared.set(name, (shared.get(name) ?? 0) + 1);
    }
  }
  const ranked = [...shared].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  for (const [n] of ranked) {
    if (out.size >= MAX_RELATED) break;
    add(n);
  }
  return [...out];
}
