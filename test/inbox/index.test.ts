// Indexing (mbox plain and gzip, Maildir, a public-inbox v2 layout made with plain git),
// incremental runs, and the queries over the index: related, who, kb draft, prior discussion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, appendFileSync, mkdirSync, renameSync, readFileSync, existsSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { runCli } from '../helpers.js';
import { openInbox, lockIndex } from '../../src/inbox/store.js';
import { indexSources } from '../../src/inbox/indexer.js';
import { relatedFor } from '../../src/inbox/related.js';
import { priorDiscussion, citedThreads, renderPriorDiscussionText, priorDiscussionJson } from '../../src/inbox/prior.js';
import { readPatches } from '../../src/inbox/input.js';
import { bufferChunks } from '../../src/ingest/read-input.js';
import { compileSources } from '../../src/knowledge/compile.js';
import type { Finding } from '../../src/model/finding.js';
import { mail, mbox, tempDir, olderMails, v1Mails, v2Mails, v3Patch, IDS, ALICE, BOB } from './mails.js';

const noStdin = () => bufferChunks(Buffer.alloc(0));

function setup() {
  const t = tempDir('pr-inbox-');
  const src = join(t.dir, 'list.mbox');
  writeFileSync(src, mbox([...olderMails(), ...v1Mails(), ...v2Mails()]));
  const v3 = join(t.dir, 'v3.eml');
  writeFileSync(v3, v3Patch());
  return { ...t, src, v3, db: join(t.dir, 'index.sqlite') };
}

test('inbox index: messages, threads, versions, trailers and mentions; a second run adds nothing', async () => {
  const s = setup();
  try {
    const first = await runCli(['inbox', 'index', '--db', s.db, '--format', 'json', s.src]);
    assert.equal(first.code, 0, first.stderr);
    const stats = JSON.parse(first.stdout);
    assert.equal(stats.messages, 15);
    assert.deepEqual(
      (({ read, added, known, patches, covers, replies, other }) => ({ read, added, known, patches, covers, replies, other }))(stats.sources[0]),
      { read: 15, added: 15, known: 0, patches: 5, covers: 2, replies: 7, other: 1 },
    );
    const inbox = await openInbox(s.db);
    try {
      // v1 and v2 of patch 1/2 share one line of work; the cover letters share another.
      const topics = inbox.all<{ topic: number; n: number }>(`SELECT topic, count(*) AS n FROM messages WHERE msgid IN (?, ?, ?, ?) GROUP BY topic`, [IDS.V1P1, IDS.V2P1, IDS.V1, IDS.V2]);
      assert.deepEqual(topics.map((t) => t.n), [2, 2]);
      // Replies thread under their cover letter.
      const threads = inbox.all<{ n: number }>('SELECT count(DISTINCT thread) AS n FROM messages WHERE msgid IN (?, ?, ?)', [IDS.V1, IDS.bobReview, IDS.carolAck]);
      assert.equal(threads[0]!.n, 1);
      const trailers = inbox.all<{ kind: string; target: string; email: string }>('SELECT t.kind, t.target, p.email FROM trailers t JOIN people p ON p.id = t.person ORDER BY t.kind, p.email');
      assert.deepEqual(trailers, [
        { kind: 'Acked-by', target: IDS.logPatch, email: 'carol@example.org' },
        { kind: 'Acked-by', target: IDS.V1P2, email: 'carol@example.org' },
        { kind: 'Nacked-by', target: IDS.V1P1, email: 'bob@example.org' },
        // The list rewrote Dave's From; Reply-To gave him back.
        { kind: 'Reviewed-by', target: IDS.V2P1, email: 'dave@example.org' },
      ]);
      const robotMentions = inbox.all<{ n: number }>('SELECT count(*) AS n FROM mentions mn JOIN messages m ON m.id = mn.msg WHERE m.msgid = ?', [IDS.robot]);
      assert.equal(robotMentions[0]!.n, 0, 'a build robot quotes code, it does not discuss it');
      const applied = inbox.all<{ msgid: string }>('SELECT msgid FROM messages WHERE applied = 1');
      assert.deepEqual(applied.map((r) => r.msgid), [IDS.daveApplied]);
    } finally {
      inbox.close();
    }
    const again = await runCli(['inbox', 'index', '--db', s.db, '--format', 'json', s.src]);
    assert.equal(again.code, 0, again.stderr);
    const st2 = JSON.parse(again.stdout).sources[0];
    assert.equal(st2.unchanged, true);
    assert.equal(st2.added, 0);
  } finally {
    s.done();
  }
});

