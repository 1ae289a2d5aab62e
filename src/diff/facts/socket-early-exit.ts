// socket-state-skipped: in AF_VSOCK code, the patch adds a successful early return (`return 0;`,
// `return;`) to a function that, further down, writes the socket's state (sock->state,
// sk_state, sk_shutdown, SOCK_DONE) or unlinks the socket from the bound and connected tables.
// On the new path that update no longer happens, and what a program sees from the socket, or
// what a later release or lookup finds, changes. Reviewers ask whether the skipped update was
// needed (lore: 7wufhaaytdjp3m3xv7jrdadqjg75is5eirv4bzmjzmezc7v7ls@p52fm6y537di). An error
// return is not this shape: failing before the state changes is what error paths are for.
import type { Fact } from '../../model/facts.js';
import type { AnnotatedLine } from '../annotate.js';
import { lineFact, type FileFactProducer } from './types.js';
import { bounded } from './call-changes.js';
import { detector, gated, execIn } from './literal-gate.js';
import { isVsockCode } from './socket-semantics.js';

/** A return that reports success, alone or behind a one-line condition. */
const SUCCESS_RETURN = /^\s*(?:if\s*\(.*\)\s*)?return\s*(?:0\s*)?;/;
/** A write of what the socket reports, or its removal from the lookup tables. */
const STATE_UPDATE = gated(
  /(?:->|\.)\s*(state|sk_state|sk_shutdown|peer_shutdown)\s*(?:[|&]?=(?!=))|\bsock_set_flag\s*\(\s*\w+\s*,\s*(SOCK_DONE|SOCK_DEAD)|\b(vsock_remove_sock|vsock_remove_bound|vsock_remove_connected|sock_orphan)\s*\(/,
  ['state', 'sk_shutdown', 'peer_shutdown', 'sock_set_flag', 'vsock_remove_', 'sock_orphan'],
);

/** The first state update after `lines[i]` in the same function, at most `reach` lines on. */
function updateAfter(lines: AnnotatedLine[], i: number, reach = 40): { line: AnnotatedLine; symbol: string; what: string } | null {
  const fn = lines[i]!.function;
  for (let j = i + 1; j < lines.length && j <= i + reach; j++) {
    const l = lines[j]!;
    if (l.function !== fn) return null;
    const m = execIn(l.code, STATE_UPDATE);
    if (m) return { line: l, symbol: (m[1] ?? m[2] ?? m[3])!, what: m[1] ? `the write of ${m[1]}` : m[2] ? `sock_set_flag(${m[2]})` : `${m[3]}()` };
  }
  return null;
}

export const socketEarlyExitFacts: FileFactProducer = detector(
  { files: isVsockCode, needs: [STATE_UPDATE] },
  (file, hunks) => {
    const out: Fact[] = [];
    for (const h of bounded(hunks)) {
      const lines = h.lines.filter((l) => l.kind !== '-');
      lines.forEach((l, i) => {
        if (l.kind !== '+' || !l.function || !SUCCESS_RETURN.test(l.code)) return;
        const next = updateAfter(lines, i);
        if (!next || out.some((f) => f.function === l.function)) return;
        out.push(lineFact('socket-state-skipped', next.symbol, file, l, {
          detail: `this patch adds an early successful return to ${l.function}() (${file.path}) that skips ${next.what} further down: on that path the socket keeps its old state, so what a program sees from it, or what a later release or lookup finds, changes`,
        }));
      });
    }
    return out;
  },
);
