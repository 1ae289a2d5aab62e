// Series-level facts: what a whole series lacks (documentation, a spec reference, a Link to
// the userspace side). Patches are folded into small summaries so an archive of thousands
// of series never holds their diffs; a series is judged when its last patch arrives.
import type { Patch } from '../model/patch.js';
import type { FileDiff } from '../model/diff.js';
import { UAPI_DECLARATION_KINDS, type Fact } from '../model/facts.js';
import { SPEC_MENTION, copiesSpecLists } from '../diff/facts/patch-level.js';

export interface SeriesSummary {
  key: string;
  seen: number;
  uapiChanged: string | null; // first uAPI header whose declarations change
  uapiDeclaration: string | null; // what changed there first ("ioctl VHOST_NEW_WORKER added")
  uapiDocumented: boolean; // comments added in the uAPI header itself
  docsChanged: boolean;
  vhostUserAdded: string | null; // a new VHOST_USER_* message or protocol feature in code
  vhostUserDocChanged: boolean;
  featureBitAdded: string | null; // a new VIRTIO_*_F_* in a uAPI header
  specMentioned: boolean;
  linkTrailer: boolean;
}

/**
 * The one series key. git send-email threads a series under its first mail: the cover letter
 * (0/N), or patch 1/N when there is none; every later patch replies to it. Patch 1/N replies
 * to a cover letter when there is one (`covers`: the cover letters seen, by Message-ID), and
 * to anything (an older thread) otherwise.
 */
export function seriesKeyOf(p: Patch, covers: ReadonlyMap<string, string> = new Map()): string {
  const { index, total, version } = p.prefix;
  if (total === null || total <= 1) return `single:${p.messageId ?? p.source}`;
  // format-patch files carry no Message-ID: a folder of them is one series.
  const own = p.messageId ?? p.source.replace(/[^/]*$/, '');
  const parent = p.inReplyTo ?? p.references[p.references.length - 1] ?? null;
  const root = index === 1 ? (parent && covers.has(parent) ? parent : own) : (parent ?? own);
  return `${root}|v${version}|${total}`;
}

export function newSeries(key: string): SeriesSummary {
  return {
    key,
    seen: 0,
    uapiChanged: null,
    uapiDeclaration: null,
    uapiDocumented: false,
    docsChanged: false,
    vhostUserAdded: null,
    vhostUserDocChanged: false,
    featureBitAdded: null,
    specMentioned: false,
    linkTrailer: false,
  };
}

const VHOST_USER_NEW = /^VHOST_USER_(PROTOCOL_F_[A-Z0-9_]+|[A-Z][A-Z0-9_]+)$/;
const FEATURE_BIT = /^VIRTIO_[A-Z0-9]+_F_[A-Z0-9_]+$|^VIRTIO_F_[A-Z0-9_]+$/;
const UAPI_DECLARATION = new Set<Fact['kind']>(UAPI_DECLARATION_KINDS);
/** A pointer to the userspace side in the commit message body (QEMU, rust-vmm, a lore thread). */
const USERSPACE_LINK = /https?:\/\/\S*(github\.com|gitlab\.com|lore\.kernel\.org|patchew\.org|lists\.gnu\.org|qemu)/i;