test('incremental: an appended mbox is read from where the last run stopped; a gzip copy and a Maildir add only new Message-IDs', async () => {
  const s = setup();
  try {
    const inbox = await openInbox(s.db, { create: true });
    await indexSources(inbox, [s.src]);
    const extra = mail({ id: 'late@example.org', from: BOB, date: 'Thu, 19 Oct 2023 09:00:00 +0000', subject: 'Re: [PATCH v2 1/2] vhost-vdpa: introduce FROB_PERSIST backend feature', inReplyTo: IDS.V2P1, references: [IDS.V2, IDS.V2P1], body: 'Tested-by: Bob Reviewer <bob@example.org>\n' });
    appendFileSync(s.src, mbox([extra]));
    const [grown] = await indexSources(inbox, [s.src]);
    assert.equal(grown!.read, 1, 'only the appended mail is read');
    assert.equal(grown!.added, 1);

    const gz = join(s.dir, 'copy.mbox.gz');
    writeFileSync(gz, gzipSync(readFileSync(s.src)));
    const [fromGz] = await indexSources(inbox, [gz]);
    assert.deepEqual([fromGz!.read, fromGz!.added, fromGz!.known], [16, 0, 16]);

    const md = join(s.dir, 'Maildir');
    for (const d of ['cur', 'new', 'tmp']) mkdirSync(join(md, d), { recursive: true });
    writeFileSync(join(md, 'new', '1700000000.1.host'), mail({ id: 'md-1@example.org', from: BOB, date: 'Fri, 20 Oct 2023 09:00:00 +0000', subject: 'frob question', body: 'Does frob_map_reset run under the lock?\n' }));
    writeFileSync(join(md, 'cur', '1700000001.2.host:2,S'), extra);
    const [m1] = await indexSources(inbox, [md]);
    assert.deepEqual([m1!.kind, m1!.read, m1!.added, m1!.known], ['maildir', 2, 1, 1]);
    // The mail client marks the new mail read: it moves to cur/ with flags, and is not read again.
    renameSync(join(md, 'new', '1700000000.1.host'), join(md, 'cur', '1700000000.1.host:2,RS'));
    const [m2] = await indexSources(inbox, [md]);
    assert.equal(m2!.read, 0);
    writeFileSync(join(md, 'new', '1700000002.3.host'), mail({ id: 'md-2@example.org', from: ALICE, date: 'Fri, 20 Oct 2023 10:00:00 +0000', subject: 'Re: frob question', inReplyTo: 'md-1@example.org', body: 'Yes.\n' }));
    const [m3] = await indexSources(inbox, [md]);
    assert.deepEqual([m3!.read, m3!.added], [1, 1]);
    assert.equal(inbox.one<{ n: number }>('SELECT count(*) AS n FROM messages')!.n, 18);
    inbox.close();
  } finally {
    s.done();
  }
});

test('threads: a reply indexed before its parent joins the parent\'s thread once the parent arrives', async () => {
  const t = tempDir('pr-inbox-order-');
  try {
    const inbox = await openInbox(join(t.dir, 'i.sqlite'), { create: true });
    const root = mail({ id: 'root@x', from: ALICE, date: 'Mon, 2 Oct 2023 10:00:00 +0000', subject: '[PATCH 0/1] vdpa: frob', body: 'cover\n' });
    const patch = mail({ id: 'patch@x', from: ALICE, date: 'Mon, 2 Oct 2023 10:00:01 +0000', subject: '[PATCH 1/1] vdpa: frob', inReplyTo: 'root@x', references: ['root@x'], body: 'text\n' });
    // A mailer that sets In-Reply-To only.
    const reply = mail({ id: 'reply@x', from: BOB, date: 'Tue, 3 Oct 2023 10:00:00 +0000', subject: 'Re: [PATCH 1/1] vdpa: frob', inReplyTo: 'patch@x', body: 'frob_map_reset?\n' });
    const f1 = join(t.dir, 'a.mbox');
    const f2 = join(t.dir, 'b.mbox');
    writeFileSync(f1, mbox([reply]));
    writeFileSync(f2, mbox([root, patch]));
    await indexSources(inbox, [f1, f2]);
    const rows = inbox.all<{ msgid: string; thread: number }>('SELECT msgid, thread FROM messages ORDER BY msgid');
    assert.equal(new Set(rows.map((r) => r.thread)).size, 1, JSON.stringify(rows));
    assert.equal(inbox.one<{ n: number }>('SELECT count(*) AS n FROM threads')!.n, 1);
    inbox.close();
  } finally {
    t.done();
  }
});

