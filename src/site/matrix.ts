// The compatibility matrix: feature and backend-feature bits × kernel / QEMU versions, from
// the entries' history data. A history item counts for a bit when its change text names the
// bit: in full, or (in an entry that covers the bit) by the part after "_F_" when that part is
// distinctive. The earliest item of a bit that says it was added is "introduced"; every other
// item is "changed". How a bit is negotiated follows from its family.
import type { Entry } from '../knowledge/entry.js';

export type MatrixEventKind = 'introduced' | 'changed';

export interface MatrixEvent {
  bit: string;
  version: string;
  kind: MatrixEventKind;
  change: string;
  entry: Entry;
}

export interface Negotiation {
  /** A few words for the matrix column. */
  short: string;
  /** Description of the handshake. */
  text: string;
  /** Symbols a reader follows to learn more (the ioctl or message that sets the bits). */
  via: string[];
}

export interface MatrixRow {
  bit: string;
  family: string;
  negotiation: Negotiation;
  /** One slot per column (same order as `columns`); empty when nothing happened there. */
  cells: MatrixEvent[][];
  events: MatrixEvent[];
}

export interface Matrix {
  columns: string[];
  rows: MatrixRow[];
  /** Bits the entries cover for which no history is recorded. */
  withoutHistory: string[];
}

interface Family {
  re: RegExp;
  name: string;
  negotiation: Negotiation;
}

const FAMILIES: Family[] = [
  {
    re: /^VHOST_BACKEND_F_/,
    name: 'vhost backend feature',
    negotiation: { short: 'backend features: VHOST_SET_BACKEND_FEATURES', text: 'offered by VHOST_GET_BACKEND_FEATURES, acked with VHOST_SET_BACKEND_FEATURES', via: ['VHOST_GET_BACKEND_FEATURES', 'VHOST_SET_BACKEND_FEATURES'] },
  },
  {
    re: /^VHOST_USER_PROTOCOL_F_/,
    name: 'vhost-user protocol feature',
    negotiation: {
      short: 'protocol features: VHOST_USER_SET_PROTOCOL_FEATURES',
      text: 'VHOST_USER_GET/SET_PROTOCOL_FEATURES, only after VHOST_USER_F_PROTOCOL_FEATURES was negotiated',
      via: ['VHOST_USER_GET_PROTOCOL_FEATURES', 'VHOST_USER_SET_PROTOCOL_FEATURES', 'VHOST_USER_F_PROTOCOL_FEATURES'],
    },
  },
  {
    re: /^VHOST_USER_F_/,
    name: 'vhost-user feature',
    negotiation: { short: 'VHOST_USER_SET_FEATURES', text: 'VHOST_USER_GET_FEATURES / VHOST_USER_SET_FEATURES', via: ['VHOST_USER_GET_FEATURES', 'VHOST_USER_SET_FEATURES'] },
  },
  {
    re: /^VHOST_(?:NET_)?F_/,
    name: 'vhost feature',
    negotiation: { short: 'VHOST_SET_FEATURES', text: 'offered by VHOST_GET_FEATURES, acked with VHOST_SET_FEATURES', via: ['VHOST_GET_FEATURES', 'VHOST_SET_FEATURES'] },
  },
  {
    re: /^VIRTIO_(?:[A-Z0-9]+_)?F_(?!START$|END$)/,
    name: 'virtio feature',
    negotiation: {
      short: 'virtio negotiation (FEATURES_OK)',
      text: 'virtio feature negotiation (FEATURES_OK); a vhost backend gets it through VHOST_SET_FEATURES or VHOST_USER_SET_FEATURES',
      via: ['VIRTIO_CONFIG_S_FEATURES_OK', 'VHOST_SET_FEATURES', 'VHOST_USER_SET_FEATURES'],
    },
  },
];

export function familyOf(name: string): Family | undefined {
  if (/_F_(START|END)$/.test(name)) return undefined;
  return FAMILIES.find((f) => f.re.test(name));
}

const ADDED = /\b(introduc\w*|add(?:ed|s)?|new|defin(?:ed|es)|renamed)\b/i;

