import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, EXAMPLES, fixture } from '../helpers.js';
import { installHook } from '../../src/hook/install.js';
import { CHAINED_NAME, HOOK_NAME } from '../../src/hook/script.js';
import { seriesStep, STALE_MS, type SendState } from '../../src/hook/state.js';
import { PACKAGE_ROOT } from '../../src/io/paths.js';
import { newSeries } from '../../src/analyze/series.js';
import type { Patch } from '../../src/model/patch.js';

const EXAMPLE = join(EXAMPLES, '0001-vhost-vsock-offer-ACCESS_PLATFORM.patch');
const SERIES = ['0000-cover-letter.patch', '0001-vhost-define-VHOST_EXAMPLE_GET_WIDGET.patch', '0002-vhost-vdpa-implement-VHOST_EXAMPLE_GET_WIDGET.patch'].map((n) => fixture(join('hook', n)));
const CLEAN_ENV: NodeJS.ProcessEnv = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', NO_COLOR: '1' };
delete CLEAN_ENV['GIT_DIR'];
delete CLEAN_ENV['GIT_SENDEMAIL_FILE_COUNTER'];
delete CLEAN_ENV['GIT_SENDEMAIL_FILE_TOTAL'];

function repo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pr-hook-'));
  const git = (...a: string[]) => execFileSync('git', a, { cwd: dir, env: CLEAN_ENV });
  git('init', '-q');
  git('config', 'user.name', 'Example Developer');
  git('config', 'user.email', 'dev@example.org');
  return dir;
}

