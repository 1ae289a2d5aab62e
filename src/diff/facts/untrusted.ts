// Untrusted sizes and indices: a value the patch reads from userspace (copy_from_user,
// get_user, netlink attributes), from the guest or the device (virtio config, descriptors,
// little-endian ring fields, MMIO) and then uses in arithmetic, as an index, or as a size,
// with no bound or overflow check on it anywhere in the hunks. Also a length passed to
// copy_to_user/clear_user that the patch computes (a short or long copy leaks or corrupts).
// The other side's values include the used length virtqueue_get_buf() returns, device reads used
// in place (an index or size with no variable), fields of a struct userspace writes through an
// ioctl (the uAPI catalogue's _IOW/_IOWR argument types) and what the patch copies them into,
// and a buffer's field read above the check that the buffer is long enough for it.
import type { Fact } from '../../model/facts.js';
import type { AnnotatedLine, AnnotatedHunk } from '../annotate.js';
import { isCLike } from '../annotate.js';
import type { FileDiff } from '../../model/diff.js';
import { functionNameOf } from '../c-code.js';
import type { PatchScope } from '../uapi/scope.js';
import { lineFact } from './types.js';
import { bounded, linesByFunction } from './call-changes.js';
import { escapeRegExp as esc } from './escape-regexp.js';
import { detector, gated, matchesIn, execIn } from './literal-gate.js';
import { ERROR_RESULT_NAMES } from './result-names.js';

const PATH = String.raw`[A-Za-z_]\w*(?:(?:->|\.)[A-Za-z_]\w*|\[[^\]]{1,20}\])*`;
/** copy_from_user(&x, …), get_user(x, …), copy_struct_from_user(&x, …), memdup_user → x. */
const USER_DEST = gated(new RegExp(String.raw`\b(copy_from_user|get_user|__get_user|copy_struct_from_user|copy_from_iter(?:_full)?|memcpy_from_msg)\s*\(\s*&?\s*(${PATH})`, 'g'), ['_from_', 'get_user']);
/** vhost_get_avail_idx(vq, &x), vhost_copy_from_user(vq, &x, …): guest memory read into the second argument. */
const GUEST_DEST = gated(new RegExp(String.raw`\b(vhost_copy_from_user|vhost_get_user|vhost_get_avail\w*|vhost_get_used\w*|vhost_get_desc\w*|vringh_get\w*|vringh_copy_from_user|copy_from_user_toio)\s*\(\s*[\w>.-]+\s*,\s*&?\s*(${PATH})`, 'g'), ['vhost_get_', 'vhost_copy_from_user', 'vringh_', 'copy_from_user_toio']);
/** virtqueue_get_buf(vq, &len): the device says how many bytes it wrote; nothing makes it tell the truth. */
const USED_LEN = gated(new RegExp(String.raw`\b(virtqueue_get_buf(?:_ctx)?)\s*\(\s*[\w>.\[\]-]+\s*,\s*&\s*(${PATH})`, 'g'), ['virtqueue_get_buf']);
/**
 * A device-side read used in place, with no variable to hold it: memcpy(d, s, le16_to_cpu(h->len)),
 * vi->sq[virtio16_to_cpu(vdev, x)]. Its last argument names the value.
 */
