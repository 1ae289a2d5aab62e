// entryOf, the grouping and memo idiom of the detectors: an entry is made once per key and then
// the same one is handed back, in a Map or a WeakMap, whatever value it holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entryOf } from '../../src/diff/map-entry.js';

test('calls grouped by function: each key gets its own list, made on first use and reused after', () => {
  const byFunction = new Map<string, string[]>();
  for (const [fn, call] of [['vhost_vq_reset', 'vhost_poll_stop'], ['vhost_dev_cleanup', 'vhost_vq_reset'], ['vhost_vq_reset', 'eventfd_ctx_put']]) {
    entryOf(byFunction, fn!, () => []).push(call!);
  }
  assert.deepEqual([...byFunction], [['vhost_vq_reset', ['vhost_poll_stop', 'eventfd_ctx_put']], ['vhost_dev_cleanup', ['vhost_vq_reset']]]);
});

test('a memo: make runs once per key, and a stored false, 0 or empty string is kept, not made again', () => {
  const made: string[] = [];
  const memo = new Map<string, boolean | number | string>();
  const value = (k: string, v: boolean | number | string) => entryOf(memo, k, () => (made.push(k), v));
  for (const round of [1, 2]) {
    assert.equal(value('dumps', false), false, `round ${round}`);
    assert.equal(value('count', 0), 0, `round ${round}`);
    assert.equal(value('name', ''), '', `round ${round}`);
  }
  assert.deepEqual(made, ['dumps', 'count', 'name']);
});

test('a WeakMap keyed by an object hands back the same entry for the same object only', () => {
  const cache = new WeakMap<object, { steps?: number }>();
  const a = {};
  const b = {};
  entryOf(cache, a, () => ({})).steps = 3;
  assert.equal(entryOf(cache, a, () => ({})).steps, 3);
  assert.equal(entryOf(cache, b, () => ({})).steps, undefined);
});
