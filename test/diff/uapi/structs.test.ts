import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileDiff, factsOf, headersDir, only, summary } from './helpers.js';

const H = 'include/uapi/linux/demo.h';
const STRUCT_KINDS = ['struct-member-appended', 'struct-member-inserted', 'struct-member-removed', 'struct-member-changed', 'struct-reserved-used', 'struct-implicit-padding'];

test('a member inserted before the end is a break; the hunk section names the struct', () => {
  const facts = factsOf(
    fileDiff(H, {
      section: 'struct demo_vring_state {',
      body: `
 \t__u32 index;
+\t__u32 flags;
 \t__u32 num;
 };`,
    }),
  );
  assert.deepEqual(summary(facts, ...STRUCT_KINDS), [['struct-member-inserted', 'demo_vring_state', 'abi-break']]);
  const f = facts.find((x) => x.kind === 'struct-member-inserted')!;
  assert.match(f.detail!, /flags \(__u32\) inserted before the end: num and every later member move/);
  assert.equal(f.line, 11);
  assert.match(f.text!, /__u32 flags;/);
});

test('appending: the class depends on what versions the struct', () => {
  const hdrs = headersDir({
    'demo.h': `#define DEMO_TYPE 0xD0
struct demo_args { __u32 a; __u32 b; };
struct demo_sized { __u32 argsz; __u32 flags; __u64 addr; };
#define DEMO_SET _IOW(DEMO_TYPE, 1, struct demo_args)
`,
  });
  const append = (tag: string, path = H) =>
    factsOf(
      fileDiff(path, {
        section: `struct ${tag} {`,
        body: `
 \t__u32 b;
+\t__u32 c;
 };`,
      }),
      { headersDir: hdrs },
    ).find((f) => f.kind === 'struct-member-appended')!;
  const ioctlArg = append('demo_args');
  assert.equal(ioctlArg.compat!.class, 'abi-break');
  assert.match(ioctlArg.compat!.reason, /request number of DEMO_SET/);
  const sized = append('demo_sized');
  assert.equal(sized.compat!.class, 'compatible');
  assert.match(sized.compat!.reason, /argsz/);
  assert.equal(append('virtio_demo_config', 'include/uapi/linux/virtio_demo.h').compat!.class, 'compatible-if-negotiated');
  const unversioned = append('demo_plain');
  assert.equal(unversioned.compat!.class, 'abi-break');
  assert.match(unversioned.compat!.reason, /nothing versions it/);
});