/** A public-inbox v2 layout (git/0.git, one commit per mail with the mail in blob "m"), made with git alone. */
function gitInbox(dir: string, mails: string[], start?: string): string {
  const gitDir = join(dir, 'git', '0.git');
  if (!existsSync(gitDir)) execFileSync('git', ['init', '-q', '--bare', gitDir]);
  const env = { ...process.env, GIT_AUTHOR_NAME: 'pi', GIT_AUTHOR_EMAIL: 'pi@example.org', GIT_COMMITTER_NAME: 'pi', GIT_COMMITTER_EMAIL: 'pi@example.org', GIT_AUTHOR_DATE: '1700000000 +0000', GIT_COMMITTER_DATE: '1700000000 +0000' };
  const git = (args: string[], input?: string) => execFileSync('git', [`--git-dir=${gitDir}`, ...args], { env, input, encoding: 'utf8' }).trim();
  let parent = start ?? '';
  for (const m of mails) {
    const blob = git(['hash-object', '-w', '--stdin'], m);
    const tree = git(['mktree'], `100644 blob ${blob}\tm\n`);
    parent = git(['commit-tree', tree, ...(parent ? ['-p', parent] : []), '-m', 'mail'], '');
  }
  git(['update-ref', 'refs/heads/master', parent]);
  return parent;
}

test('public-inbox v2 layout: every commit is a mail; a re-run reads only the new commits', async () => {
  const s = setup();
  try {
    const pi = join(s.dir, 'pi');
    const all = [...olderMails(), ...v1Mails()];
    const tip = gitInbox(pi, all.slice(0, 5));
    const inbox = await openInbox(s.db, { create: true });
    const [a] = await indexSources(inbox, [pi]);
    assert.deepEqual([a!.kind, a!.read, a!.added], ['public-inbox', 5, 5]);
    const [b] = await indexSources(inbox, [pi]);
    assert.deepEqual([b!.unchanged, b!.read], [true, 0]);
    gitInbox(pi, all.slice(5), tip);
    const [c] = await indexSources(inbox, [pi]);
    assert.deepEqual([c!.read, c!.added], [all.length - 5, all.length - 5]);
    // One epoch given directly works too, and knows every mail already.
    const [d] = await indexSources(inbox, [join(pi, 'git', '0.git')]);
    assert.deepEqual([d!.read, d!.known], [all.length, all.length]);
    inbox.close();
  } finally {
    s.done();
  }
});

test('related: the earlier versions of the patch with their review, then the older discussion of its symbols; never unrelated threads', async () => {
  const s = setup();
  try {
    assert.equal((await runCli(['inbox', 'index', '--db', s.db, s.src])).code, 0);
    const r = await runCli(['related', '--db', s.db, '--format', 'json', s.v3]);
    assert.equal(r.code, 0, r.stderr);
    const [res] = JSON.parse(r.stdout).results;
    assert.deepEqual(
      res.versions.map((v: { version: string; messageId: string; outcome: string; level: string }) => [v.version, v.messageId, v.outcome, v.level]),
      [
        ['v1', IDS.V1P1, 'nacked', 'patch'],
        ['v2', IDS.V2P1, 'applied', 'patch'],
      ],
    );
    const v1 = res.versions[0];
    assert.deepEqual(v1.mentions.map((m: { messageId: string }) => m.messageId), [IDS.bobReview]);
    assert.equal(v1.directReplies, 2);
    assert.equal(v1.supersededBy.version, 'v2');
    assert.deepEqual(res.threads.map((t: { root: string }) => t.root), [IDS.erinAsk]);
    const erin = res.threads[0];
    assert.equal(erin.url, `https://lore.kernel.org/r/${IDS.erinAsk}`);
    assert.deepEqual(erin.participants.map((p: { name: string }) => p.name).sort(), ['Bob Reviewer', 'Erin User']);
    assert.deepEqual(
      erin.mentions.map((m: { symbol: string; messageId: string }) => [m.symbol, m.messageId]).sort(),
      [
        ['frob_map_reset', IDS.erinReply],
        ['vhost_vdpa_frob_persist', IDS.erinAsk],
      ],
    );
    const text = await runCli(['related', '--db', s.db, s.v3]);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /Versions of this patch in the index \(2\)/);
    assert.match(text.stdout, /frob mappings lost after reset\?/);
    assert.match(text.stdout, /https:\/\/lore\.kernel\.org\/r\/bob-2019@example\.org/);
    assert.doesNotMatch(text.stdout, /tidy up logging/);
  } finally {
    s.done();
  }
});

