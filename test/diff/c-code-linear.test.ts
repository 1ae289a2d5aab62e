// Issue 19, item 3: the function-name scan is linear on a long identifier-only line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { functionNameOf, isFunctionStart, aggregateStart, firstCallName } from '../../src/diff/c-code.js';

test('function names: same answers as the old expression', () => {
  assert.equal(functionNameOf('static long vhost_vdpa_ioctl(struct file *f,'), 'vhost_vdpa_ioctl');
  assert.equal(functionNameOf('int  foo  (void)'), 'foo');
  assert.equal(functionNameOf('if (x) bar(y)'), null);
  assert.equal(firstCallName('12ab(x)', false), 'ab');
  assert.equal(firstCallName('12ab(x)', true), null);
  assert.equal(firstCallName('( ( x', false), null);
  assert.ok(isFunctionStart('static int vhost_foo(struct vhost_dev *d)'));
  assert.ok(!isFunctionStart('int x = foo(1);'));
  assert.ok(!isFunctionStart('foo(1); bar'));
  assert.deepEqual(aggregateStart('struct vhost_vring_state {'), { kind: 'struct', name: 'vhost_vring_state' });
  assert.deepEqual(aggregateStart('struct {'), { kind: 'struct', name: '' });
  assert.equal(aggregateStart('structfoo {'), null);
});

test('a 1 MB identifier line and a 1 MB blank run take milliseconds (were minutes)', () => {
  const ident = 'a'.repeat(1 << 20);
  const blanks = `struct${' '.repeat(1 << 20)}!`;
  const t = performance.now();
  assert.equal(functionNameOf(ident), null);
  assert.equal(isFunctionStart(`${ident};x`), false);
  assert.equal(aggregateStart(blanks), null);
  assert.equal(functionNameOf(`${'a '.repeat(1 << 19)}(`), 'a');
  assert.ok(performance.now() - t < 1000, `${performance.now() - t} ms`);
});

test('a signal-interruptible sleep after a 1 MB blank run in "if (" is checked in linear time', async () => {
  const { errorReturnFacts } = await import('../../src/diff/facts/errors.js');
  const { parseUnifiedDiff } = await import('../../src/diff/parse.js');
  const { annotateFile } = await import('../../src/diff/annotate.js');
  const line = `\tif (${' '.repeat(1 << 20)}x mutex_lock_interruptible(&d->mutex))`;
  const diff = `diff --git a/drivers/vhost/vdpa.c b/drivers/vhost/vdpa.c\n--- a/drivers/vhost/vdpa.c\n+++ b/drivers/vhost/vdpa.c\n@@ -10,2 +10,3 @@ static long vhost_vdpa_unlocked_ioctl(struct file *filep,\n a;\n+${line}\n b;\n`;
  const file = parseUnifiedDiff(diff)[0]!;
  const t = performance.now();
  errorReturnFacts(file, annotateFile(file), undefined as never);
  assert.ok(performance.now() - t < 1000, `${performance.now() - t} ms`);
});
