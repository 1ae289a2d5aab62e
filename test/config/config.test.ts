import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, readFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, ROOT, EXAMPLES, fixture } from '../helpers.js';
import { readConfigFile, findConfigFile, gitConfigToConfig, readGitConfig, mergeConfigs, EMPTY_CONFIG } from '../../src/config/project-config.js';
import { compileIgnores, failsAt } from '../../src/config/policy.js';
import { InputError } from '../../src/model/errors.js';
import type { Finding } from '../../src/model/finding.js';

const EXAMPLE = join(EXAMPLES, '0001-vhost-vsock-offer-ACCESS_PLATFORM.patch');
const tmp = () => mkdtempSync(join(tmpdir(), 'pr-config-'));

function finding(over: Partial<Finding>): Finding {
  return { ruleId: 'r', category: 'uapi-abi', severity: 'warning', title: 't', message: 'm', file: null, line: null, symbols: [], checklist: [], consumers: [], references: [], ...over };
}

async function rejects(path: string, text: string, ...mentions: string[]) {
  writeFileSync(path, text);
  await assert.rejects(readConfigFile(path), (e: unknown) => {
    assert.ok(e instanceof InputError, String(e));
    assert.ok(!e.message.includes('\n'), `one line: ${e.message}`);
    assert.ok(e.message.startsWith(path), `names the file: ${e.message}`);
    for (const m of mentions) assert.ok(e.message.includes(m), `"${e.message}" should mention ${m}`);
    return true;
  });
}

test('.patch-review.yml: every setting is read, knowledge paths are resolved against the file', async () => {
  const d = tmp();
  const p = join(d, '.patch-review.yml');
  writeFileSync(
    p,
    [
      'fail-on: warning',
      'site-url: https://notes.example.org/kb',
      'knowledge: [extra-kb, /abs/kb]',
      'ignore:',
      '  - rules: [uapi-header-changed]',
      '    paths: ["include/uapi/linux/vhost_types.h"]',
      '  - categories: [patch-format]',
      'hook:',
      '  fail-on: note',
      '  on-error: closed',
    ].join('\n'),
  );
  const c = await readConfigFile(p);
  assert.equal(c.failOn, 'warning');
  assert.equal(c.siteUrl, 'https://notes.example.org/kb');
  assert.deepEqual(c.knowledge, [join(d, 'extra-kb'), '/abs/kb']);
  assert.equal(c.ignore.length, 2);
  assert.equal(c.hookFailOn, 'note');
  assert.equal(c.onError, 'closed');
});

test('.patch-review.yml errors are one line naming the file and the key', async () => {
  const p = join(tmp(), '.patch-review.yml');
  await rejects(p, 'fail-on: sometimes\n', 'fail-on');
  await rejects(p, 'ignore:\n  - paths: [a]\n', 'ignore.0', 'rules or categories');
  await rejects(p, 'ignore:\n  - categories: [not-a-category]\n', 'ignore.0.categories.0');
  await rejects(p, 'site-url: javascript:alert(1)\n', 'site-url');
  await rejects(p, 'fail_on: error\n', 'fail_on');
  await rejects(p, 'hook:\n  on-error: maybe\n', 'hook.on-error');
  await rejects(p, 'fail-on: [unclosed\n', 'not valid YAML');
  await rejects(p, '- just\n- a list\n', 'mapping');
  // An empty file is no settings at all.
  writeFileSync(p, '');
  assert.deepEqual((await readConfigFile(p)).ignore, []);
});

test('the nearest .patch-review.yml is found up to the repository root, not beyond', () => {
  const root = tmp();
  const repo = join(root, 'repo');
  mkdirSync(join(repo, '.git'), { recursive: true });
  mkdirSync(join(repo, 'drivers', 'vhost'), { recursive: true });
  writeFileSync(join(root, '.patch-review.yml'), 'fail-on: never\n'); // outside the repository
  assert.equal(findConfigFile(join(repo, 'drivers', 'vhost')), null);
  writeFileSync(join(repo, '.patch-review.yml'), 'fail-on: note\n');
  assert.equal(findConfigFile(join(repo, 'drivers', 'vhost')), join(repo, '.patch-review.yml'));
});

