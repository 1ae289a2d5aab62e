// Architecture checks over the compiled import graph: no import cycles between the top-level
// folders of src/, and the one-patch review path (the bundled review command and the engine)
// loads no heavy module at start-up; those must stay behind import() or a lazy require.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { folderCycles, folderGraph, importGraph, staticClosure } from './import-graph.js';

const graph = importGraph();

test('the compiled graph is read: the engine imports the stages and the CLI imports the engine', () => {
  const folders = folderGraph(graph);
  for (const stage of ['knowledge', 'analyze', 'diff', 'config']) assert.ok(folders.get('engine')?.has(stage), `engine -> ${stage}`);
  assert.ok(folders.get('cli')?.has('engine'));
  assert.ok(folders.get('hook')?.has('engine'));
  assert.ok(folders.get('site')?.has('engine'));
});

test('no import cycles between the top-level folders of src/', () => {
  const cycles = folderCycles(folderGraph(graph));
  assert.deepEqual(cycles, [], `folder cycles:\n${cycles.map((c) => `  ${c.join('\n    ')}`).join('\n')}`);
});

test('a cycle is found when there is one (the check can fail)', () => {
  const folders = new Map([
    ['a', new Map([['b', 'a/x.js -> b/y.js']])],
    ['b', new Map([['c', 'b/y.js -> c/z.js']])],
    ['c', new Map([['a', 'c/z.js -> a/x.js']])],
  ]);
  assert.deepEqual(folderCycles(folders), [['a/x.js -> b/y.js', 'b/y.js -> c/z.js', 'c/z.js -> a/x.js']]);
});

/** What a one-patch review must not load before it needs it. */
const HEAVY_BUILTINS = ['node:worker_threads', 'node:zlib', 'node:crypto', 'node:child_process', 'node:fs/promises', 'node:stream', 'node:tty', 'node:os', 'node:v8', 'node:vm', 'node:readline', 'node:http', 'node:https', 'node:net'];
/**
 * The packages the bundle inlines (src/cli/bundle.ts): parse-diff, and commander, which parses
 * every command's arguments; every other one is required lazily where it is needed.
 */
const INLINED_PACKAGES = new Set(['parse-diff', 'commander']);
const HEAVY_MODULES = /^(inbox|site|hook)\/|^knowledge\/(compile|body|schema)\.js$|^spec\/(spec-index|virtio-spec|vhost-user|latex-\w+|rst|normative|index)\.js$|^engine\/(parallel|worker|prior)\.js$|^analyze\/spec-statements\.js$|^report\/(?!(formatter|escape)\.js$)/;

for (const start of ['cli/review-entry.js', 'engine/index.js']) {
  test(`the one-patch review path from ${start} imports no heavy module statically`, () => {
    assert.ok(graph.has(start), `${start} is compiled`);
    const { modules, external } = staticClosure(graph, start);
    const heavyExternal = [...external].filter((s) => (s.startsWith('node:') ? HEAVY_BUILTINS.includes(s) : !INLINED_PACKAGES.has(s)));
    assert.deepEqual(heavyExternal, [], 'node modules and packages loaded at start-up');
    assert.deepEqual([...modules].filter((m) => HEAVY_MODULES.test(m)), [], 'modules of optional features loaded at start-up');
    assert.ok(modules.has('engine/index.js') && modules.has('diff/facts.js'), 'the review path itself is there');
  });
}
