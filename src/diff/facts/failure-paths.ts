// failure-ignored: a patch adds a call whose failure nothing sees. Either a statement call to
// a function that can fail (one the patch itself defines with an error return, or a kernel
// registration/request API) with its result dropped, or a pointer from an allocator or a
// register call used with no NULL/IS_ERR check after it. The error path that should unwind
// (free, unregister, restore a counter) is then never taken.
import type { Fact } from '../../model/facts.js';
import type { PatchScope } from '../uapi/scope.js';
import type { AnnotatedHunk, AnnotatedLine } from '../annotate.js';
import { isCLike } from '../annotate.js';
import { lineFact } from './types.js';
import { bounded } from './call-changes.js';
import { ERROR_RESULT_NAMES, alternativesOf } from './result-names.js';

/** "int foo(" / "static long __init foo(" at the start of an added definition. */
const INT_DEF = /^(?:static\s+)?(?:inline\s+)?(?:int|long|ssize_t)\s+(?:__init\s+|__must_check\s+)?(\w+)\s*\(/;
/** A return that passes an error on. */
const ERROR_RETURN = new RegExp(`\\breturn\\s+(?:-E[A-Z0-9]+|${alternativesOf(ERROR_RESULT_NAMES)}|PTR_ERR\\s*\\()\\b`);
/** Kernel APIs that fail and whose failure the caller must unwind. */
const FALLIBLE_API =
  /^(request_irq|request_threaded_irq|devm_request_irq|pci_enable_device\w*|device_add|cdev_add|misc_register|kobject_add|kobject_init_and_add|sysfs_create_group|sysfs_create_file|register_pernet_\w+|vfio_register_\w+|mdev_register_\w+|vdpa_register_device|_vdpa_register_device|register_virtio_device|register_netdev\w*|pci_register_driver)$/;
/** A statement that is only a call: "foo(a, b);". */
const CALL_STATEMENT = /^\s*(\w+)\s*\(/;
const NOT_CALL = /^(if|for|while|switch|return|sizeof|do|else|case|goto|typeof|__typeof__)$/;
/** "x = kzalloc(", "m->dbf = debug_register(": a pointer that may be NULL or an ERR_PTR. */
const ALLOC_ASSIGN =
  /^\s*([\w.]+(?:->[\w.]+)*)\s*=\s*(kzalloc|kmalloc|kcalloc|kvzalloc|kvmalloc|kvcalloc|vzalloc|vmalloc|kmemdup|kstrdup|debug_register|alloc_workqueue|create_singlethread_workqueue|kthread_create\w*|kthread_run|kmem_cache_\w*alloc|alloc_pages|eventfd_ctx_fdget|anon_inode_getfile|dma_alloc_coherent)\s*\(/;
/**
 * Set-up paths, where a dropped failure leaves half-initialised state behind. In a data path
 * or a teardown a dropped result is often deliberate (nothing to unwind).
 */
const SETUP_FN = /(open|probe|init|enable|setup|create|bind|attach|register|start|set_status)/;
/** Lines of code after an allocation within which a check must appear. */
const CHECK_WINDOW = 6;

/** Functions the patch defines that return an error to their caller. */
function failingDefinitions(scope: PatchScope): Set<string> {
  const defined = new Set<string>();
  const failing = new Set<string>();
  for (const { file, hunks } of scope.files) {
    if (!isCLike(file.path)) continue;
    for (const h of bounded(hunks)) for (const l of h.lines) {
      if (l.kind !== '+') continue;
      const d = INT_DEF.exec(l.code);
      if (d) defined.add(d[1]!);
      if (l.function && ERROR_RETURN.test(l.code)) failing.add(l.function);
    }
  }
  return new Set([...failing].filter((f) => defined.has(f)));
}

/** The previous line of code ended a statement: this line starts one. */
function startsStatement(prev: string): boolean {
  const t = prev.trim();
  return t === '' || /[;{}:]$/.test(t) || /^#/.test(t) || /\belse$/.test(t) || /\)$/.test(t) && /^(if|for|while|else if)\b/.test(t);
}

function droppedResults(file: AnnotatedHunk[], failing: Set<string>): { l: AnnotatedLine; callee: string }[] {
  const out: { l: AnnotatedLine; callee: string }[] = [];
  const removed = new Set<string>();
  for (const h of file) for (const l of h.lines) if (l.kind === '-') removed.add(l.code.trim());
  for (const h of file) {
    let prev = '';
    for (const l of h.lines) {
      const before = prev;
      if (l.kind !== '-' && l.code.trim() !== '') prev = l.code;
      if (l.kind !== '+' || !l.function || !SETUP_FN.test(l.function) || removed.has(l.code.trim())) continue;
      const m = CALL_STATEMENT.exec(l.code);
      if (!m || NOT_CALL.test(m[1]!) || m[1] === l.function) continue;
      const callee = m[1]!;
      if (!failing.has(callee) && !FALLIBLE_API.test(callee)) continue;
      if (!startsStatement(before)) continue;
      out.push({ l, callee });
    }
  }
  return out;
}

/** A pointer from an allocator or register call that the next lines use without checking. */
function uncheckedAllocations(hunks: AnnotatedHunk[]): { l: AnnotatedLine; target: string; callee: string }[] {
  const out: { l: AnnotatedLine; target: string; callee: string }[] = [];
  for (const h of hunks) {
    const lines = h.lines.filter((l) => l.kind !== '-' && l.code.trim() !== '');
    lines.forEach((l, i) => {
      if (l.kind !== '+') return;
      const m = ALLOC_ASSIGN.exec(l.code);
      if (!m) return;
      const target = m[1]!;
      const after = lines.slice(i + 1, i + 1 + CHECK_WINDOW).filter((x) => x.function === l.function);
      // Too little of the function is shown to tell.
      if (after.length < 3) return;
      const checked = after.some((x) => x.code.includes(target) && (/\b(if|while|WARN_ON\w*|BUG_ON|IS_ERR\w*|PTR_ERR\w*|return)\b/.test(x.code) || x.code.includes('!' + target)));
      if (checked) return;
      // Only when the pointer is actually used before any check.
      if (!after.some((x) => x.code.includes(target))) return;
      out.push({ l, target, callee: m[2]! });
    });
  }
  return out;
}

export function failurePathFacts(scope: PatchScope): Fact[] {
  const failing = failingDefinitions(scope);
  const out: Fact[] = [];
  for (const { file, hunks: all } of scope.files) {
    if (!isCLike(file.path) || file.role === 'uapi-header') continue;
    const hunks = bounded(all);
    const seen = new Set<string>();
    for (const { l, callee } of droppedResults(hunks, failing)) {
      if (seen.has(callee)) continue;
      seen.add(callee);
      out.push(lineFact('failure-ignored', callee, file, l, { detail: `${l.function}() calls ${callee}() and drops its result: when ${callee}() fails, ${l.function}() goes on as if it had worked and nothing is unwound` }));
    }
    for (const { l, target, callee } of uncheckedAllocations(hunks)) {
      if (seen.has(target)) continue;
      seen.add(target);
      out.push(lineFact('failure-ignored', callee, file, l, { detail: `${l.function ? l.function + '() ' : ''}stores ${callee}()'s result in ${target} and uses it with no NULL or IS_ERR check: a failed ${callee}() is used as if it had worked` }));
    }
  }
  return out;
}
