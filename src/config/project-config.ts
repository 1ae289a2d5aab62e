// Project configuration (policy.ts says what it means for a run): `.patch-review.yml` in the repository and, for the send-email hook,
// `git config patch-review.*`. Both are validated by one zod schema; a bad value is reported
// on one line naming the file (or git config) and the key.
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve, isAbsolute } from 'node:path';
import { createRequire } from 'node:module';
import type { z as Zod } from 'zod';
import { CATEGORIES, SEVERITIES, type Category } from '../model/finding.js';
import { InputError, UsageError } from '../model/errors.js';
import { git } from '../io/git.js';
import { cannotRead } from '../io/read-error.js';
import { FAIL_LEVELS, type FailOn } from './policy.js';
import type { LocalWaiver } from '../analyze/waivers.js';

export const CONFIG_FILE = '.patch-review.yml';

export const ON_ERROR = ['open', 'closed'] as const;
/** What the send-email hook does when patch-review itself fails: let the send go on, or stop it. */
export type OnError = (typeof ON_ERROR)[number];

// zod is loaded on first use: most reviews run without any configuration, and the hook and
// the CLI start once per patch.
const requireLazy = createRequire(import.meta.url);

function buildSchemas(z: typeof Zod) {
  const ignoreSchema = z
    .object({
      rules: z.array(z.string().min(1)).optional(),
      categories: z.array(z.enum(CATEGORIES)).optional(),
      /** Globs over the file a finding is in; absent: everywhere (including series-level findings). */
      paths: z.array(z.string().min(1)).optional(),
    })
    .strict()
    .refine((i) => (i.rules?.length ?? 0) + (i.categories?.length ?? 0) > 0, { message: 'an ignore entry needs rules or categories' });
  const waiverSchema = z
    .object({
      rule: z.string().min(1),
      paths: z.array(z.string().min(1)).min(1).optional(),
      symbols: z.array(z.string().min(1)).min(1).optional(),
      'patch-id': z.string().regex(/^[0-9a-fA-F]{7,64}$/, { message: 'a patch-id is 7 to 64 hex digits (git patch-id --stable)' }).optional(),
      reason: z.string().min(1),
    })
    .strict()
    .refine((w) => w.paths !== undefined || w.symbols !== undefined, { message: 'a waiver needs paths or symbols beside its rule' });
  const configSchema = z
    .object({
      'fail-on': z.enum(FAIL_LEVELS).optional(),
      'site-url': z.url({ protocol: /^https?$/ }).optional(),
      knowledge: z.array(z.string().min(1)).optional(),
      inbox: z.string().min(1).optional(),
      consumers: z.string().min(1).optional(),
      ignore: z.array(ignoreSchema).optional(),
      waivers: z.array(waiverSchema).optional(),
      hook: z
        .object({
          'fail-on': z.enum(FAIL_LEVELS).optional(),
          'on-error': z.enum(ON_ERROR).optional(),
        })
        .strict()
        .optional(),
    })
    .strict();
  return { ignoreSchema, configSchema };
}

let schemas: ReturnType<typeof buildSchemas> | null = null;
export function configSchema() {
  schemas ??= buildSchemas((requireLazy('zod') as { z: typeof Zod }).z);
  return schemas.configSchema;
}

export type IgnoreRule = Zod.infer<ReturnType<typeof buildSchemas>['ignoreSchema']>;

/** One configuration source, validated, with knowledge paths made absolute. */
export interface Config {
  failOn?: FailOn;
  siteUrl?: string;
  knowledge: string[];
  /** A list index (patch-review inbox index) for prior-discussion sections. */
  inbox?: string;
  /** A consumers index (patch-review consumers index): real use sites per finding. */
  consumers?: string;
  ignore: IgnoreRule[];
  /** Local waivers (`waivers:`): findings acknowledged without a trailer in the commit message. */
  waivers: LocalWaiver[];
  hookFailOn?: FailOn;
  onError?: OnError;
  /** Where it came from, for messages. */
  origin: string;
}

export const EMPTY_CONFIG: Config = { knowledge: [], ignore: [], waivers: [], origin: '(none)' };

