// Property tests: arbitrary and mutated input never throws anything but the tool's own input
// error, and parse → render → parse round-trips where a rendering exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseMail, decodeQuotedPrintable } from '../../src/ingest/mail.js';
import { extractPatch } from '../../src/ingest/extract.js';
import { decodeHeaderValue } from '../../src/ingest/headers.js';
import { splitMbox } from '../../src/ingest/mbox.js';
import { readInput, bufferChunks } from '../../src/ingest/read-input.js';
import { parseUnifiedDiff } from '../../src/diff/parse.js';
import { renderUnifiedDiff } from '../../src/diff/render.js';
import { analyzeDiff } from '../../src/diff/facts.js';
import { InputError } from '../../src/model/errors.js';
import type { FileDiff, Hunk } from '../../src/model/diff.js';
import { EXAMPLES, FIXTURES } from '../helpers.js';

const RUNS = Number(process.env['PROPERTY_RUNS'] ?? 300);
const seeds = [
  ...readdirSync(EXAMPLES).map((f) => readFileSync(join(EXAMPLES, f))),
  ...readdirSync(FIXTURES).filter((f) => /\.(patch|diff)$/.test(f)).map((f) => readFileSync(join(FIXTURES, f))),
];

/** Mutations a mailer, a list or a fuzzer would make to real mail. */
const mutated = fc
  .tuple(
    fc.constantFrom(...seeds),
    fc.array(
      fc.oneof(
        fc.record({ op: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
        fc.record({ op: fc.constant('cut' as const), at: fc.nat(), len: fc.nat({ max: 200 }) }),
        fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom('\n', '\r\n', '\0', '@@ -1,99 +1 @@\n', 'diff --git a/x b/x\n', '--- a/\n+++ b/\n', 'Content-Transfer-Encoding: base64\n', '=?utf-8?B?', '\n--b\n', '\xff\xfe', '>From ', 'From x\n') }),
      ),
      { maxLength: 8 },
    ),
  )
  .map(([seed, ops]) => {
    let b = Buffer.from(seed);
    for (const op of ops) {
      const at = b.length ? op.at % b.length : 0;
      if (op.op === 'flip') {
        if (b.length) b[at] = op.byte;
      } else if (op.op === 'cut') b = Buffer.concat([b.subarray(0, at), b.subarray(at + op.len)]);
      else b = Buffer.concat([b.subarray(0, at), Buffer.from(op.text, 'latin1'), b.subarray(at)]);
    }
    return b;
  });

const bytes = fc.uint8Array({ maxLength: 4000 }).map((u) => Buffer.from(u));

async function drain(name: string, buf: Buffer): Promise<void> {
  try {
    for await (const item of readInput({ name: '-', label: name, readStdin: () => bufferChunks(buf) })) {
      if (item.kind === 'patch') analyzeDiff(item.patch);
    }
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    assert.ok(!e.message.includes('\n'), 'input errors are one line');
  }
}

test('mail parsing never throws on arbitrary or mutated bytes', () => {
  fc.assert(
    fc.property(fc.oneof(bytes, mutated), (b) => {
      const mail = parseMail(b);
      const r = extractPatch(mail, 'x');
      if ('patch' in r) analyzeDiff(r.patch);
    }),
    { numRuns: RUNS },
  );
});

test('the whole input path throws only InputError, with one line', async () => {
  await fc.assert(fc.asyncProperty(fc.oneof(bytes, mutated), (b) => drain('<fuzz>', b)), { numRuns: RUNS });
});

test('diff parsing and fact extraction never throw on arbitrary text', () => {
  const diffish = fc.array(fc.oneof(fc.constantFrom('diff --git a/a.c b/a.c', '--- a/a.c', '+++ b/a.c', '@@ -1,2 +1,3 @@ int f(void)', '@@ -0,0 +1 @@', '+#define VHOST_X _IOW(VHOST_VIRTIO, 0x99, __u64)', '-\tVIRTIO_F_ACCESS_PLATFORM |', ' struct s {', '+/* c', '\\ No newline at end of file', 'rename from x', 'Binary files a/x and b/x differ', ''), fc.string({ maxLength: 80 })), { maxLength: 60 }).map((ls) => ls.join('\n'));
  fc.assert(
    fc.property(fc.oneof(diffish, fc.string({ maxLength: 2000 })), (text) => {
      const files = parseUnifiedDiff(text);
      for (const f of files) for (const h of f.hunks) for (const l of h.lines) assert.ok(l.kind === '+' || l.kind === '-' || l.kind === ' ');
    }),
    { numRuns: RUNS },
  );
});

