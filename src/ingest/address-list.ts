// An address header (To, Cc) as its addresses: commas inside quoted names, comments or angle
// brackets do not split it. Each entry keeps its display name ("Name <a@b>").

export function splitAddressList(value: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  let angle = 0;
  let comment = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '\\' && quoted) {
      cur += ch + (value[++i] ?? '');
      continue;
    }
    if (ch === '"' && comment === 0) quoted = !quoted;
    else if (!quoted && ch === '<') angle++;
    else if (!quoted && ch === '>') angle = Math.max(0, angle - 1);
    else if (!quoted && ch === '(') comment++;
    else if (!quoted && ch === ')') comment = Math.max(0, comment - 1);
    if (ch === ',' && !quoted && angle === 0 && comment === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((a) => a.replace(/\s+/g, ' ').trim()).filter((a) => /@/.test(a));
}

/** The bare address of an entry, lower-cased: for telling the same person apart from a name. */
export function bareAddress(entry: string): string {
  const m = /<([^<>\s]+@[^<>\s]+)>/.exec(entry) ?? /([^<>\s"]+@[^<>\s"]+)/.exec(entry);
  return (m ? m[1]! : entry).toLowerCase();
}
