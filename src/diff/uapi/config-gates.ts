// Which fields of a virtio device's config struct exist only with a feature, as the real uAPI
// header says in its comments: "(if VIRTIO_BLK_F_SIZE_MAX)", "only available when
// VIRTIO_BLK_F_MQ is set", "the next 3 entries are guarded by VIRTIO_BLK_F_DISCARD". Read from
// the headers directory (/usr/include/linux or --headers), once per struct and directory.
import { join } from 'node:path';
import { DEFAULT_HEADERS_DIR } from '../../io/paths.js';
import { readHeader } from './header-files.js';

const FEATURE = /\bVIRTIO_[A-Z0-9]+_F_[A-Z0-9_]+/;
const COUNT: Record<string, number> = { two: 2, three: 3, four: 4, five: 5, six: 6 };
const NEXT = /\bnext\s+(\d+|two|three|four|five|six)\s+(?:entries|fields|members)/i;
const MEMBER = /\b([A-Za-z_]\w*)(?:\s*\[[^\]]*\])?(?:\s*:\s*\d+)?\s*;/;

/** field → the feature it needs, for `struct name` in the header text (nested members under their outer name too). */
export function configGates(text: string, name: string): Map<string, string> {
  const out = new Map<string, string>();
  const start = text.search(new RegExp(`\\bstruct\\s+${name}\\s*\\{`));
  if (start < 0) return out;
  let comment = '';
  let inComment = false;
  let depth = 0;
  let carried: { feature: string; left: number } | null = null;
  let nested: string | null = null;
  for (const raw of text.slice(start).split('\n')) {
    let line = raw;
    let said = '';
    // Comments: collected, then the code without them.
    let code = '';
    while (line.length > 0) {
      if (inComment) {
        const end = line.indexOf('*/');
        said += end < 0 ? line : line.slice(0, end);
        if (end < 0) break;
        inComment = false;
        line = line.slice(end + 2);
      } else {
        const open = line.indexOf('/*');
        if (open < 0) {
          code += line;
          break;
        }
        code += line.slice(0, open);
        inComment = true;
        line = line.slice(open + 2);
      }
    }
    const trailing = code.trim() !== '' ? said : '';
    if (code.trim() === '') comment += ` ${said}`;
    const opens = (code.match(/\{/g) ?? []).length;
    const closes = (code.match(/\}/g) ?? []).length;
    const ownFeature = FEATURE.exec(trailing)?.[0] ?? FEATURE.exec(comment)?.[0];
    const next = NEXT.exec(comment);
    if (next && ownFeature) {
      const n = /^\d+$/.test(next[1]!) ? Number(next[1]) : COUNT[next[1]!.toLowerCase()]!;
      carried = { feature: ownFeature, left: n };
    }
    if (depth === 1 && opens > closes) {
      nested = ownFeature ?? carried?.feature ?? '';
      comment = '';
    }
    depth += opens - closes;
    if (depth <= 0 && closes > 0) break;
    const member = code.includes(';') ? MEMBER.exec(code) : null;
    if (!member || depth < 1) continue;
    // A member of a nested struct, and the "} geometry;" that names it, take the nested struct's gate.
    const gate = nested !== null ? nested || undefined : (next ? undefined : ownFeature) ?? carried?.feature;
    if (gate) out.set(member[1]!, gate);
    if (depth === 1) {
      nested = null;
      if (carried && --carried.left <= 0) carried = null;
      comment = '';
    }
  }
  return out;
}

const cache = new Map<string, Map<string, string> | null>();

/** The gates of `struct name` from its header (virtio_blk_config → virtio_blk.h), or null when the header is not there. */
export function configGatesOf(name: string, dir: string = DEFAULT_HEADERS_DIR): Map<string, string> | null {
  const key = `${dir}\u0000${name}`;
  if (cache.has(key)) return cache.get(key)!;
  let gates: Map<string, string> | null = null;
  if (/^virtio_[a-z0-9]+_config$/.test(name)) {
    const text = readHeader(join(dir, `${name.replace(/_config$/, '')}.h`));
    gates = text === null ? null : configGates(text, name);
  }
  cache.set(key, gates);
  return gates;
}