const INLINE_READ = gated(/\b(le(?:16|32|64)_to_cpu|virtio(?:16|32|64)_to_cpu|vhost(?:16|32|64)_to_cpu|virtio_cread(?:8|16|32|64)|vp_ioread(?:8|16|32)|ioread(?:8|16|32))\s*\(/g, ['_to_cpu', 'virtio_cread', 'ioread']);
const PLACEHOLDER = 'device_value__';
/** "len < sizeof(*p)": the check that p's fields are there at all. */
const LENGTH_CHECK = gated(/\b([A-Za-z_][\w>.-]*)\s*<\s*sizeof\s*\(\s*\*\s*([a-z_]\w*)\s*\)/, ['sizeof']);
/** `struct tag *name` in a function's parameter list. */
const STRUCT_PARAM = /\bstruct\s+([a-z_]\w*)\s*\*\s*([a-z_]\w*)\s*(?=[,)])/g;
/** A field read through a pointer: what a struct parameter's use needs (its signature may sit in the hunk header). */
const FIELD_THROUGH = gated(/->\w/, ['->']);
/** x = nla_get_u32(…), x = virtio_cread32(…), x = le32_to_cpu(…), x = readl(…). */
const ASSIGNED_FROM = gated(
  new RegExp(
    String.raw`(${PATH})\s*=\s*(?:\([^()]*\)\s*)?(nla_get_\w+|virtio_cread\w*|virtio(?:16|32|64)_to_cpu|vhost(?:16|32|64)_to_cpu|le(?:16|32|64)_to_cpu|be(?:16|32|64)_to_cpu|ioread(?:8|16|32|64)|vp_ioread(?:8|16|32|64)|readl|readw|readq|readb|vdpa_get_config\w*|lduw_le_p|ldl_le_p|ldq_le_p|lduw_p|ldl_p|ldq_p|virtio_lduw_p|virtio_ldl_p|virtio_ldq_p|tswap(?:16|32|64)|vring_avail_idx|vring_used_idx)\s*\(`,
    'g',
  ),
  ['nla_get_', 'read', '_to_cpu', 'vdpa_get_config', 'ldl_', 'ldq_', 'lduw_', 'tswap', 'vring_'],
);
/** virtio_cread(vdev, struct x, field, &v), virtio_cread_le(…, &v) → v. */
const CREAD_OUT = gated(new RegExp(String.raw`\bvirtio_cread(?:_le)?(?:_feature)?\s*\([^;]*,\s*&\s*(${PATH})\s*\)`, 'g'), ['virtio_cread']);

