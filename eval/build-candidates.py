#!/usr/bin/env python3
"""Builds the candidate pool for the held-out evaluation (issue 14) from ../shared/corpus.

A candidate is an in-scope patch mail (not a cover letter) that drew at least one reply from
someone other than its author. Threads that the knowledge base cites anywhere, and threads of the
dev set, are left out, so the pool is made of patches nobody wrote the knowledge against.

Each candidate gets its half (develop or test) from a keyed hash of its thread root, decided here,
before any labelling or entry work. For each candidate it writes a compact reading file (the
commit message, the diff trimmed, and the non-quoted text of the replies) for the labellers.

    python3 eval/build-candidates.py OUT_DIR
"""
import email
import email.policy
import gzip
import hashlib
import json
import os
import random
import re
import sys
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(ROOT, '..', 'shared', 'corpus')
SEED = 'patch-review-eval-2026'

SOURCES = ['archive.mbox.gz'] + [f'lists/{n}' for n in (
    'iommu.mbox.gz', 'linux-api.mbox.gz', 'linux-s390.mbox.gz', 'linux-kselftest.mbox.gz')]

AREAS = [  # first match wins
    ('qemu-vhost-user', r'^(hw/virtio/|subprojects/libvhost-user|contrib/libvhost-user|docs/interop/vhost-user|net/vhost|hw/vfio/|backends/vhost)'),
    ('vduse', r'vduse'),
    ('iommufd', r'(drivers/iommu/iommufd|uapi/linux/iommufd|selftests/iommu)'),
    ('vfio-s390', r'(drivers/s390/crypto/vfio_ap|drivers/s390/cio/vfio_ccw|arch/s390/pci|vfio_ccw|vfio_zdev|drivers/vfio/pci/vfio_pci_zdev)'),
    ('vfio', r'(drivers/vfio|uapi/linux/vfio|selftests/vfio)'),
    ('vdpa', r'(drivers/vdpa|uapi/linux/vdpa|vhost/vdpa\.c)'),
    ('vsock', r'(net/vmw_vsock|vhost/vsock\.c|vm_sockets|virtio_vsock)'),
    ('vhost-net-tun', r'(drivers/net/tun\.c|drivers/net/tap\.c|vhost/net\.c|if_tun\.h|if_tap)'),
    ('vhost', r'(drivers/vhost|uapi/linux/vhost)'),
    ('virtio', r'(drivers/virtio|drivers/net/virtio_net|uapi/linux/virtio_|drivers/block/virtio_blk|virtio-iommu|drivers/iommu/virtio-iommu|drivers/char/virtio_console|drivers/scsi/virtio_scsi|drivers/gpu/drm/virtio|fs/fuse/virtio_fs|sound/virtio|drivers/crypto/virtio|drivers/i2c/busses/i2c-virtio|drivers/gpio/gpio-virtio)'),
]

TRAILER = re.compile(r'^\s*(acked-by|reviewed-by|tested-by|signed-off-by|suggested-by|reported-by|cc|fixes|link)\s*:', re.I)
ACKISH = re.compile(r'^\s*(thanks|thank you|applied|queued|looks good|lgtm|nice|ack|acked|great|regards|cheers|best regards|sounds good|pushed|merged|good catch|yes|ok|-- ?|sorry)[\s\S]{0,60}$', re.I)


def split_mbox(path):
    with gzip.open(path, 'rb') as f:
        data = f.read()
    parts = re.split(rb'(?:^|\n)From [^\n]*\n', data)
    for p in parts:
        if not p.strip():
            continue
        yield re.sub(rb'(?m)^>(>*From )', rb'\1', p)


def body_text(msg):
    out = []
    for part in msg.walk():
        if part.get_content_maintype() == 'multipart':
            continue
        if part.get_content_type() in ('text/plain', 'text/x-patch', 'text/x-diff', 'application/octet-stream') or part.get_filename():
            try:
                payload = part.get_payload(decode=True) or b''
            except Exception:
                continue
            cs = part.get_content_charset() or 'utf-8'
            try:
                out.append(payload.decode(cs, 'replace'))
            except LookupError:
                out.append(payload.decode('utf-8', 'replace'))
    return '\n'.join(out)


def ids(v):
    return re.findall(r'<([^<>\s]+)>', v or '')


