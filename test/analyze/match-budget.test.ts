// Issue 19, item 1: a per-patch matching budget; past it the patch is reported as not fully
// reviewed, naming the rule whose patterns used the time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchFacts } from '../../src/analyze/match.js';
import { compileRules } from '../../src/analyze/rules.js';
import type { Entry } from '../../src/knowledge/entry.js';
import type { Fact } from '../../src/model/facts.js';

test('a slow pattern stops at the budget and names its rule', () => {
  // Quadratic but accepted by the cheap runtime check: stands for a tampered cache.
  const entry = { id: 'slow-rule', title: 't', area: 'vhost', category: 'uapi-abi', severity: 'warning', summary: 's', checklist: [], consumers: [], references: [], symbols: [], triggers: [{ lines: ['^\\s*\\s*x$'] }] } as unknown as Entry;
  const rules = compileRules([entry]);
  const line = ' '.repeat(2000);
  const facts: Fact[] = Array.from({ length: 5000 }, (_, i) => ({ kind: 'symbol-added', symbol: `S${i}`, file: 'a.c', line: i, text: line }) as Fact);
  const t = performance.now();
  const findings = matchFacts(facts, rules, 200);
  assert.ok(performance.now() - t < 2000);
  const incomplete = findings.find((f) => f.ruleId === 'review-incomplete');
  assert.ok(incomplete);
  assert.match(incomplete.message, /slow-rule/);
});

test('findings past the per-patch cap are counted, the most severe kept', () => {
  // One finding per rule per patch: 1,500 rules, each firing once in a file of its own.
  const entries = Array.from({ length: 1500 }, (_, i) => ({ id: `many-${i}`, title: 't', area: 'vhost', category: 'uapi-abi', severity: 'warning', summary: 's', checklist: [], consumers: [], references: [], symbols: [`S${i}`], triggers: [{ symbols: [`S${i}`] }] }) as unknown as Entry);
  const facts: Fact[] = Array.from({ length: 1500 }, (_, i) => ({ kind: 'symbol-added', symbol: `S${i}`, file: `f${i}.c`, line: 1, text: `S${i}` }) as Fact);
  const findings = matchFacts(facts, compileRules(entries));
  assert.equal(findings.filter((f) => f.ruleId.startsWith('many-')).length, 1000);
  assert.match(findings.find((f) => f.ruleId === 'review-incomplete')!.message, /500 more findings \(in 500 files\)/);
});

test('one rule firing on 100,000 facts is matched whole, within the budget', () => {
  // Each place was once looked up in a list of the rule's facts so far: quadratic, and past the budget.
  const entry = { id: 'wide', title: 't', area: 'vhost', category: 'uapi-abi', severity: 'warning', summary: 's', checklist: [], consumers: [], references: [], symbols: [], triggers: [{ facts: ['symbol-added'] }] } as unknown as Entry;
  const facts: Fact[] = Array.from({ length: 100_000 }, (_, i) => ({ kind: 'symbol-added', symbol: `S${i}`, file: 'a.c', line: i, text: 'x' }) as Fact);
  const findings = matchFacts(facts, compileRules([entry]));
  assert.equal(findings.find((f) => f.ruleId === 'review-incomplete'), undefined);
  assert.equal(findings.find((f) => f.ruleId === 'wide')!.places!.length, 100_000);
});

test('a detail quoting a line with a long run of spaces is trimmed in linear time', () => {
  const entry = { id: 'quote', title: 't', area: 'vhost', category: 'uapi-abi', severity: 'warning', summary: 's', checklist: [], consumers: [], references: [], symbols: ['S'], triggers: [{ symbols: ['S'] }] } as unknown as Entry;
  const detail = `loads p (x =${' '.repeat(1 << 20)}y) here. `;
  const t = performance.now();
  const [finding] = matchFacts([{ kind: 'symbol-added', symbol: 'S', file: 'a.c', line: 1, text: 'x', detail } as Fact], compileRules([entry]));
  assert.ok(performance.now() - t < 1000, `${performance.now() - t} ms`);
  assert.ok(finding!.message.startsWith(`Loads p (x =${' '.repeat(1 << 20)}y) here. s`));
});
