// Links into a project's source must use the project's own host, not a mirror a reader cannot
// trust to stay up or to match upstream. The canonical hosts are also where commit references
// resolve (entry.ts), and knowledge/README.md documents them.
import type { Entry } from './entry.js';
import type { Problem } from './compile.js';

export interface ProjectHost {
  project: 'Linux' | 'QEMU' | 'DPDK';
  /** What a link names when it points into this project's source. */
  names: RegExp;
  /** The canonical prefix every source or commit link must start with. */
  canonical: string;
  /** How a commit is linked on the canonical host. */
  commitUrl: (sha: string) => string;
}

export const PROJECT_HOSTS: ProjectHost[] = [
  {
    project: 'QEMU',
    names: /qemu/i,
    canonical: 'https://gitlab.com/qemu-project/qemu/',
    commitUrl: (sha) => `https://gitlab.com/qemu-project/qemu/-/commit/${sha}`,
  },
  {
    project: 'DPDK',
    names: /dpdk/i,
    canonical: 'https://git.dpdk.org/dpdk/',
    commitUrl: (sha) => `https://git.dpdk.org/dpdk/commit/?id=${sha}`,
  },
  {
    project: 'Linux',
    names: /torvalds|\blinux(?:\.git)?\b|linux-stable/i,
    canonical: 'https://git.kernel.org/',
    commitUrl: (sha) => `https://git.kernel.org/torvalds/c/${sha}`,
  },
];

/** A link into a source repository: a commit, a file at a revision, a tree. */
const SOURCE_LINK = /\/(?:commit|commits|blob|tree|c|raw)\/|[?&;](?:a=commit|h=[0-9a-f]{7,}|id=[0-9a-f]{7,})|\/\+\/[0-9a-f]{7,}|\/-\/(?:commit|blob|tree)\//;
/** Hosts that are not a project's source (list archives, bug trackers) are left alone. */
const NOT_SOURCE = /^https?:\/\/(?:lore\.kernel\.org|lists\.|bugzilla\.|patchwork\.)/;

/** The project a source link points into, when it is one of those with a canonical host. */
export function projectOfLink(url: string): ProjectHost | undefined {
  if (NOT_SOURCE.test(url) || !SOURCE_LINK.test(url)) return undefined;
  if (/^https?:\/\/github\.com\/(?!torvalds\/|qemu\/|DPDK\/|dpdk\/)/i.test(url)) return undefined;
  return PROJECT_HOSTS.find((p) => url.startsWith(p.canonical)) ?? PROJECT_HOSTS.find((p) => p.names.test(url));
}

/** The project a commit reference belongs to: QEMU or DPDK when its url says so, else Linux. */
export function commitProject(r: { type: string; url?: string | undefined }): ProjectHost['project'] {
  return (r.url && projectOfLink(r.url)?.project) || 'Linux';
}

/** Source links (reference ids and urls, and links written in the prose) off their project's canonical host. */
export function offCanonicalLinks(e: Entry): Problem[] {
  const problems: Problem[] = [];
  const check = (url: string, field: string) => {
    const p = projectOfLink(url);
    if (p && !url.startsWith(p.canonical)) {
      problems.push({ file: e.file, field, message: `${url} links into ${p.project} through ${new URL(url).host}, not its canonical host ${p.canonical}`, check: 'non-canonical-link' });
    }
  };
  e.references.forEach((r, i) => {
    if (/^https?:\/\//.test(r.id)) check(r.id, `references.${i}`);
    if (r.url) check(r.url, `references.${i}.url`);
    // A commit's url must name the same commit: a copied link is an easy way to cite the wrong one.
    const shas = r.type === 'commit' && r.url ? (r.url.match(/\b[0-9a-f]{12,40}\b/g) ?? []) : [];
    if (shas.length > 0 && !shas.some((h) => h.startsWith(r.id) || r.id.startsWith(h))) {
      problems.push({ file: e.file, field: `references.${i}.url`, message: `the url names commit ${shas[0]}, not ${r.id}`, check: 'non-canonical-link' });
    }
  });
  for (const m of e.body.matchAll(/https?:\/\/[^\s)>\]"']+/g)) check(m[0], 'body');
  return problems;
}