export function foldIntoSeries(s: SeriesSummary, p: Patch, files: FileDiff[], facts: Fact[]): void {
  s.seen++;
  if (SPEC_MENTION.test(p.commitMessage) || copiesSpecLists(p)) s.specMentioned = true;
  if (p.trailers.some((t) => t.key === 'Link' || t.key === 'Closes') || USERSPACE_LINK.test(p.commitMessage)) s.linkTrailer = true;
  for (const f of files) {
    if (f.role === 'documentation') s.docsChanged = true;
    if (f.role === 'vhost-user-spec') {
      s.vhostUserDocChanged = true;
      s.docsChanged = true;
    }
    if (f.role === 'virtio-spec') s.specMentioned = true;
    if (f.role === 'uapi-header') {
      const added = f.hunks.flatMap((h) => h.lines).filter((l) => l.kind === '+');
      if (added.some((l) => /^\s*(\/\*|\*|\/\/)|\/\*.*\S.*\*\/\s*$/.test(l.text))) s.uapiDocumented = true;
    }
  }
  const uapiPaths = new Set(files.filter((f) => f.role === 'uapi-header').map((f) => f.path));
  for (const fact of facts) {
    if (!s.uapiChanged && fact.file !== null && uapiPaths.has(fact.file) && UAPI_DECLARATION.has(fact.kind)) {
      s.uapiChanged = fact.file;
      s.uapiDeclaration = fact.detail ?? fact.symbol;
    }
    if ((fact.kind === 'macro-added' || fact.kind === 'flag-bit-added' || fact.kind === 'enum-value-added') && FEATURE_BIT.test(fact.symbol) && !s.featureBitAdded) {
      if (fact.file !== null && uapiPaths.has(fact.file)) s.featureBitAdded = fact.symbol;
    }
    if (
      fact.kind === 'symbol-added' &&
      !s.vhostUserAdded &&
      VHOST_USER_NEW.test(fact.symbol) &&
      fact.file !== null &&
      /vhost-user|libvhost-user/.test(fact.file) &&
      /^\s*VHOST_USER_\w+\s*=\s*\d+|^\s*#\s*define\s+VHOST_USER_/.test(fact.text ?? '')
    ) {
      s.vhostUserAdded = fact.symbol;
    }
  }
}

export function seriesFacts(s: SeriesSummary): Fact[] {
  const out: Fact[] = [];
  const at = (kind: Fact['kind'], symbol: string, detail: string): Fact => ({ kind, symbol, file: null, line: null, detail });
  if (s.uapiChanged && !s.docsChanged && !s.uapiDocumented) {
    out.push(at('series-uapi-without-docs', s.uapiChanged, `${s.uapiChanged} changes (${s.uapiDeclaration}) with no documentation in the series: neither Documentation/ nor comments in the header`));
  }
  if (s.vhostUserAdded && !s.vhostUserDocChanged) {
    out.push(at('series-vhost-user-without-docs', s.vhostUserAdded, `${s.vhostUserAdded} is added without a docs/interop/vhost-user.rst update`));
  }
  if (s.featureBitAdded && !s.specMentioned) {
    out.push(at('series-feature-without-spec', s.featureBitAdded, `${s.featureBitAdded} is defined without a reference to the virtio specification`));
  }
  if (s.uapiChanged && !s.linkTrailer && /(^|\/)include\/uapi\//.test(s.uapiChanged) && !s.uapiChanged.startsWith('tools/')) {
    out.push(at('series-uapi-without-link', s.uapiChanged, `uAPI change in ${s.uapiChanged} with no Link: to the userspace side`));
  }
  return out;
}

/** Merges a patch's series contribution (folded into a fresh summary): flags OR, first value wins, counts add up. */
export function mergeSeries(into: SeriesSummary, delta: SeriesSummary): void {
  const target = into as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(delta)) {
    if (k === 'key') continue;
    const cur = target[k];
    if (typeof v === 'boolean') target[k] = Boolean(cur) || v;
    else if (typeof v === 'number') target[k] = (typeof cur === 'number' ? cur : 0) + v;
    else if (cur === null || cur === undefined) target[k] = v;
  }
}

/** Whether a patch closes its series and the series may be judged (all of it was seen). */
export function seriesVerdictPoint(p: Patch, s: SeriesSummary): { judge: boolean; closes: boolean } {
  const { index, total } = p.prefix;
  // Judge a series only when all of it was seen: a lone "[PATCH 3/3]" on stdin (b4, a hook
  // run without state) cannot know what patches 1 and 2 documented. The last patch closes its
  // series either way.
  return { judge: total === null || (index === total && s.seen >= total), closes: total === null || index === total };
}