test('git config patch-review.*: keys, multi-valued ignore and knowledge, errors name the git key', async () => {
  const c = gitConfigToConfig(
    [
      ['patch-review.failon', 'Warning'],
      ['patch-review.onerror', 'closed'],
      ['patch-review.siteurl', 'https://kb.example.org'],
      ['patch-review.knowledge', 'kb'],
      ['patch-review.ignore', 'patch-format'],
      ['patch-review.ignore', 'uapi-header-changed include/uapi/** drivers/**'],
    ],
    '/repo',
  );
  assert.equal(c.hookFailOn, 'warning');
  assert.equal(c.onError, 'closed');
  assert.equal(c.siteUrl, 'https://kb.example.org');
  assert.deepEqual(c.knowledge, ['/repo/kb']);
  assert.deepEqual(c.ignore, [{ categories: ['patch-format'] }, { rules: ['uapi-header-changed'], paths: ['include/uapi/**', 'drivers/**'] }]);
  assert.throws(() => gitConfigToConfig([['patch-review.failon', 'loudly']], '/repo'), /^InputError: git config: patch-review\.failOn: /);
  assert.throws(() => gitConfigToConfig([['patch-review.failOn', 'x'], ['patch-review.colour', 'x']], '/repo'), /patch-review\.colour: unknown key/);
  assert.throws(() => gitConfigToConfig([['patch-review.siteurl', 'ftp://x']], '/repo'), /patch-review\.siteUrl: /);

  // Read from a real repository, `git -c` included.
  const repo = tmp();
  execFileSync('git', ['init', '-q'], { cwd: repo });
  execFileSync('git', ['config', 'patch-review.failOn', 'note'], { cwd: repo });
  execFileSync('git', ['config', '--add', 'patch-review.ignore', 'vhost-ioctl-dispatch'], { cwd: repo });
  const real = await readGitConfig(repo);
  assert.equal(real.hookFailOn, 'note');
  assert.deepEqual(real.ignore, [{ rules: ['vhost-ioctl-dispatch'] }]);
  const viaC = await readGitConfig(repo, { ...process.env, GIT_CONFIG_PARAMETERS: "'patch-review.failon'='never'" });
  assert.equal(viaC.hookFailOn, 'never');
  assert.deepEqual((await readGitConfig(tmp())).ignore, []);
});

test('merging: scalars from the first source that sets them, lists from all', () => {
  const a = { ...EMPTY_CONFIG, failOn: 'note' as const, knowledge: ['/a'], origin: 'a' };
  const b = { ...EMPTY_CONFIG, failOn: 'error' as const, siteUrl: 'https://b', knowledge: ['/b', '/a'], ignore: [{ rules: ['x'] }], origin: 'b' };
  const m = mergeConfigs(a, b);
  assert.equal(m.failOn, 'note');
  assert.equal(m.siteUrl, 'https://b');
  assert.deepEqual(m.knowledge, ['/a', '/b']);
  assert.deepEqual(m.ignore, [{ rules: ['x'] }]);
});

test('ignore entries: by rule or category, limited to path globs; failsAt skips acknowledged findings', () => {
  const keep = compileIgnores([{ rules: ['r1'], paths: ['drivers/vhost/**'] }, { categories: ['patch-format'] }])!;
  assert.equal(keep(finding({ ruleId: 'r1', file: 'drivers/vhost/vsock.c' })), false);
  assert.equal(keep(finding({ ruleId: 'r1', file: 'include/uapi/linux/vhost.h' })), true);
  assert.equal(keep(finding({ ruleId: 'r1', file: null })), true, 'a path-limited ignore does not cover series-level findings');
  assert.equal(keep(finding({ ruleId: 'r2', category: 'patch-format', file: null })), false);
  assert.equal(compileIgnores([]), null);
  assert.equal(failsAt([finding({ severity: 'error', acknowledged: { reason: 'intended' } })], 'error'), false);
  assert.equal(failsAt([finding({ severity: 'warning' })], 'warning'), true);
  assert.equal(failsAt([finding({ severity: 'warning' })], 'error'), false);
  assert.equal(failsAt([finding({ severity: 'error' })], 'never'), false);
});

