// Commit-message trailers: the last paragraph's "Key: value" lines (git interpret-trailers rules, simplified).
import type { Trailer } from '../model/patch.js';

const KNOWN: Record<string, string> = {
  'signed-off-by': 'Signed-off-by',
  'reviewed-by': 'Reviewed-by',
  'acked-by': 'Acked-by',
  'tested-by': 'Tested-by',
  'reported-by': 'Reported-by',
  'suggested-by': 'Suggested-by',
  'co-developed-by': 'Co-developed-by',
  fixes: 'Fixes',
  link: 'Link',
  closes: 'Closes',
  cc: 'Cc',
  'message-id': 'Message-Id',
  'patch-review-ack': 'Patch-Review-Ack',
};

const TRAILER_LINE = /^([A-Za-z][A-Za-z0-9-]{0,40}):\s*(.*)$/;

/** Trailers of a commit message. Lines of the last paragraph that are not trailers are tolerated (git allows 25%). */
export function parseTrailers(message: string): Trailer[] {
  const paragraphs = message.replace(/\s+$/, '').split(/\n[ \t]*\n/);
  // The last paragraph that contains a Signed-off-by or known trailer; usually the last one.
  for (let p = paragraphs.length - 1; p >= 0; p--) {
    const lines = paragraphs[p]!.split('\n').filter((l) => l.trim() !== '');
    const trailers: Trailer[] = [];
    let other = 0;
    for (const line of lines) {
      const m = TRAILER_LINE.exec(line.trim());
      if (m && !/^https?$/i.test(m[1]!)) {
        const key = KNOWN[m[1]!.toLowerCase()] ?? m[1]!;
        trailers.push({ key, value: m[2]!.trim() });
      } else if (/^\s/.test(line) && trailers.length > 0) {
        // continuation line
        trailers[trailers.length - 1]!.value += ' ' + line.trim();
      } else other++;
    }
    if (trailers.length > 0 && other * 4 <= lines.length) return trailers;
    if (trailers.length > 0 || p < paragraphs.length - 1) break;
  }
  return [];
}
