// `kb lint --tree DIR`: cited commits checked against a real kernel or QEMU git tree. Every
// commit id must exist there, a reference's title must be the commit's subject, and a history
// item's version must be the first release whose tag contains the commit.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Entry } from './entry.js';
import type { Problem } from './compile.js';
import { commitProject, type ProjectHost } from './canonical-links.js';
import { InputError } from '../model/errors.js';

export type TreeProject = Extract<ProjectHost['project'], 'Linux' | 'QEMU'>;

export interface GitTree {
  dir: string;
  project: TreeProject;
}

function git(dir: string, args: string[], input?: string): string {
  return execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', input, maxBuffer: 256 << 20, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Opens a tree and tells a kernel from QEMU by files only one of them has at the top. */
export function openGitTree(dir: string): GitTree {
  if (!existsSync(dir)) throw new InputError(dir, 'git tree does not exist');
  let top: string[];
  try {
    top = git(dir, ['ls-tree', '--name-only', 'HEAD']).split('\n');
  } catch {
    throw new InputError(dir, 'not a git tree with a HEAD commit');
  }
  if (top.includes('qemu-options.hx')) return { dir, project: 'QEMU' };
  if (top.includes('Kbuild') && top.includes('kernel')) return { dir, project: 'Linux' };
  throw new InputError(dir, 'neither a Linux tree (Kbuild, kernel/) nor a QEMU tree (qemu-options.hx)');
}

interface CommitInfo {
  sha: string;
  subject: string;
}

/** Looks up many ids in one `git cat-file --batch`; ambiguous or missing ids map to null. */
function lookUpCommits(dir: string, ids: string[]): Map<string, CommitInfo | null> {
  const out = new Map<string, CommitInfo | null>();
  if (ids.length === 0) return out;
  // stderr ignored: git explains an ambiguous id there, and the id is reported as missing anyway.
  const raw = execFileSync('git', ['-C', dir, 'cat-file', '--batch'], { input: ids.map((id) => `${id}^{commit}\n`).join(''), maxBuffer: 256 << 20, stdio: ['pipe', 'pipe', 'ignore'] });
  let at = 0;
  for (const id of ids) {
    const nl = raw.indexOf(0x0a, at);
    const header = raw.toString('utf8', at, nl);
    at = nl + 1;
    const m = /^([0-9a-f]{40}) commit (\d+)$/.exec(header);
    if (!m) {
      out.set(id, null);
      continue;
    }
    const size = Number(m[2]);
    const body = raw.toString('utf8', at, at + size);
    at += size + 1;
    const message = body.slice(body.indexOf('\n\n') + 2);
    out.set(id, { sha: m[1]!, subject: joinSubjectLines(message.split('\n\n')[0]!) });
  }
  return out;
}

/** A subject wrapped over several lines, as one line; split and trim rather than a regex, which would be
 * quadratic on a long run of blanks with no newline. */
export function joinSubjectLines(paragraph: string): string {
  return paragraph.split('\n').map((line) => line.trim()).filter((line) => line !== '').join(' ');
}

/** "v5.8-rc1~12^2~3" → "5.8"; "v6.0.0-rc2" (QEMU) → "6.0": the release the tag leads to. */
export function releaseOfTag(tag: string): string | null {
  const m = /^v(\d+)\.(\d+)/.exec(tag);
  return m ? `${m[1]}.${m[2]}` : null;
}

/** "Linux 5.8", "Linux 6.5-rc1", "QEMU 8.2.0" → project and "major.minor"; null for anything else. */
export function parseHistoryVersion(version: string): { project: TreeProject; release: string } | null {
  const m = /^(Linux|QEMU)\s+v?(\d+)\.(\d+)\b/.exec(version.trim());
  return m ? { project: m[1] as TreeProject, release: `${m[2]}.${m[3]}` } : null;
}

/** The first tag containing a commit, as `git describe --contains` names it (without the ~/^ path). */
function firstTag(dir: string, sha: string): string | null {
  const r = spawnSync('git', ['-C', dir, 'describe', '--contains', '--match', 'v[0-9]*', sha], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  return r.stdout.trim().split(/[~^]/)[0] || null;
}

const normalTitle = (t: string) =>
  t
    .trim()
    // Quotes are dropped: a subject that quotes another ('Revert "x"') is awkward to write in YAML.
    .replace(/["'`]/g, '')
    .replace(/\s+/g, ' ')
    .toLowerCase();

/** Problems with the commits an entry cites that belong to the tree's project. */
export function treeProblems(entries: Entry[], tree: GitTree): Problem[] {
  const cited: { entry: Entry; field: string; id: string; title?: string; version?: string }[] = [];
  for (const e of entries) {
    e.references.forEach((r, i) => {
      if (r.type === 'commit' && commitProject(r) === tree.project) cited.push({ entry: e, field: `references.${i}`, id: r.id, ...(r.title ? { title: r.title } : {}) });
    });
    (e.history ?? []).forEach((h, i) => {
      if (!h.commit) return;
      const v = parseHistoryVersion(h.version);
      const ref = e.references.find((r) => r.type === 'commit' && (r.id.startsWith(h.commit!) || h.commit!.startsWith(r.id)));
      const project = v?.project ?? (ref ? commitProject(ref) : 'Linux');
      if (project === tree.project) cited.push({ entry: e, field: `history.${i}`, id: h.commit, ...(v ? { version: h.version } : {}) });
    });
  }
  const commits = lookUpCommits(tree.dir, [...new Set(cited.map((c) => c.id))]);
  const tags = new Map<string, string | null>();
  const problems: Problem[] = [];
  for (const c of cited) {
    const info = commits.get(c.id);
    const at = { file: c.entry.file, field: c.field };
    if (!info) {
      problems.push({ ...at, message: `commit ${c.id} is not in the ${tree.project} tree ${tree.dir}`, check: 'commit-missing' });
      continue;
    }
    if (c.title !== undefined && normalTitle(c.title) !== normalTitle(info.subject)) {
      problems.push({ ...at, message: `commit ${c.id} is titled "${info.subject}", not "${c.title}"`, check: 'commit-title' });
    }
    if (c.version !== undefined) {
      if (!tags.has(info.sha)) tags.set(info.sha, firstTag(tree.dir, info.sha));
      const tag = tags.get(info.sha)!;
      const want = parseHistoryVersion(c.version)!.release;
      if (!tag) problems.push({ ...at, message: `commit ${c.id} is in no release tag, but the history says ${c.version}`, check: 'history-version' });
      else if (releaseOfTag(tag) !== want) problems.push({ ...at, message: `commit ${c.id} first appears in ${tag} (${tree.project} ${releaseOfTag(tag) ?? tag}), not ${c.version}`, check: 'history-version' });
    }
  }
  return problems;
}
