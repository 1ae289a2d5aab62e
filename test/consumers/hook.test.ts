// The send-email hook with `git config patch-review.consumers`: the use sites a finding breaks
// are printed under its line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { runCli, EXAMPLES } from '../helpers.js';
import { HOOK_NAME } from '../../src/hook/script.js';
import { toyCheckout } from './toyvmm.js';

const EXAMPLE = join(EXAMPLES, '0001-vhost-vsock-offer-ACCESS_PLATFORM.patch');

test('hook: git config patch-review.consumers prints the breaking use sites under the findings', async () => {
  const t = toyCheckout('toyvmm');
  try {
    const db = join(t.root, 'c.db');
    await runCli(['consumers', 'index', '--db', db, t.dir]);
    const env: NodeJS.ProcessEnv = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', NO_COLOR: '1' };
    delete env['GIT_DIR'];
    const repo = join(t.root, 'kernel');
    execFileSync('git', ['init', '-q', repo], { env });
    await runCli(['hook', 'install', '--repo', repo]);
    const run = () => spawnSync(join(repo, '.git', 'hooks', HOOK_NAME), [EXAMPLE], { cwd: repo, env: { ...env, GIT_DIR: join(repo, '.git') }, encoding: 'utf8' });
    const before = run();
    assert.doesNotMatch(before.stderr, /toyvmm/);
    execFileSync('git', ['-C', repo, 'config', 'patch-review.consumers', db], { env });
    const r = run();
    assert.equal(r.status, 1, r.stderr);
    const line = '\n  breaks toyvmm rs/vhost/worker.rs:11: features = self.acked_features & avail_features, masks nothing → a newly offered bit is enabled when the guest acks it\n';
    assert.equal(r.stderr.split(line).length, 2, `once: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /toy_negotiate/, 'only the sites that break are printed');
  } finally {
    t.cleanup();
  }
});
