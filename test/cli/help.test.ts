// The command line (issue 16): `help` lists every command, every command has --help with
// examples (exit 0, on stdout), and a mistyped command gets "did you mean".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, runCli } from '../helpers.js';
import { SUBCOMMANDS } from '../../src/cli/subcommands.js';
import { suggestCommand } from '../../src/cli/suggest.js';

test('patch-review help lists every command', async () => {
  const r = await runCli(['help']);
  assert.equal(r.code, 0);
  for (const name of [...SUBCOMMANDS, 'help']) assert.match(r.stdout, new RegExp(`^  ${name}\\b`, 'm'), name);
});

test('every subcommand has --help with examples, exit 0', async () => {
  for (const name of SUBCOMMANDS.filter((n) => n !== 'review')) {
    for (const args of [[name, '--help'], ['help', name]]) {
      const r = await runCli(args);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^Usage: patch-review ${name} `, 'm'), args.join(' '));
      assert.match(r.stdout, /^examples:\n {2}patch-review /m, args.join(' '));
    }
  }
  const review = await runCli(['--help']);
  assert.equal(review.code, 0);
  assert.match(review.stdout, /patch-review help COMMAND/);
});

test('a mistyped command gets "did you mean", on the bundled path too', async () => {
  assert.equal(suggestCommand('kbb'), 'kb');
  assert.equal(suggestCommand('hoook'), 'hook');
  assert.equal(suggestCommand('relatd'), 'related');
  assert.equal(suggestCommand('zzzzzz'), null);
  const r = await runCli(['hoook', 'install']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^patch-review: "hoook" is neither a command nor a file; did you mean "patch-review hook"\?/);
  const bin = spawnSync(process.execPath, [join(ROOT, 'bin', 'patch-review.js'), 'facs', 'x.patch'], { encoding: 'utf8', cwd: ROOT });
  assert.equal(bin.status, 2);
  assert.match(bin.stderr, /did you mean "patch-review facts"\?/);
  assert.equal(bin.stdout, '');
  const help = await runCli(['help', 'kbb']);
  assert.equal(help.code, 2);
  assert.match(help.stderr, /unknown command "kbb"; did you mean "kb"\?/);
});

test('arguments go through commander: unknown options and subcommands get "did you mean", bad values one line, exit 2', async () => {
  const cases: [string[], RegExp][] = [
    [['--fromat', 'json', 'x.patch'], /^patch-review: unknown option '--fromat' \(Did you mean --format\?\) \(see patch-review --help\)\n$/],
    [['kb', 'lsit'], /^patch-review: kb: unknown command 'lsit' \(Did you mean list\?\)/],
    [['who', '--db', 'x.db', '--format', 'xml', 'x.patch'], /^patch-review: who: option '--format <format>' argument 'xml' is invalid\. Allowed choices are text, json\./],
    [['--fail-on', 'sometimes', 'x.patch'], /Allowed choices are error, warning, note, never/],
    [['hook', 'run'], /^patch-review: hook: missing required argument 'patch'/],
    [['kb'], /^patch-review: kb: a subcommand is missing/],
  ];
  for (const [args, re] of cases) {
    const r = await runCli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re, args.join(' '));
    assert.equal(r.stderr.split('\n').length, 2, `${args.join(' ')}: one line`);
    assert.equal(r.stdout, '');
  }
});

test('a subcommand of a command has --help with its own examples', async () => {
  const r = await runCli(['kb', 'lint', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^Usage: patch-review kb lint \[options\]/m);
  assert.match(r.stdout, /--corpus <dir>/);
  assert.match(r.stdout, /^examples:\n {2}patch-review kb lint --corpus /m);
});

test('help fits in 100 columns', async () => {
  for (const args of [['help'], ...SUBCOMMANDS.map((n) => [n, '--help']), ['kb', 'lint', '--help'], ['consumers', 'index', '--help']]) {
    const r = await runCli(args);
    for (const l of r.stdout.split('\n')) assert.ok([...l].length <= 100, `${args.join(' ')}: ${l}`);
  }
});