test('related on a whole series: the cover letter finds the earlier versions of the series', async () => {
  const s = setup();
  try {
    const inbox = await openInbox(s.db, { create: true });
    await indexSources(inbox, [s.src]);
    const series = join(s.dir, 'v3-series.mbox');
    const cover = mail({ id: 'v3-0-frob@example.org', from: ALICE, date: 'Mon, 6 Nov 2023 10:00:00 +0000', subject: '[PATCH v3 0/1] vdpa: keep frob mappings across reset', body: 'v3.\n' });
    // A patch renamed since v2: only its series links it to the earlier versions.
    const renamed = v3Patch().replace(/^Subject: .*$/m, 'Subject: [PATCH v3 1/1] vhost-vdpa: gate frob persistence on the backend feature');
    writeFileSync(series, mbox([cover, renamed]));
    const patches = await readPatches([series], noStdin);
    assert.equal(patches.length, 1);
    assert.equal(patches[0]!.coverSubject, 'vdpa: keep frob mappings across reset');
    const r = relatedFor(inbox, patches[0]!.patch, patches[0]!.facts, { coverSubject: patches[0]!.coverSubject! });
    assert.deepEqual(
      r.versions.map((v) => [v.version, v.level, v.messageId]),
      [
        ['v1', 'series', IDS.V1],
        ['v2', 'series', IDS.V2],
      ],
    );
    inbox.close();
  } finally {
    s.done();
  }
});

test('who: the reviewers of these symbols, not the author and not robots', async () => {
  const s = setup();
  try {
    assert.equal((await runCli(['inbox', 'index', '--db', s.db, s.src])).code, 0);
    const r = await runCli(['who', '--db', s.db, '--format', 'json', s.v3]);
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout);
    const emails = res.reviewers.map((p: { email: string }) => p.email);
    assert.deepEqual(emails.slice(0, 2).sort(), ['bob@example.org', 'dave@example.org']);
    assert.ok(emails.includes('carol@example.org') && emails.includes('erin@example.org'), emails.join(' '));
    assert.ok(!emails.includes('alice@example.org') && !emails.includes('lkp@intel.com'));
    const bob = res.reviewers.find((p: { email: string }) => p.email === 'bob@example.org');
    assert.deepEqual(bob.trailers, { 'Nacked-by': 1 });
    const text = await runCli(['who', '--db', s.db, s.v3]);
    assert.match(text.stdout, /^Cc: Bob Reviewer <bob@example\.org>$/m);
  } finally {
    s.done();
  }
});

test('kb draft: a skeleton that validates against the schema, with versions and citations filled in and no list text', async () => {
  const s = setup();
  try {
    assert.equal((await runCli(['inbox', 'index', '--db', s.db, s.src])).code, 0);
    const r = await runCli(['kb', 'draft', '--db', s.db, '--thread', `<${IDS.bobReview}>`]);
    assert.equal(r.code, 0, r.stderr);
    const area = /^area: ([a-z-]+)/m.exec(r.stdout)![1]!;
    const id = /^id: ([a-z0-9-]+)/m.exec(r.stdout)![1]!;
    assert.equal(area, 'vhost-vdpa');
    const { entries, problems } = compileSources([{ file: `${area}/${id}.md`, text: r.stdout }]);
    assert.deepEqual(problems, []);
    const e = entries[0]!;
    assert.ok(e.symbols.includes('VHOST_BACKEND_F_FROB_PERSIST'), e.symbols.join(' '));
    const cited = e.references.map((x) => x.id);
    for (const want of [IDS.V1, IDS.V2, IDS.bobReview]) assert.ok(cited.includes(want), `${want} cited`);
    assert.match(r.stdout, /TODO/);
    assert.match(r.stdout, /v2 of "vdpa: keep frob mappings across reset" posted 2023-10-16/);
    // The reviewer's words stay in the user's index: the draft is meant for the repository.
    assert.doesNotMatch(r.stdout, /old userspace that never acks/);
    const missing = await runCli(['kb', 'draft', '--db', s.db, '--thread', 'nope@example.org']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^patch-review: nope@example\.org: no such message or thread in the index\n$/);
  } finally {
    s.done();
  }
});

