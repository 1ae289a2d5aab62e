// The pure parts of the index: reply text, symbol shapes, subjects, addresses, headers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ownLines, analyzeReply, mentions, sentences, clip, MAX_SENTENCE } from '../../src/inbox/reply-text.js';
import { looksLikeSymbol, patchSymbols } from '../../src/inbox/symbols.js';
import { normalizeSubject, subjectSimilarity, SAME_TOPIC } from '../../src/inbox/topics.js';
import { parseAddress, senderOf, isBot } from '../../src/inbox/address.js';
import { quickMessageId, parseDate, mailRecord } from '../../src/inbox/record.js';
import { bareMessageId, outcomeOf } from '../../src/inbox/threads.js';
import type { Fact } from '../../src/model/facts.js';
import { mail, frobPatchBody, ALICE, BOB } from './mails.js';

test('own lines drop quotes, the attribution line, the signature and the list footer', () => {
  const body = [
    'On Mon, Oct 02, 2023 at 10:00AM +0000, Alice Author',
    '<alice@example.org> wrote:',
    '> quoted vhost_quoted_symbol',
    ' > indented quote also_quoted_here',
    'my own words about vhost_own_symbol',
    '',
    '-- ',
    'signature_symbol_here',
  ].join('\n');
  assert.deepEqual(ownLines(body), ['my own words about vhost_own_symbol', '']);
  const footer = 'text with own_symbol\n_______________________________________________\nVirt mailing list\nlist_footer_symbol';
  assert.deepEqual(ownLines(footer), ['text with own_symbol']);
});

test('trailers given in a reply, a bare NAK and "Applied, thanks"', () => {
  const r = analyzeReply(`Looks good.\n\nAcked-by: Carol Acker <carol@example.org>\nReviewed-by: "Dave M." <DAVE@example.org>\n`);
  assert.deepEqual(
    r.trailers.map((t) => [t.kind, t.person?.email]),
    [
      ['Acked-by', 'carol@example.org'],
      ['Reviewed-by', 'dave@example.org'],
    ],
  );
  assert.equal(r.applied, false);
  const nak = analyzeReply('> NAK quoted from someone else\nNAK, this breaks old userspace.\n');
  assert.deepEqual(nak.trailers, [{ kind: 'Nacked-by', person: null }]);
  assert.equal(analyzeReply('NAKed-by: Bob <bob@example.org>\n').trailers[0]?.kind, 'Nacked-by');
  assert.equal(analyzeReply('Applied, thanks.\n').applied, true);
  assert.equal(analyzeReply('Thanks, applied to vhost.\n').applied, true);
  // "queued in a list" is prose, not a maintainer taking the patch; a quoted "Applied" is someone else's.
  assert.equal(analyzeReply('Packets are queued in the per-socket list.\n').applied, false);
  assert.equal(analyzeReply('> Applied, thanks.\nWhy?\n').applied, false);
  // A tester applying the patch locally did not take it.
  assert.equal(analyzeReply('Applied the patch and it boots fine.\n').applied, false);
});

test('mentions: symbols of the own text with their sentence; quotes, URLs, addresses and pasted diffs are not discussion', () => {
  const body = [
    '> +	if (ops->quoted_only_op)',
    'See https://example.org/some_path_name and foo_bar@example.org for details.',
    'The ->reset() op and .set_map are fine. But vhost_vdpa_reset() must keep',
    'mappings when VHOST_BACKEND_F_IOTLB_PERSIST was acked.',
    '+	pasted_diff_line_symbol = 1;',
    'Plain words like reset never count.',
  ].join('\n');
  const m = mentions(ownLines(body));
  const names = m.map((x) => x.name);
  assert.deepEqual(names, ['reset', 'set_map', 'vhost_vdpa_reset', 'VHOST_BACKEND_F_IOTLB_PERSIST']);
  assert.equal(m.find((x) => x.name === 'vhost_vdpa_reset')!.sentence, 'But vhost_vdpa_reset() must keep mappings when VHOST_BACKEND_F_IOTLB_PERSIST was acked.');
  assert.ok(!names.includes('quoted_only_op') && !names.includes('some_path_name') && !names.includes('pasted_diff_line_symbol'));
});

