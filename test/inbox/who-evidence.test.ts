// `who` evidence (issue 16): generic kernel APIs do not count, and a tree's .mailmap gives
// people's current addresses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isGenericKernelApi } from '../../src/inbox/generic-apis.js';
import { parseMailmap, mapPerson } from '../../src/inbox/mailmap.js';

test('generic kernel APIs are recognised; subsystem symbols are not', () => {
  for (const s of ['refcount_inc', 'xa_erase', 'UINT_MAX', 'kfree', 'EINVAL', 'mutex_lock', 'copy_from_user', 'READ_ONCE']) assert.ok(isGenericKernelApi(s), s);
  for (const s of ['vhost_vdpa_reset', 'VHOST_BACKEND_F_IOTLB_PERSIST', 'reset_map', 'vq_meta_prefetch', 'minor_version', 'maxsize_vq']) assert.ok(!isGenericKernelApi(s), s);
});

test('.mailmap: the three forms, comments, and case-insensitive old addresses', () => {
  const m = parseMailmap(['# comment', 'Jane Doe <jane@new.org> <JANE@old.org>', '<bob@new.org> Bob <bob@old.org>', 'Carol Real <carol@same.org>', ''].join('\n'));
  assert.deepEqual(mapPerson(m, 'J. Doe', 'jane@old.org'), { name: 'Jane Doe', email: 'jane@new.org' });
  assert.deepEqual(mapPerson(m, 'Bob', 'bob@old.org'), { name: 'Bob', email: 'bob@new.org' });
  assert.deepEqual(mapPerson(m, 'carol', 'carol@same.org'), { name: 'Carol Real', email: 'carol@same.org' });
  assert.deepEqual(mapPerson(m, 'Dave', 'dave@x.org'), { name: 'Dave', email: 'dave@x.org' });
});
