// kb lint --corpus / --docs / --spec: what a citation points at, read from a small corpus and
// documents written by the test (nothing here comes from a real list or document).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAckOnly } from '../../src/knowledge/ack-only.js';
import { sharedRuns, windows, words } from '../../src/knowledge/shared-runs.js';
import { lintKnowledge } from '../../src/knowledge/lint.js';
import { tempDir, writeEntry } from './lint-fixtures.js';

function mail(id: string, subject: string, body: string, inReplyTo?: string): string {
  const headers = [`From fixture@example.org Mon Jan  1 00:00:00 2024`, `From: Fixture <fixture@example.org>`, `Subject: ${subject}`, `Message-ID: <${id}>`];
  if (inReplyTo) headers.push(`In-Reply-To: <${inReplyTo}>`);
  return `${headers.join('\n')}\n\n${body}\n\n`;
}

const PATCH_TEXT = 'The widget queue now refuses a descriptor chain that loops back onto itself, because a looping chain kept the worker busy forever.';

function corpus(): string {
  const dir = tempDir('pr-corpus-');
  writeFileSync(
    join(dir, 'list.mbox'),
    [
      mail('patch-1@example.org', '[PATCH] widget: refuse looping chains', `${PATCH_TEXT}\n\nSigned-off-by: A Author <a@example.org>\n---\ndiff --git a/w.c b/w.c`),
      mail('ack-1@example.org', 'Re: [PATCH] widget: refuse looping chains', `On Mon, Jan 1, 2024 A Author wrote:\n> ${PATCH_TEXT}\n\nAcked-by: R Reviewer <r@example.org>\n\nThanks,\nReviewer\n-- \nsig`, 'patch-1@example.org'),
      mail('review-1@example.org', 'Re: [PATCH] widget: refuse looping chains', `> ${PATCH_TEXT}\n\nThis changes what old userspace sees, please add a feature bit.\n\nReviewed-by: R Reviewer <r@example.org>`, 'patch-1@example.org'),
      mail('ack-2@example.org', 'Re: [PATCH] widget: other', 'Acked-by: R Reviewer <r@example.org>', 'not-here@example.org'),
      mail('fast-1@example.org', '[PATCH v2] widget: speed up the ring', 'Make the ring faster by caching the index.\n\nSigned-off-by: A Author <a@example.org>'),
      mail('pull-1@example.org', '[GIT PULL] widget: a late revert', 'Broke the 32-bit build, backing it out.\n\nA Author (1):\n      Revert "widget: speed up the ring"\n\n widget.c | 2 +-'),
      mail('small-1@example.org', '[PATCH] widget: shrink the ring', 'Use fewer descriptors.\n\nSigned-off-by: A Author <a@example.org>'),
      mail('re-revert-1@example.org', 'Re: [PATCH] Revert "widget: shrink the ring"', '> a proposal\nNo, keep it.', 'no-such@example.org'),
    ].join(''),
  );
  return dir;
}

test('kb lint --corpus: a history item resting on a patch the corpus reverts, unless the revert is cited too', async () => {
  const kb = tempDir('pr-kb-revert-');
  const history = (id: string) => `history:\n  - {version: Linux 5.3, change: faster ring, messageId: ${id}}`;
  writeEntry(kb, { id: 'shipped-entry', yaml: `${history('fast-1@example.org')}\nreferences:\n  - {type: lore, id: fast-1@example.org}` });
  writeEntry(kb, { id: 'told-entry', yaml: `${history('fast-1@example.org')}\nreferences:\n  - {type: lore, id: fast-1@example.org}\n  - {type: lore, id: pull-1@example.org}` });
  // Only a reply asks for this revert: that is not a revert.
  writeEntry(kb, { id: 'kept-entry', yaml: `${history('small-1@example.org')}\nreferences:\n  - {type: lore, id: small-1@example.org}` });
  const r = await lintKnowledge(kb, { corpus: corpus() });
  assert.deepEqual(
    r.problems.map((p) => `${p.file} ${p.field} ${p.check}: ${p.message}`),
    ['vhost/shipped-entry.md history.0 history-reverted: "widget: speed up the ring" is reverted by <pull-1@example.org>; list only what shipped in Linux 5.3, or cite the revert and say what happened'],
  );
});

test('a reply is ack-only when its own text is review tags, greetings and a name', () => {
  assert.equal(isAckOnly('On Tue, X wrote:\n> patch text\n\nAcked-by: A <a@b>\n\nThanks,\nJason\n'), true);
  assert.equal(isAckOnly('Reviewed-by: Kevin Tian <kevin.tian@intel.com>'), true);
  assert.equal(isAckOnly('> quoted\nThis breaks the ABI for old QEMU.\n\nAcked-by: A <a@b>'), false);
  assert.equal(isAckOnly('> quoted\nLooks good, but the errno should stay EINVAL.\nAcked-by: A <a@b>'), false);
  assert.equal(isAckOnly('No tags, just a question?'), false);
});

