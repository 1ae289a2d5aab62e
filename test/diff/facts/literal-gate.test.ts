// The literal gates must never hide a match: every declared pattern, on text generated from its
// own regular expression, finds one of its literals; the one-scan-per-file search finds exactly
// the literals that are there; and a gated detector gives the facts it gives ungated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RegExpParser, visitRegExpAST } from '@eslint-community/regexpp';
import { FILE_PRODUCERS } from '../../../src/diff/facts.js';
import { declaredPatterns, detector, gated, literalsIn, mayMatch, matchesIn } from '../../../src/diff/facts/literal-gate.js';
import type { AnnotatedHunk, AnnotatedLine } from '../../../src/diff/annotate.js';
import type { FileDiff } from '../../../src/model/diff.js';
import { factsOf, fileDiff } from '../uapi/helpers.js';

/**
 * The pattern without its assertions (\b, lookarounds, ^, $), which fast-check cannot generate
 * from: it matches more text, so literals found in all of that are in every real match too.
 */
function relaxed(re: RegExp): RegExp {
  const ast = new RegExpParser().parsePattern(re.source, 0, re.source.length, { unicode: re.unicode });
  const cuts: [number, number][] = [];
  visitRegExpAST(ast, { onAssertionEnter: (a) => void cuts.push([a.start, a.end]) });
  let source = re.source;
  let lastStart = Infinity;
  for (const [start, end] of cuts.sort((a, b) => b[0] - a[0])) {
    if (end > lastStart) continue; // inside a lookaround already cut
    source = source.slice(0, start) + source.slice(end);
    lastStart = start;
  }
  return new RegExp(`^(?:${source})$`, re.flags.replace('g', ''));
}

test('every detector pattern declares literals that each of its matches contains', () => {
  assert.ok(FILE_PRODUCERS.length > 0);
  const patterns = declaredPatterns();
  assert.ok(patterns.length >= 15, `only ${patterns.length} gated patterns declared`);
  for (const p of patterns) {
    fc.assert(
      fc.property(fc.stringMatching(relaxed(p.re)), (s) => mayMatch(s, p)),
      { numRuns: 400, seed: 19 },
    );
  }
});

test('a literal the gate does not declare is caught by the check', () => {
  // The check above can fail: a pattern whose literal list misses an alternative.
  const wrong = { re: /\b(mutex_lock|down_read)\s*\(/g, needs: ['lock'] };
  assert.throws(() => fc.assert(fc.property(fc.stringMatching(relaxed(wrong.re)), (s) => mayMatch(s, wrong)), { numRuns: 400, seed: 19 }));
});

const line = (code: string, kind: AnnotatedLine['kind'] = '+'): AnnotatedLine => ({ kind, text: code, code, oldLine: null, newLine: 1, function: null, aggregate: null, define: null, mask: null, ioctlCase: null, anchor: 1 });

test('one scan finds every declared literal a file has, overlapping ones included', () => {
  const literals = [...new Set(declaredPatterns().flatMap((p) => p.needs))];
  const piece = fc.oneof(fc.constantFrom(...literals), fc.string({ maxLength: 4 }));
  const check = () =>
    fc.assert(
      fc.property(fc.array(fc.array(piece, { maxLength: 8 }).map((parts) => parts.join('')), { minLength: 1, maxLength: 6 }), (codes) => {
        const found = literalsIn([{ lines: codes.map((c) => line(c)) }]);
        const expected = literals.filter((l) => codes.some((c) => c.includes(l)));
        assert.deepEqual([...found].sort(), expected.sort());
      }),
      { numRuns: 300, seed: 7 },
    );
  // A process that has seen little code looks each literal up; past that, one alternation.
  check();
  literalsIn([{ lines: Array.from({ length: 4000 }, () => line('x'.repeat(100))) }]);
  check();
  // Literals that start inside another one ("reset" in "hw_reset_status"): both found.
  const found = literalsIn([{ lines: [line('hw_reset_status(')] }]);
  assert.ok(found.has('reset') && found.has('status'));
});

test('a gated detector runs only on files of its scope with one of its literals', () => {
  const CALL = gated(/\bfrobnicate_widget\s*\(/g, ['frobnicate_']);
  let runs = 0;
  const produce = detector({ files: (p) => p.endsWith('.c'), needs: [CALL] }, (file: FileDiff, hunks: AnnotatedHunk[]) => {
    runs++;
    return hunks.flatMap((h) => h.lines.flatMap((l) => [...matchesIn(l.code, CALL)].map((m) => ({ kind: 'function-changed' as const, symbol: m[0], file: file.path, line: l.anchor }))));
  });
  const file = (path: string): FileDiff => ({ path, oldPath: path, newPath: path, status: 'modified', binary: false, role: 'other', hunks: [] }) as unknown as FileDiff;
  assert.deepEqual(produce(file('a.h'), [{ lines: [line('frobnicate_widget(x);')] }]), []);
  assert.deepEqual(produce(file('a.c'), [{ lines: [line('other_call(x);')] }]), []);
  assert.equal(runs, 0);
  assert.equal(produce(file('a.c'), [{ lines: [line('other_call(x);'), line('\tfrobnicate_widget(x);')] }]).length, 1);
  assert.equal(runs, 1);
});

test('the gated behaviour detectors still find their facts on real hunk shapes', () => {
  const facts = factsOf(
    fileDiff('drivers/vhost/vdpa.c', {
      at: 40,
      section: 'static long vhost_vdpa_set_config(struct vhost_vdpa *v,',
      body: `
 \tstruct vhost_vdpa_config config;
-\tmutex_lock(&v->mutex);
+\tif (copy_from_user(&config, c, size))
+\t\treturn -EFAULT;
+\tbuf = kvzalloc(config.len, GFP_KERNEL);
+\tvirtio_reset_device(vdev);`,
    }),
  );
  const of = (kind: string) => facts.filter((f) => f.kind === kind).map((f) => f.symbol);
  assert.deepEqual(of('lock-removed'), ['v->mutex']);
  assert.deepEqual(of('untrusted-value-unchecked'), ['config']);
});
