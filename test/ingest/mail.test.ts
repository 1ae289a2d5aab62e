import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseMail, decodeQuotedPrintable } from '../../src/ingest/mail.js';
import { decodeHeaderValue, parseContentType } from '../../src/ingest/headers.js';
import { extractPatch } from '../../src/ingest/extract.js';
import { parseSubject } from '../../src/ingest/subject.js';
import { parseTrailers } from '../../src/ingest/trailers.js';
import { EXAMPLES, fixture } from '../helpers.js';
import { join } from 'node:path';

const example = readFileSync(join(EXAMPLES, '0001-vhost-vsock-offer-ACCESS_PLATFORM.patch'), 'utf8');
/** The example's headers and body, split so tests can re-encode the body. */
function exampleParts() {
  const noEnvelope = example.slice(example.indexOf('\n') + 1);
  const sep = noEnvelope.indexOf('\n\n');
  return { headers: noEnvelope.slice(0, sep), body: noEnvelope.slice(sep + 2) };
}

function filesOf(raw: string | Buffer) {
  const r = extractPatch(parseMail(Buffer.isBuffer(raw) ? raw : Buffer.from(raw, 'utf8')), 'test');
  assert.ok('patch' in r, 'expected a patch');
  return r.patch;
}

test('RFC 2047 subjects: base64 and Q words, adjacent words joined, charsets decoded', () => {
  assert.equal(decodeHeaderValue('=?UTF-8?B?W1BBVENIXSB2aG9zdDogZml4IOKAnHF1b3Rlc+KAnQ==?='), '[PATCH] vhost: fix \u201cquotes\u201d');
  assert.equal(decodeHeaderValue('=?iso-8859-1?Q?Ren=E9_?= =?iso-8859-1?Q?M=FCller?= <r@x>'), 'René Müller <r@x>');
  assert.equal(decodeHeaderValue('plain text'), 'plain text');
  assert.equal(decodeHeaderValue('=?x-unknown?B?aGk=?='), 'hi');
});

test('Content-Type parameters: quoted, any case, with semicolons inside quotes', () => {
  const ct = parseContentType('Text/Plain; charset="UTF-8"; name="a;b.patch"; Format=flowed');
  assert.equal(ct.type, 'text/plain');
  assert.equal(ct.params['charset'], 'UTF-8');
  assert.equal(ct.params['name'], 'a;b.patch');
  assert.equal(ct.params['format'], 'flowed');
});

test('a plain format-patch mail: folded subject, ids, author, trailers, diff', () => {
  const p = filesOf(example);
  assert.equal(p.subject, 'vhost/vsock: offer VIRTIO_F_ACCESS_PLATFORM and handle IOTLB messages');
  assert.equal(p.prefix.version, 2);
  assert.equal(p.prefix.index, 1);
  assert.equal(p.prefix.total, 2);
  assert.equal(p.messageId, '20260302090000.1234-2-dev@example.org');
  assert.equal(p.inReplyTo, '20260302090000.1234-1-dev@example.org');
  assert.equal(p.author, 'Example Developer <dev@example.org>');
  assert.deepEqual(p.trailers, [{ key: 'Signed-off-by', value: 'Example Developer <dev@example.org>' }]);
  assert.ok(p.diff.startsWith('diff --git a/drivers/vhost/vsock.c'));
  assert.ok(!p.commitMessage.includes('diffstat') && !p.commitMessage.includes('drivers/vhost/vsock.c |'));
});

test('base64 bodies are decoded (about 10% of the list is base64)', () => {
  const { headers, body } = exampleParts();
  const b64 = Buffer.from(body, 'utf8').toString('base64').replace(/.{76}/g, '$&\n');
  const mail = `${headers}\nMIME-Version: 1.0\nContent-Type: text/plain; charset="utf-8"\nContent-Transfer-Encoding: base64\n\n${b64}\n`;
  const p = filesOf(mail);
  assert.ok(p.diff.includes('VIRTIO_F_ACCESS_PLATFORM'));
  assert.equal(p.transport.damagedEncoding, false);
});

test('truncated base64 is flagged, not thrown', () => {
  const { headers, body } = exampleParts();
  const b64 = Buffer.from(body, 'utf8').toString('base64');
  const mail = `${headers}\nContent-Transfer-Encoding: base64\n\n${b64.slice(0, b64.length - 3)}\n`;
  const parsed = parseMail(Buffer.from(mail));
  assert.equal(parsed.damagedEncoding, true);
});

test('quoted-printable: soft breaks, =XX escapes, trailing transport whitespace', () => {
  assert.equal(decodeQuotedPrintable('a=3Db=\nc  \nd').toString(), 'a=bc\nd');
  const { headers, body } = exampleParts();
  const qp = body.replace(/=/g, '=3D').replace(/^(.{70})(.+)$/gm, '$1=\n$2');
  const p = filesOf(`${headers}\nContent-Transfer-Encoding: quoted-printable\n\n${qp}`);
  assert.ok(p.diff.includes('(1ULL << VIRTIO_F_ACCESS_PLATFORM)'));
  assert.ok(p.diff.includes('features = VHOST_VSOCK_BACKEND_FEATURES;'));
});

