// --format email replies to all: the author on To, the original To and Cc on Cc (without the
// author and without repeats), threaded with In-Reply-To and References; only hunks with
// findings are quoted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLES, runCli } from '../helpers.js';
import { splitAddressList } from '../../src/ingest/address-list.js';

const EXAMPLE = join(EXAMPLES, '0001-vhost-vsock-offer-ACCESS_PLATFORM.patch');

test('address lists split at commas outside quotes, comments and angle brackets', () => {
  assert.deepEqual(splitAddressList('"Doe, Jane" <jane@example.org>, kvm@vger.kernel.org (KVM, list), <a@b.c>'), [
    '"Doe, Jane" <jane@example.org>',
    'kvm@vger.kernel.org (KVM, list)',
    '<a@b.c>',
  ]);
  assert.deepEqual(splitAddressList('undisclosed-recipients:;'), []);
});

test('the reply goes to the author and Cc everyone the patch went to', async () => {
  const mail = readFileSync(EXAMPLE, 'utf8').replace(
    'Message-ID:',
    'To: "Tsirkin, Michael" <mst@example.org>, virtualization@lists.example.org\nCc: =?UTF-8?Q?J=C3=B6rg?= <joerg@example.org>,\n Example Developer <DEV@example.org>, mst@example.org\nMessage-ID:',
  );
  const r = await runCli(['--format', 'email', '--fail-on', 'never', '-'], { stdin: Buffer.from(mail) });
  assert.equal(r.code, 0, r.stderr);
  const head = r.stdout.slice(0, r.stdout.indexOf('\n\n')).replace(/\n /g, ' ');
  assert.match(head, /^To: "Example Developer" <dev@example\.org>$/m);
  const cc = /^Cc: (.*)$/m.exec(head)![1]!;
  const entries = splitAddressList(cc);
  assert.deepEqual(entries.slice(0, 2), ['"Tsirkin, Michael" <mst@example.org>', 'virtualization@lists.example.org']);
  assert.match(entries[2]!, /^=\?UTF-8\?[BQ]\?.*\?= <joerg@example\.org>$/, 'a non-ASCII name is encoded again');
  assert.equal(entries.length, 3, 'the author and the repeated address are left out');
  assert.match(head, /^In-Reply-To: <20260302090000\.1234-2-dev@example\.org>$/m);
  assert.match(head, /^References: <20260302090000\.1234-1-dev@example\.org> <20260302090000\.1234-2-dev@example\.org>$/m);
  // Only hunks with a finding are quoted: every quoted hunk header is followed by a finding.
  const body = r.stdout.slice(r.stdout.indexOf('\n\n'));
  const hunks = body.split(/^> @@ /m).slice(1);
  assert.ok(hunks.length > 0);
  for (const h of hunks) assert.match(h.split(/^> --- /m)[0]!, /^(ERROR|WARNING|NOTE) \[/m);
});
