// The vhost-user protocol index (QEMU docs/interop/vhost-user.rst): messages in both
// directions with id, payloads and reply behaviour, protocol features, ring-state rules,
// and the places where the document disagrees with itself about replies.

import { readFileSync } from 'node:fs';
import { InputError } from '../model/errors.js';
import { cannotRead } from '../io/read-error.js';
import { rstBlocks, rstSections, rstToPlain, type RstSection } from './rst.js';
import type {
  VhostUserContradiction,
  VhostUserDirection,
  VhostUserIndex,
  VhostUserMessage,
  VhostUserProtocolFeature,
  VhostUserRingRule,
} from './types.js';

export function indexVhostUser(file: string): VhostUserIndex {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw cannotRead(file, err, { byCode: { ENOENT: 'no such file', EISDIR: 'is a directory, expected vhost-user.rst' } });
  }
  const index = parseVhostUser(text);
  if (index.messages.length === 0) throw new InputError(file, 'no vhost-user message definitions found (expected QEMU docs/interop/vhost-user.rst)');
  return index;
}

interface ListEntry {
  name: string;
  condition: string | null;
  line: number;
}

const MESSAGE_RE = /^``(VHOST_USER_[A-Z0-9_]+)``(.*)$/;
const FIELD_RE = /^(\s+):([a-z][a-z ]*):\s*(.*)$/;

export function parseVhostUser(text: string): VhostUserIndex {
  const lines = text.split(/\r?\n/);
  const sections = rstSections(lines);
  const find = (re: RegExp) => sections.find((s) => re.test(s.title));
  const contradictions: VhostUserContradiction[] = [];

  const communication = find(/^Communication$/i);
  const lists = communication ? communicationLists(lines, communication) : { replies: [], fds: [] };

  const messages: VhostUserMessage[] = [];
  const frontEnd = find(/^Front-end message types$/i);
  const backEnd = find(/^Back-end message types$/i);
  if (frontEnd) messages.push(...parseMessages(lines, frontEnd, 'front-end'));
  if (backEnd) messages.push(...parseMessages(lines, backEnd, 'back-end'));

  // Reply behaviour: the Communication list against each message's own fields.
  const byName = new Map<string, VhostUserMessage>();
  for (const m of messages) for (const n of [m.name, ...m.previousNames]) if (!byName.has(n)) byName.set(n, m);
  const listed = new Map(lists.replies.map((e) => [e.name, e] as const));
  for (const e of lists.replies) {
    const m = byName.get(e.name);
    if (!m) {
      contradictions.push({
        kind: 'listed-message-unknown',
        subject: e.name,
        message: `${e.name} is listed as needing a reply but no such message is defined`,
        lines: [e.line],
      });
    } else if (m.name !== e.name) listed.set(m.name, e);
  }
  for (const m of messages) {
    if (m.direction === 'front-end') decideFrontEndReply(m, listed.get(m.name), contradictions);
    const fd = lists.fds.find((e) => e.name === m.name || m.previousNames.includes(e.name));
    if (fd) m.sendsFds = fd.condition ? 'conditional' : true;
  }

  const protocolFeatures = defines(lines, find(/^Protocol features$/i), /^VHOST_USER_PROTOCOL_F_/);
  const featureBits = defines(lines, undefined, /^VHOST_USER_F_/);
  contradictions.push(
    ...undefinedFeatureRefs(lines, protocolFeatures),
    ...duplicates(messages, protocolFeatures),
    ...ioctlNamesMessage(messages, byName),
  );

  const ring = find(/^Ring states$/i);
  const ringStates = ring ? ringRules(lines, sections, ring) : [];

  const fe = messages.filter((m) => m.direction === 'front-end').length;
  return {
    kind: 'vhost-user',
    messages,
    protocolFeatures,
    featureBits,
    ringStates,
    contradictions,
    counts: {
      messages: messages.length,
      frontEndMessages: fe,
      backEndMessages: messages.length - fe,
      protocolFeatures: protocolFeatures.length,
      repliesRequired: messages.filter((m) => m.replyRequired === true).length,
      repliesConditional: messages.filter((m) => m.replyRequired === 'conditional').length,
      repliesIfNeedReply: messages.filter((m) => m.replyRequired === 'if-need-reply').length,
      repliesDisputed: messages.filter((m) => m.replyRequired === 'disputed').length,
      contradictions: contradictions.length,
      ringRules: ringStates.length,
    },
  };
}

/**
 * The two bullet lists of the Communication section: requests that need a reply and
 * requests that carry file descriptors. Which is which comes from the paragraph before.
 */