test('a member added where the hunk does not show the end: undecidable is an insertion, unless the real header decides', () => {
  const diff = fileDiff(H, {
    section: 'struct demo_msg {',
    body: `
 \t__u64 iova;
+\t__u64 uaddr;
 \t/* what follows is
 \t * only a comment
 \t */`,
  });
  const blind = factsOf(diff).filter((f) => f.kind.startsWith('struct-'));
  assert.deepEqual(summary(blind), [['struct-member-inserted', 'demo_msg', 'abi-break']]);
  assert.match(blind[0]!.compat!.reason, /does not show whether members follow/);
  const hdrs = headersDir({ 'demo.h': 'struct demo_msg {\n\t__u32 argsz;\n\t__u64 iova;\n};\n' });
  const decided = factsOf(diff, { headersDir: hdrs }).filter((f) => f.kind.startsWith('struct-'));
  assert.deepEqual(summary(decided), [['struct-member-appended', 'demo_msg', 'compatible']]);
  assert.match(decided[0]!.detail!, /installed header's struct demo_msg ends after iova/);
});

test('reserved space: exact use is compatible, a size mismatch is a break', () => {
  const exact = factsOf(
    fileDiff(H, {
      section: 'struct demo_range {',
      body: `
 \t__u64 first;
-\t__u32 reserved[4];
+\t__u16 group;
+\t__u16 pad;
+\t__u32 reserved[3];
 };`,
    }),
  );
  assert.deepEqual(summary(exact, ...STRUCT_KINDS), [['struct-reserved-used', 'demo_range', 'compatible']]);
  assert.match(exact[1]!.detail!, /reserved reserved \(__u32\[4\]\) now holds group, leaving reserved \(__u32\[3\]\), pad \(__u16\)/);
  const two = factsOf(
    fileDiff(H, {
      section: 'struct demo_access {',
      body: `
 \t__u16 count;
-\t__u16 padding1;
-\t__u32 padding2;
+\t__u16 view;
+\t__u32 padding;
 \tstruct demo_entry entries[0];
 };`,
    }),
  );
  assert.deepEqual(summary(two, ...STRUCT_KINDS), [['struct-reserved-used', 'demo_access', 'compatible']]);
  const wrong = factsOf(
    fileDiff(H, {
      section: 'struct demo_range {',
      body: `
 \t__u64 first;
-\t__u8 padding[4];
+\t__u64 group;
 };`,
    }),
  );
  assert.deepEqual(summary(wrong, ...STRUCT_KINDS), [['struct-reserved-used', 'demo_range', 'abi-break']]);
});

test('type changes: annotation only, width change, zero-length to flexible array, unknown typedef', () => {
  const facts = factsOf(
    fileDiff(H, {
      section: 'struct demo_hdr {',
      body: `
-\t__u32 len;
+\t__le32 len;
-\t__u32 count;
+\t__u64 count;
-\tdemo_opaque_t cookie;
+\tdemo_other_t cookie;
-\t__u8 data[0];
+\t__u8 data[];
 };`,
    }),
  );
  const changed = only(facts, 'struct-member-changed').map((f) => [f.detail!.replace(/^.*: /, ''), f.compat!.class]);
  assert.deepEqual(changed, [
    ['len changed from __u32 to __le32', 'compatible'],
    ['count changed from __u32 to __u64', 'abi-break'],
    ['cookie changed from demo_opaque_t to demo_other_t', 'abi-break'],
    ['data changed from __u8[0] to __u8[]', 'compatible'],
  ]);
  assert.match(only(facts, 'struct-member-changed')[2]!.compat!.reason, /cannot be told from the patch/);
});

test('removal, reordering and renaming', () => {
  const facts = factsOf(
    fileDiff(H, {
      section: 'struct demo_cfg {',
      body: `
 \t__u16 a;
-\t__u16 b;
-\t__u32 c;
-\t__u32 d;
+\t__u32 d;
+\t__u32 c;
 \t__u32 e;
-\t__u32 old_name;
+\t__u32 new_name;
 \t__u64 f;
 };`,
    }),
  );
  assert.deepEqual(summary(facts, ...STRUCT_KINDS), [
    ['struct-member-changed', 'demo_cfg', 'abi-break'],
    ['struct-member-removed', 'demo_cfg', 'abi-break'],
    ['struct-member-changed', 'demo_cfg', 'abi-break'],
  ]);
  const details = facts.filter((f) => STRUCT_KINDS.includes(f.kind)).map((f) => f.detail);
  assert.match(details[0]!, /c moved/);
  assert.match(details[1]!, /b \(__u16\) removed/);
  assert.match(details[2]!, /old_name renamed to new_name/);
});

test('nested blocks: a hunk that starts inside an anonymous union, and members wrapped in a union that keeps their names', () => {
  // The hunk begins inside the union: only the indentation of its "};" tells that much, and
  // only the installed header tells that the block is a union rather than a struct.
  const diff = fileDiff(H, {
    section: 'struct demo_msg_v2 {',
    body: `
 \t\tstruct demo_iotlb iotlb;
+\t\t__u32 small;
 \t\t__u8 padding[64];
 \t};
 };`,
  });
  const blind = factsOf(diff).filter((f) => STRUCT_KINDS.includes(f.kind));
  assert.deepEqual(summary(blind), [['struct-member-inserted', 'demo_msg_v2', 'abi-break']]);
  assert.match(blind[0]!.compat!.reason, /nested block whose kind it does not show/);
  const hdrs = headersDir({ 'demo.h': 'struct demo_msg_v2 {\n\t__u32 type;\n\tunion {\n\t\tstruct demo_iotlb iotlb;\n\t\t__u8 padding[64];\n\t};\n};\n' });
  const u = factsOf(diff, { headersDir: hdrs }).filter((f) => STRUCT_KINDS.includes(f.kind));
  assert.deepEqual(summary(u), [['struct-member-appended', 'demo_msg_v2', 'compatible']]);
  assert.match(u[0]!.detail!, /added to a union/);

  const wrapped = factsOf(
    fileDiff(H, {
      section: 'struct demo_net_hdr {',
      body: `
 \t__virtio16 gso_size;
-\t__virtio16 csum_start;
-\t__virtio16 csum_offset;
+\tunion {
+\t\tstruct {
+\t\t\t__virtio16 csum_start;
+\t\t\t__virtio16 csum_offset;
+\t\t};
+\t\tstruct {
+\t\t\t__virtio16 segments;
+\t\t\t__virtio16 dup_acks;
+\t\t} rsc;
+\t};
 \t__virtio16 num_buffers;
 };`,
    }),
  );
  assert.deepEqual(summary(wrapped, ...STRUCT_KINDS), [['struct-member-changed', 'demo_net_hdr', 'compatible']]);
  assert.match(wrapped.find((f) => f.kind === 'struct-member-changed')!.detail!, /csum_start, csum_offset now inside an anonymous union/);
});

test('comments inside declarations never become members or braces', () => {
  const facts = factsOf(
    fileDiff(H, {
      section: 'struct demo_state {',
      body: `
 \t__u32 index; /* struct fake { */
 \t/* a note that mentions }; and
 \t * __u32 ghost; on its own line */
+\t__u32 added; // trailing }; comment
 \t__u32 num;
 };`,
    }),
  );
  assert.deepEqual(summary(facts, ...STRUCT_KINDS), [['struct-member-inserted', 'demo_state', 'abi-break']]);
  assert.match(facts.find((f) => f.kind === 'struct-member-inserted')!.detail!, /added \(__u32\) inserted before the end: num/);
});

test('a hunk that starts in the middle of a comment block', () => {
  const facts = factsOf(
    fileDiff(H, {
      section: 'struct demo_state {',
      body: `
 \t * the rest of a comment that says struct x {
 \t */
 \t__u32 index;
+\t__u32 added;
 };`,
    }),
  );
  assert.deepEqual(summary(facts, ...STRUCT_KINDS), [['struct-member-appended', 'demo_state', 'abi-break']]);
});

test('new structs: implicit padding, 64-bit members without 8-byte alignment, packed structs', () => {
  const facts = factsOf(
    fileDiff(H, {
      at: 40,
      body: `
 #define DEMO_X 1
+
+struct demo_holes {
+\t__u32 flags;
+\t__u64 addr;
+};
+
+struct demo_packed {
+\t__u32 flags;
+\t__u64 addr;
+} __attribute__((packed));
+
+struct demo_aligned {
+\t__u32 flags;
+\t__u32 pad;
+\t__aligned_u64 addr;
+};
+
+struct demo_tail {
+\t__u64 addr;
+\t__u16 len;
+};
 `,
    }),
  );
  const pad = only(facts, 'struct-implicit-padding');
  assert.deepEqual(
    pad.map((f) => [f.symbol, f.compat!.class]),
    [
      ['demo_holes', 'abi-break'],
      ['demo_holes', 'compatible'],
      ['demo_tail', 'abi-break'],
      ['demo_tail', 'compatible'],
    ],
  );
  assert.match(pad[0]!.detail!, /addr is at offset 8 on x86_64 but 4 on i386/);
  assert.match(pad[1]!.detail!, /4 byte\(s\) before addr/);
  assert.match(pad[2]!.detail!, /16 bytes on x86_64 but 12 on i386/);
  assert.match(pad[3]!.detail!, /6 byte\(s\) at the end/);
});

test('#ifdef blocks and multi-line members keep positions right', () => {
  const facts = factsOf(
    fileDiff(H, {
      section: 'struct demo_evt {',
      body: `
 \t__u32 type;
 #ifdef __KERNEL__
 \t__u32 kernel_only;
 #else
 \t__u32 user_view;
 #endif
+\tunsigned long long
+\t\tstamp;
 };`,
    }),
  );
  const f = facts.filter((x) => STRUCT_KINDS.includes(x.kind));
  assert.deepEqual(summary(f), [['struct-member-appended', 'demo_evt', 'abi-break']]);
  assert.match(f[0]!.detail!, /stamp \(unsigned long long\) appended/);
});

test('appending after a flexible array overlaps the variable part', () => {
  const facts = factsOf(
    fileDiff(H, {
      section: 'struct demo_table {',
      body: `
 \t__u32 nregions;
 \tstruct demo_region regions[];
+\t__u32 trailer;
 };`,
    }),
  );
  const f = facts.find((x) => x.kind === 'struct-member-appended')!;
  assert.equal(f.compat!.class, 'abi-break');
  assert.match(f.compat!.reason, /flexible array/);
});

test('a struct removed from a header is a break, moved to another uAPI header is not', () => {
  const removal = fileDiff(H, {
    at: 30,
    body: `
 #define DEMO_A 1
-struct demo_gone {
-\t__u32 x;
-};
 #define DEMO_B 2`,
  });
  assert.deepEqual(summary(factsOf(removal), ...STRUCT_KINDS), [['struct-member-removed', 'demo_gone', 'abi-break']]);
  const moved = [
    removal,
    fileDiff('include/uapi/linux/demo_types.h', {
      at: 5,
      body: `
 #define DEMO_TYPES 1
+struct demo_gone {
+\t__u32 x;
+};`,
    }),
  ];
  assert.deepEqual(summary(factsOf(moved), ...STRUCT_KINDS), []);
});

test('struct facts come only from uAPI headers', () => {
  const facts = factsOf(
    fileDiff('drivers/vhost/demo.c', {
      section: 'struct demo_priv {',
      body: `
 \tint a;
+\tint b;
 \tint c;
 };`,
    }),
  );
  assert.deepEqual(summary(facts, ...STRUCT_KINDS), []);
});

test('a hunk inside a union whose end it does not show: only the installed header says it is a padded union', () => {
  const diff = fileDiff(H, {
    at: 400,
    section: 'struct demo_run {',
    body: `
 \t\tstruct {
 \t\t\t__u8 vector;
 \t\t} eoi;
+\t\tstruct {
+\t\t\t__u64 addr;
+\t\t} spp;
 \t\t/* KVM_EXIT_HYPERV */
 \t\tstruct demo_hyperv_exit hyperv;
 \t\t/* Fix the size of the union. */`,
  });
  const blind = factsOf(diff).filter((f) => f.kind.startsWith('struct-'));
  assert.deepEqual(summary(blind), [['struct-member-inserted', 'demo_run', 'abi-break']]);
  assert.match(blind[0]!.detail!, /spp \(struct \{…\}\) inserted before the end: hyperv/);
  const hdrs = headersDir({
    'demo.h': `struct demo_run {
\t__u32 exit_reason;
\tunion {
\t\tstruct { __u8 vector; } eoi;
\t\tstruct demo_hyperv_exit hyperv;
\t\tchar padding[256];
\t};
};
`,
  });
  const known = factsOf(diff, { headersDir: hdrs }).filter((f) => f.kind.startsWith('struct-'));
  assert.deepEqual(summary(known), [['struct-member-appended', 'demo_run', 'compatible']]);
});

test('typedefs with aligned(): a member retyped to an aligned typedef of the same layout is compatible', () => {
  const facts = factsOf(
    fileDiff(H, {
      at: 80,
      body: `
 struct demo_elem {
 \t__u32 id;
 \t__u32 len;
 };
+#define DEMO_ELEM_ALIGN 4
+typedef struct demo_elem __attribute__((aligned(DEMO_ELEM_ALIGN))) demo_elem_t;
+typedef struct demo_elem __attribute__((aligned(16))) demo_elem16_t;
 struct demo_ring {
 \t__u16 flags;
 \t__u16 idx;
-\tstruct demo_elem ring[];
+\tdemo_elem_t ring[];
 };
 struct demo_ring2 {
 \t__u32 flags;
-\tstruct demo_elem ring[];
+\tdemo_elem16_t ring[];
 };`,
    }),
  );
  assert.deepEqual(
    only(facts, 'struct-member-changed').map((f) => [f.symbol, f.compat!.class]),
    [
      ['demo_ring', 'compatible'],
      ['demo_ring2', 'abi-break'],
    ],
  );
});
