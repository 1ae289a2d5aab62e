// Real list mail from ../shared/corpus, read at run time (nothing of it is copied into the
// repository): a real public-inbox v2 repository built with Debian's public-inbox tools, and
// `related` across the held-aside threads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS, HAVE_CORPUS, NO_CORPUS_REASON } from '../helpers.js';
import { splitMbox } from '../../src/ingest/mbox.js';
import { quickMessageId } from '../../src/inbox/record.js';
import { openInbox } from '../../src/inbox/store.js';
import { indexSources } from '../../src/inbox/indexer.js';
import { relatedFor } from '../../src/inbox/related.js';
import { whoFor, authorEmails } from '../../src/inbox/who.js';
import { parseMailmap } from '../../src/inbox/mailmap.js';
import { isGenericKernelApi } from '../../src/inbox/generic-apis.js';
import { readPatches } from '../../src/inbox/input.js';
import { bufferChunks } from '../../src/ingest/read-input.js';
import { tempDir } from './mails.js';

const THREADS = join(CORPUS, 'threads');
const noStdin = () => bufferChunks(Buffer.alloc(0));

function have(cmd: string): boolean {
  return spawnSync(cmd, ['--help'], { stdio: 'ignore' }).error === undefined;
}
const HAVE_PUBLIC_INBOX = have('public-inbox-init') && have('public-inbox-mda');
const PI_SKIP = !HAVE_CORPUS ? NO_CORPUS_REASON : !HAVE_PUBLIC_INBOX ? 'public-inbox-init/public-inbox-mda not installed (apt-get install public-inbox): real public-inbox test skipped' : false;

async function mailsOf(file: string): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const m of splitMbox((async function* () {
    yield readFileSync(file);
  })(), file)) out.push(m);
  return out;
}

test('a real public-inbox v2 repository (public-inbox-init -V2 + public-inbox-mda) is indexed, then only its new mails', { skip: PI_SKIP }, async () => {
  const t = tempDir('pr-pi-');
  try {
    const env = { ...process.env, HOME: t.dir, PI_CONFIG: join(t.dir, 'pi-config'), ORIGINAL_RECIPIENT: 'virt@example.org' };
    const inboxDir = join(t.dir, 'inbox');
    const run = (cmd: string, args: string[], input?: Buffer) => {
      const r = spawnSync(cmd, args, { env, input, encoding: 'utf8' });
      assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
    };
    run('public-inbox-init', ['-V2', '-L', 'basic', 'virt', inboxDir, 'http://example.org/virt', 'virt@example.org']);
    run('git', ['config', '--file', env.PI_CONFIG, 'publicinboxmda.spamcheck', 'none']);
    const deliver = (mails: Buffer[]) => {
      for (const m of mails) run('public-inbox-mda', ['--no-precheck'], m);
    };
    const vsock = await mailsOf(join(THREADS, 'vsock-iotlb-2020.mbox'));
    const crosvm = await mailsOf(join(THREADS, 'crosvm-regression-2022.mbox'));
    deliver([...vsock, ...crosvm]);

    const db = join(t.dir, 'index.sqlite');
    const inbox = await openInbox(db, { create: true });
    const [first] = await indexSources(inbox, [inboxDir]);
    const ids = new Set([...vsock, ...crosvm].map((m) => quickMessageId(m)));
    assert.equal(first!.kind, 'public-inbox');
    assert.equal(first!.read, vsock.length + crosvm.length);
    assert.equal(first!.added, ids.size);
    assert.equal(inbox.one<{ n: number }>('SELECT count(*) AS n FROM messages')!.n, ids.size);
    inbox.save();
    inbox.close();

    // The vsock IOTLB patch (v2) relates to the later crosvm regression thread, where its symbols were discussed.
    const v2 = join(t.dir, 'v2.eml');
    writeFileSync(v2, vsock.find((m) => /^Subject: \[PATCH v2\]/m.test(m.toString('latin1')))!);
    const reopened = await openInbox(db);
    const [p] = await readPatches([v2], noStdin);
    const r = relatedFor(reopened, p!.patch, p!.facts);
    assert.deepEqual(r.versions.map((v) => [v.version, v.self]), [
      ['v1', false],
      ['v2', true],
    ]);
    const crosvmRoot = r.threads[0]!;
    assert.match(crosvmRoot.subject, /crosvm/);
    assert.ok(crosvmRoot.matched.some((m) => m.name === 'VIRTIO_F_ACCESS_PLATFORM' && m.inTexts > 0));
    assert.ok(crosvmRoot.mentions.length > 0 && crosvmRoot.mentions.every((m) => m.url?.startsWith('https://lore.kernel.org/r/')));

    // New mail arrives: the next run reads only the new commits.
    const more = (await mailsOf(join(THREADS, 'iotlb-persist-2023.mbox'))).slice(0, 3);
    deliver(more);
    const [second] = await indexSources(reopened, [inboxDir]);
    assert.deepEqual([second!.read, second!.added], [3, 3]);
    reopened.close();
  } finally {
    t.done();
  }
});