test('shared runs: 8 words in a row are found, 7 are not; case and punctuation do not matter', () => {
  const source = windows(words('One two three four five six seven eight nine ten.'));
  assert.deepEqual(sharedRuns('We said: ONE two, three four five six seven eight!', source), ['one two three four five six seven eight']);
  assert.deepEqual(sharedRuns('one two three four five six seven and more', source), []);
  assert.deepEqual(sharedRuns('two three four five six seven eight nine ten', source), ['two three four five six seven eight nine ten']);
});

test('kb lint --corpus: an ack-only citation names the mail it replies to; copied runs are flagged', async () => {
  const kb = tempDir('pr-kb-corpus-');
  writeEntry(kb, {
    id: 'acked-entry',
    yaml: 'references:\n  - {type: lore, id: ack-1@example.org}\n  - {type: lore, id: ack-2@example.org}\n  - {type: lore, id: review-1@example.org}',
  });
  writeEntry(kb, {
    id: 'copying-entry',
    yaml: 'references:\n  - {type: lore, id: patch-1@example.org}',
    body: `## Contract\n\nSince the fix, a looping chain kept the worker busy forever, so it is refused.\n\n## Reviewing a change\n\nAsk whether old userspace still works after the change under review.\n`,
  });
  writeEntry(kb, {
    id: 'own-words-entry',
    yaml: 'references:\n  - {type: lore, id: patch-1@example.org}',
    body: `## Contract\n\nChains that return to an earlier descriptor are rejected; before, they stalled the worker.\n\n## Reviewing a change\n\nAsk whether old userspace still works after the change under review.\n`,
  });
  const r = await lintKnowledge(kb, { corpus: corpus() });
  assert.deepEqual(
    r.problems.map((p) => `${p.file} ${p.field} ${p.check}: ${p.message}`),
    [
      'vhost/acked-entry.md references.0 ack-only: <ack-1@example.org> only gives a review tag and says nothing of its own; cite the mail it replies to, <patch-1@example.org>',
      'vhost/acked-entry.md references.1 ack-only: <ack-2@example.org> only gives a review tag and says nothing of its own; cite the mail it replies to, <not-here@example.org> (not in the corpus)',
      'vhost/copying-entry.md references.0 shared-words: 8 words in a row are the same as in <patch-1@example.org>; say it in our own words: "a looping chain kept the worker busy forever"',
    ],
  );
  assert.equal(r.resolvedLoreCitations, 3);
});

test('kb lint --docs and --spec: runs shared with a cited document or spec section', async () => {
  const docs = tempDir('pr-docs-');
  writeFileSync(join(docs, 'vhost-user.rst'), 'Ring states\n===========\n\nWhen the widget ring is stopped the back-end must not touch it again.\n');
  const spec = tempDir('pr-spec-');
  writeFileSync(join(spec, 'virtio.tex'), '\\input{content}\n');
  writeFileSync(join(spec, 'content.tex'), '\\section{Widgets}\\label{sec:Widgets}\nThe \\field{widget} driver MUST wait for the widget status to read back as zero.\n\\section{Other}\\label{sec:Other}\nUnrelated text about gadgets and their many small parts here.\n');
  const kb = tempDir('pr-kb-docs-');
  writeEntry(kb, {
    id: 'doc-entry',
    yaml: 'references:\n  - {type: doc, id: docs/interop/vhost-user.rst, title: Ring states}\n  - {type: spec, id: "sec:Widgets"}',
    body: `## Contract\n\nOnce the widget ring is stopped the back-end must not touch it, and the driver must wait for the widget status to read back as zero.\n\n## Reviewing a change\n\nAsk about gadgets and their many small parts here and there.\n`,
  });
  const r = await lintKnowledge(kb, { docs: [docs], spec });
  // sec:Other shares a run with the last paragraph too, but the entry does not cite it.
  const runs = r.problems.filter((p) => p.check === 'shared-words').map((p) => `${p.field}: ${p.message}`);
  assert.deepEqual(runs, [
    'references.0: 12 words in a row are the same as in docs/interop/vhost-user.rst; say it in our own words: "the widget ring is stopped the back end must not touch it"',
    'references.1: 12 words in a row are the same as in sec:Widgets; say it in our own words: "driver must wait for the widget status to read back as zero"',
  ]);
});