const SIZE_USE = /\b(skb_put|__skb_put|skb_put_data|sg_init_one|\w*alloc_skb\w*|devm_kzalloc|devm_kmalloc|devm_kcalloc|kmalloc|kzalloc|kcalloc|kvmalloc|kvzalloc|kvcalloc|kmalloc_array|vmalloc|vzalloc|memcpy|memset|memmove|copy_to_user|copy_from_user|clear_user|alloc_pages|dma_alloc_coherent|g_malloc0?|g_new0?|iov_iter_\w+|memdup_user|bitmap_zalloc|kmemdup)\s*\(/;
const CHECK_WORDS = /\b(check_(?:add|mul|sub|shl)_overflow|array_index_nospec|array_size|array3_size|struct_size|size_add|size_mul|overflows_type|min|min_t|max|max_t|clamp|clamp_t|umin|MIN|MAX|ARRAY_SIZE|__builtin_\w+_overflow|is_power_of_2|IS_ALIGNED|access_ok)\b/;
const COPY_OUT = gated(/\b(copy_to_user|clear_user|__copy_to_user)\s*\(/g, ['copy_to_user', 'clear_user']);

const LOOP = /^\s*for\s*\(/;
/** The path and any field below it (s, s.num, s->num[i]). */
const mention = (path: string) => new RegExp(String.raw`(?<![\w>.])${esc(path)}(?![\w])`);

/** Is `path` compared against something (or clamped) anywhere in these lines? */
function checked(path: string, lines: AnnotatedLine[]): boolean {
  return boundOf(path, lines) !== null;
}

/**
 * How `path` is bounded in these lines: 'sound', or 'sum' when every bound adds it to something
 * first ("off + len > size"), which wraps for a large enough value; null when nothing bounds it.
 */
function boundOf(path: string, lines: AnnotatedLine[]): 'sound' | 'sum' | null {
  const p = esc(path);
  const named = mention(path);
  const cmp = new RegExp(String.raw`(?<![\w>.])${p}(?:(?:->|\.)\w+)*\s*(?:[<>]=?|==|!=)(?![<>])|(?:[<>]=?|==|!=)\s*${p}(?![\w])|\b(?:if|while|WARN_ON\w*|BUG_ON)\s*\(\s*!?\s*${p}\s*\)`);
  const sum = new RegExp(String.raw`\+\s*${p}\s*(?:[<>]=?)(?![<>])`);
  let found: 'sum' | null = null;
  for (const l of lines) {
    if (l.kind === '-') continue;
    // A loop that runs up to the value ("for (i = 0; i < n; i++)") uses it; it does not bound it.
    if (LOOP.test(l.code)) continue;
    if (CHECK_WORDS.test(l.code) && named.test(l.code)) return 'sound';
    const m = cmp.exec(l.code);
    if (!m) continue;
    if (!sum.test(l.code) || new RegExp(String.raw`(?<![+]\s*)${p}\s*(?:[<>]=?|==|!=)(?![<>])`).test(l.code.replace(sum, ' '))) return 'sound';
    found = 'sum';
  }
  return found;
}

function isSourceOf(code: string, path: string): boolean {
  for (const re of [USER_DEST, GUEST_DEST, USED_LEN, ASSIGNED_FROM, CREAD_OUT]) {
    for (const m of matchesIn(code, re)) if ((re === USER_DEST || re === GUEST_DEST || re === USED_LEN ? m[2] : m[1]) === path) return true;
  }
  return false;
}

/**
 * A copy into a buffer named without & (copy_from_user(dst, …), copy_from_iter(data, …)) fills
 * what the pointer points at: the pointer itself is the kernel's own, and arithmetic on it
 * (dst + len) is no use of a user value. Only a field read through it is.
 */
function copiesThroughPointer(m: RegExpMatchArray): boolean {
  return !/get_user$/.test(m[1]!) && !/\(\s*&/.test(m[0]);
}

/** What a division spells: an operator, or the name of a dividing helper (do_div, DIV_ROUND_UP, roundup). */
const DIVIDES = ['/', '%', 'div', 'DIV_ROUND_UP', 'round'];

/**
 * How a changed line uses `path` riskily, or null. `pointer`: only what it points at is
 * untrusted. The expressions for one value are built on its first line, not again per line.
 */
function riskyUse(path: string, pointer = false): (code: string) => string | null {
  let re: { index: RegExp; bound: RegExp; divisor: RegExp; arithmetic: RegExp; named: RegExp; sized: RegExp } | null = null;
  const p = esc(path);
  const tail = pointer ? String.raw`(?:(?:->|\.)\w+)+` : String.raw`(?:(?:->|\.)\w+)*`;
  return (code) => {
    // What it points at is read as path->field or path.field: a line without either uses nothing of it.
    if (pointer && !code.includes(`${path}->`) && !code.includes(`${path}.`)) return null;
    re ??= {
      index: new RegExp(String.raw`\[\s*${p}${tail}\s*\]`),
      bound: new RegExp(String.raw`;[^;]*<=?\s*${p}${tail}\s*;`),
      // A zero the other side hands over divides by zero (num_queues = 0, blk_size = 0).
      divisor: new RegExp(String.raw`[\w)\]]\s*[/%]\s*${p}${tail}(?![\w(])|\b(?:do_div|DIV_ROUND_UP\w*|div_u64|div64_u64|roundup|rounddown)\s*\([^,()]+,\s*${p}${tail}\s*\)`),
      // Shifting a half into place ((u64)hi << 32 | lo) composes one register value; it sizes nothing.
      arithmetic: new RegExp(String.raw`(?<![\w>.])${p}${tail}\s*(?:\*|<<(?!\s*(?:8|16|24|32|48)\b)|\+(?![+=]))\s*\w|\w\s*(?:\*|<<)\s*${p}${tail}(?![\w])`),
      named: pointer ? new RegExp(String.raw`(?<![\w>.])${p}${tail}`) : mention(path),
      sized: new RegExp(String.raw`sizeof\s*\(?\s*\*?\s*${p}`),
    };
    const { index, bound, divisor, arithmetic, named, sized } = re;
    // Each expression only on a line with the operator or call it needs (most lines have none).
    if (code.includes('[') && index.test(code)) return 'as an array index';
    if (LOOP.test(code) && bound.test(code)) return 'as a loop bound';
    if (DIVIDES.some((d) => code.includes(d)) && divisor.test(code)) return 'as a divisor';
    if ((code.includes('*') || code.includes('<<') || code.includes('+')) && arithmetic.test(code)) return 'in size arithmetic';
    const sz = SIZE_USE.exec(code);
    if (sz) {
      const args = callArguments(code.slice(sz.index + sz[0].length - 1));
      const name = sz[1]!;
      // Where each kind of call takes its size: skb allocators anywhere (a device or napi pointer
      // beside it names no value), devm_ and dma_ after the device, others first (count and size
      // for the array forms), copies last.
      const sizeArgs = /alloc_skb/.test(name)
        ? args
        : /^devm_|^dma_alloc/.test(name)
          ? args.slice(1, /calloc/.test(name) ? 3 : 2)
          : /alloc|^g_new|^g_malloc|^bitmap_zalloc/.test(name)
            ? args.slice(0, /calloc|_array|g_new/.test(name) ? 2 : 1)
            : args.slice(-1);
      if (sizeArgs.some((a) => named.test(a) && !sized.test(a))) return `as a size for ${name}()`;
    }
    return null;
  };
}

/** The risky uses of a device value read in place, once replaced by PLACEHOLDER. */
const placeholderUse = riskyUse(PLACEHOLDER);

export const untrustedFacts = detector({ files: isCLike, needs: [USER_DEST, GUEST_DEST, USED_LEN, ASSIGNED_FROM, CREAD_OUT, INLINE_READ, COPY_OUT, FIELD_THROUGH, LENGTH_CHECK] }, (file: FileDiff, allHunks: AnnotatedHunk[], scope?: PatchScope) => {
  const hunks = bounded(allHunks);
  const out: Fact[] = [];
  const seen = new Set<string>();
  const params = structParams(file, hunks);
  const userWritten = ioctlArgumentTest(scope);
  // Per function, across every hunk of the file: a value read in one hunk and used in a later
  // one is the same value, and a bound anywhere in the function's shown lines counts.
  const byFunction = linesByFunction(hunks);
  for (const [fn, lines] of byFunction) {
    // Sources on any line the new file has; risky uses on added lines only.
    // via: the user field a derived value was copied from (its bound counts too).
    const sources: { path: string; from: string; pointer?: boolean; lazy?: () => string | null; via?: string }[] = [];
    // A pointer to a struct that userspace writes through an ioctl: its fields are the caller's
    // input (asked only when a field is used riskily, so most reviews never load the catalogue).
    for (const { tag, name } of params.get(fn) ?? []) sources.push({ path: name, from: '', pointer: true, lazy: () => userWritten(tag) });
    for (const l of lines) {
      if (l.kind === '-') continue;
      for (const m of matchesIn(l.code, USER_DEST)) sources.push({ path: m[2]!, from: `${m[1]}()`, pointer: copiesThroughPointer(m) });
      for (const m of matchesIn(l.code, GUEST_DEST)) sources.push({ path: m[2]!, from: `${m[1]}()`, pointer: !/,\s*&/.test(m[0]) });
      for (const m of matchesIn(l.code, USED_LEN)) sources.push({ path: m[2]!, from: `the device's used length, ${m[1]}()` });
      for (const m of matchesIn(l.code, ASSIGNED_FROM)) {
        // "*p = le32_to_cpu(…)" stores through p: the pointer is the kernel's own.
        if (ERROR_RESULT_NAMES.includes(m[1]!) || /\*\s*$/.test(l.code.slice(0, m.index!))) continue;
        sources.push({ path: m[1]!, from: `${m[2]}()` });
      }
      for (const m of matchesIn(l.code, CREAD_OUT)) sources.push({ path: m[1]!, from: 'virtio config space' });
    }
    // One step on: "dev->vq_num = config->vq_num" makes dev->vq_num the caller's value too.
    for (const src of [...sources]) {
      // Built for the first added line that could be such a copy: most values have none.
      let copy: RegExp | undefined;
      for (const l of lines) {
        if (l.kind !== '+' || !l.code.includes(src.path) || !l.code.includes('=')) continue;
        copy ??= new RegExp(String.raw`^\s*(${PATH})\s*=\s*${esc(src.path)}(${src.pointer ? String.raw`(?:->|\.)\w+` : ''})\s*;`);
        const m = copy.exec(l.code);
        if (m && m[1] !== src.path) sources.push({ path: m[1]!, from: src.from, lazy: src.lazy, via: `${src.path}${m[2]}` });
      }
    }
    for (const src of sources) {
      const { path, pointer } = src;
      if (seen.has(path)) continue;
      const usesOf = riskyUse(path, pointer);
      // How the function bounds it: the same for every line, asked at the first risky one.
      let bounds: ReturnType<typeof boundOf> | undefined;
      for (const l of lines) {
        // Neither a source nor a use of `path` without its name on the line.
        if (l.kind !== '+' || !l.code.includes(path)) continue;
        // The source line itself (copy_from_user(&x, p, sizeof(x))) is not a use.
        if (isSourceOf(l.code, path)) continue;
        const risky = usesOf(l.code);
        if (!risky) continue;
        const bound = bounds === undefined ? (bounds = boundOf(path, lines)) : bounds;
        if (bound === 'sound') continue;
        // Bounded only inside a sum: the check itself can wrap (a huge length makes off + len small).
        const use = bound === 'sum' ? `${risky}, bounded only by a sum that can wrap before it is compared, and` : risky;
        if (src.via && checked(src.via, lines)) continue;
        const from = src.lazy ? src.lazy() : src.from;
        if (!from) break;
        seen.add(path);
        out.push(
          lineFact('untrusted-value-unchecked', path, file, l, {
            detail: `${l.function ? l.function + '() ' : ''}uses ${path} (from ${src.via ? `${src.via}, ` : ''}${from}) ${use} with no ${bound === 'sum' ? '' : 'bound or '}overflow check in the patch`,
          }),
        );
        break;
      }
    }
  }
  for (const lines of byFunction.values()) {
    for (const f of inlineReads(lines, seen)) out.push(lineFact('untrusted-value-unchecked', f.value, file, f.line, { detail: f.detail }));
    for (const f of readBeforeLengthCheck(lines)) out.push(lineFact('untrusted-value-unchecked', f.value, file, f.line, { detail: f.detail }));
  }
  for (const h of hunks) {
    // A computed length for a copy out to userspace.
    for (const l of h.lines) {
      if (l.kind !== '+') continue;
      for (const m of matchesIn(l.code, COPY_OUT)) {
        const args = l.code.slice(m.index! + m[0].length - 1);
        const len = lastArgument(args);
        // min()/max() and arithmetic compute a length; a variable merely named minsz does not.
        if (!len || /^sizeof\b|^\d+$|^[A-Z_][A-Z0-9_]*$/.test(len) || !/[-+*]|\b(?:min|max)(?:_t)?\s*\(/.test(len.replace(/->/g, '.'))) continue;
        const key = `copy:${len}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(lineFact('user-copy-length', len, file, l, { detail: `${l.function ? l.function + '() ' : ''}copies ${len} bytes out with ${m[1]}(): a computed length can leak or overrun` }));
      }
    }
  }
  return out;
});

/** The arguments of the call whose "(" starts `s` (on this line), and whether its ")" is there. */
function splitCall(s: string): { args: string[]; closed: boolean; end: number } {
  const args: string[] = [];
  let depth = 0;
  let start = 1;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) {
        args.push(s.slice(start, i).trim());
        return { args, closed: true, end: i };
      }
    } else if (c === ',' && depth === 1) {
      args.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  args.push(s.slice(start).trim());
  return { args, closed: false, end: s.length };
}

function callArguments(s: string): string[] {
  return splitCall(s).args;
}

/** The last argument of a call that closes on this line. */
function lastArgument(s: string): string | null {
  const { args, closed } = splitCall(s);
  return closed ? args[args.length - 1]!.replace(/\s+/g, ' ') || null : null;
}

/**
 * Device reads used in place (no variable holds them) as an index, a loop bound or the size of a
 * call, in a function whose shown lines never compare what they read. Arithmetic on an inline
 * read is left alone: composing registers and offsets that way is everyday driver code.
 */
function inlineReads(lines: AnnotatedLine[], seen: Set<string>): { value: string; line: AnnotatedLine; detail: string }[] {
  const out: { value: string; line: AnnotatedLine; detail: string }[] = [];
  for (const l of lines) {
    if (l.kind !== '+' || CHECK_WORDS.test(l.code)) continue;
    for (const m of matchesIn(l.code, INLINE_READ)) {
      const open = m.index! + m[0].length - 1;
      const { args, closed, end } = splitCall(l.code.slice(open));
      const value = args[args.length - 1]!.replace(/^&\s*/, '').replace(/\s+/g, '');
      if (!closed || !value || !/^[A-Za-z_][\w>.\[\]-]*$/.test(value) || seen.has(value)) continue;
      // The call text replaced by one name, so the same uses as for a stored value apply.
      const code = l.code.slice(0, m.index!) + PLACEHOLDER + l.code.slice(open + end + 1);
      const use = placeholderUse(code);
      if (!use || use === 'in size arithmetic' || comparedRead(value, lines)) continue;
      seen.add(value);
      out.push({ value, line: l, detail: `${l.function ? l.function + '() ' : ''}uses ${value} as the device hands it over (${m[1]}()) ${use} with no bound in the patch` });
    }
  }
  return out;
}

/** Is the field itself, or a read of it, compared or clamped on some line of the function? */
function comparedRead(value: string, lines: AnnotatedLine[]): boolean {
  if (checked(value, lines)) return true;
  const named = new RegExp(String.raw`(?<![\w>.])${esc(value)}(?![\w])`);
  return lines.some((l) => l.kind !== '-' && !LOOP.test(l.code) && named.test(l.code) && (CHECK_WORDS.test(l.code) || /(?:^|[^-<>])(?:[<>]=?|[!=]=)(?![<>])/.test(l.code.replace(/->|<<|>>/g, ' '))));
}

/** Per function, its `struct tag *name` parameters, from hunk headers and from signatures the patch shows. */
function structParams(file: FileDiff, hunks: AnnotatedHunk[]): Map<string, { tag: string; name: string }[]> {
  const out = new Map<string, { tag: string; name: string }[]>();
  const add = (fn: string | null, text: string) => {
    if (!fn || !text.includes('struct')) return;
    const list = out.get(fn) ?? [];
    for (const m of text.matchAll(STRUCT_PARAM)) if (!list.some((p) => p.name === m[2])) list.push({ tag: m[1]!, name: m[2]! });
    if (list.length) out.set(fn, list);
  };
  for (const h of file.hunks) if (h.section.includes('struct')) add(functionNameOf(h.section), h.section);
  for (const h of hunks) {
    const lines = h.lines;
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!;
      if (l.kind === '-' || !l.function || !/^[A-Za-z_]/.test(l.code) || !l.code.includes(`${l.function}(`)) continue;
      // The signature may wrap: up to the line that closes it.
      let sig = l.code;
      for (let j = i + 1; j < Math.min(lines.length, i + 4) && !/\)\s*\{?\s*$/.test(sig); j++) if (lines[j]!.kind !== '-') sig += ' ' + lines[j]!.code;
      add(l.function, sig);
    }
  }
  return out;
}

/** "struct tag" → the ioctl userspace fills it for, when one writes it ("the VDUSE_CREATE_DEV argument"). */
function ioctlArgumentTest(scope?: PatchScope): (tag: string) => string | null {
  const memo = new Map<string, string | null>();
  return (tag) => {
    if (memo.has(tag)) return memo.get(tag)!;
    let found: string | null = null;
    if (scope) {
      const key = `struct ${tag}`;
      const cat = scope.catalogue();
      for (const name of [...(scope.ioctlArgs.get(key) ?? []), ...(cat.ioctlArgs.get(key) ?? [])]) {
        const dir = cat.byName.get(name)?.dir;
        if (dir === 'write' || dir === 'read-write') {
          found = `the ${name} argument, ${key}, which userspace fills`;
          break;
        }
      }
    }
    memo.set(tag, found);
    return found;
  };
}

/**
 * A field of a buffer the other side filled read on an added line above the check that the
 * buffer is long enough for it ("if (len < sizeof(*p))"): the read has already happened.
 */
function readBeforeLengthCheck(lines: AnnotatedLine[]): { value: string; line: AnnotatedLine; detail: string }[] {
  const out: { value: string; line: AnnotatedLine; detail: string }[] = [];
  const shown = lines.filter((l) => l.kind !== '-');
  for (let j = 0; j < shown.length; j++) {
    const c = shown[j]!.kind === '+' ? execIn(shown[j]!.code, LENGTH_CHECK) : null;
    // A size field inside the struct itself (info->argsz) says how much of a whole kernel copy the caller meant, not how much is there.
    if (!c || c[1]!.startsWith(`${c[2]}->`) || c[1]!.startsWith(`${c[2]}.`)) continue;
    const field = new RegExp(String.raw`(?<![\w>.])${esc(c[2]!)}->([a-z_]\w*)`);
    for (let i = 0; i < j; i++) {
      const l = shown[i]!;
      const m = l.kind === '+' && !/\bsizeof\b/.test(l.code) ? field.exec(l.code) : null;
      if (!m) continue;
      out.push({ value: `${c[2]}->${m[1]}`, line: l, detail: `${l.function ? l.function + '() ' : ''}reads ${c[2]}->${m[1]} before it checks ${c[1]} against sizeof(*${c[2]}): a short buffer from the other side is read past its end before the check refuses it` });
      break;
    }
  }
  return out;
}
