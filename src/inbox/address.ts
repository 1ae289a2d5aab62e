// "Name <email>" parsing for senders and trailers, with the list's DMARC rewriting undone.

export interface Person {
  name: string;
  /** Lower-cased address; the identity of a participant. */
  email: string;
}

/** Parses one decoded address: `Name <a@b>`, `"Name" <a@b>`, `a@b (Name)` or a bare `a@b`. */
export function parseAddress(raw: string): Person | null {
  const s = raw.replace(/\s+/g, ' ').trim();
  if (s === '') return null;
  const angle = /^(.*?)<([^<>\s]+@[^<>\s]+)>/.exec(s);
  if (angle) return { name: cleanName(angle[1]!) || angle[2]!.toLowerCase(), email: angle[2]!.toLowerCase() };
  const paren = /^([^\s()<>]+@[^\s()<>]+)\s*\((.*)\)$/.exec(s);
  if (paren) return { name: cleanName(paren[2]!) || paren[1]!.toLowerCase(), email: paren[1]!.toLowerCase() };
  const bare = /([^\s<>"]+@[^\s<>"]+\.[^\s<>"]+)/.exec(s);
  if (bare) {
    const email = bare[1]!.replace(/[.,;]+$/, '').toLowerCase();
    return { name: cleanName(s.replace(bare[1]!, '')) || email, email };
  }
  return null;
}

function cleanName(s: string): string {
  let n = s.trim();
  if (n.startsWith('"') && n.endsWith('"') && n.length >= 2) n = n.slice(1, -1).replace(/\\(.)/g, '$1');
  return n.trim();
}

const VIA_LIST = /^(.*?)\s+via\s+\S.*$/i;

/**
 * The real sender of a list mail. Mailman rewrites From to "X via List <list@…>" for senders
 * with strict DMARC and keeps the original address in Reply-To; folding them back keeps one
 * identity per person.
 */
export function senderOf(from: string, replyTo: string | undefined): Person | null {
  const p = parseAddress(from);
  if (!p) return replyTo ? parseAddress(replyTo) : null;
  const via = VIA_LIST.exec(p.name);
  if (via && /^[^@]*(list|virtualization|devel)[^@]*@|@lists?\./i.test(p.email)) {
    const real = replyTo ? parseAddress(replyTo) : null;
    if (real && real.email !== p.email) return { name: real.name === real.email ? via[1]!.trim() : real.name, email: real.email };
    // No usable Reply-To: keep people apart by name rather than merging them into the list.
    const name = cleanName(via[1]!);
    return { name, email: `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}@via-list.invalid` };
  }
  return p;
}

/** Build and test robots: their reports quote code, they do not review it. */
export function isBot(p: Person): boolean {
  return /(^|[^a-z])(lkp@intel\.com|syzbot|syzkaller|noreply|no-reply|patchwork-bot|kernelci|ci@)/i.test(p.email) || /\b(test robot|syzbot|bot)\b/i.test(p.name);
}
