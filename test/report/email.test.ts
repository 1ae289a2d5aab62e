import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, EXAMPLES, fixture } from '../helpers.js';
import { parseMail, decodeQuotedPrintable } from '../../src/ingest/mail.js';
import { extractPatch } from '../../src/ingest/extract.js';
import { splitMbox } from '../../src/ingest/mbox.js';
import { decodeHeaderValue, firstHeader } from '../../src/ingest/headers.js';
import { headerField, encodeWords, quotedPrintable } from '../../src/report/email.js';

const EXAMPLE = join(EXAMPLES, '0001-vhost-vsock-offer-ACCESS_PLATFORM.patch');
const tmp = () => mkdtempSync(join(tmpdir(), 'pr-email-'));

async function replies(args: string[], stdin?: Buffer): Promise<{ mbox: string; messages: Buffer[] }> {
  const r = await runCli(['--format', 'email', '--fail-on', 'never', ...args], stdin ? { stdin } : {});
  assert.equal(r.code, 0, r.stderr);
  const messages: Buffer[] = [];
  for await (const m of splitMbox((async function* () {
    yield Buffer.from(r.stdout);
  })(), 'reply')) messages.push(m);
  return { mbox: r.stdout, messages };
}

/** git's own mail parser: mailsplit the mbox, mailinfo each message (as `git am` does). */
function gitAmParse(mbox: string): { info: string; msg: string; patch: string }[] {
  const d = tmp();
  writeFileSync(join(d, 'in.mbox'), mbox);
  mkdirSync(join(d, 'split'));
  execFileSync('git', ['mailsplit', '-o' + join(d, 'split'), join(d, 'in.mbox')], { cwd: d, stdio: ['ignore', 'pipe', 'pipe'] });
  return readdirSync(join(d, 'split'))
    .sort()
    .map((n) => {
      const info = execFileSync('git', ['mailinfo', '-k', join(d, 'msg'), join(d, 'patch')], { cwd: d, input: readFileSync(join(d, 'split', n)), encoding: 'utf8' });
      return { info, msg: readFileSync(join(d, 'msg'), 'utf8'), patch: readFileSync(join(d, 'patch'), 'utf8') };
    });
}

test('email: a threaded reply to the patch, readable back by our parser and by git am', async () => {
  const { mbox, messages } = await replies([EXAMPLE]);
  assert.equal(messages.length, 1);
  const mail = parseMail(messages[0]!);
  const subject = decodeHeaderValue(firstHeader(mail.headers, 'subject')!);
  assert.equal(subject, 'Re: [PATCH v2 1/2] vhost/vsock: offer VIRTIO_F_ACCESS_PLATFORM and handle IOTLB messages');
  assert.equal(firstHeader(mail.headers, 'in-reply-to'), '<20260302090000.1234-2-dev@example.org>');
  assert.equal(firstHeader(mail.headers, 'references'), '<20260302090000.1234-1-dev@example.org> <20260302090000.1234-2-dev@example.org>');
  assert.equal(firstHeader(mail.headers, 'to'), '"Example Developer" <dev@example.org>');
  // Our ingest sees a reply, not a patch: no unquoted diff survives in the body.
  const back = extractPatch(mail, 'reply');
  assert.ok('skipped' in back && back.skipped === 'reply');
  const [parsed] = gitAmParse(mbox);
  assert.match(parsed!.info, /^Subject: Re: \[PATCH v2 1\/2\] vhost\/vsock: offer VIRTIO_F_ACCESS_PLATFORM and handle IOTLB messages$/m);
  assert.equal(parsed!.patch, '', 'git mailinfo finds no patch in the reply');
  assert.match(parsed!.msg, /^> \+\t\t\t       \(1ULL << VIRTIO_F_ACCESS_PLATFORM\)$/m);
});