test('prior discussion for reviews, and the threads a finding cites', async () => {
  const s = setup();
  try {
    const inbox = await openInbox(s.db, { create: true });
    await indexSources(inbox, [s.src]);
    const [p] = await readPatches([s.v3], noStdin);
    const pd = priorDiscussion(inbox, p!.patch, p!.facts);
    assert.deepEqual(pd.versions.map((v) => v.version), ['v1', 'v2']);
    assert.deepEqual(pd.threads.map((t) => t.root), [IDS.erinAsk]);
    const finding = { ruleId: 'frob-rule', references: [{ type: 'lore', id: IDS.erinReply, url: '' }, { type: 'commit', id: '0123456789ab', url: '' }, { type: 'lore', id: 'absent@example.org', url: '' }] } as unknown as Finding;
    const cited = citedThreads(inbox, [finding]);
    assert.deepEqual(cited.map((c) => [c.ruleId, c.messageId, c.thread.root]), [['frob-rule', IDS.erinReply, IDS.erinAsk]]);
    const text = renderPriorDiscussionText(pd, cited);
    assert.match(text, /Earlier versions/);
    assert.match(text, /frob-rule: frob mappings lost after reset\?/);
    const json = priorDiscussionJson(pd, cited) as { versions: { version: string }[]; cited: unknown[] };
    assert.deepEqual(json.versions.map((v) => v.version), ['v1', 'v2']);
    assert.equal(JSON.parse(JSON.stringify(json)).cited.length, 1);
    assert.equal(renderPriorDiscussionText({ versions: [], threads: [], symbols: [] }), '');
    inbox.close();
  } finally {
    s.done();
  }
});

test('errors: one line and exit 2, never a half-written index', async () => {
  const s = setup();
  try {
    const noDb = await runCli(['related', s.v3]);
    assert.equal(noDb.code, 2);
    assert.match(noDb.stderr, /--db PATH is required/);
    const missing = await runCli(['related', '--db', join(s.dir, 'none.sqlite'), s.v3]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /none\.sqlite: no such index/);
    const notDb = join(s.dir, 'not.sqlite');
    writeFileSync(notDb, 'hello');
    const bad = await runCli(['who', '--db', notDb, s.v3]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /not an SQLite database/);
    // An SQLite file of something else is refused by its header.
    const other = join(s.dir, 'other.sqlite');
    const foreign = await openInbox(other, { create: true });
    foreign.db.run('PRAGMA application_id = 1');
    foreign.save();
    foreign.close();
    const notOurs = await runCli(['related', '--db', other, s.v3]);
    assert.equal(notOurs.code, 2);
    assert.match(notOurs.stderr, /not a patch-review index/);
    const badSource = await runCli(['inbox', 'index', '--db', s.db, join(s.dir, 'v3.eml')]);
    assert.equal(badSource.code, 2);
    assert.match(badSource.stderr, /not an mbox/);
    assert.ok(!existsSync(s.db), 'a failed first run leaves no index behind');
    assert.deepEqual(readdirSync(s.dir).filter((f) => f.includes('.tmp') || f.endsWith('.lock')), []);
    const unlock = lockIndex(s.db);
    const locked = await runCli(['inbox', 'index', '--db', s.db, s.src]);
    unlock();
    assert.equal(locked.code, 2);
    assert.match(locked.stderr, /another "inbox index" is running/);
    const usage = await runCli(['inbox', 'frob']);
    assert.equal(usage.code, 2);
    assert.equal(usage.stderr.split('\n').length, 2);
    const limit = await runCli(['related', '--db', s.db, '--limit', 'x', s.v3]);
    assert.equal(limit.code, 2);
  } finally {
    s.done();
  }
});