/** Runs the installed hook the way git does: in the work tree, with GIT_DIR set. */
function hook(dir: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(join(dir, '.git', 'hooks', HOOK_NAME), args, { cwd: dir, env: { ...CLEAN_ENV, GIT_DIR: join(dir, '.git'), ...env }, encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}

/** Whether any series state is kept (one file per series under .git/patch-review/series). */
const stateKept = (dir: string) => {
  const d = join(dir, '.git', 'patch-review', 'series');
  return existsSync(d) && readdirSync(d).some((n) => n.endsWith('.json'));
};

test('hook install writes an executable sendemail-validate; uninstall removes it', async () => {
  const dir = repo();
  const r = await runCli(['hook', 'install', '--repo', dir, '--fail-on', 'warning']);
  assert.equal(r.code, 0, r.stderr);
  const path = join(dir, '.git', 'hooks', HOOK_NAME);
  assert.match(r.stdout, new RegExp(`installed ${path}`));
  assert.ok(statSync(path).mode & 0o100, 'executable');
  const script = readFileSync(path, 'utf8');
  assert.ok(script.startsWith('#!/bin/sh\n'));
  assert.ok(script.includes(`cli='${join(PACKAGE_ROOT, 'bin', 'patch-review.js')}'`));
  assert.ok(script.includes('--fail-on warning'));
  assert.equal(spawnSync('sh', ['-n', path]).status, 0, 'valid sh');
  // Installing again updates it in place.
  assert.match((await runCli(['hook', 'install', '--repo', dir])).stdout, /updated/);
  assert.ok(!readFileSync(path, 'utf8').includes('--fail-on'));
  const u = await runCli(['hook', 'uninstall', '--repo', dir]);
  assert.equal(u.code, 0);
  assert.ok(!existsSync(path));
  const again = await runCli(['hook', 'uninstall', '--repo', dir]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /no patch-review sendemail-validate hook is installed/);
  const notRepo = await runCli(['hook', 'install', '--repo', mkdtempSync(join(tmpdir(), 'pr-hook-'))]);
  assert.equal(notRepo.code, 2);
  assert.match(notRepo.stderr, /not a git repository/);
  assert.equal((await runCli(['hook', 'install', '--repo', dir, '--on-error', 'sometimes'])).code, 2);
  assert.equal((await runCli(['hook', 'frobnicate'])).code, 2);
});

test('an existing hook is kept, run first with the same arguments, and restored by uninstall', async () => {
  const dir = repo();
  const hooks = join(dir, '.git', 'hooks');
  const log = join(dir, 'chained.log');
  const original = `#!/bin/sh\necho "$@" >> '${log}'\nexit "\${CHAINED_EXIT:-0}"\n`;
  writeFileSync(join(hooks, HOOK_NAME), original);
  chmodSync(join(hooks, HOOK_NAME), 0o755);
  const r = await runCli(['hook', 'install', '--repo', dir]);
  assert.match(r.stdout, new RegExp(`runs the earlier hook first: ${join(hooks, CHAINED_NAME)}`));
  assert.equal(readFileSync(join(hooks, CHAINED_NAME), 'utf8'), original);

  const clean = fixture('report/clean.patch');
  const ok = hook(dir, [clean, '/dev/null']);
  assert.equal(ok.code, 0, ok.out);
  assert.equal(readFileSync(log, 'utf8'), `${clean} /dev/null\n`, 'the earlier hook got both arguments');
  assert.match(ok.out, /no findings/);
  // When the earlier hook refuses, its status stands and patch-review does not run.
  const refused = hook(dir, [clean], { CHAINED_EXIT: '7' });
  assert.equal(refused.code, 7);
  assert.ok(!refused.out.includes('patch-review'));

  // A second foreign hook cannot be installed over: the chained slot is taken.
  await runCli(['hook', 'uninstall', '--repo', dir]);
  assert.equal(readFileSync(join(hooks, HOOK_NAME), 'utf8'), original, 'restored');
  assert.ok(!existsSync(join(hooks, CHAINED_NAME)));
  writeFileSync(join(hooks, CHAINED_NAME), 'stale');
  const blocked = await runCli(['hook', 'install', '--repo', dir]);
  assert.equal(blocked.code, 2);
  assert.match(blocked.stderr, /already exists/);
  assert.equal(readFileSync(join(hooks, HOOK_NAME), 'utf8'), original, 'nothing was touched');
  const foreign = await runCli(['hook', 'uninstall', '--repo', dir]);
  assert.equal(foreign.code, 2);
  assert.match(foreign.stderr, /was not installed by patch-review: left alone/);
});

test('core.hooksPath is honoured', async () => {
  const dir = repo();
  execFileSync('git', ['config', 'core.hooksPath', '.githooks'], { cwd: dir, env: CLEAN_ENV });
  const r = await runCli(['hook', 'install', '--repo', dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(join(dir, '.githooks', HOOK_NAME)));
  assert.ok(!existsSync(join(dir, '.git', 'hooks', HOOK_NAME)));
});

test('series state across hook runs (git 2.41+ form: headers file and file counters); series findings on the last file', async () => {
  const dir = repo();
  await runCli(['hook', 'install', '--repo', dir]);
  // The SMTP header file is never reviewed: make it something that would fail if it were.
  const headers = join(dir, 'headers');
  copyFileSync(EXAMPLE, headers);
  const runs = SERIES.map((f, i) => {
    const r = hook(dir, [f, headers], { GIT_SENDEMAIL_FILE_COUNTER: String(i + 1), GIT_SENDEMAIL_FILE_TOTAL: '3' });
    return { ...r, state: stateKept(dir) };
  });
  assert.deepEqual(runs.map((r) => r.code), [0, 0, 0], runs.map((r) => r.out).join('\n'));
  assert.equal(runs[0]!.out, '', 'the cover letter: nothing to review, nothing said');
  assert.ok(!runs[0]!.out.includes('vhost-access-platform-offer') && !runs.some((r) => r.out.includes('vhost-access-platform-offer')), '$2 was not reviewed');
  assert.match(runs[1]!.out, /\[PATCH 1\/2\] vhost: define VHOST_EXAMPLE_GET_WIDGET\n {2}include\/uapi\/linux\/vhost\.h:123: WARNING: \[uapi-new-ioctl\]/);
  assert.ok(runs[1]!.state, 'state kept after patch 1');
  assert.match(runs[2]!.out, /WARNING: \[uapi-change-without-docs\]/, 'judged with patch 1 in the series');
  assert.ok(!runs[2]!.state, 'state cleaned up after the last file');
  // Patch 2 alone has no uAPI change: without the state it would have no series finding.
  const alone = hook(dir, [SERIES[2]!], { GIT_SENDEMAIL_FILE_COUNTER: '1', GIT_SENDEMAIL_FILE_TOTAL: '1' });
  assert.ok(!alone.out.includes('uapi-change-without-docs'), alone.out);
});

test('series state without counters (git 2.39): followed by subject numbers; a send that starts mid-series gets no series facts', async () => {
  const dir = repo();
  await runCli(['hook', 'install', '--repo', dir, '--fail-on', 'error']);
  const outs = SERIES.map((f) => hook(dir, [f]));
  assert.deepEqual(outs.map((o) => o.code), [0, 0, 0]);
  assert.match(outs[2]!.out, /uapi-change-without-docs/);
  assert.ok(!stateKept(dir));
  // Start at patch 2 of 2: patch 1 was not seen, so the series is not judged.
  const mid = hook(dir, [SERIES[2]!]);
  assert.ok(!mid.out.includes('uapi-change-without-docs'));
});

test('seriesStep: continuation, restart, stale state and the last file of a send', () => {
  const p = (index: number, total: number, version = 1): Patch => ({ source: 's', subject: 's', rawSubject: 's', prefix: { tags: [], version, index, total, rfc: false, reply: false }, messageId: null, inReplyTo: null, references: [], author: '', date: '', commitMessage: '', trailers: [], diff: '', transport: { flowed: false, damagedEncoding: false } });
  const now = 1_000_000_000;
  const prior: SendState = { v: 1, version: 1, total: 3, next: 2, updated: now - 1000, series: { ...newSeries('k'), uapiChanged: 'include/uapi/linux/vhost.h' } };
  assert.equal(seriesStep(p(2, 3), prior, null, now).series, prior.series, 'continues');
  assert.deepEqual(seriesStep(p(2, 3), prior, null, now).after?.next, 3);
  assert.equal(seriesStep(p(2, 3), { ...prior, updated: now - STALE_MS - 1 }, null, now).series, undefined, 'stale: not continued');
  assert.equal(seriesStep(p(2, 3, 2), prior, null, now).series, undefined, 'another version of the series');
  assert.equal(seriesStep(p(2, 3), prior, { counter: 1, total: 2 }, now).series, undefined, 'the first file of a send never continues');
  const first = seriesStep(p(1, 3), prior, null, now);
  assert.notEqual(first.series, prior.series);
  assert.equal(first.series?.uapiChanged, null, 'patch 1 starts afresh');
  assert.equal(seriesStep(p(3, 3), { ...prior, next: 3 }, null, now).after, null, 'the last patch clears the state');
  assert.equal(seriesStep(p(2, 3), prior, { counter: 4, total: 4 }, now).after, null, 'the last file of the send clears it too');
  assert.equal(seriesStep(p(1, 1), prior, null, now).after, null);
});

test('a refusal prints the findings, says how to override, and clears the series state', async () => {
  const dir = repo();
  await runCli(['hook', 'install', '--repo', dir, '--fail-on', 'warning']);
  const r = hook(dir, [SERIES[1]!]);
  assert.equal(r.code, 1);
  assert.match(r.out, /WARNING: \[uapi-new-ioctl\]/);
  assert.match(r.out, /stopping the send: 0001-vhost-define-VHOST_EXAMPLE_GET_WIDGET\.patch has 2 findings at or above the hook's fail level \(warning\)/);
  assert.match(r.out, /git send-email --no-validate/);
  assert.match(r.out, /git -c patch-review\.failOn=never send-email/);
  assert.match(r.out, /Patch-Review-Ack: uapi-new-ioctl <reason>/);
  assert.ok(!stateKept(dir));
  // git config wins over the level given at install: the override the message names works.
  const overridden = hook(dir, [SERIES[1]!], { GIT_CONFIG_PARAMETERS: "'patch-review.failon'='never'" });
  assert.equal(overridden.code, 0, overridden.out);
  // .patch-review.yml sets the hook's level when neither git config nor the install does.
  await runCli(['hook', 'install', '--repo', dir]);
  writeFileSync(join(dir, '.patch-review.yml'), 'fail-on: error\nhook:\n  fail-on: warning\n');
  assert.equal(hook(dir, [SERIES[1]!]).code, 1);
  // Ignores from the file apply too.
  writeFileSync(join(dir, '.patch-review.yml'), 'hook:\n  fail-on: warning\nignore:\n  - rules: [uapi-new-ioctl, vhost-ioctl-dispatch]\n    paths: ["include/uapi/**"]\n');
  const ignored = hook(dir, [SERIES[1]!]);
  assert.equal(ignored.code, 0, ignored.out);
  assert.ok(!ignored.out.includes('uapi-new-ioctl'));
});

test('a waiver trailer acknowledges a finding: printed, but the send goes on', async () => {
  const dir = repo();
  await runCli(['hook', 'install', '--repo', dir]);
  const waived = join(dir, '0001-waived.patch');
  writeFileSync(waived, readFileSync(EXAMPLE, 'utf8').replace('Signed-off-by: Example', 'Patch-Review-Ack: vhost-access-platform-offer crosvm masks the bit\nPatch-Review-Ack: virtio-access-platform-dma-api same change\nSigned-off-by: Example'));
  const r = hook(dir, [waived]);
  assert.equal(r.code, 0, r.out);
  // Acknowledged findings are left out of the lines and counted.
  assert.ok(!r.out.includes('[vhost-access-platform-offer]'), r.out);
  assert.match(r.out, /not shown: 2 acknowledged/);
  assert.equal(hook(dir, [EXAMPLE]).code, 1, 'without the trailers it stops');
});

test('when patch-review itself fails: fail-open by default, fail-closed on request, said clearly', async () => {
  const dir = repo();
  // patch-review cannot even start (node missing): the script applies the policy itself.
  await installHook(dir, { node: join(dir, 'no-such-node'), cli: join(PACKAGE_ROOT, 'bin', 'patch-review.js'), onError: 'open' });
  const open = hook(dir, [EXAMPLE]);
  assert.equal(open.code, 0);
  assert.match(open.out, /the review itself failed \(exit status 127\); sending without it, because patch-review\.onError is open/);
  const closed = hook(dir, [EXAMPLE], { GIT_CONFIG_PARAMETERS: "'patch-review.onerror'='closed'" });
  assert.equal(closed.code, 1);
  assert.match(closed.out, /not sending, because patch-review\.onError is closed/);
  await installHook(dir, { node: join(dir, 'no-such-node'), cli: join(PACKAGE_ROOT, 'bin', 'patch-review.js'), onError: 'closed' });
  assert.equal(hook(dir, [EXAMPLE]).code, 1, 'closed at install time');

  // patch-review runs but cannot review (a broken .patch-review.yml).
  await runCli(['hook', 'install', '--repo', dir]);
  writeFileSync(join(dir, '.patch-review.yml'), 'fail-on: sometimes\n');
  const broken = hook(dir, [EXAMPLE]);
  assert.equal(broken.code, 0);
  assert.match(broken.out, /could not review 0001-vhost-vsock-offer-ACCESS_PLATFORM\.patch: .*\.patch-review\.yml: fail-on: /);
  assert.match(broken.out, /sending without a review, because patch-review\.onError is open/);
  // The policy holds even when another git config key is the broken part.
  const strict = hook(dir, [EXAMPLE], { GIT_CONFIG_PARAMETERS: "'patch-review.onerror'='closed' 'patch-review.failon'='loudly'" });
  assert.equal(strict.code, 1);
  assert.match(strict.out, /patch-review\.failOn: .*\n.*not sending, because patch-review\.onError is closed/);
});

const sendEmail = spawnSync('git', ['send-email', '-h'], { encoding: 'utf8', env: CLEAN_ENV });
const NO_SEND_EMAIL = /not a git command/.test(sendEmail.stderr + sendEmail.stdout) ? 'git send-email is not installed (Debian: apt-get install git-email; .ci/run installs it)' : false;

test('a real git send-email --dry-run --validate runs the hook on every file', { skip: NO_SEND_EMAIL }, async () => {
  const dir = repo();
  await runCli(['hook', 'install', '--repo', dir]);
  const send = (...args: string[]) => {
    const r = spawnSync('git', ['send-email', '--dry-run', '--confirm=never', '--from=Example Developer <dev@example.org>', '--to=virtualization@lists.example.org', ...args], { cwd: dir, env: CLEAN_ENV, encoding: 'utf8', input: '' });
    return { code: r.status, out: r.stdout + r.stderr };
  };
  // The series passes (warnings only), and the last file gets the series finding: state kept across real hook runs.
  const ok = send('--validate', ...SERIES);
  assert.equal(ok.code, 0, ok.out);
  assert.match(ok.out, /WARNING: \[uapi-new-ioctl\]/);
  assert.match(ok.out, /WARNING: \[uapi-change-without-docs\]/);
  assert.match(ok.out, /Dry-OK|Result: OK/);
  assert.ok(!stateKept(dir), 'no state left behind');
  // An error stops the whole send before anything goes out.
  const refused = send('--validate', SERIES[1]!, EXAMPLE);
  assert.notEqual(refused.code, 0);
  assert.match(refused.out, /stopping the send: 0001-vhost-vsock-offer-ACCESS_PLATFORM\.patch/);
  assert.match(refused.out, /rejected by sendemail-validate hook/);
  assert.match(refused.out, /no patches were sent/);
  assert.ok(!/Dry-OK|Result: OK/.test(refused.out));
  // The overrides the refusal names do work.
  const noValidate = send('--no-validate', EXAMPLE);
  assert.equal(noValidate.code, 0, noValidate.out);
  assert.ok(!noValidate.out.includes('patch-review'));
  const viaConfig = spawnSync('git', ['-c', 'patch-review.failOn=never', 'send-email', '--dry-run', '--validate', '--confirm=never', '--from=dev@example.org', '--to=list@example.org', EXAMPLE], { cwd: dir, env: CLEAN_ENV, encoding: 'utf8', input: '' });
  assert.equal(viaConfig.status, 0, viaConfig.stderr);
  assert.match(viaConfig.stdout + viaConfig.stderr, /ERROR: \[vhost-access-platform-offer\]/);
});
