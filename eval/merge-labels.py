#!/usr/bin/env python3
"""Joins the labellers' decisions with the candidate pool into eval/labels/{develop,test}.jsonl.

    python3 eval/merge-labels.py LABELS.jsonl…

Positives become kind "labeled", controls kind "control"; drops are left out. The half comes
from eval/candidates.jsonl, where it was fixed before labelling.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CATS = {'uapi-abi', 'feature-negotiation', 'behaviour-change-visible-to-userspace', 'reset-and-mapping-lifecycle',
        'config-space', 'ordering-race', 'untrusted-userspace-security', 'spec-conformance', 'documentation-missing'}
cands = {c['id']: c for c in map(json.loads, open(os.path.join(HERE, 'candidates.jsonl')))}
decisions = {}
for path in sys.argv[1:]:
    for line in open(path, encoding='utf-8'):
        if line.strip():
            d = json.loads(line)
            decisions[d['id']] = d
out = {'develop': [], 'test': []}
dropped = 0
for cid, c in sorted(cands.items()):
    d = decisions.get(cid)
    if not d or d['decision'] == 'drop':
        dropped += 1
        continue
    row = {k: c[k] for k in ('id', 'message_id', 'source', 'thread_root', 'half', 'area')}
    if d['decision'] == 'positive':
        if d.get('category') not in CATS:
            sys.exit(f'{cid}: unknown category {d.get("category")!r}')
        row.update(kind='labeled', category=d['category'], concern=d['concern'],
                   reply_message_id=d.get('reply_message_id', '').strip('<>'), symbols=d.get('symbols', []))
    elif d['decision'] == 'control':
        row['kind'] = 'control'
    else:
        sys.exit(f'{cid}: unknown decision {d["decision"]!r}')
    out[c['half']].append(row)
os.makedirs(os.path.join(HERE, 'labels'), exist_ok=True)
for half, rows in out.items():
    with open(os.path.join(HERE, 'labels', f'{half}.jsonl'), 'w', encoding='utf-8') as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + '\n')
    pos = sum(r['kind'] == 'labeled' for r in rows)
    print(f'{half}: {pos} positives, {len(rows) - pos} controls')
print(f'undecided or dropped: {dropped}; decided: {len(decisions)}')