/**
 * Validates raw data (parsed YAML, or git config turned into the same shape); `keyName` says
 * how an error names the key (default: the YAML path).
 */
export function validateConfig(data: unknown, origin: string, baseDir: string, keyName = (path: string[]) => path.join('.') || '(top level)'): Config {
  const r = configSchema().safeParse(data ?? {});
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new InputError(origin, `${keyName(issue.path.map(String))}: ${issue.message}`);
  }
  const c = r.data;
  const out: Config = {
    knowledge: (c.knowledge ?? []).map((d) => (isAbsolute(d) ? d : resolve(baseDir, d))),
    ignore: c.ignore ?? [],
    waivers: (c.waivers ?? []).map((w) => ({
      rule: w.rule,
      ...(w.paths ? { paths: w.paths } : {}),
      ...(w.symbols ? { symbols: w.symbols } : {}),
      ...(w['patch-id'] ? { patchId: w['patch-id'].toLowerCase() } : {}),
      reason: w.reason,
      origin,
    })),
    origin,
  };
  if (c['fail-on']) out.failOn = c['fail-on'];
  if (c['site-url']) out.siteUrl = c['site-url'];
  if (c.inbox) out.inbox = isAbsolute(c.inbox) ? c.inbox : resolve(baseDir, c.inbox);
  if (c.consumers) out.consumers = isAbsolute(c.consumers) ? c.consumers : resolve(baseDir, c.consumers);
  if (c.hook?.['fail-on']) out.hookFailOn = c.hook['fail-on'];
  if (c.hook?.['on-error']) out.onError = c.hook['on-error'];
  return out;
}

/** Reads and validates one `.patch-review.yml`. */
export async function readConfigFile(path: string): Promise<Config> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw cannotRead(path, e, { what: 'the configuration' });
  }
  const { parse } = requireLazy('yaml') as typeof import('yaml');
  let data: unknown;
  try {
    data = parse(text);
  } catch (e) {
    throw new InputError(path, `not valid YAML: ${String((e as Error).message).split('\n')[0]}`);
  }
  if (data !== null && data !== undefined && (typeof data !== 'object' || Array.isArray(data))) {
    throw new InputError(path, '(top level): expected a mapping of settings');
  }
  return validateConfig(data, path, dirname(path));
}

/** The `.patch-review.yml` that applies in `dir`: the nearest one up to the repository root. */
export function findConfigFile(dir: string): string | null {
  let d = resolve(dir);
  for (;;) {
    const candidate = join(d, CONFIG_FILE);
    if (existsSync(candidate)) return candidate;
    if (existsSync(join(d, '.git'))) return null; // the repository root: stop
    const up = dirname(d);
    if (up === d) return null;
    d = up;
  }
}

/** `.patch-review.yml` for a directory, or the empty configuration when there is none. */
export async function loadProjectConfig(dir: string, explicit?: string): Promise<Config> {
  const path = explicit ?? findConfigFile(dir);
  return path ? readConfigFile(path) : EMPTY_CONFIG;
}

/** `git config patch-review.<key>` (git lower-cases keys) → its name and the YAML setting it stands for. */
const GIT_KEYS: Record<string, { name: string; yaml: string[] }> = {
  failon: { name: 'failOn', yaml: ['hook', 'fail-on'] },
  onerror: { name: 'onError', yaml: ['hook', 'on-error'] },
  siteurl: { name: 'siteUrl', yaml: ['site-url'] },
  inbox: { name: 'inbox', yaml: ['inbox'] },
  consumers: { name: 'consumers', yaml: ['consumers'] },
  knowledge: { name: 'knowledge', yaml: ['knowledge'] },
  ignore: { name: 'ignore', yaml: ['ignore'] },
};

/**
 * `git config patch-review.*` as a Config. `failOn`/`onError` are the hook's; multi-valued keys:
 * `knowledge` (one directory per value) and `ignore` ("RULE-OR-CATEGORY [GLOB…]" per value).
 */
