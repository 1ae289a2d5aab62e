// --ignore RULE[,RULE]: findings of those rules are left out; an unknown rule is a usage error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLES, runCli } from '../helpers.js';

const EXAMPLE = join(EXAMPLES, '0001-vhost-vsock-offer-ACCESS_PLATFORM.patch');

test('--ignore leaves the named rules out, comma-separated or repeated', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'pr-ignore-'));
  const all = JSON.parse((await runCli(['--format', 'json', '--fail-on', 'never', EXAMPLE], { cwd })).stdout);
  const rules = [...new Set(all.patches[0].findings.map((f: { ruleId: string }) => f.ruleId))] as string[];
  assert.ok(rules.length >= 3);
  const r = await runCli(['--format', 'json', '--fail-on', 'never', '--ignore', `${rules[0]},${rules[1]}`, '--ignore', rules[2]!, EXAMPLE], { cwd });
  const left = new Set(JSON.parse(r.stdout).patches[0].findings.map((f: { ruleId: string }) => f.ruleId));
  assert.equal(r.code, 0);
  for (const rule of rules.slice(0, 3)) assert.ok(!left.has(rule), rule);
  assert.equal(left.size, rules.length - 3);
});

test('--ignore with a rule the knowledge base lacks is a one-line usage error', async () => {
  const r = await runCli(['--ignore', 'no-such-rule', EXAMPLE]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^patch-review: --ignore: no rule "no-such-rule" in the knowledge base.*\n$/);
});
