// Reads one parsed C or Rust file and returns its uAPI use sites: what symbol, where, in which
// function, used how, and the function's compatibility-deciding patterns (how it computes the
// features it enables, how it sizes structs, which errnos it handles, whether it awaits
// vhost-user replies). Everything is read from the syntax tree; names are matched, never types.
import type { Node } from 'web-tree-sitter';
import type { SourceLanguage } from './parser.js';
import type { Pattern, UseKind, UseSite } from './types.js';
import { ERRNOS, constantName, isFeatureBit, isFeatureVariable, rustEnumVariant, rustPathName, uapiName, uapiStruct } from './symbols.js';

interface StructUse {
  build: Set<string>;
  read: Set<string>;
  buildLine: number;
  readLine: number;
}

/** What one function does; patterns are given to its use sites when the function ends. */
interface Scope {
  name: string | null;
  text: string;
  sites: UseSite[];
  intersects: { line: number; text: string }[];
  allowList: Set<string>;
  allowVars: Set<string>;
  allowUses: { line: number; text: string }[];
  /** File-level lists of feature bits this function hands on by name (QEMU's `kernel_feature_bits[]`). */
  namedLists: Map<string, { line: number; text: string }>;
  /** How many of allowUses are such tables. */
  tableUses: number;
  masked: Set<string>;
  errnos: Set<string>;
  sizeFields: string[];
  structVars: Map<string, string>;
  structs: Map<string, StructUse>;
}

const REPLY_WAIT = /REPLY_ACK|need_reply|NEED_REPLY|wait_for_ack|wait_for_reply|process_message_reply|recv_reply|get_reply|read_reply/;
const IOCTL_CALL = /ioctl|kernel_call$/i;
const SEND_CALL = /send|write|request|msg|vhost_user|set_u64|get_u64|put|hdr/i;
const NETLINK_CALL = /cmd|nl|genl/i;
/** Calls that only name a message: assertions, logging, tracing (an all-caps name is a macro, not a send). */
const NOT_SEND_CALL = /^[A-Z0-9_]+$|assert|^(log|trace|debug|warn|error_report|printf|fprintf|g_debug|g_warning)|(_log|_trace|_debug|printf)$/;
const FEATURE_TEST_CALL = /has_feature|test_bit|feature_enabled|is_feature|features?_set|contains/i;
const TRANSPARENT = new Set(['parenthesized_expression', 'cast_expression', 'type_cast_expression']);

function newScope(name: string | null, text: string): Scope {
  return { name, text, sites: [], intersects: [], allowList: new Set(), allowVars: new Set(), allowUses: [], namedLists: new Map(), tableUses: 0, masked: new Set(), errnos: new Set(), sizeFields: [], structVars: new Map(), structs: new Map() };
}

/** The operator token: a field in C and in Rust binary expressions, the first child of a Rust unary one. */
const operatorOf = (n: Node): string => n.childForFieldName('operator')?.type ?? (n.type === 'unary_expression' ? (n.child(0)?.type ?? '') : '');
const isArgs = (n: Node | null): boolean => !!n && (n.type === 'argument_list' || n.type === 'arguments') && n.parent?.type === 'call_expression';
const row = (n: Node) => n.startPosition.row + 1;
/** VFIO's argsz, or iommufd's size set from sizeof: the caller says how big its struct is. */
const isSizeField = (field: string, text: string) => field === 'argsz' || (field === 'size' && /sizeof|size_of/.test(text));

/** The transport a features computation feeds, from the file's path first, then what the function names. */
function transportOf(file: string, text: string, fileText: string): string {
  if (/vhost[-_]?user|vmm_vhost/i.test(file)) return 'vhost-user';
  // A VDUSE device offers its own features: no kernel vhost or vDPA change reaches them.
  if (/vduse/i.test(file)) return 'vduse';
  if (/vdpa/i.test(file)) return 'vdpa';
  if (/vhost[-_]?kern/i.test(file)) return 'vhost';
  // A "vhost" folder may hold a vhost-user library (DPDK's lib/vhost): its file speaks vhost-user and issues no kernel vhost ioctl.
  if (/vhost/i.test(file)) return /vhost_user|VHOST_USER_|VhostUser/.test(fileText) && !/VHOST_(GET|SET)_FEATURES|\/dev\/vhost/.test(fileText) ? 'vhost-user' : 'vhost';
  if (/VHOST_USER_|FrontendReq|MasterReq/.test(text)) return 'vhost-user';
  if (/VHOST_VDPA_/.test(text)) return 'vdpa';
  if (/VHOST_(GET|SET)_FEATURES|vhost/.test(text)) return 'vhost';
  return 'virtio';
}