export function buildMatrix(entries: Entry[]): Matrix {
  const covered = new Map<string, Set<Entry>>();
  for (const e of entries) {
    for (const s of e.symbols) {
      if (!familyOf(s)) continue;
      let set = covered.get(s);
      if (!set) covered.set(s, (set = new Set()));
      set.add(e);
    }
  }
  const bits = [...covered.keys()];
  const fullName = new RegExp(`(?<![A-Za-z0-9_])(${bits.map(escapeRe).join('|') || '(?!)'})(?![A-Za-z0-9_])`, 'g');
  const events: MatrixEvent[] = [];
  const seen = new Set<string>();
  const push = (bit: string, h: { version: string; change: string }, entry: Entry) => {
    const key = `${bit}\0${h.version}\0${h.change}`;
    if (seen.has(key)) return;
    seen.add(key);
    events.push({ bit, version: h.version, kind: 'changed', change: h.change, entry });
  };
  for (const e of entries) {
    for (const h of e.history ?? []) {
      const named = new Set([...h.change.matchAll(fullName)].map((m) => m[1]!));
      for (const bit of e.symbols) {
        if (!familyOf(bit) || named.has(bit)) continue;
        const suffix = bit.slice(bit.indexOf('_F_') + 3);
        if ((suffix.includes('_') || suffix.length >= 6) && new RegExp(`(?<![A-Za-z0-9_])${escapeRe(suffix)}(?![A-Za-z0-9_])`).test(h.change)) named.add(bit);
      }
      for (const bit of named) push(bit, h, e);
    }
  }

  const byBit = new Map<string, MatrixEvent[]>();
  for (const ev of events) {
    const list = byBit.get(ev.bit);
    if (list) list.push(ev);
    else byBit.set(ev.bit, [ev]);
  }
  const columns = [...new Set(events.map((e) => e.version))].sort(compareVersions);
  const rows: MatrixRow[] = [];
  for (const [bit, list] of byBit) {
    list.sort((a, b) => compareVersions(a.version, b.version));
    // The earliest record is the introduction when it says so, or when it is the version the
    // recording entry gives as `since` (when the behaviour appeared).
    const first = list[0]!.version;
    for (const ev of list) if (ev.version === first && (ADDED.test(ev.change) || ev.entry.since === ev.version)) ev.kind = 'introduced';
    const fam = familyOf(bit)!;
    rows.push({ bit, family: fam.name, negotiation: fam.negotiation, cells: columns.map((c) => list.filter((e) => e.version === c)), events: list });
  }
  rows.sort((a, b) => FAMILIES.findIndex((f) => f.name === a.family) - FAMILIES.findIndex((f) => f.name === b.family) || compareVersions(a.events[0]!.version, b.events[0]!.version) || a.bit.localeCompare(b.bit));
  const withoutHistory = bits.filter((b) => !byBit.has(b)).sort();
  return { columns, rows, withoutHistory };
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const PRODUCTS = ['linux', 'qemu', 'virtio'];

/** "Linux 4.8" < "Linux 4.19" < "Linux 6.17 (rc)" < "QEMU 6.0" < anything without a number. */
export function compareVersions(a: string, b: string): number {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  if (pa.product !== pb.product) return pa.product - pb.product;
  if (pa.numbers && pb.numbers) {
    for (let i = 0; i < Math.max(pa.numbers.length, pb.numbers.length); i++) {
      const d = (pa.numbers[i] ?? 0) - (pb.numbers[i] ?? 0);
      if (d !== 0) return d;
    }
  } else if (pa.numbers || pb.numbers) return pa.numbers ? -1 : 1;
  return a.localeCompare(b);
}

function parseVersion(v: string): { product: number; numbers: number[] | null } {
  const m = /^\s*([A-Za-z-]+)\s*v?(\d+(?:\.\d+)*)?/.exec(v);
  const idx = m ? PRODUCTS.indexOf(m[1]!.toLowerCase()) : -1;
  return { product: idx === -1 ? PRODUCTS.length : idx, numbers: m?.[2] ? m[2].split('.').map(Number) : null };
}