export function gitConfigToConfig(entries: [string, string][], repoDir: string): Config {
  const hook: Record<string, string> = {};
  const data: Record<string, unknown> = {};
  const knowledge: string[] = [];
  const ignore: IgnoreRule[] = [];
  for (const [rawKey, value] of entries) {
    const key = rawKey.toLowerCase().replace(/^patch-review\./, '');
    const known = GIT_KEYS[key];
    if (!known) throw new InputError('git config', `patch-review.${key}: unknown key (known: ${Object.values(GIT_KEYS).map((k) => k.name).join(', ')})`);
    const v = value.trim();
    if (key === 'knowledge') knowledge.push(v);
    else if (key === 'ignore') {
      const [what = '', ...paths] = v.split(/\s+/);
      const entry: IgnoreRule = (CATEGORIES as readonly string[]).includes(what) ? { categories: [what as Category] } : { rules: [what] };
      if (paths.length) entry.paths = paths;
      ignore.push(entry);
    } else if (known.yaml[0] === 'hook') hook[known.yaml[1]!] = v.toLowerCase();
    else data[known.yaml[0]!] = v;
  }
  if (Object.keys(hook).length) data['hook'] = hook;
  if (knowledge.length) data['knowledge'] = knowledge;
  if (ignore.length) data['ignore'] = ignore;
  // Errors name the git key, not the YAML path it was turned into.
  const gitKey = (path: string[]) => `patch-review.${Object.values(GIT_KEYS).find((k) => k.yaml.every((p, i) => path[i] === p))?.name ?? path.join('.')}`;
  return validateConfig(data, 'git config', repoDir, gitKey);
}

/** The raw `git config patch-review.*` entries of a repository (all scopes, `git -c` included). */
export async function readGitConfigEntries(repoDir: string, env?: NodeJS.ProcessEnv): Promise<[string, string][]> {
  const r = await git(['config', '-z', '--get-regexp', '^patch-review\\.'], repoDir, env);
  // Exit 1 means "no such key": an empty configuration.
  if (r.code !== 0 && r.code !== 1) throw new InputError(repoDir, `git config failed (${r.stderr.trim().split('\n')[0]})`);
  return r.stdout
    .split('\0')
    .filter((rec) => rec !== '')
    .map((rec) => {
      const nl = rec.indexOf('\n');
      return nl < 0 ? [rec, 'true'] : [rec.slice(0, nl), rec.slice(nl + 1)];
    });
}

/** `git config patch-review.*` of a repository as a Config. */
export async function readGitConfig(repoDir: string, env?: NodeJS.ProcessEnv): Promise<Config> {
  return gitConfigToConfig(await readGitConfigEntries(repoDir, env), repoDir);
}

/** `patch-review.onError` alone, so the policy holds even when another key is invalid. */
export function onErrorOf(entries: [string, string][]): OnError | undefined {
  const v = entries.filter(([k]) => k.toLowerCase() === 'patch-review.onerror').pop()?.[1]?.trim().toLowerCase();
  return (ON_ERROR as readonly string[]).includes(v ?? '') ? (v as OnError) : undefined;
}

/** Merges sources, most important first: scalars from the first that sets them, lists from all. */
export function mergeConfigs(...configs: Config[]): Config {
  const out: Config = { knowledge: [], ignore: [], waivers: [], origin: configs.map((c) => c.origin).join(' + ') };
  for (const c of [...configs].reverse()) {
    if (c.failOn) out.failOn = c.failOn;
    if (c.siteUrl) out.siteUrl = c.siteUrl;
    if (c.inbox) out.inbox = c.inbox;
    if (c.consumers) out.consumers = c.consumers;
    if (c.hookFailOn) out.hookFailOn = c.hookFailOn;
    if (c.onError) out.onError = c.onError;
  }
  for (const c of configs) {
    out.knowledge.push(...c.knowledge.filter((k) => !out.knowledge.includes(k)));
    out.ignore.push(...c.ignore);
    out.waivers.push(...c.waivers);
  }
  return out;
}

/** Globs as one predicate (picomatch, loaded on first use). */
export function compileGlob(globs: string[]): (path: string) => boolean {
  return (requireLazy('picomatch') as typeof import('picomatch'))(globs, { dot: true });
}