test('sentences keep code-like lines apart and clip long ones around the symbol', () => {
  assert.deepEqual(sentences(['First one. Second', 'one continues.', '\tcode_line(x);', 'Third.']), ['First one.', 'Second one continues.', 'code_line(x);', 'Third.']);
  const long = `${'word '.repeat(60)}the target_symbol sits here ${'more '.repeat(60)}`.trim();
  const c = clip(long, long.indexOf('target_symbol'));
  assert.ok(c.length <= MAX_SENTENCE + 2, `clipped to ${c.length}`);
  assert.ok(c.includes('target_symbol') && c.startsWith('…') && c.endsWith('…'));
});

test('symbol shapes: inner underscores, no prose words, no noise helpers', () => {
  for (const s of ['vhost_vdpa_reset', 'VHOST_BACKEND_F_IOTLB_PERSIST', 'x86_64', '_compat_vdpa_reset']) assert.ok(looksLikeSymbol(s), s);
  for (const s of ['reset', 'the', '__user', 'BIT_ULL', 'mutex_lock', 'a_b', '2_3']) assert.ok(!looksLikeSymbol(s), s);
});

test('patch symbols: strongest weight per name; ops declared through a function pointer and member accesses are lifted', () => {
  const f = (kind: Fact['kind'], symbol: string, text?: string): Fact => ({ kind, symbol, file: 'drivers/vhost/vdpa.c', line: 1, ...(text ? { text } : {}) });
  const syms = patchSymbols([
    f('symbol-added', 'vhost_vdpa_reset', 'vhost_vdpa_reset(v);'),
    f('function-changed', 'vhost_vdpa_reset'),
    f('macro-added', 'VHOST_BACKEND_F_X'),
    f('symbol-added', 'reset_map', '	int (*reset_map)(struct vdpa_device *vdev);'),
    f('symbol-added', 'set_map', '	if (ops->set_map)'),
    f('symbol-added', 'local_var', '	int local_var = 0;'),
    f('symbol-added', 'vqs', '	kfree(v->vqs);'),
    f('error-return-added', 'EINVAL'),
    f('uapi-header-changed', 'vhost_types.h'),
  ]);
  assert.deepEqual(syms, [
    { name: 'reset_map', weight: 3 },
    { name: 'VHOST_BACKEND_F_X', weight: 3 },
    { name: 'set_map', weight: 2 },
    { name: 'vhost_vdpa_reset', weight: 2 },
    { name: 'local_var', weight: 1 },
  ]);
});

test('versions of one patch: same subject, a cut-short subject, a grown subject; not a sibling patch', () => {
  const a = normalizeSubject('vhost-vdpa: introduce IOTLB_PERSIST backend feature bit');
  assert.equal(subjectSimilarity(a, normalizeSubject('vhost-vdpa: introduce IOTLB_PERSIST backend feature bit.')), 1);
  assert.ok(subjectSimilarity(a, normalizeSubject('vhost-vdpa: introduce IOTLB_PERSIST backend')) >= SAME_TOPIC);
  assert.ok(subjectSimilarity(a, normalizeSubject('vhost-vdpa: introduce IOTLB_PERSIST backend feature')) >= SAME_TOPIC);
  assert.ok(subjectSimilarity(normalizeSubject('vdpa: add foo op'), normalizeSubject('vdpa: add bar op')) < SAME_TOPIC);
});