def addr(v):
    m = re.search(r'[\w.+-]+@[\w.-]+', v or '')
    return m.group(0).lower() if m else (v or '').lower()


def strip_reply(text):
    lines = []
    for l in text.split('\n'):
        if l.startswith('-- ') and l.strip() == '--':
            break
        if l.rstrip() == '-- ':
            break
        if l.startswith('>'):
            if lines and lines[-1] != '[…]':
                lines.append('[…]')
            continue
        if re.match(r'^On .*wrote:\s*$', l) or re.match(r'^.*\bwrote:\s*$', l) and len(l) < 120:
            continue
        if l.startswith('_______________________________________________'):
            break
        lines.append(l)
    s = '\n'.join(lines)
    s = re.sub(r'\n{3,}', '\n\n', s).strip()
    return s


def is_ack_only(stripped):
    for l in stripped.split('\n'):
        t = l.strip()
        if not t or t == '[…]' or TRAILER.match(t) or ACKISH.match(t):
            continue
        if re.match(r'^[\w\s.,\'"-]{0,30}$', t):  # a name or a short sign-off
            continue
        return False
    return True


def area_of(files):
    for name, rx in AREAS:
        if any(re.search(rx, f) for f in files):
            return name
    return None


def main():
    out = sys.argv[1]
    # Round 2 adds patches whose replies have some length (a concern takes more than a line),
    # from threads not drawn in round 1; ids continue after round 1's.
    round2 = '--round2' in sys.argv
    previous = [json.loads(l) for l in open(os.path.join(HERE, 'candidates.jsonl'))] if round2 else []
    used_mids = {x['message_id'] for x in previous}
    os.makedirs(os.path.join(out, 'threads'), exist_ok=True)
    cited = set()
    for d, _, fs in os.walk(os.path.join(ROOT, 'knowledge')):
        for fn in fs:
            if fn.endswith('.md'):
                cited.update(re.findall(r'[A-Za-z0-9._%+=$#-]+@[A-Za-z0-9.-]+[A-Za-z]', open(os.path.join(d, fn), encoding='utf-8').read()))
    dev = {json.loads(l)['message_id'] for l in open(os.path.join(SHARED, 'dev', 'labels.jsonl'))}
    dev |= {json.loads(l).get('reply_message_id') for l in open(os.path.join(SHARED, 'dev', 'labels.jsonl'))}
    mails = {}
    for src in SOURCES:
        for raw in split_mbox(os.path.join(SHARED, src)):
            try:
                msg = email.message_from_bytes(raw, policy=email.policy.compat32)
            except Exception:
                continue
            mid = (ids(msg.get('Message-ID')) or [None])[0]
            if not mid or mid in mails:
                continue
            refs = ids(msg.get('References'))
            irt = ids(msg.get('In-Reply-To'))
            parent = irt[0] if irt else (refs[-1] if refs else None)
            subj = str(email.header.make_header(email.header.decode_header(msg.get('Subject', '')))) if msg.get('Subject') else ''
            frm = str(email.header.make_header(email.header.decode_header(msg.get('From', '')))) if msg.get('From') else ''
            mails[mid] = dict(mid=mid, parent=parent, refs=refs, subject=re.sub(r'\s+', ' ', subj), frm=frm,
                              date=msg.get('Date', ''), body=body_text(msg), source=src)
    print(f'{len(mails)} mails', file=sys.stderr)
    children = defaultdict(list)
    for m in mails.values():
        if m['parent']:
            children[m['parent']].append(m['mid'])

    def root_of(m):
        seen = 0
        r = m['refs'][0] if m['refs'] else None
        cur = m
        while cur['parent'] and cur['parent'] in mails and seen < 200:
            cur = mails[cur['parent']]
            seen += 1
        return cur['refs'][0] if cur['refs'] else (r or cur['mid']) if cur['parent'] else cur['mid']

    def thread_mids(root):
        stack, out = [root], []
        while stack:
            x = stack.pop()
            out.append(x)
            stack.extend(children.get(x, []))
        return out

    bad_roots = set()
    for m in mails.values():
        if m['mid'] in cited or m['mid'] in dev:
            bad_roots.add(root_of(m))
    cands = []
    for m in mails.values():
        b = m['body']
        if 'diff --git' not in b:
            continue
        if re.search(r'\[[^\]]*\b0+/\d+\]', m['subject']) or re.match(r'(?i)^re:', m['subject']):
            continue
        files = sorted(set(re.findall(r'^diff --git a/(\S+) b/', b, re.M)))
        area = area_of(files)
        if not area:
            continue
        root = root_of(m)
        if root in bad_roots:
            continue
        author = addr(m['frm'])
        replies = [mails[c] for c in children.get(m['mid'], []) if addr(mails[c]['frm']) != author]
        if not replies:
            continue
        stripped = [(r, strip_reply(r['body'])) for r in replies]
        substantive = [s for s in stripped if not is_ack_only(s[1])]
        if round2:
            if m['mid'] in used_mids or not any(len([l for l in t.split('\n') if l.strip() and l.strip() != '[…]']) >= 6 for _, t in substantive):
                continue
        cands.append(dict(m=m, files=files, area=area, root=root, replies=stripped, substantive=len(substantive)))
    print(f'{len(cands)} candidates', file=sys.stderr)
    # Stratified draw: per area, up to a quota of patches with substantive replies and of ack-only ones.
    rng = random.Random(SEED)
    by = defaultdict(list)
    for c in cands:
        by[(c['area'], c['substantive'] > 0)].append(c)
    pool = []
    quota_pos, quota_ctl = (36, 0) if round2 else (33, 22)
    for (area, pos), lst in sorted(by.items()):
        lst.sort(key=lambda c: c['m']['mid'])
        rng.shuffle(lst)
        # At most two patches of one thread, so one long series does not fill an area.
        per_root, chosen = defaultdict(int), []
        for c in lst:
            if per_root[c['root']] >= 2:
                continue
            per_root[c['root']] += 1
            chosen.append(c)
            if len(chosen) >= (quota_pos if pos else quota_ctl):
                break
        pool.extend(chosen)
    pool.sort(key=lambda c: (c['area'], c['m']['mid']))
    index = []
    for i, c in enumerate(pool, start=len(previous)):
        m = c['m']
        half = 'develop' if hashlib.sha256(f'{SEED}:{c["root"]}'.encode()).digest()[0] % 2 == 0 else 'test'
        cid = f'c{i:03d}'
        index.append(dict(id=cid, message_id=m['mid'], source=m['source'], thread_root=c['root'], half=half,
                          area=c['area'], subject=m['subject'], files=c['files'], replies=len(c['replies']),
                          substantive=c['substantive']))
        body = m['body']
        k = body.find('diff --git')
        msg_part, diff = body[:k], body[k:].split('\n')
        if len(diff) > 140:
            diff = diff[:140] + [f"[… {len(diff) - 140} more diff lines]"]
        lines = [f'=== CANDIDATE {cid}  message_id: {m["mid"]}', f'subject: {m["subject"]}', f'from: {m["frm"]}  date: {m["date"]}',
                 f'area: {c["area"]}  files: {" ".join(c["files"])}', '', msg_part.strip()[:3000], '', '\n'.join(diff), '']
        for r, s in c['replies']:
            sl = s.split('\n')
            if len(sl) > 80:
                sl = sl[:80] + ['[… reply cut]']
            lines += [f'--- REPLY message_id: {r["mid"]}', f'from: {r["frm"]}  date: {r["date"]}', '\n'.join(sl), '']
            for g in children.get(r['mid'], [])[:4]:  # the next turn helps decide whether a concern was real
                gm = mails[g]
                gs = strip_reply(gm['body']).split('\n')[:30]
                lines += [f'----- REPLY TO REPLY message_id: {gm["mid"]}', f'from: {gm["frm"]}', '\n'.join(gs), '']
        with open(os.path.join(out, 'threads', f'{cid}.txt'), 'w', encoding='utf-8') as f:
            f.write('\n'.join(lines))
    with open(os.path.join(out, 'candidates.jsonl'), 'w') as f:
        for x in previous + index:
            f.write(json.dumps(x) + '\n')
    counts = defaultdict(lambda: [0, 0])
    for x in index:
        counts[x['area']][x['substantive'] > 0] += 1
    for a, (ctl, pos) in sorted(counts.items()):
        print(f'{a:18} substantive {pos:3}  ack-only {ctl:3}', file=sys.stderr)
    print(f'{len(index)} in pool; develop {sum(x["half"] == "develop" for x in index)}', file=sys.stderr)


if __name__ == '__main__':
    main()
