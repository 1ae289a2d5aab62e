import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tokenize, startsInComment } from '../../../src/diff/uapi/lex.js';
import { parseDecls } from '../../../src/diff/uapi/decls.js';
import { evalExpr } from '../../../src/diff/uapi/expr.js';
import { parseIoctl } from '../../../src/diff/uapi/ioctl.js';
import { layoutOf } from '../../../src/diff/uapi/layout.js';
import { loadUapiCatalogue, makeResolver } from '../../../src/diff/uapi/catalogue.js';
import { headersDir } from './helpers.js';

test('tokenizer: a directive with continuation lines and comments is one token; literals survive', () => {
  const toks = tokenize(['#define DEMO_TYPE (\';\') /* magic */', '#define DEMO_ALL (A | /* first */ \\', '\t\t B) // tail', 'int x; /* open', ' * still comment */ int y;']);
  assert.deepEqual(
    toks.map((t) => [t.kind, t.value]),
    [
      ['pp', "#define DEMO_TYPE (';')"],
      ['pp', '#define DEMO_ALL (A | B)'],
      ['id', 'int'],
      ['id', 'x'],
      ['punct', ';'],
      ['id', 'int'],
      ['id', 'y'],
      ['punct', ';'],
    ],
  );
  assert.equal(startsInComment([' * the middle of a comment', ' */', 'int a;']), true);
  assert.equal(startsInComment(['', 'struct a {', ' * b */']), false);
});

test('declarations: attributes, typedef names, nested blocks, bit-fields, function pointers, macro members', () => {
  const d = parseDecls(
    `typedef struct {
\t__u32 a : 3, b : 29;
\tvoid (*cb)(int);
\tunion {
\t\t__u64 x;
\t\tchar *p;
\t} u;
\t__DECLARE_FLEX_ARRAY(__u8, data);
} __attribute__((packed, aligned(4))) demo_t;
struct __attribute__((__packed__)) demo_p { __u8 a; __u32 b; };`.split('\n'),
  );
  const t = d.blocks.find((b) => b.tag === 'demo_t')!;
  assert.deepEqual(
    t.members.map((m) => [m.name, m.type, m.bits, m.dims.join(',')]),
    [
      ['a', '__u32', '3', ''],
      ['b', '__u32', '29', ''],
      ['cb', 'void (*)()', null, ''],
      ['u', 'union {…}', null, ''],
      ['data', '__u8', null, ''],
    ],
  );
  assert.deepEqual(t.attrs, ['packed', 'aligned(4)']);
  const p = d.blocks.find((b) => b.tag === 'demo_p')!;
  assert.deepEqual(p.attrs, ['packed']);
  const env = { lookup: () => null, resolve: () => null };
  assert.deepEqual([layoutOf(p, 'lp64', env)!.size, layoutOf(p, 'lp64', env)!.holes], [5, []]);
});

test('expressions: character magic, shifts, casts, BIT macros, names', () => {
  const names: Record<string, string> = { BASE: '100', TYPE: "(';')" };
  const r = makeResolver((n) => names[n] ?? null);
  assert.equal(evalExpr('BASE + 7', r), 107n);
  assert.equal(evalExpr('TYPE', r), 59n);
  assert.equal(evalExpr('(1ULL << 40)'), 1n << 40n);
  assert.equal(evalExpr('(__u64)BIT_ULL(3)'), 8n);
  assert.equal(evalExpr('UNKNOWN + 1', r), null);
  assert.deepEqual(parseIoctl('DEMO', '_IOWR(DEMO_T, DEMO_BASE + 2, struct demo_arg)'), { name: 'DEMO', type: 'DEMO_T', nr: 'DEMO_BASE+2', dir: 'read-write', arg: 'struct demo_arg' });
  assert.deepEqual(parseIoctl('D', 'DRM_IOWR(DRM_COMMAND_BASE + 1, struct drm_demo)')?.type, "'d'");
  assert.equal(parseIoctl('X', '(1 << 3)'), null);
});

test('catalogue from real headers: numbers through defines, enums and character magics; structs, ioctl arguments, unions that contain them', () => {
  const dir = headersDir({
    'demofd.h': `#define DEMOFD_TYPE (';')
enum {
\tDEMOFD_CMD_BASE = 0x80,
\tDEMOFD_CMD_ALLOC = DEMOFD_CMD_BASE,
\tDEMOFD_CMD_FREE,
};
struct demofd_alloc { __u32 size; __u32 flags; __u64 out_id; };
#define DEMOFD_ALLOC _IO(DEMOFD_TYPE, DEMOFD_CMD_ALLOC)
#define DEMOFD_FREE _IO(DEMOFD_TYPE, DEMOFD_CMD_FREE)
`,
    'sub/demo_msg.h': `struct demo_inner { __u64 a; };
struct demo_msg { __u32 type; union { struct demo_inner inner; __u8 padding[64]; }; };
#define DEMO_SEND _IOW(0xDE, 1, struct demo_msg)
`,
    'not-a-header.txt': '#define IGNORED _IO(1, 2)\n',
  });
  const cat = loadUapiCatalogue(dir);
  assert.equal(cat.files, 2);
  const n = (name: string) => {
    const i = cat.byName.get(name)!;
    return [i.typeValue, i.nrValue, i.file];
  };
  assert.deepEqual(n('DEMOFD_ALLOC'), [59n, 0x80n, 'demofd.h']);
  assert.deepEqual(n('DEMOFD_FREE'), [59n, 0x81n, 'demofd.h']);
  assert.deepEqual(n('DEMO_SEND'), [0xden, 1n, join('sub', 'demo_msg.h')]);
  assert.equal(cat.byName.has('IGNORED'), false);
  assert.deepEqual(cat.ioctlArgs.get('struct demo_msg'), ['DEMO_SEND']);
  assert.deepEqual(cat.structs.get('struct demofd_alloc')!.members.map((m) => m.name), ['size', 'flags', 'out_id']);
  assert.deepEqual(cat.containers.get('struct demo_inner')!.map((b) => b.kind), ['union']);
  assert.equal(loadUapiCatalogue(dir), cat, 'cached');
  assert.equal(loadUapiCatalogue(join(dir, 'missing')).ioctls.length, 0);
});