test('addresses: forms, case, and the list rewriting From for strict-DMARC senders', () => {
  assert.deepEqual(parseAddress('"Tsirkin, Michael" <MST@Example.org>'), { name: 'Tsirkin, Michael', email: 'mst@example.org' });
  assert.deepEqual(parseAddress('bob@example.org (Bob R)'), { name: 'Bob R', email: 'bob@example.org' });
  assert.deepEqual(parseAddress('bob@example.org'), { name: 'bob@example.org', email: 'bob@example.org' });
  assert.equal(parseAddress('nobody'), null);
  assert.deepEqual(senderOf('Parav P via Virtualization <virtualization@lists.linux-foundation.org>', 'Parav P <parav@example.com>'), { name: 'Parav P', email: 'parav@example.com' });
  const noReplyTo = senderOf('Parav P via Virtualization <virtualization@lists.linux-foundation.org>', undefined)!;
  assert.equal(noReplyTo.name, 'Parav P');
  assert.notEqual(noReplyTo.email, 'virtualization@lists.linux-foundation.org');
  assert.ok(isBot({ name: 'kernel test robot', email: 'lkp@intel.com' }));
  assert.ok(!isBot({ name: 'Bob Reviewer', email: 'bob@example.org' }));
});

test('headers: a folded Message-ID read without parsing the mail, dates, ids from links', () => {
  assert.equal(quickMessageId(Buffer.from('Subject: x\nMessage-ID:\n <a.b@c>\n\nbody\nMessage-ID: <not@this>\n')), 'a.b@c');
  assert.equal(quickMessageId(Buffer.from('Subject: x\n\nMessage-ID: <in@body>\n')), null);
  assert.equal(parseDate('Thu, 3 Aug 2023 10:57:47 -0700 (PDT)'), Date.UTC(2023, 7, 3, 17, 57, 47) / 1000);
  assert.equal(parseDate('not a date'), null);
  assert.equal(bareMessageId('<x@y>'), 'x@y');
  assert.equal(bareMessageId('https://lore.kernel.org/r/a%2Fb@c'), 'a/b@c');
  assert.equal(bareMessageId('https://lore.kernel.org/virtualization/x@y/T/#u'), 'x@y');
  assert.equal(outcomeOf(['Acked-by', 'Nacked-by'], true, 3), 'nacked');
  assert.equal(outcomeOf(['Reviewed-by'], true, 1), 'applied');
  assert.equal(outcomeOf([], false, 0), 'no-replies');
});

test('a mail record: a patch gets the diff stage symbols and files; a reply its trailers and mentions', () => {
  const p = mailRecord(Buffer.from(mail({ id: 'p@x', from: ALICE, date: 'Mon, 2 Oct 2023 10:00:00 +0000', subject: '[PATCH v2 1/2] vhost-vdpa: frob', body: frobPatchBody() })), 't#1');
  assert.equal(p.kind, 'patch');
  assert.equal(p.prefix.version, 2);
  assert.deepEqual(p.patch!.files, ['drivers/vhost/vdpa.c', 'include/uapi/linux/vhost_types.h']);
  assert.deepEqual(
    p.patch!.symbols.filter((s) => s.weight === 3).map((s) => s.name),
    ['VHOST_BACKEND_F_FROB_PERSIST'],
  );
  assert.ok(p.patch!.symbols.some((s) => s.name === 'vhost_vdpa_frob_persist' && s.weight === 2));
  const r = mailRecord(
    Buffer.from(mail({ id: 'r@x', from: BOB, date: 'Tue, 3 Oct 2023 10:00:00 +0000', subject: 'Re: [PATCH v2 1/2] vhost-vdpa: frob', inReplyTo: 'p@x', references: ['c@x', 'p@x'], body: 'Why frob_map_reset here?\n\nAcked-by: Bob Reviewer <bob@example.org>\n' })),
    't#2',
  );
  assert.equal(r.kind, 'reply');
  assert.equal(r.parent, 'p@x');
  assert.deepEqual(r.text!.symbols, [{ name: 'frob_map_reset', sentence: 'Why frob_map_reset here?' }]);
  assert.deepEqual(r.text!.trailers.map((t) => t.kind), ['Acked-by']);
  const noId = mailRecord(Buffer.from('From: a@b\nSubject: hi\n\ntext\n'), 't#3');
  assert.ok(noId.synthetic && noId.messageId.endsWith('@patch-review.invalid'));
});