function communicationLists(lines: readonly string[], sec: RstSection): { replies: ListEntry[]; fds: ListEntry[] } {
  const replies: ListEntry[] = [];
  const fds: ListEntry[] = [];
  let lead = '';
  for (const b of rstBlocks(lines, sec.bodyStart, sec.ownEnd)) {
    if (b.kind === 'paragraph') {
      lead = b.text;
      continue;
    }
    const m = /^``([A-Z0-9_]+)``(.*)$/.exec(b.text);
    if (!m) continue;
    const cond = /\(if\s+``([A-Z0-9_]+)``\)/.exec(m[2]!);
    const entry = { name: m[1]!, condition: cond ? cond[1]! : null, line: b.line + 1 };
    if (/\brepl(y|ies)\b|\banswer/i.test(lead)) replies.push(entry);
    else if (/file descriptor/i.test(lead)) fds.push(entry);
  }
  return { replies, fds };
}

function parseMessages(lines: readonly string[], sec: RstSection, direction: VhostUserDirection): VhostUserMessage[] {
  const out: VhostUserMessage[] = [];
  let cur: { msg: VhostUserMessage; fields: Map<string, string>; body: string[] } | undefined;
  const finish = () => {
    if (!cur) return;
    const f = cur.fields;
    const ioctl = f.get('equivalent ioctl');
    cur.msg.equivalentIoctlText = ioctl === undefined ? null : rstToPlain(ioctl);
    cur.msg.equivalentIoctl = ioctl === undefined || /^N\/A\b/i.test(ioctl.trim()) ? null : rstToPlain(ioctl);
    cur.msg.requestPayload = payload(f.get('request payload'));
    cur.msg.replyPayload = payload(f.get('reply payload'));
    const body = cur.body.join('\n');
    if (direction === 'back-end') {
      cur.msg.replyRequired = cur.msg.replyPayload ? true : /NEED_REPLY|need_reply/.test(body) ? 'if-need-reply' : false;
    }
    out.push(cur.msg);
    cur = undefined;
  };
  let lastField: string | undefined;
  for (let i = sec.bodyStart; i < sec.extentEnd; i++) {
    const line = lines[i]!;
    const head = MESSAGE_RE.exec(line);
    if (head) {
      finish();
      const previousNames = [...head[2]!.matchAll(/``(VHOST_USER_[A-Z0-9_]+)``/g)].map((m) => m[1]!);
      cur = {
        msg: {
          name: head[1]!,
          previousNames,
          id: -1,
          direction,
          replyRequired: 'if-need-reply',
          equivalentIoctl: null,
          equivalentIoctlText: null,
          requestPayload: null,
          replyPayload: null,
          sendsFds: false,
          deprecated: false,
          line: i + 1,
        },
        fields: new Map(),
        body: [],
      };
      lastField = undefined;
      continue;
    }
    if (!cur) continue;
    const field = FIELD_RE.exec(line);
    if (field && cur.body.every((b) => b.trim() === '')) {
      lastField = field[2]!;
      cur.fields.set(lastField, field[3]!.trim());
      if (lastField === 'id') cur.msg.id = Number.parseInt(field[3]!, 10);
      continue;
    }
    // A field value can continue on deeper-indented lines.
    if (lastField && line.trim() !== '' && /^\s{4,}/.test(line) && cur.body.every((b) => b.trim() === '')) {
      cur.fields.set(lastField, `${cur.fields.get(lastField)} ${line.trim()}`);
      continue;
    }
    lastField = undefined;
    if (/^\.\.\s+admonition::\s*Deprecated/i.test(line)) cur.msg.deprecated = true;
    if (/^\.\.\s+_[^:]+:\s*$/.test(line)) continue; // a link target for the next section
    cur.body.push(line);
  }
  finish();
  return out.filter((m) => Number.isInteger(m.id) && m.id >= 0);
}

function payload(value: string | undefined): string | null {
  if (value === undefined) return null;
  const v = rstToPlain(value);
  return v === '' || /^N\/A$/i.test(v) ? null : v;
}

/** "(postcopy only) ..." → "postcopy". */
function payloadCondition(p: string | null): string | undefined {
  const m = p ? /^\(([^)]*?)\s+only\)/i.exec(p) : null;
  return m ? m[1] : undefined;
}

