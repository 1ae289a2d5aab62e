// The built-in knowledge base against the shared list corpus, spec and documents: every cited
// mail exists and says something of its own, and no entry repeats 8 words of what it cites.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { lintKnowledge } from '../../src/knowledge/lint.js';
import { BUILTIN_KNOWLEDGE } from '../../src/knowledge/load.js';
import { CORPUS, HAVE_CORPUS, NO_CORPUS_REASON, SHARED } from '../helpers.js';

const SPEC = join(SHARED, 'spec');

test('the built-in knowledge base is clean against the shared corpus, spec and documents', { skip: !HAVE_CORPUS || !existsSync(SPEC) ? NO_CORPUS_REASON : false }, async () => {
  const r = await lintKnowledge(BUILTIN_KNOWLEDGE, { corpus: CORPUS, spec: join(SPEC, 'virtio-spec'), docs: [join(SPEC, 'qemu-docs'), join(SPEC, 'linux-docs')] });
  assert.deepEqual(r.problems.map((p) => `${p.file}: ${p.field}: ${p.message}`), []);
  assert.ok(r.resolvedLoreCitations > 150, `only ${r.resolvedLoreCitations} entries cite a mail found in the corpus`);
});
