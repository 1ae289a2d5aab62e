// "[RFC PATCH net-next v8 10/10] vhost: …" → prefix facts and the bare subject.
import type { SubjectPrefix } from '../model/patch.js';

const REPLY = /^\s*(?:(?:re|fwd?|aw|sv|antw|r)\s*(?:\[\d+\])?\s*:\s*)+/i;

export function parseSubject(raw: string): { subject: string; prefix: SubjectPrefix } {
  let s = raw.replace(/\s+/g, ' ').trim();
  const reply = REPLY.test(s);
  s = s.replace(REPLY, '');
  const tags: string[] = [];
  for (;;) {
    const m = /^\[([^\]]*)\]\s*/.exec(s);
    if (!m) break;
    tags.push(...m[1]!.split(/[\s,]+/).filter(Boolean));
    s = s.slice(m[0].length);
  }
  let version = 1;
  let index: number | null = null;
  let total: number | null = null;
  let rfc = false;
  for (const t of tags) {
    const v = /^v(\d{1,4})$/i.exec(t);
    if (v) version = Number(v[1]);
    const n = /^(\d{1,4})\/(\d{1,4})$/.exec(t);
    if (n) {
      index = Number(n[1]);
      total = Number(n[2]);
    }
    if (/^rfc(v\d+)?$/i.test(t)) rfc = true;
  }
  return { subject: s.trim(), prefix: { tags, version, index, total, rfc, reply } };
}

/** True for subjects that announce a patch: [PATCH …], [RFC …], [PULL …], [GIT PULL]. */
export function isPatchSubject(prefix: SubjectPrefix): boolean {
  return prefix.tags.some((t) => /^(patch|rfc|pull|resend)/i.test(t));
}