function decideFrontEndReply(m: VhostUserMessage, listed: ListEntry | undefined, out: VhostUserContradiction[]): void {
  const cond = payloadCondition(m.replyPayload);
  if (listed && m.replyPayload) {
    const c = listed.condition ?? cond;
    m.replyRequired = c ? 'conditional' : true;
    if (c) m.replyCondition = c;
  } else if (listed) {
    m.replyRequired = 'disputed';
    if (listed.condition) m.replyCondition = listed.condition;
    out.push({
      kind: 'listed-reply-without-payload',
      subject: m.name,
      message: `the Communication section lists ${m.name} as needing a reply${listed.condition ? ` (with ${listed.condition})` : ''}, but its own entry gives the reply payload as N/A`,
      lines: [listed.line, m.line],
    });
  } else if (m.replyPayload) {
    m.replyRequired = cond ? 'conditional' : 'disputed';
    if (cond) m.replyCondition = cond;
    out.push({
      kind: 'reply-payload-not-listed',
      subject: m.name,
      message: `${m.name} has a reply payload (${m.replyPayload}) but is not in the Communication section's list of requests that need a reply`,
      lines: [m.line],
    });
  } else m.replyRequired = 'if-need-reply';
}

/** `#define NAME N` lines, inside one section or anywhere. */
function defines(lines: readonly string[], sec: RstSection | undefined, name: RegExp): VhostUserProtocolFeature[] {
  const out: VhostUserProtocolFeature[] = [];
  const [from, to] = sec ? [sec.bodyStart, sec.ownEnd] : [0, lines.length];
  for (let i = from; i < to; i++) {
    const m = /^\s*#define\s+([A-Z0-9_]+)\s+(\d+)\s*$/.exec(lines[i]!);
    if (m && name.test(m[1]!)) out.push({ name: m[1]!, bit: Number(m[2]), line: i + 1 });
  }
  return out;
}

function undefinedFeatureRefs(lines: readonly string[], defined: readonly VhostUserProtocolFeature[]): VhostUserContradiction[] {
  const known = new Set(defined.map((f) => f.name));
  const seen = new Map<string, number[]>();
  lines.forEach((l, i) => {
    for (const m of l.matchAll(/VHOST_USER_PROTOCOL_F_[A-Z0-9_]+/g)) {
      if (!known.has(m[0])) seen.set(m[0], [...(seen.get(m[0]) ?? []), i + 1]);
    }
  });
  return [...seen].map(([name, at]) => ({
    kind: 'undefined-protocol-feature' as const,
    subject: name,
    message: `${name} is referred to but not defined among the protocol features`,
    lines: at,
  }));
}

function duplicates(messages: readonly VhostUserMessage[], features: readonly VhostUserProtocolFeature[]): VhostUserContradiction[] {
  const out: VhostUserContradiction[] = [];
  const ids = new Map<string, VhostUserMessage>();
  for (const m of messages) {
    const key = `${m.direction}:${m.id}`;
    const prev = ids.get(key);
    if (prev) {
      out.push({
        kind: 'duplicate-id',
        subject: m.name,
        message: `${prev.name} and ${m.name} both use ${m.direction} id ${m.id}`,
        lines: [prev.line, m.line],
      });
    } else ids.set(key, m);
  }
  const bits = new Map<number, VhostUserProtocolFeature>();
  for (const f of features) {
    const prev = bits.get(f.bit);
    if (prev) out.push({ kind: 'duplicate-bit', subject: f.name, message: `${prev.name} and ${f.name} both use bit ${f.bit}`, lines: [prev.line, f.line] });
    else bits.set(f.bit, f);
  }
  return out;
}

/** An "equivalent ioctl" that is really the name of a vhost-user message. */
function ioctlNamesMessage(messages: readonly VhostUserMessage[], byName: ReadonlyMap<string, VhostUserMessage>): VhostUserContradiction[] {
  return messages
    .filter((m) => m.equivalentIoctl !== null && byName.has(m.equivalentIoctl))
    .map((m) => ({
      kind: 'equivalent-ioctl-is-message' as const,
      subject: m.name,
      message: `the equivalent ioctl given for ${m.name} is ${m.equivalentIoctl}, which is a vhost-user message, not a kernel ioctl`,
      lines: [m.line],
    }));
}

const REQUIREMENT_RE = /\b(must not|must|should not|should|may not|may|shall not|shall|required)\b/gi;

/** Paragraphs and bullets of "Ring states" and its subsections. */
function ringRules(lines: readonly string[], sections: readonly RstSection[], ring: RstSection): VhostUserRingRule[] {
  const out: VhostUserRingRule[] = [];
  const parts = sections.filter((s) => s.titleLine >= ring.titleLine && s.titleLine < ring.extentEnd);
  for (const s of parts) {
    for (const b of rstBlocks(lines, s.bodyStart, s.ownEnd)) {
      const text = rstToPlain(b.text);
      // Every paragraph and bullet: the suspended-state bullets carry no keyword of their own.
      const keywords = [...new Set([...text.matchAll(REQUIREMENT_RE)].map((m) => m[1]!.toLowerCase()))];
      if (text) out.push({ text, keywords, section: s.title, line: b.line + 1 });
    }
  }
  return out;
}
