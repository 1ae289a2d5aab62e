// Issue 19, item 7: control characters from a patch are escaped in every format, paths stay
// quoted on one line, and links are only http(s), mailto or relative.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, EXAMPLES } from '../helpers.js';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { FORMAT_NAMES } from '../../src/report/formatter.js';
import { escapeControls, quotePath } from '../../src/report/escape.js';
import { safeHref } from '../../src/site/html.js';

const example = readFileSync(join(EXAMPLES, '0001-vhost-vsock-offer-ACCESS_PLATFORM.patch'), 'utf8');

/** The example patch with escape sequences in its Message-ID, waiver reason and a C-quoted path that unquotes to a newline. */
function hostile(): Buffer {
  // A C-quoted newline, and a raw escape sequence git would have quoted (a hand-made patch).
  const evil = 'drivers/vhost/a\\nERROR: [fake-rule] injected\\n\\n# Heading\\n[md](javascript:alert(1))\x1b]0;T\x07.c';
  let text = example.replace(/^Subject: (.*)$/m, 'Message-ID: <\x1b]0;TITLE\x07@evil>\nSubject: $1 \x1b[2J');
  text = text.replace(/^Signed-off-by:/m, 'Patch-Review-Ack: vhost-access-platform-offer ok\x1b[32mLOOKS-CLEAN\x1b[0m\nSigned-off-by:');
  text = text.replace(/^diff --git a\/(\S+) b\/(\S+)$/m, `diff --git "a/${evil}" "b/${evil}"`).replace(/^--- a\/.*$/m, `--- "a/${evil}"`).replace(/^\+\+\+ b\/.*$/m, `+++ "b/${evil}"`);
  return Buffer.from(text);
}

test('escapes: C escapes as git writes them', () => {
  assert.equal(escapeControls('a\x1b[0mb\x07'), 'a\\033[0mb\\a');
  assert.equal(escapeControls('x\u009by'), 'x\\302\\233y');
  assert.equal(quotePath('a\nb"c'), '"a\\nb\\"c"');
  assert.equal(quotePath('drivers/vhost/net.c'), 'drivers/vhost/net.c');
});

test('no format prints a control character or a forged line from the patch', async () => {
  const input = hostile();
  for (const format of FORMAT_NAMES) {
    const r = await runCli(['--format', format, '--fail-on', 'never', '-'], { stdin: input });
    assert.equal(r.code, 0, `${format}: ${r.stderr}`);
    assert.doesNotMatch(r.stdout, /[\x00-\x08\x0b-\x1f\x7f]/, `${format} printed a control character`);
    assert.doesNotMatch(r.stdout, /^ERROR: \[fake-rule\]/m, `${format}: forged line`);
    assert.doesNotMatch(r.stdout, /^# Heading/m, `${format}: forged heading`);
    // The path is printed quoted wherever it appears (the places a finding lists included):
    // never with its newline raw, nor folded into a space by wrapping.
    assert.doesNotMatch(r.stdout, /drivers\/vhost\/a\s+ERROR/, `${format}: path printed unquoted`);
    if (format === 'terse') for (const line of r.stdout.trimEnd().split('\n')) assert.match(line, /^("drivers\/vhost\/a\\nERROR|\S+:\d+: )/, line);
    // Inside a code span a link is text; outside one it must not exist.
    if (format === 'markdown') assert.doesNotMatch(r.stdout.replace(/`[^`\n]*`/g, ''), /\]\(javascript:/i, format);
    if (format === 'html') assert.doesNotMatch(r.stdout, /href="javascript:/i, format);
  }
});

test('site and report links: no javascript:, no protocol-relative //host', () => {
  assert.equal(safeHref('//evil.example/x'), null);
  assert.equal(safeHref('\\\\evil.example/x'), null);
  assert.equal(safeHref('java\nscript:alert(1)'), null);
  assert.equal(safeHref('https://lore.kernel.org/x'), 'https://lore.kernel.org/x');
  assert.equal(safeHref('mailto:a@b'), 'mailto:a@b');
  assert.equal(safeHref('../entries/x.html'), '../entries/x.html');
});

test('oneLine joins only the white space runs that hold a line break', async () => {
  const { oneLine } = await import('../../src/report/escape.js');
  assert.equal(oneLine('a  \n\t b\n\nc   d\te'), 'a b c   d\te');
  assert.equal(oneLine(`${' '.repeat(50_000)}x`), `${' '.repeat(50_000)}x`);
});

test('an error message quoting the input has its bidi overrides escaped', async () => {
  const r = await runCli(['--fail-on', 'never', '/nonexistent/\u202eevil\u001b[31m.patch']);
  assert.equal(r.code, 2);
  assert.doesNotMatch(r.stderr, /[\u202e\u001b]/);
  assert.match(r.stderr, /evil/);
});