test('multipart: the patch as a text/x-patch attachment, HTML alternative ignored', () => {
  const { headers, body } = exampleParts();
  const b = 'BOUNDARY42';
  const mail = [
    headers,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${b}"`,
    '',
    'preamble',
    `--${b}`,
    'Content-Type: multipart/alternative; boundary="alt"',
    '',
    '--alt',
    'Content-Type: text/plain',
    '',
    'Please see the attached patch.',
    '--alt',
    'Content-Type: text/html',
    '',
    '<p>diff --git a/x b/x</p>',
    '--alt--',
    `--${b}`,
    'Content-Type: text/x-patch; name="0001.patch"',
    'Content-Disposition: attachment; filename="0001.patch"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from(body).toString('base64'),
    `--${b}--`,
    '',
  ].join('\n');
  const p = filesOf(mail);
  assert.ok(p.diff.startsWith('diff --git a/drivers/vhost/vsock.c'));
  assert.ok(!p.diff.includes('<p>'));
});

test('charsets: a latin-1 body and CRLF line ends', () => {
  const { headers, body } = exampleParts();
  const latin = Buffer.from(body.replace('This example patch', 'Ce correctif d\u00e9mo'), 'latin1');
  const mail = Buffer.concat([Buffer.from(`${headers}\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\n\n`), latin]);
  const crlf = Buffer.from(mail.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
  const p = filesOf(crlf);
  assert.ok(p.commitMessage.includes('d\u00e9mo'));
  assert.ok(!p.diff.includes('\r'));
});

test('format=flowed is unwrapped like git am and reported', () => {
  const { headers, body } = exampleParts();
  const flowed = body.replace('if ((features & (1ULL << VIRTIO_F_ACCESS_PLATFORM)) &&', 'if ((features & (1ULL << \nVIRTIO_F_ACCESS_PLATFORM)) &&');
  const p = filesOf(`${headers}\nContent-Type: text/plain; charset=utf-8; format=flowed\n\n${flowed}`);
  assert.equal(p.transport.flowed, true);
});

test('a diff quoted in the commit message above "---" is not the patch', () => {
  const p = filesOf(readFileSync(fixture('message-with-diff-lines.patch')));
  assert.ok(p.commitMessage.includes('fake.c'));
  assert.ok(!p.diff.includes('fake.c'));
  assert.ok(p.diff.includes('drivers/vhost/vhost.c'));
  assert.deepEqual(p.trailers.map((t) => t.key), ['Fixes', 'Signed-off-by']);
});

test('replies and cover letters are skipped with a reason', () => {
  const reply = 'From: a@b\nSubject: Re: [PATCH] vhost: x\n\n> diff --git a/x b/x\nlooks fine\n';
  const r1 = extractPatch(parseMail(Buffer.from(reply)), 't');
  assert.deepEqual('skipped' in r1 && r1.skipped, 'reply');
  const cover = 'From: a@b\nSubject: [PATCH 0/3] vhost: a series\n\nThis series does things.\n\n a | 1 +\n';
  const r2 = extractPatch(parseMail(Buffer.from(cover)), 't');
  assert.deepEqual('skipped' in r2 && r2.skipped, 'cover-letter');
});

test('subject prefixes', () => {
  const s = parseSubject('[RFC PATCH net-next v8 10/12] vhost: foo');
  assert.equal(s.subject, 'vhost: foo');
  assert.deepEqual([s.prefix.version, s.prefix.index, s.prefix.total, s.prefix.rfc, s.prefix.reply], [8, 10, 12, true, false]);
  assert.deepEqual(s.prefix.tags, ['RFC', 'PATCH', 'net-next', 'v8', '10/12']);
  const r = parseSubject('Re: AW: [PATCH V3] virtio: bar');
  assert.equal(r.prefix.reply, true);
  assert.equal(r.prefix.version, 3);
});

test('trailers: known keys canonicalised, continuation lines joined, prose paragraphs ignored', () => {
  const t = parseTrailers('Subject line\n\nBody text: with a colon.\n\nfixes: 0123456789ab ("x:\n  y")\nCc: stable@vger.kernel.org\nLink: https://lore.kernel.org/r/1@x\nPatch-Review-Ack: vhost-x intended\nsigned-off-by: A <a@b>');
  assert.deepEqual(
    t.map((x) => x.key),
    ['Fixes', 'Cc', 'Link', 'Patch-Review-Ack', 'Signed-off-by'],
  );
  assert.equal(t[0]!.value, '0123456789ab ("x: y")');
  assert.deepEqual(parseTrailers('Only prose here.\n\nAnd more prose.'), []);
});
