// indexVhostUser on our own toy document, then on QEMU 10.2.2's vhost-user.rst when
// ../shared is present.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../src/model/errors.js';
import { rstSections, rstToPlain } from '../../src/spec/rst.js';
import { indexVhostUser, parseVhostUser } from '../../src/spec/vhost-user.js';
import { fixturesDir, realVhostUser, skipWithoutShared, vhostUserFixture } from './helpers.js';

describe('rst helpers', () => {
  it('finds section titles and their levels by adornment', () => {
    const lines = ['=====', 'Top', '=====', '', 'One', '===', 'text', 'Sub', '---', 'Two', '===', '  indented', '  ---------'];
    const s = rstSections(lines);
    assert.deepEqual(
      s.map((x) => [x.title, x.level]),
      [
        ['Top', 1],
        ['One', 2],
        ['Sub', 3],
        ['Two', 2],
      ],
    );
    assert.equal(s[1]!.extentEnd, 9);
    assert.equal(s[1]!.ownEnd, 7);
  });

  it('strips inline markup', () => {
    assert.equal(rstToPlain('``A_B`` and *em* and :ref:`Text <target>` and `Link <http://x>`_'), 'A_B and em and Text and Link');
  });
});

describe('indexVhostUser on the toy document', () => {
  const ix = indexVhostUser(vhostUserFixture);
  const msg = (n: string) => ix.messages.find((m) => m.name === n)!;

  it('reads messages of both directions with ids, ioctls and payloads', () => {
    assert.deepEqual(
      ix.messages.map((m) => `${m.direction}:${m.id}:${m.name}`),
      [
        'front-end:1:VHOST_USER_TOY_GET',
        'front-end:2:VHOST_USER_TOY_SET_FD',
        'front-end:3:VHOST_USER_TOY_LOG',
        'front-end:4:VHOST_USER_TOY_ASK',
        'front-end:5:VHOST_USER_TOY_MAP',
        'back-end:1:VHOST_USER_BACKEND_TOY_PING',
        'back-end:1:VHOST_USER_BACKEND_TOY_POKE',
      ],
    );
    assert.equal(msg('VHOST_USER_TOY_GET').equivalentIoctl, 'VHOST_TOY_GET');
    assert.equal(msg('VHOST_USER_TOY_GET').replyPayload, 'u64');
    assert.equal(msg('VHOST_USER_TOY_LOG').requestPayload, 'u64');
    assert.equal(msg('VHOST_USER_TOY_ASK').equivalentIoctlText, null);
    assert.equal(msg('VHOST_USER_TOY_MAP').deprecated, true);
    assert.deepEqual(msg('VHOST_USER_BACKEND_TOY_PING').previousNames, ['VHOST_USER_SLAVE_TOY_PING']);
    assert.equal(msg('VHOST_USER_TOY_SET_FD').sendsFds, true);
  });

  it('decides reply behaviour and keeps disagreements as disputed', () => {
    assert.equal(msg('VHOST_USER_TOY_GET').replyRequired, true);
    assert.equal(msg('VHOST_USER_TOY_SET_FD').replyRequired, 'if-need-reply');
    assert.equal(msg('VHOST_USER_TOY_LOG').replyRequired, 'disputed');
    assert.equal(msg('VHOST_USER_TOY_LOG').replyCondition, 'VHOST_USER_PROTOCOL_F_TOY_LOG');
    assert.equal(msg('VHOST_USER_TOY_ASK').replyRequired, 'disputed');
    assert.equal(msg('VHOST_USER_TOY_MAP').replyRequired, 'conditional');
    assert.equal(msg('VHOST_USER_TOY_MAP').replyCondition, 'replay');
    assert.equal(msg('VHOST_USER_BACKEND_TOY_PING').replyRequired, 'if-need-reply');
    assert.equal(msg('VHOST_USER_BACKEND_TOY_POKE').replyRequired, false);
  });

  it('records every contradiction it sees', () => {
    assert.deepEqual(
      ix.contradictions.map((c) => `${c.kind}:${c.subject}`).sort(),
      [
        'duplicate-id:VHOST_USER_BACKEND_TOY_POKE',
        'equivalent-ioctl-is-message:VHOST_USER_TOY_MAP',
        'listed-message-unknown:VHOST_USER_TOY_GHOST',
        'listed-reply-without-payload:VHOST_USER_TOY_LOG',
        'reply-payload-not-listed:VHOST_USER_TOY_ASK',
        'reply-payload-not-listed:VHOST_USER_TOY_MAP',
        'undefined-protocol-feature:VHOST_USER_PROTOCOL_F_TOY_MISSING',
      ],
    );
    const listed = ix.contradictions.find((c) => c.kind === 'listed-reply-without-payload')!;
    assert.equal(listed.lines.length, 2, 'both places are cited');
  });

  it('reads protocol features and ring-state rules', () => {
    assert.deepEqual(
      ix.protocolFeatures.map((f) => [f.name, f.bit]),
      [
        ['VHOST_USER_PROTOCOL_F_TOY_LOG', 0],
        ['VHOST_USER_PROTOCOL_F_REPLY_ACK', 1],
      ],
    );
    assert.deepEqual(
      ix.ringStates.map((r) => [r.section, r.keywords]),
      [
        ['Ring states', []],
        ['Ring states', ['must not']],
        ['Ring states', ['should']],
        ['Halted rings', []],
      ],
    );
    assert.deepEqual(ix.counts, {
      messages: 7,
      frontEndMessages: 5,
      backEndMessages: 2,
      protocolFeatures: 2,
      repliesRequired: 1,
      repliesConditional: 1,
      repliesIfNeedReply: 2,
      repliesDisputed: 2,
      contradictions: 7,
      ringRules: 4,
    });
  });

  it('rejects files that are not the protocol document', () => {
    assert.throws(() => indexVhostUser(`${fixturesDir}/nope.rst`), (e: unknown) => e instanceof InputError && /no such file/.test(e.message));
    assert.throws(() => indexVhostUser(fixturesDir), InputError);
    assert.equal(parseVhostUser('Just text\n').messages.length, 0);
  });
});

