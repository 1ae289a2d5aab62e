// Issue 16's targets on the dev set: median text report <= 15 lines per patch, p90 <= 40;
// every error and warning line in terse names a symbol of the patch; no text line over 100
// columns when not on a terminal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateDev } from '../../bench/dev-eval.js';
import { namesSymbol } from '../../bench/report-figures.js';
import { HAVE_CORPUS, NO_CORPUS_REASON } from '../helpers.js';

test('namesSymbol: a word of the line, or the file a path ends in; not the rule id', () => {
  const symbols = new Set(['vhost_vring_state', 'virtio_ids.h']);
  assert.ok(namesSymbol('a.h:1: ERROR: [r] struct vhost_vring_state grows', symbols));
  assert.ok(namesSymbol('a.h:1: WARNING: [r] uAPI header include/uapi/linux/virtio_ids.h changed', symbols));
  assert.ok(!namesSymbol('a.h:1: WARNING: [vhost-vring-state] a struct grows', symbols));
});

test('dev set: the text report is short, terse names symbols, lines fit 100 columns', { skip: HAVE_CORPUS ? false : NO_CORPUS_REASON }, async () => {
  const { report: f } = await evaluateDev();
  console.log(`text lines per patch: median ${f.textLines.median}, p90 ${f.textLines.p90}, max ${f.textLines.max}; terse ${f.terseNamingSymbol}/${f.terseSerious} name a symbol; ${f.linesOver100} lines over 100 columns`);
  assert.ok(f.textLines.median <= 15, `median ${f.textLines.median}`);
  assert.ok(f.textLines.p90 <= 40, `p90 ${f.textLines.p90}`);
  assert.ok(f.terseSerious > 0);
  assert.equal(f.terseNamingSymbol, f.terseSerious, f.terseWithoutSymbol.join('\n'));
  assert.equal(f.linesOver100, 0);
});