const pathArb = fc.array(fc.stringMatching(/^[a-z][a-z0-9_]{0,7}$/), { minLength: 1, maxLength: 4 }).map((p) => p.join('/') + '.c');
const lineText = fc.stringMatching(/^[ -~]{0,60}$/);
const hunkArb: fc.Arbitrary<Hunk> = fc
  .tuple(fc.integer({ min: 1, max: 5000 }), fc.array(fc.tuple(fc.constantFrom<'+' | '-' | ' '>('+', '-', ' '), lineText), { minLength: 1, maxLength: 12 }))
  .filter(([, ls]) => ls.some(([k]) => k !== ' '))
  .map(([start, ls]) => {
    let o = start;
    let n = start;
    const lines = ls.map(([kind, text]) => {
      const l = { kind, text, oldLine: kind === '+' ? null : o, newLine: kind === '-' ? null : n };
      if (kind !== '+') o++;
      if (kind !== '-') n++;
      return l;
    });
    const oldLines = lines.filter((l) => l.kind !== '+').length;
    const newLines = lines.filter((l) => l.kind !== '-').length;
    return { oldStart: start, oldLines, newStart: start, newLines, section: '', lines };
  });

test('unified diff: render → parse round-trips paths, hunks and line numbers', () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.tuple(pathArb, hunkArb), { selector: ([p]) => p, minLength: 1, maxLength: 4 }), (specs) => {
      const files: FileDiff[] = specs.map(([path, hunk]) => ({
        oldPath: path,
        newPath: path,
        path,
        status: 'modified',
        binary: false,
        hunks: [hunk],
        additions: hunk.lines.filter((l) => l.kind === '+').length,
        deletions: hunk.lines.filter((l) => l.kind === '-').length,
        role: 'other',
      }));
      const back = parseUnifiedDiff(renderUnifiedDiff(files));
      assert.deepEqual(back.map((f) => [f.path, f.additions, f.deletions]), files.map((f) => [f.path, f.additions, f.deletions]));
      assert.deepEqual(back.map((f) => f.hunks[0]!.lines), files.map((f) => f.hunks[0]!.lines));
    }),
    { numRuns: RUNS },
  );
});

test('mboxrd: quoting "From " lines and splitting gives the messages back', async () => {
  const body = fc.array(fc.oneof(fc.stringMatching(/^[ -~]{0,40}$/), fc.constantFrom('From me', '>From you', '>>From them', '')), { maxLength: 10 }).map((l) => l.join('\n'));
  await fc.assert(
    fc.asyncProperty(fc.array(body, { minLength: 1, maxLength: 5 }), async (bodies) => {
      const mbox = bodies.map((b) => `From x@y Thu Jan  1 00:00:00 1970\nSubject: s\n\n${b.replace(/^(>*From )/gm, '>$1')}\n`).join('\n');
      const out: string[] = [];
      async function* one() {
        yield Buffer.from(mbox);
      }
      // An mbox cannot keep trailing blank lines (a blank line ends a message): compare without them.
      for await (const m of splitMbox(one(), 'x')) out.push(m.toString().replace(/^Subject: s\n\n/, '').replace(/\n+$/, ''));
      assert.deepEqual(out, bodies.map((b) => b.replace(/\n+$/, '')));
    }),
    { numRuns: RUNS },
  );
});

test('RFC 2047 and quoted-printable: encode → decode round-trips', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 60, unit: 'grapheme' }), (s) => {
      assert.equal(decodeHeaderValue(`=?UTF-8?B?${Buffer.from(s).toString('base64')}?=`), s);
      const q = [...Buffer.from(s)].map((b) => (b === 0x20 ? '_' : `=${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
      assert.equal(decodeHeaderValue(`=?utf-8?q?${q}?=`), s);
    }),
    { numRuns: RUNS },
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (u) => {
      const qp = [...u].map((b) => `=${b.toString(16).padStart(2, '0')}`).join('').replace(/(.{72})/g, '$1=\n');
      assert.deepEqual([...decodeQuotedPrintable(qp)], [...u]);
    }),
    { numRuns: RUNS },
  );
});