test('email: each finding is written under the line it concerns, then checklist and references', async () => {
  const { messages } = await replies([EXAMPLE]);
  const body = parseMail(messages[0]!).body.split('\n');
  const quoted = body.findIndex((l) => l === '> +\t\t\t       (1ULL << VIRTIO_F_ACCESS_PLATFORM)');
  const comment = body.findIndex((l) => l.startsWith('ERROR [vhost-access-platform-offer]'));
  const nextQuote = body.findIndex((l, i) => i > quoted && l.startsWith('> '));
  assert.ok(quoted > 0 && comment > quoted && comment < nextQuote, `finding under line 34 (quote ${quoted}, comment ${comment}, next ${nextQuote})`);
  // The line above it in the reply is the quoted diff, not the hunk header of another place.
  assert.ok(body.slice(0, quoted).some((l) => l.startsWith('> @@ -30,7 +30,12 @@')));
  // A finding about the set_features hunk sits in that hunk, which is trimmed around it.
  const ioctl = body.findIndex((l) => l.startsWith('WARNING [ioctl-new-error-return]'));
  assert.ok(body.slice(0, ioctl).reverse().find((l) => l.startsWith('> '))!.includes('return -EOPNOTSUPP;'));
  const checklist = body.indexOf('Review checklist');
  assert.ok(checklist > ioctl, 'the checklist comes after the quoted hunks');
  assert.ok(body.slice(checklist).some((l) => l.startsWith('  - [ ] ')));
  const refs = body.indexOf('References');
  assert.ok(refs > checklist && body[refs + 3]!.startsWith('[1] '));
  assert.ok(body.slice(refs).some((l) => l.trim() === 'https://lore.kernel.org/r/20220805181105.GA29848@willie-the-truck'));
  // Only lines we quote start with ">"; every other line is prose, wrapped for mail.
  for (const l of body) if (!l.startsWith('> ') && !/^ {4}https?:\/\//.test(l) && !l.startsWith('See ')) assert.ok(l.length <= 78, `wrapped: ${l}`);
});

test('email: a hostile subject cannot add headers; non-ASCII is RFC 2047; clean patches get no reply', async () => {
  const { mbox, messages } = await replies([fixture('report/script-subject.patch'), fixture('report/clean.patch')]);
  assert.equal(messages.length, 1, 'no reply for the clean patch');
  const raw = messages[0]!.toString('utf8');
  const headerBlock = raw.slice(0, raw.indexOf('\n\n'));
  for (const line of headerBlock.split('\n')) {
    assert.match(line, /^[\x20-\x7e]*$/, `headers are ASCII: ${line}`);
    assert.ok(line.length <= 78, `folded: ${line}`);
  }
  const mail = parseMail(messages[0]!);
  assert.equal(mail.headers.get('bcc'), undefined, 'the decoded line break did not become a Bcc: header');
  assert.deepEqual([...mail.headers.keys()].sort(), ['content-transfer-encoding', 'content-type', 'in-reply-to', 'mime-version', 'references', 'subject', 'to']);
  assert.equal(decodeHeaderValue(firstHeader(mail.headers, 'subject')!), 'Re: [PATCH] vhost/vsock: <script>alert(1)</script> offér ACCESS_PLATFORM Bcc: victim@example.org');
  assert.equal(decodeHeaderValue(firstHeader(mail.headers, 'to')!), 'Zoë Exämple <zoe@example.org>');
  const [parsed] = gitAmParse(mbox);
  assert.match(parsed!.info, /^Subject: Re: \[PATCH\] vhost\/vsock: <script>alert\(1\)<\/script> offér ACCESS_PLATFORM Bcc: victim@example\.org$/m);
  assert.equal(parsed!.patch, '');
});

test('email: a line too long for 8bit makes the body quoted-printable, and it decodes back', async () => {
  const long = '/* ' + 'x'.repeat(1200) + ' */';
  const text = readFileSync(EXAMPLE, 'utf8').replace('+			       (1ULL << VIRTIO_F_ACCESS_PLATFORM)', `+			       (1ULL << VIRTIO_F_ACCESS_PLATFORM) ${long}`);
  const { mbox, messages } = await replies(['-'], Buffer.from(text));
  const raw = messages[0]!.toString('utf8');
  assert.match(raw, /^Content-Transfer-Encoding: quoted-printable$/m);
  for (const l of raw.split('\n')) assert.ok(l.length <= 78, `line of ${l.length}`);
  const mail = parseMail(messages[0]!);
  assert.ok(mail.body.includes(`> +\t\t\t       (1ULL << VIRTIO_F_ACCESS_PLATFORM) ${long}\n`));
  const [parsed] = gitAmParse(mbox);
  assert.ok(parsed!.msg.includes(long));
});

test('email helpers: folding, encoded words never split a character, quoted-printable round trip', () => {
  const f = headerField('Subject', 'Re: ' + 'word '.repeat(40));
  for (const l of f.split('\n')) assert.ok(l.length <= 78);
  assert.equal(f.replace(/\n /g, ' '), `Subject: Re: ${'word '.repeat(40).trim()}`);
  const words = encodeWords('ünïcödé '.repeat(20));
  for (const w of words) assert.ok(w.length <= 75, w);
  assert.equal(decodeHeaderValue(words.join(' ')), 'ünïcödé '.repeat(20));
  const sample = 'From the start\ntrailing space \n= sign and ünïcödé\n' + 'y'.repeat(300);
  assert.equal(decodeQuotedPrintable(quotedPrintable(sample)).toString('utf8'), sample);
  assert.ok(!/^From /m.test(quotedPrintable(sample)), 'an mbox separator is never produced');
});
