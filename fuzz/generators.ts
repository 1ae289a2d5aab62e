// Structured generators for hostile mail (issue 19): the shapes byte mutation rarely reaches.
// Each returns a whole input the mail target must review or refuse with an InputError, in
// bounded time, and whose report carries no raw control character.
import { gzipSync } from 'node:zlib';
import type { Rng } from './mutate.js';

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
const CONTROLS = ['\x1b]0;TITLE\x07', '\x1b[2J', '\r', '\x00', '\x7f', '\u009b31m', '\u202e', '\b', '\x1b[32mOK\x1b[0m'];
const DIFF = 'diff --git a/drivers/vhost/net.c b/drivers/vhost/net.c\n--- a/drivers/vhost/net.c\n+++ b/drivers/vhost/net.c\n@@ -1,2 +1,3 @@ static int f(void)\n a;\n+\tfeatures |= VIRTIO_F_ACCESS_PLATFORM;\n b;\n';

function mail(headers: string, body: string): string {
  return `From: A <a@example.org>\nSubject: [PATCH] vhost: x\nMessage-ID: <g@example.org>\n${headers}\n${body}`;
}

export const GENERATORS: Record<string, (rng: Rng) => Buffer> = {
  /** A header folded over thousands of continuation lines. */
  headerFolding: (rng) => Buffer.from(mail(`X-Long: a${'\n '.concat('b'.repeat(Math.floor(rng() * 80))).repeat(1 + Math.floor(rng() * 5000))}\nSubject: [PATCH] ${'\n\tfolded'.repeat(Math.floor(rng() * 500))}\n`, `x\n---\n${DIFF}`)),
  /** multipart inside multipart, deeper than any client makes. */
  mimeNesting: (rng) => {
    const depth = 1 + Math.floor(rng() * 300);
    let body = `Content-Type: text/x-patch\n\n${DIFF}`;
    for (let i = depth; i > 0; i--) body = `Content-Type: multipart/mixed; boundary="b${i}"\n\n--b${i}\n${body}\n--b${i}--\n`;
    return Buffer.from(`From: A <a@example.org>\nSubject: [PATCH] x\nMIME-Version: 1.0\n${body}`);
  },
  /** Thousands of RFC 2047 encoded words, some carrying control characters. */
  rfc2047Bomb: (rng) => {
    const words = Array.from({ length: 1 + Math.floor(rng() * 20000) }, () => `=?utf-8?B?${Buffer.from(pick(rng, ['a', ...CONTROLS])).toString('base64')}?=`).join(pick(rng, [' ', '\n ', '']));
    return Buffer.from(mail(`X-Words: ${words}\nFrom: ${words.slice(0, 5000)} <e@x>\n`, `x\n---\n${DIFF}`));
  },
  /** C-quoted paths whose escapes unquote to newlines, quotes and control characters. */
  quotedPaths: (rng) => {
    const esc = pick(rng, ['\\n', '\\t', '\\033]0;T\\007', '\\"', '\\\\', '\\303\\251', '\\nERROR: [fake] x\\n# H\\n[l](javascript:x)']);
    const p = `drivers/vhost/a${esc}.c`;
    return Buffer.from(mail('', `x\n---\ndiff --git "a/${p}" "b/${p}"\n--- "a/${p}"\n+++ "b/${p}"\n@@ -1,2 +1,3 @@\n a;\n+\tfeatures |= VIRTIO_F_ACCESS_PLATFORM;\n b;\n`));
  },
  /** Control characters in Message-ID, subject, waiver reason and added lines. */
  controlCharacters: (rng) => {
    const c = () => pick(rng, CONTROLS);
    return Buffer.from(`From: A${c()} <a@example.org>\nSubject: [PATCH] vhost: x${c()}\nMessage-ID: <${c()}@evil>\n\nx\n\nPatch-Review-Ack: vhost-access-platform-offer ${c()}${c()}\n---\n${DIFF.replace('features', `features${c()}`)}`);
  },
  /** Gzip data that expands far more than mail does. */
  gzipRatio: (rng) => gzipSync(Buffer.concat([Buffer.from('From x\n\n'), Buffer.alloc((1 + Math.floor(rng() * 8)) << 20, pick(rng, [0, 0x20, 0x61]))]), { level: 1 }),
};