test('review applies .patch-review.yml: fail level, ignores per path, site URL, extra knowledge; the command line wins', async () => {
  const repo = tmp();
  mkdirSync(join(repo, '.git'));
  copyFileSync(EXAMPLE, join(repo, 'x.patch'));
  // Without configuration: the example fails on its error findings.
  const plain = await runCli(['--format', 'json', join(repo, 'x.patch')], { cwd: repo });
  assert.equal(plain.code, 1);
  const before = JSON.parse(plain.stdout).patches[0].findings.map((f: Finding) => f.ruleId);
  assert.ok(before.includes('vhost-access-platform-offer') && before.includes('virtio-access-platform-dma-api'));
  const plainDoc = JSON.parse(plain.stdout);
  assert.ok(plainDoc.patches[0].findings.some((f: Finding) => plainDoc.rules[f.ruleId].category === 'behaviour-change-visible-to-userspace'));

  // An extra knowledge directory, relative to the configuration file.
  mkdirSync(join(repo, 'kb', 'vhost-vsock'), { recursive: true });
  const entry = readFileSync(join(ROOT, 'knowledge', 'vhost-vsock', 'vhost-access-platform-offer.md'), 'utf8')
    .replace(/^id: .*$/m, 'id: local-vsock-rule')
    .replace(/^related: .*$/m, '')
    .replace(/^title: .*$/m, 'title: A project-local rule about vsock features');
  writeFileSync(join(repo, 'kb', 'vhost-vsock', 'local-vsock-rule.md'), entry);
  writeFileSync(
    join(repo, '.patch-review.yml'),
    [
      'fail-on: never',
      'site-url: https://notes.example.org/kb',
      'knowledge: [kb]',
      'ignore:',
      '  - rules: [vhost-access-platform-offer]',
      '    paths: ["drivers/vhost/**"]',
      '  - rules: [virtio-access-platform-dma-api]',
      '    paths: ["drivers/virtio/**"]',
      '  - categories: [behaviour-change-visible-to-userspace]',
    ].join('\n'),
  );
  const r = await runCli(['--format', 'markdown', '--format', 'json', '--output', join(repo, 'out.json'), join(repo, 'x.patch')], { cwd: repo });
  assert.equal(r.code, 0, `fail-on never from the file: ${r.stderr}`);
  const doc = JSON.parse(readFileSync(join(repo, 'out.json'), 'utf8'));
  const findings = doc.patches[0].findings as Finding[];
  const ids = findings.map((f) => f.ruleId);
  assert.ok(!ids.includes('vhost-access-platform-offer'), 'ignored in drivers/vhost/**');
  assert.ok(ids.includes('virtio-access-platform-dma-api'), 'its ignore is for another path');
  assert.ok(!findings.some((f) => doc.rules[f.ruleId].category === 'behaviour-change-visible-to-userspace'), 'a whole category ignored');
  assert.ok(ids.includes('local-vsock-rule'), 'the extra knowledge directory is loaded');
  assert.match(r.stdout, /https:\/\/notes\.example\.org\/kb\/entries\/virtio-access-platform-dma-api\.html/);
  const json = JSON.parse(readFileSync(join(repo, 'out.json'), 'utf8'));
  assert.equal(json.summary.findings.error, findings.filter((f) => f.severity === 'error').length, 'the summary counts only what is left');

  // The command line wins over the file.
  const strict = await runCli(['--fail-on', 'error', '--site-url', 'https://cli.example.org', '--format', 'markdown', join(repo, 'x.patch')], { cwd: repo });
  assert.equal(strict.code, 1);
  assert.match(strict.stdout, /https:\/\/cli\.example\.org\/entries\//);
  // --config names another file; --repo is where the nearest file is looked for.
  writeFileSync(join(repo, 'strict.yml'), 'fail-on: warning\n');
  assert.equal((await runCli(['--config', join(repo, 'strict.yml'), join(repo, 'x.patch')])).code, 1);
  assert.equal((await runCli(['--repo', repo, join(repo, 'x.patch')])).code, 0);
});

test('a bad .patch-review.yml stops review with one line naming file and key, exit 2', async () => {
  const repo = tmp();
  mkdirSync(join(repo, '.git'));
  writeFileSync(join(repo, '.patch-review.yml'), 'ignore:\n  - rules: uapi-header-changed\n');
  const r = await runCli([fixture('uapi-vdpa.patch')], { cwd: repo });
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /\.patch-review\.yml: ignore\.0\.rules: /);
  // An ignore naming a rule the knowledge base does not have is a warning, not an error.
  writeFileSync(join(repo, '.patch-review.yml'), 'ignore:\n  - rules: [no-such-rule]\n');
  const w = await runCli(['--fail-on', 'never', fixture('uapi-vdpa.patch')], { cwd: repo });
  assert.equal(w.code, 0);
  assert.match(w.stderr, /ignore names rules the knowledge base does not have: no-such-rule/);
});