/** A list's name may say whose features it filters: `kernel_feature_bits`, `user_feature_bits`, `vdpa_feature_bits`. */
function transportNamed(name: string): string | null {
  if (/user/i.test(name)) return 'vhost-user';
  if (/vdpa/i.test(name)) return 'vdpa';
  if (/kern/i.test(name)) return 'vhost';
  return null;
}

export function extractUses(root: Node, lang: SourceLanguage, file: string): UseSite[] {
  const out: UseSite[] = [];
  /** File-level allow-lists: a const / array of several feature bits, by name. */
  const fileAllowLists = new Map<string, string[]>();
  /** Those of them that are C arrays of bit numbers (`static const int kernel_feature_bits[] = {…}`). */
  const fileTables = new Set<string>();
  const fileScope = newScope(null, '');
  let fileText: string | null = null;
  /** The whole file's text, read from the tree once and only when a negotiation site needs it. */
  const wholeText = () => (fileText ??= root.text);
  let scope = fileScope;

  const site = (symbol: string, n: Node, kind: UseKind, detail = '') => {
    scope.sites.push({ symbol, file, line: row(n), function: scope.name, kind, detail, pattern: null, patternDetail: '' });
  };

  /** The canonical symbol a name-like node stands for. */
  const symbolOf = (n: Node): string | null => {
    switch (n.type) {
      case 'identifier':
        return uapiName(n.text);
      case 'scoped_identifier':
        return lang === 'rust' ? rustPathName(n.text) : null;
      default:
        return null;
    }
  };

  /** Skips wrappers (parentheses, casts, shifts that turn a bit number into a mask, BIT()). */
  const climb = (n: Node): { node: Node; negated: boolean } => {
    let cur = n;
    let negated = false;
    for (;;) {
      const p = cur.parent;
      if (!p) break;
      if (TRANSPARENT.has(p.type)) cur = p;
      else if (p.type === 'binary_expression' && operatorOf(p) === '<<') cur = p;
      else if (p.type === 'unary_expression' && (operatorOf(p) === '~' || operatorOf(p) === '!')) {
        negated = true;
        cur = p;
      } else if (isArgs(p) && /^(BIT|BIT_ULL|1ULL|bit)$/i.test(p.parent!.childForFieldName('function')?.text ?? '')) cur = p.parent!;
      else break;
    }
    return { node: cur, negated };
  };

  /**
   * Functions of this file that pass their own parameter on as ioctl's request (QEMU's
   * `vhost_vdpa_call(dev, request, arg)`): a name handed to one of them is an ioctl issued.
   * Read once per file, and only when a uAPI name is passed to some other call.
   */
  let wrappers: Set<string> | null = null;
  const ioctlWrappers = (): Set<string> => {
    if (wrappers) return wrappers;
    wrappers = new Set();
    for (const call of root.descendantsOfType('call_expression')) {
      if (!call || call.childForFieldName('function')?.text !== 'ioctl') continue;
      const request = call.childForFieldName('arguments')?.namedChildren[1];
      if (request?.type !== 'identifier') continue;
      let fn = call.parent;
      while (fn && fn.type !== 'function_definition' && fn.type !== 'function_item') fn = fn.parent;
      const params = fn?.childForFieldName(fn.type === 'function_item' ? 'parameters' : 'declarator');
      const name = fn && functionName(fn);
      if (name && params?.descendantsOfType('identifier').some((id) => id?.text === request.text)) wrappers.add(name);
    }
    return wrappers;
  };

  /** A function's parameters, in order (C's parameter list, or Rust's). */
  const paramsOf = (fn: Node): Node[] => {
    const list = fn.type === 'function_item' ? fn.childForFieldName('parameters') : fn.childForFieldName('declarator')?.descendantsOfType('parameter_list')[0];
    return (list?.namedChildren ?? []).filter((p): p is Node => !!p && p.type !== 'comment');
  };
  const enclosingFunction = (n: Node): Node | null => {
    let fn = n.parent;
    while (fn && fn.type !== 'function_definition' && fn.type !== 'function_item') fn = fn.parent;
    return fn;
  };
  const paramIndex = (fn: Node, name: string) => paramsOf(fn).findIndex((p) => p.descendantsOfType('identifier').some((id) => id?.text === name));

  /**
   * Functions of this file that put their own parameter into a message's request field and send
   * it (QEMU's `vhost_set_vring(dev, request, ring, wait_for_reply)`): a name handed to one of
   * them is a message sent. `replyArg` is the parameter that says whether the reply is awaited;
   * `reads` says the function reads the answer itself (a GET).
   */
  let senders: Map<string, { replyArg: number; reads: boolean }> | null = null;
  const messageSenders = () => {
    if (senders) return senders;
    senders = new Map();
    for (const n of root.descendantsOfType(['initializer_pair', 'assignment_expression'])) {
      if (!n) continue;
      const value = n.childForFieldName(n.type === 'initializer_pair' ? 'value' : 'right');
      if (value?.type !== 'identifier' || !/(request|req)$/i.test(fieldPath(n))) continue;
      const fn = enclosingFunction(n);
      const name = fn && functionName(fn);
      if (!fn || !name || paramIndex(fn, value.text) < 0) continue;
      // A sender that switches on the request (SPDK's vhost_user_sock) awaits replies per message: its callers decide nothing.
      const dispatches = fn.descendantsOfType('switch_statement').some((sw) => sw?.childForFieldName('condition')?.text.replace(/[()\s]/g, '') === value.text);
      const replyArg = dispatches ? -1 : paramsOf(fn).findIndex((p) => REPLY_WAIT.test(p.text));
      senders.set(name, { replyArg, reads: !dispatches && (/_read\s*\(|recv/.test(fn.text) || (replyArg < 0 && REPLY_WAIT.test(fn.text))) });
    }
    return senders;
  };

  /** Whether one call to a message sender awaits the reply, and why, from its reply argument. */
  const senderReply = (call: Node, how: { replyArg: number; reads: boolean }): [Pattern, string] | null => {
    if (how.reads) return ['reply-awaited', 'reads the reply'];
    const arg = how.replyArg >= 0 ? call.childForFieldName('arguments')?.namedChildren[how.replyArg] : null;
    if (!arg) return null;
    if (arg.text === 'true') return ['reply-awaited', ''];
    if (arg.text === 'false') return ['reply-not-awaited', ''];
    return ['reply-awaited', `only when ${arg.text.replace(/\s+/g, ' ').slice(0, 60)}`];
  };

  /** The field an initializer pair or an assignment writes: `.hdr.request`, `msg->request`. */
  const fieldPath = (n: Node): string => {
    if (n.type === 'initializer_pair') return n.childrenForFieldName('designator').map((d) => d?.text ?? '').join('');
    return (n.childForFieldName('left') ?? n.child(0))?.text ?? '';
  };

  const callName = (call: Node): string => {
    const f = call.childForFieldName('function');
    if (!f) return '';
    if (f.type === 'field_expression') return f.childForFieldName('field')?.text ?? '';
    if (f.type === 'scoped_identifier') return f.childForFieldName('name')?.text ?? f.text;
    if (f.type === 'generic_function') return f.childForFieldName('function')?.text ?? '';
    return f.text;
  };

  /** A Rust `ioctl_iow_nr!(NAME, TYPE, NR, ARG)` style declaration: its token tree defines NAME. */
  const ioctlMacro = (tokens: Node): boolean => tokens.parent?.type === 'macro_invocation' && /^ioctl_(io|ior|iow|iowr)_nr$/.test(tokens.parent.childForFieldName('macro')?.text ?? '');

  /** The consumer's own value for a name it defines: a request encoding, a bit number, an enum value. */
  const definedValue = (n: Node): string => {
    const p = n.parent;
    if (!p) return '';
    if (p.type === 'token_tree') return `${p.parent?.childForFieldName('macro')?.text ?? ''}!${p.text}`.replace(/\s+/g, ' ').slice(0, 100);
    return (p.childForFieldName('value')?.text ?? '').replace(/\s+/g, ' ').slice(0, 100);
  };

  /**
   * vmm-sys-util's ioctl_*_nr! macros make each request number a function: `VHOST_SET_FEATURES()`
   * is the number itself, so the call stands for the name.
   */
  const requestCall = (n: Node): Node => {
    const p = n.parent;
    if (lang === 'rust' && p?.type === 'call_expression' && p.childForFieldName('function')?.id === n.id && p.childForFieldName('arguments')?.namedChildCount === 0) return p;
    return n;
  };

  /** How a named uAPI symbol is used, from the syntax around it. */
  const classify = (symbol: string, name: Node): UseKind => {
    const n = requestCall(name);
    const parent = n.parent;
    if (!parent) return 'mention';
    if (parent.type === 'case_statement' || parent.type === 'match_pattern' || parent.type === 'or_pattern') return 'handles';
    if (parent.type === 'enumerator' || ((parent.type === 'const_item' || parent.type === 'static_item') && parent.childForFieldName('name')?.id === n.id)) return 'defines';
    if (parent.type === 'token_tree') return ioctlMacro(parent) && parent.namedChildren[0]?.id === n.id ? 'defines' : 'mention';
    const { node: up, negated } = climb(n);
    const p = up.parent;
    if (!p) return 'mention';
    if (isArgs(p)) {
      const name = callName(p.parent!);
      if (!isFeatureBit(symbol) && (IOCTL_CALL.test(name) || (!symbol.startsWith('VHOST_USER_') && ioctlWrappers().has(name)))) return 'ioctl';
      if (isFeatureBit(symbol) && FEATURE_TEST_CALL.test(name)) return 'feature-test';
      const sends = SEND_CALL.test(name) && !NOT_SEND_CALL.test(name);
      if (symbol.startsWith('VHOST_USER_') && !isFeatureBit(symbol) && (sends || messageSenders().has(name))) return 'sends';
      // Netlink: a command goes into the message header a helper prepares (iproute2's mnlu_gen_socket_cmd_prepare).
      if (/^VDPA_(CMD|ATTR)_/.test(symbol) && (sends || NETLINK_CALL.test(name))) return 'sends';
      return 'mention';
    }
    if (isFeatureBit(symbol)) {
      const op = p.type === 'binary_expression' || p.type === 'assignment_expression' || p.type === 'compound_assignment_expr' ? operatorOf(p) : '';
      if (negated && (op === '&' || op === '&=')) {
        scope.masked.add(symbol);
        return 'feature-mask';
      }
      if (op === '|' || op === '|=') return 'feature-set';
      if (op === '&' || op === '&=') return 'feature-test';
      return 'mention';
    }
    if (p.type === 'binary_expression' && (operatorOf(p) === '==' || operatorOf(p) === '!=')) return 'handles';
    if (p.type === 'subscript_expression' || p.type === 'index_expression') return 'handles';
    if ((p.type === 'assignment_expression' || p.type === 'initializer_pair' || p.type === 'field_initializer') && symbol.startsWith('VHOST_USER_') && /request|req|code/.test(fieldPath(p))) return 'sends';
    return 'mention';
  };

  const structUse = (sym: string): StructUse => {
    let u = scope.structs.get(sym);
    if (!u) scope.structs.set(sym, (u = { build: new Set(), read: new Set(), buildLine: 0, readLine: 0 }));
    return u;
  };

  const noteField = (sym: string, field: string, n: Node, written: boolean, assignment: string) => {
    const u = structUse(sym);
    if (written) {
      u.build.add(field);
      u.buildLine ||= row(n);
    } else {
      u.read.add(field);
      u.readLine ||= row(n);
    }
    if (written && isSizeField(field, assignment)) scope.sizeFields.push(assignment.replace(/\s+/g, ' ').slice(0, 80));
  };

  /** `a | b | c` of feature bits: an allow-list when it names at least two. */
  const orChain = (n: Node) => {
    const bits = new Set<string>();
    for (const id of n.descendantsOfType(['identifier', 'scoped_identifier'])) {
      if (!id || (id.type === 'identifier' && id.parent?.type === 'scoped_identifier')) continue;
      const s = symbolOf(id);
      if (s && isFeatureBit(s)) bits.add(s);
    }
    return bits;
  };

  /** The variable an expression is assigned to (`x = …`, `let x = …`, `int x = …`, `const X: T = …`). */
  const assignedName = (n: Node): string | null => {
    let cur = n;
    while (cur.parent && TRANSPARENT.has(cur.parent.type)) cur = cur.parent;
    const p = cur.parent;
    if (!p) return null;
    if (p.type === 'init_declarator') return p.childForFieldName('declarator')?.text.replace(/[\s*[\]0-9]/g, '') ?? null;
    if (p.type === 'let_declaration') return p.childForFieldName('pattern')?.text.replace(/^mut\s+/, '') ?? null;
    if (p.type === 'const_item' || p.type === 'static_item') return p.childForFieldName('name')?.text ?? null;
    if (p.type === 'assignment_expression' || p.type === 'compound_assignment_expr') return p.childForFieldName('left')?.text ?? null;
    return null;
  };

  const binary = (n: Node) => {
    const op = operatorOf(n);
    if (op === '|' && !(n.parent?.type === 'binary_expression' && operatorOf(n.parent) === '|') && !(n.parent?.type === 'parenthesized_expression' && n.parent.parent?.type === 'binary_expression' && operatorOf(n.parent.parent) === '|')) {
      const bits = orChain(n);
      if (bits.size >= 2) {
        const name = assignedName(n);
        if (scope === fileScope && name) fileAllowLists.set(name, [...bits]);
        else {
          for (const b of bits) scope.allowList.add(b);
          if (name) scope.allowVars.add(name);
          scope.allowUses.push({ line: row(n), text: n.text.replace(/\s+/g, ' ').slice(0, 100) });
        }
      }
    }
    if (op === '&' || op === '&=') {
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      if (!left || !right) return;
      const plain = (x: Node) => !/[A-Z0-9]_F_|::[A-Z]|[~!]/.test(x.text) && !/^\(?\s*1/.test(x.text);
      if (plain(left) && plain(right)) {
        const names = [left.text, right.text];
        const allow = names.find((t) => scope.allowVars.has(t) || fileAllowLists.has(t) || fileAllowLists.has(t.replace(/^.*(::|\.|->)/, '')));
        if (allow) {
          const listed = fileAllowLists.get(allow) ?? fileAllowLists.get(allow.replace(/^.*(::|\.|->)/, ''));
          if (listed) for (const b of listed) scope.allowList.add(b);
          scope.allowUses.push({ line: row(n), text: n.text.replace(/\s+/g, ' ').slice(0, 100) });
        } else if (isFeatureVariable(left.text) && isFeatureVariable(right.text)) {
          // A named constant (`features & SUPPORTED_FEATURES`) is an allow-list whose bits are defined elsewhere.
          const constant = constantName(left.text) ?? constantName(right.text);
          if (constant) {
            scope.allowList.add(constant);
            scope.allowUses.push({ line: row(n), text: n.text.replace(/\s+/g, ' ').slice(0, 100) });
          } else scope.intersects.push({ line: row(n), text: n.text.replace(/\s+/g, ' ').slice(0, 100) });
        }
      }
    }
    if ((op === '==' || op === '!=') && scope !== fileScope) {
      for (const side of [n.childForFieldName('left'), n.childForFieldName('right')]) {
        const e = side && errnoName(side);
        if (e) scope.errnos.add(e);
      }
    }
  };

  const errnoName = (n: Node): string | null => {
    const t = n.text.replace(/^-/, '').replace(/^.*::/, '');
    return ERRNOS.has(t) ? t : null;
  };

  /** C `struct X` in a declaration, a parameter, sizeof or a definition. */
  const cStruct = (n: Node) => {
    const nameNode = n.childForFieldName('name');
    const sym = nameNode && uapiStruct(nameNode.text);
    if (!sym) return;
    if (n.childForFieldName('body')) return site(sym, n, 'defines');
    let p = n.parent;
    if (p?.type === 'type_descriptor') p = p.parent;
    if (p?.type === 'sizeof_expression') return site(sym, n, 'struct-size');
    if (p?.type === 'declaration' || p?.type === 'parameter_declaration' || p?.type === 'field_declaration') {
      for (const d of p.childrenForFieldName('declarator')) {
        if (!d) continue;
        const declName = (d.type === 'init_declarator' ? d.childForFieldName('declarator') : d)?.text.replace(/[\s*]|\[.*$/g, '');
        if (declName) scope.structVars.set(declName, sym);
        const init = d.type === 'init_declarator' ? d.childForFieldName('value') : null;
        if (init?.type === 'initializer_list') {
          const u = structUse(sym);
          u.buildLine ||= row(n);
          for (const pair of init.namedChildren) {
            const field = pair?.type === 'initializer_pair' ? pair.childForFieldName('designator')?.text.replace(/^\./, '') : null;
            if (field) {
              u.build.add(field);
              if (isSizeField(field, pair!.text)) scope.sizeFields.push(pair!.text.replace(/\s+/g, ' ').slice(0, 80));
            }
          }
        }
      }
      return;
    }
    site(sym, n, 'mention');
  };

  /** `var.field` / `var->field` on a variable this function declared with a uAPI struct type. */
  const fieldAccess = (n: Node) => {
    const base = (n.childForFieldName('argument') ?? n.childForFieldName('value'))?.text.replace(/^self\./, '');
    const field = n.childForFieldName('field')?.text;
    if (!base || !field) return;
    const sym = scope.structVars.get(base);
    if (!sym) return;
    let top = n;
    while (top.parent?.type === 'field_expression' || top.parent?.type === 'subscript_expression' || top.parent?.type === 'index_expression') top = top.parent;
    const p = top.parent;
    const written = !!p && (p.type === 'assignment_expression' || p.type === 'compound_assignment_expr') && p.childForFieldName('left')?.id === top.id;
    noteField(sym, field, n, written, written ? p!.text : '');
  };

  const rustStructExpr = (n: Node) => {
    const name = n.childForFieldName('name')?.text.replace(/^.*::/, '');
    const sym = name && uapiStruct(name);
    if (!sym) return;
    const u = structUse(sym);
    u.buildLine ||= row(n);
    const body = n.childForFieldName('body');
    for (const f of body?.namedChildren ?? []) {
      const field = f?.type === 'field_initializer' ? (f.childForFieldName('field') ?? f.childForFieldName('name') ?? f.namedChild(0))?.text : f?.type === 'shorthand_field_initializer' ? f.text : null;
      if (field) {
        u.build.add(field);
        if (isSizeField(field, f!.text)) scope.sizeFields.push(f!.text.replace(/\s+/g, ' ').slice(0, 80));
      }
    }
    const v = assignedName(n);
    if (v) scope.structVars.set(v, sym);
  };

  const rustTypedBinding = (n: Node) => {
    const type = n.childForFieldName('type')?.text.replace(/^&\s*(mut\s+)?/, '').replace(/^.*::/, '');
    const sym = type && uapiStruct(type);
    const name = (n.childForFieldName('pattern') ?? n.childForFieldName('name'))?.text.replace(/^mut\s+/, '');
    if (sym && name) scope.structVars.set(name, sym);
  };

  const rustSizeOf = (n: Node) => {
    const f = n.childForFieldName('function');
    if (f?.type !== 'generic_function' || !/size_of$/.test(f.childForFieldName('function')?.text ?? '')) return;
    const t = f.childForFieldName('type_arguments')?.namedChildren[0]?.text.replace(/^.*::/, '');
    const sym = t && uapiStruct(t);
    if (sym) site(sym, n, 'struct-size');
  };

  /** Gives the function's patterns to its sites and adds its negotiation site. */
  const finish = (s: Scope, fnNode: Node | null) => {
    for (const [sym, u] of s.structs) {
      if (u.build.size) s.sites.push({ symbol: sym, file, line: u.buildLine, function: s.name, kind: 'struct-build', detail: [...u.build].sort().join(','), pattern: null, patternDetail: '' });
      if (u.read.size) s.sites.push({ symbol: sym, file, line: u.readLine, function: s.name, kind: 'struct-read', detail: [...u.read].sort().join(','), pattern: null, patternDetail: '' });
    }
    const featurePattern = (): [Pattern, string] | null => {
      if (s.intersects.length) return ['features-intersect', s.masked.size ? `masks ${[...s.masked].sort().join(',')}` : 'masks nothing'];
      if (s.allowList.size) return ['features-allow-list', [...s.allowList].sort().join(',')];
      return null;
    };
    const fp = featurePattern();
    if (fp?.[0] === 'features-allow-list' && fnNode && s.tableUses && s.tableUses === s.allowUses.length) {
      // Only whole lists, by name: one negotiation per list, for the transport its name says.
      for (const [name, at] of s.namedLists) {
        const transport = transportNamed(name) ?? transportOf(file, s.text, wholeText());
        s.sites.push({ symbol: `@features:${transport}`, file, line: at.line, function: s.name, kind: 'negotiates', detail: at.text, pattern: 'features-allow-list', patternDetail: [...fileAllowLists.get(name)!].sort().join(',') });
      }
    } else if (fp && fnNode) {
      const at = s.intersects[0] ?? s.allowUses[0]!;
      s.sites.push({ symbol: `@features:${transportOf(file, s.text, wholeText())}`, file, line: at.line, function: s.name, kind: 'negotiates', detail: at.text, pattern: null, patternDetail: '' });
    }
    const sizeSites = new Set(s.sites.filter((x) => x.kind === 'struct-size').map((x) => x.symbol));
    const reply = REPLY_WAIT.test(s.text);
    for (const x of s.sites) {
      if ((x.kind === 'negotiates' && !x.pattern) || (isFeatureBit(x.symbol) && x.kind !== 'defines')) {
        if (fp) [x.pattern, x.patternDetail] = fp;
      }
      if (!x.pattern && x.kind === 'ioctl') [x.pattern, x.patternDetail] = s.errnos.size ? ['errno-handled', [...s.errnos].sort().join(',')] : ['errno-fatal', ''];
      if (!x.pattern && x.symbol.startsWith('struct ') && x.kind !== 'defines') {
        if (s.sizeFields.length) [x.pattern, x.patternDetail] = ['size-field', s.sizeFields[0]!];
        else if (sizeSites.has(x.symbol)) [x.pattern, x.patternDetail] = ['size-sizeof', ''];
      }
      if (!x.pattern && x.kind === 'sends' && x.symbol.startsWith('VHOST_USER_')) [x.pattern, x.patternDetail] = reply ? ['reply-awaited', ''] : ['reply-not-awaited', ''];
    }
    out.push(...s.sites);
  };

  const functionName = (n: Node): string | null => {
    if (lang === 'c') {
      let d = n.childForFieldName('declarator');
      while (d && d.type !== 'function_declarator') d = d.childForFieldName('declarator');
      return d?.childForFieldName('declarator')?.text ?? null;
    }
    const name = n.childForFieldName('name')?.text ?? null;
    for (let p = n.parent; p; p = p.parent) {
      if (p.type === 'impl_item') {
        const t = p.childForFieldName('type')?.text.replace(/<.*$/, '');
        return t ? `${t}::${name}` : name;
      }
      if (p.type === 'function_item') break;
    }
    return name;
  };

  const visit = (n: Node): void => {
    const t = n.type;
    if ((lang === 'c' && t === 'function_definition') || (lang === 'rust' && t === 'function_item')) {
      const outer = scope;
      scope = newScope(functionName(n), n.text);
      const params = n.childForFieldName('parameters');
      if (lang === 'rust') for (const p of params?.namedChildren ?? []) if (p?.type === 'parameter') rustTypedBinding(p);
      for (const c of n.children) if (c) visit(c);
      finish(scope, n);
      scope = outer;
      return;
    }
    switch (t) {
      case 'identifier': {
        const parentType = n.parent?.type;
        if (parentType === 'scoped_identifier') return;
        const sym = symbolOf(n);
        if (sym) {
          const kind = classify(sym, n);
          site(sym, n, kind, kind === 'defines' ? definedValue(n) : classifyDetail(n));
          const how = kind === 'sends' && isArgs(n.parent) ? messageSenders().get(callName(n.parent!.parent!)) : undefined;
          const reply = how && senderReply(n.parent!.parent!, how);
          if (reply) [scope.sites.at(-1)!.pattern, scope.sites.at(-1)!.patternDetail] = reply;
        }
        else if (scope !== fileScope && (parentType === 'case_statement' || parentType === 'match_pattern')) {
          const e = errnoName(n);
          if (e) scope.errnos.add(e);
        }
        // A file-level list passed on filters the features to its bits; a table of bit numbers does
        // so wherever it is used by name (assigned, returned: QEMU picks kernel_feature_bits so).
        const table = fileTables.has(n.text) && !(n.parent?.type === 'assignment_expression' && n.parent.childForFieldName('left')?.id === n.id);
        if (scope !== fileScope && fileAllowLists.has(n.text) && (table || isArgs(n.parent))) {
          for (const b of fileAllowLists.get(n.text)!) scope.allowList.add(b);
          const at = { line: row(n), text: (isArgs(n.parent) ? n.parent!.parent! : n.parent!).text.replace(/\s+/g, ' ').replace(/;$/, '').slice(0, 100) };
          scope.allowUses.push(at);
          if (table) {
            scope.tableUses++;
            if (!scope.namedLists.has(n.text)) scope.namedLists.set(n.text, at);
          }
        }
        return;
      }
      case 'scoped_identifier': {
        const sym = symbolOf(n);
        if (sym) site(sym, n, classify(sym, n));
        else {
          const e = errnoName(n);
          if (e && scope !== fileScope && (n.parent?.type === 'match_pattern' || n.parent?.type === 'binary_expression' || n.parent?.type === 'tuple_struct_pattern')) scope.errnos.add(e);
        }
        return;
      }
      case 'binary_expression':
      case 'compound_assignment_expr':
        binary(n);
        break;
      case 'assignment_expression':
        if (lang === 'c' && /^[&|]=$/.test(operatorOf(n))) binary(n);
        break;
      case 'struct_specifier':
        cStruct(n);
        break;
      case 'field_expression':
        fieldAccess(n);
        break;
      case 'sizeof_expression': {
        const v = n.childForFieldName('value')?.text.replace(/^\(|\)$/g, '').replace(/^\*/, '');
        const sym = v && scope.structVars.get(v);
        if (sym) site(sym, n, 'struct-size');
        break;
      }
      case 'initializer_list':
        if (scope === fileScope) {
          const name = assignedName(n);
          const bits = orChain(n);
          if (name && bits.size >= 2 && isFeatureVariable(name)) {
            fileAllowLists.set(name, [...bits]);
            fileTables.add(name);
          }
        }
        break;
      case 'struct_expression':
        rustStructExpr(n);
        break;
      case 'let_declaration':
        rustTypedBinding(n);
        break;
      case 'call_expression':
        if (lang === 'rust') rustSizeOf(n);
        break;
      case 'struct_item': {
        const sym = uapiStruct(n.childForFieldName('name')?.text ?? '');
        if (sym) site(sym, n, 'defines');
        break;
      }
      case 'enum_item': {
        const owner = n.childForFieldName('name')?.text ?? '';
        for (const v of n.childForFieldName('body')?.namedChildren ?? []) {
          const name = v?.type === 'enum_variant' ? v.childForFieldName('name')?.text : null;
          const sym = name && rustEnumVariant(owner, name);
          if (sym) site(sym, v!, 'defines', v!.childForFieldName('value')?.text ?? '');
        }
        return;
      }
      case 'preproc_def': {
        const sym = uapiName(n.childForFieldName('name')?.text ?? '');
        if (sym) site(sym, n, 'defines', (n.childForFieldName('value')?.text ?? '').trim().replace(/\s+/g, ' ').slice(0, 100));
        return;
      }
      case 'comment':
      case 'string_literal':
      case 'raw_string_literal':
      case 'char_literal':
        return;
    }
    for (const c of n.children) if (c) visit(c);
  };

  /** For a use inside a call: the call, so a listing shows what is passed where. */
  const classifyDetail = (symbolNode: Node): string => {
    const n = requestCall(symbolNode);
    const call = isArgs(n.parent) ? n.parent!.parent : null;
    const name = call?.type === 'call_expression' ? callName(call) : '';
    return name === 'ioctl' ? '' : name;
  };

  visit(root);
  finish(fileScope, null);
  return out;
}
