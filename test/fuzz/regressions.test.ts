// Replays every input the fuzzer ever saved (test/fuzz-regressions/<target>-<hash>.bin):
// each must now pass through its target without an exception other than InputError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { TARGETS } from '../../fuzz/targets.js';
import { InputError } from '../../src/model/errors.js';
import { ROOT } from '../helpers.js';

const DIR = join(ROOT, 'test', 'fuzz-regressions');

test('saved fuzz crashers no longer crash', () => {
  const files = existsSync(DIR) ? readdirSync(DIR).filter((f) => f.endsWith('.bin')) : [];
  for (const f of files) {
    const target = TARGETS[f.split('-')[0]!];
    assert.ok(target, `${f}: unknown fuzz target`);
    try {
      target(readFileSync(join(DIR, f)));
    } catch (e) {
      assert.ok(e instanceof InputError, `${f}: ${(e as Error).message}`);
    }
  }
  // The targets themselves work on a known-good input.
  assert.doesNotThrow(() => TARGETS['diff']!(Buffer.from('diff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n@@ -1 +1 @@\n-a\n+b\n')));
});