describe('indexVhostUser on QEMU 10.2.2 vhost-user.rst', { skip: skipWithoutShared }, () => {
  const ix = indexVhostUser(realVhostUser);
  const msg = (n: string) => ix.messages.find((m) => m.name === n)!;

  it('reads every message of both directions', () => {
    assert.equal(ix.counts.frontEndMessages, 43);
    assert.equal(ix.counts.backEndMessages, 8);
    const fe = ix.messages.filter((m) => m.direction === 'front-end').map((m) => m.id);
    assert.deepEqual(
      [...fe].sort((a, b) => a - b),
      Array.from({ length: 43 }, (_, i) => i + 1),
    );
    assert.equal(msg('VHOST_USER_GET_FEATURES').id, 1);
    assert.equal(msg('VHOST_USER_GET_FEATURES').equivalentIoctl, 'VHOST_GET_FEATURES');
    assert.equal(msg('VHOST_USER_GET_FEATURES').replyRequired, true);
    assert.equal(msg('VHOST_USER_SET_VRING_KICK').sendsFds, true);
    assert.equal(msg('VHOST_USER_RESET_OWNER').deprecated, true);
    assert.deepEqual(msg('VHOST_USER_BACKEND_IOTLB_MSG').previousNames, ['VHOST_USER_SLAVE_IOTLB_MSG']);
    assert.equal(msg('VHOST_USER_BACKEND_IOTLB_MSG').replyRequired, 'if-need-reply');
  });

  it('reads the 20 protocol features and the protocol-features bit', () => {
    assert.equal(ix.protocolFeatures.length, 20);
    assert.equal(ix.protocolFeatures.find((f) => f.name === 'VHOST_USER_PROTOCOL_F_REPLY_ACK')?.bit, 3);
    assert.equal(ix.protocolFeatures.find((f) => f.name === 'VHOST_USER_PROTOCOL_F_DEVICE_STATE')?.bit, 19);
    assert.deepEqual(
      ix.featureBits.map((f) => [f.name, f.bit]),
      [['VHOST_USER_F_PROTOCOL_FEATURES', 30]],
    );
  });

  it('records where the document contradicts itself about replies instead of guessing', () => {
    for (const name of ['VHOST_USER_SET_LOG_BASE', 'VHOST_USER_GET_INFLIGHT_FD']) {
      assert.equal(msg(name).replyRequired, 'disputed', name);
      assert.ok(ix.contradictions.some((c) => c.kind === 'listed-reply-without-payload' && c.subject === name), name);
    }
    assert.equal(msg('VHOST_USER_GET_QUEUE_NUM').replyRequired, 'disputed');
    assert.ok(ix.contradictions.some((c) => c.kind === 'reply-payload-not-listed' && c.subject === 'VHOST_USER_GET_QUEUE_NUM'));
    assert.equal(msg('VHOST_USER_SET_MEM_TABLE').replyRequired, 'conditional');
    assert.ok(ix.contradictions.some((c) => c.kind === 'undefined-protocol-feature' && c.subject === 'VHOST_USER_PROTOCOL_F_NET_MTU'));
  });

  it('keeps the ring-state rules', () => {
    assert.ok(ix.ringStates.length >= 6);
    assert.ok(ix.ringStates.some((r) => r.section === 'Ring states' && r.keywords.includes('must not')));
    assert.ok(ix.ringStates.some((r) => r.section === 'Suspended device state'));
  });
});
