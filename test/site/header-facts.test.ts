import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseHeader, readHeaderFacts } from '../../src/site/header-facts.js';

// A toy uAPI header written for this test: the shapes real headers use (hex and decimal
// numbers, a magic defined elsewhere, BASE + n numbering, continuation lines, a documented
// _IO ioctl, enums with implicit values, aliases, structs), none of their text.
const TOY = `/* SPDX-License-Identifier: test */
#ifndef _TOY_H
#define _TOY_H
#define TOY_MAGIC 0xB7
#define TOY_BASE 100
#define TOY_TYPE (';')
#define TOY_NAME_MAX 32

struct toy_state {
	unsigned int index;
	unsigned int num;
};

#define TOY_GET_FEATURES	_IOR(TOY_MAGIC, 0x00, __u64)
#define TOY_SET_STATE _IOW(TOY_MAGIC, 0x10, \\
			     struct toy_state)
#define TOY_RESET _IO(TOY_MAGIC, 0x02)
#define TOY_DESTROY _IOW(TOY_MAGIC, 0x03, char[TOY_NAME_MAX])
/**
 * TOY_SET_MODE - _IOW(TOY_TYPE, TOY_BASE + 2,
 *                     __s32)
 */
#define TOY_SET_MODE _IO(TOY_TYPE, TOY_BASE + 2)

#define TOY_F_FAST 3
#define TOY_F_OLD_NAME TOY_F_FAST
#define TOY_FLAG_A (1 << 4) /* a flag */
#define TOY_MASK (TOY_FLAG_A | 0x1)
#define TOY_MACRO(x) ((x) + 1)

enum toy_req {
	TOY_REQ_A,
	TOY_REQ_B,
	TOY_REQ_C = 10,
	TOY_REQ_D,
};
#endif
`;

test('ioctl definitions: magic, number, direction, argument and request number', () => {
  const defs = new Map(parseHeader(TOY, 'toy.h').map((d) => [d.name, d] as const));
  const dir = mkdtempSync(join(tmpdir(), 'pr-hdr-'));
  try {
    writeFileSync(join(dir, 'vhost_toy.h'), TOY);
    writeFileSync(join(dir, 'version.h'), '#define LINUX_VERSION_CODE 395008\n');
    const facts = readHeaderFacts(dir)!;
    assert.equal(facts.linuxVersion, 'Linux 6.7');
    const get = facts.definitions.get('TOY_GET_FEATURES')!;
    assert.equal(get.line, 14);
    assert.deepEqual(
      { macro: get.ioctl!.macro, dir: get.ioctl!.direction, type: get.ioctl!.type.value, nr: get.ioctl!.nr.value, arg: get.ioctl!.argument },
      { macro: '_IOR', dir: 'read', type: 0xb7, nr: 0, arg: '__u64' },
    );
    // asm-generic: read (2) << 30 | sizeof(__u64) << 16 | 0xB7 << 8 | 0
    assert.equal(get.ioctl!.request, 0x8008b700);
    const set = facts.definitions.get('TOY_SET_STATE')!;
    assert.equal(set.ioctl!.argument, 'struct toy_state');
    assert.equal(set.ioctl!.nr.value, 0x10);
    assert.equal(set.ioctl!.request, null, 'a struct argument has no size known here');
    assert.equal(facts.definitions.get('TOY_RESET')!.ioctl!.request, 0xb702);
    assert.equal(facts.definitions.get('TOY_DESTROY')!.ioctl!.request, 0x4020b703, 'char[32]: 32 bytes');
    const mode = facts.definitions.get('TOY_SET_MODE')!.ioctl!;
    assert.equal(mode.type.value, 59);
    assert.equal(mode.nr.value, 102);
    assert.deepEqual(mode.documentedAs, { macro: '_IOW', argument: '__s32' });
    assert.equal(facts.definitions.get('toy_state')!.what, 'struct');
    assert.equal(facts.definitions.get('toy_state')!.line, 9);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.ok(defs.has('TOY_GET_FEATURES'));
  assert.equal(defs.has('TOY_MACRO'), false, 'function-like macros are not values');
});

test('constants, aliases, flags and enum members evaluate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pr-hdr-'));
  try {
    writeFileSync(join(dir, 'virtio_toy.h'), TOY);
    const d = readHeaderFacts(dir)!.definitions;
    assert.equal(d.get('TOY_F_FAST')!.value, 3);
    assert.equal(d.get('TOY_F_OLD_NAME')!.value, 3);
    assert.equal(d.get('TOY_F_OLD_NAME')!.expr, 'TOY_F_FAST');
    assert.equal(d.get('TOY_FLAG_A')!.expr, '(1 << 4)', 'comments are not part of the value');
    assert.equal(d.get('TOY_MASK')!.value, 0x11);
    assert.deepEqual(
      ['TOY_REQ_A', 'TOY_REQ_B', 'TOY_REQ_C', 'TOY_REQ_D'].map((n) => [d.get(n)!.value, d.get(n)!.enumName]),
      [
        [0, 'toy_req'],
        [1, 'toy_req'],
        [10, 'toy_req'],
        [11, 'toy_req'],
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a directory without the covered headers gives nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pr-hdr-'));
  try {
    writeFileSync(join(dir, 'unrelated.h'), TOY);
    assert.equal(readHeaderFacts(dir), null);
    assert.equal(readHeaderFacts(join(dir, 'missing')), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