test('the IOTLB_PERSIST patches list their own earlier versions and the older reset/mapping discussions', { skip: HAVE_CORPUS ? false : NO_CORPUS_REASON }, async () => {
  const t = tempDir('pr-corpus-');
  try {
    const inbox = await openInbox(join(t.dir, 'i.sqlite'), { create: true });
    await indexSources(inbox, [join(THREADS, 'iotlb-persist-2023.mbox'), join(THREADS, 'vsock-iotlb-2020.mbox'), join(THREADS, 'crosvm-regression-2022.mbox')]);
    const all = await mailsOf(join(THREADS, 'iotlb-persist-2023.mbox'));
    const v5 = all.filter((m) => /^Subject: \[PATCH v5 [0-7]\/7\]/m.test(m.toString('latin1')));
    assert.equal(v5.length, 8);
    const file = join(t.dir, 'v5.mbox');
    writeFileSync(file, Buffer.concat(v5.map((m) => Buffer.concat([Buffer.from('From x@y Thu Jan  1 00:00:00 1970\n'), m, Buffer.from('\n')]))));
    const patches = await readPatches([file], noStdin);
    const persist = patches.find((p) => /IOTLB_PERSIST backend feature bit/.test(p.patch.subject))!;
    const r = relatedFor(inbox, persist.patch, persist.facts, persist.coverSubject ? { coverSubject: persist.coverSubject } : {});
    const earlier = r.versions.filter((v) => !v.self && v.level === 'patch').map((v) => v.version);
    assert.deepEqual(earlier, ['RFC v1', 'RFC v2', 'RFC v3', 'v1', 'v2', 'v3', 'v4']);
    // RFC v1 was posted inside the mlx5 ASID-fixes thread, where a reviewer first suggested a
    // .reset_map op: that suggestion is the sentence shown for the reset_map patch's first version.
    const resetMap = patches.find((p) => /introduce \.reset_map operation callback/.test(p.patch.subject))!;
    const rr = relatedFor(inbox, resetMap.patch, resetMap.facts, resetMap.coverSubject ? { coverSubject: resetMap.coverSubject } : {});
    const first = rr.versions[0]!;
    assert.equal(first.version, 'RFC v1');
    assert.match(first.subject, /Fixes for ASID handling/);
    assert.ok(first.mentions.some((m) => m.symbol === 'reset_map' && m.date === '2023-08-03'), JSON.stringify(first.mentions));
    // Other threads about the op: the simulator's implementation, discussed separately.
    assert.ok(rr.threads.some((x) => /vdpa_sim: implement \.reset_map/.test(x.subject)));
    const who = whoFor(inbox, persist.facts, authorEmails([persist.patch.author]));
    assert.equal(who.reviewers[0]?.email, 'jasowang@redhat.com');
    assert.ok(!who.reviewers.some((p) => p.email === 'si-wei.liu@oracle.com'), 'the author is not a reviewer of his own patch');
    // A tree's .mailmap names people at the address they use now.
    const mailmap = parseMailmap('Jason Wang <jason.now@example.org> <jasowang@redhat.com>\n');
    const mapped = whoFor(inbox, persist.facts, authorEmails([persist.patch.author]), { mailmap });
    assert.deepEqual([mapped.reviewers[0]?.name, mapped.reviewers[0]?.email], ['Jason Wang', 'jason.now@example.org']);
    // Generic kernel APIs are no evidence: facts about them alone find nobody.
    const generic = persist.facts.filter((f) => isGenericKernelApi(f.symbol));
    assert.deepEqual(whoFor(inbox, generic, []).reviewers, []);
    inbox.close();
  } finally {
    t.done();
  }
});
