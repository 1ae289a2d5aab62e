// The checks kb lint always runs on citations: inline ids listed in references, and source
// links on their project's canonical host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inlineCitations } from '../../src/knowledge/inline-citations.js';
import { projectOfLink } from '../../src/knowledge/canonical-links.js';
import { lintKnowledge } from '../../src/knowledge/lint.js';
import { tempDir, writeEntry } from './lint-fixtures.js';

test('inline citations: lore lists, commit ids, trailing punctuation', () => {
  const text = [
    'Fixed later (lore: 20200101.1234-1-a@example.org, b-2@example.org; c@x.org).',
    'See lore: 20210101000000.GA1@host. Then commit 0123456789ab and commits 0123456789abcd, abcdef012345.',
    'A commit message is not a commit id, nor is "lore: the list".',
  ].join('\n');
  assert.deepEqual(
    inlineCitations(text).map((c) => `${c.type} ${c.id}`),
    ['lore 20200101.1234-1-a@example.org', 'lore b-2@example.org', 'lore c@x.org', 'lore 20210101000000.GA1@host', 'commit 0123456789ab', 'commit 0123456789abcd', 'commit abcdef012345'],
  );
});

test('source links: mirrors of the kernel, QEMU and DPDK are not canonical; other projects are left alone', () => {
  const project = (u: string) => projectOfLink(u)?.project;
  assert.equal(project('https://github.com/qemu/qemu/blob/abc/hw/virtio/vhost-user.c'), 'QEMU');
  assert.equal(project('http://git.maquefel.me/?a=commit&h=e7b337326d594b71b07cd6dbb332c49c122c80a4&p=qemu.git'), 'QEMU');
  assert.equal(project('http://git.droids-corp.org?a=commit&h=73c8f9f69c6ce07fe461574572e4f08e7db0cb70&p=dpdk.git'), 'DPDK');
  assert.equal(project('https://github.com/torvalds/linux/blob/master/drivers/vhost/net.c'), 'Linux');
  assert.equal(project('https://github.com/rust-vmm/vhost/pull/203'), undefined);
  assert.equal(project('https://lore.kernel.org/qemu-devel/878rdze0fx.fsf@redhat.com/'), undefined);
});

test('kb lint: inline ids missing from references and links off the canonical host are problems', async () => {
  const dir = tempDir('pr-kb-cite-');
  writeEntry(dir, {
    id: 'cited-entry',
    yaml: [
      'references:',
      '  - {type: lore, id: listed@example.org}',
      '  - {type: commit, id: "0123456789ab"}',
      '  - {type: url, id: "https://lore.kernel.org/r/viaurl@example.org"}',
      '  - {type: commit, id: "e7b337326d594b71b07cd6dbb332c49c122c80a4", url: "https://gitlab.com/qemu-project/qemu/-/commit/e7b337326d594b71b07cd6dbb332c49c122c80a4"}',
      '  - {type: url, id: "https://github.com/qemu/qemu/blob/019fbfa4bcd2/hw/virtio/vhost-user.c"}',
      '  - {type: url, id: "https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/tree/drivers/vhost/net.c"}',
      '  - {type: commit, id: "cda83adc62b6", url: "https://gitlab.com/qemu-project/qemu/-/commit/019233096c03b826e0e677115b6e3c550a54a48d"}',
    ].join('\n'),
    body: [
      '## Contract',
      '',
      'Listed (lore: listed@example.org, viaurl@example.org) and (commit 0123456789abcdef) and QEMU commit',
      'e7b337326d59; not listed (lore: missing@example.org) and (commit fedcba987654).',
      '',
      '## Reviewing a change',
      '',
      'Ask whether old userspace still works after the change under review.',
    ].join('\n'),
  });
  const r = await lintKnowledge(dir);
  assert.deepEqual(
    r.problems.map((p) => `${p.field} ${p.check}: ${p.message}`),
    [
      'references inline-not-in-references: the prose cites (lore: missing@example.org) but references does not list it',
      'references inline-not-in-references: the prose cites (commit fedcba987654) but references does not list it',
      'references.4 non-canonical-link: https://github.com/qemu/qemu/blob/019fbfa4bcd2/hw/virtio/vhost-user.c links into QEMU through github.com, not its canonical host https://gitlab.com/qemu-project/qemu/',
      'references.6.url non-canonical-link: the url names commit 019233096c03b826e0e677115b6e3c550a54a48d, not cda83adc62b6',
    ],
  );
});
