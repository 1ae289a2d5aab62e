// The knowledge base against real reviewers: the labelled dev mails of ../shared/corpus/dev.
// Targets (issues 3 and 14): a finding of the labelled category at warning or error for the labelled
// mails; no error and at most half a warning per mail on average for the acked controls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateDev } from '../../bench/dev-eval.js';
import { HAVE_CORPUS, NO_CORPUS_REASON } from '../helpers.js';

const skip = HAVE_CORPUS ? false : NO_CORPUS_REASON;

test('dev set: labelled concerns are found, controls stay quiet', { skip }, async () => {
  const s = await evaluateDev();
  const perCategory = Object.entries(s.byCategory).map(([c, v]) => `${c} ${v.found}/${v.labelled}`).join(', ');
  console.log(`dev set: ${s.found}/${s.labelled} labelled concerns found (${perCategory}); controls: ${s.controlErrors} errors, ${s.controlWarningsPerMail.toFixed(2)} warnings per mail`);
  assert.equal(s.labelled, 38);
  assert.equal(s.controls, 37);
  assert.equal(s.controlErrors, 0, `errors on controls: ${s.results.filter((r) => r.kind === 'control' && r.errors).map((r) => r.file).join(' ')}`);
  // Issue 14: at most half a warning per control.
  assert.ok(s.controlWarningsPerMail <= 0.5, `${s.controlWarningsPerMail} warnings per control mail`);
  // Recall: at least 80% of the labelled concerns (issue 14 made "this function changed" a note,
  // so a concern is found only through a fact of what the patch does); misses are listed.
  const missed = s.results.filter((r) => r.kind === 'labeled' && !r.found).map((r) => `${r.file} (${r.category})`);
  assert.ok(s.found / s.labelled >= 0.8, `missed: ${missed.join(', ')}`);
});
