// File globs → regular expression source, at knowledge compile time. The globs entries use are
// plain paths with *, ? and whole-segment **; those get a short expression written here (a
// review parses every one of them from the snapshot). Anything else goes to picomatch.
import picomatch from 'picomatch';

const SIMPLE = /^[A-Za-z0-9._\-/*?]+$/;

/** The glob as an anchored expression, or null when it uses more than the simple subset. */
export function simpleGlobSource(glob: string): string | null {
  if (!SIMPLE.test(glob) || glob.startsWith('/') || glob.endsWith('/') || glob.includes('//')) return null;
  const segments = glob.split('/');
  // ** must be a whole segment; *** or a**b is left to picomatch.
  if (segments.some((s, i) => (s.includes('**') && s !== '**') || (s === '**' && segments[i + 1] === '**'))) return null;
  let out = '';
  segments.forEach((seg, i) => {
    const last = i === segments.length - 1;
    if (seg === '**') {
      // Zero or more whole segments: "a/**" also matches "a", "**/b" also matches "b". As in
      // picomatch, a wildcard directory ("virtio*/**") must have something under it.
      if (last) out = i === 0 ? '.*' : /[*?]/.test(segments[i - 1]!) ? `${out}.*` : `${out.slice(0, -1)}(?:/.*)?`;
      else out += '(?:.*/)?';
      return;
    }
    out += seg.replace(/[.\-]/g, (c) => `\\${c}`).replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]') + (last ? '' : '/');
  });
  return `^${out}$`;
}

/** All the globs as one alternation (files match if any glob does). */
export function globsToRegex(globs: string[]): string {
  return globs.map((g) => `(?:${simpleGlobSource(g) ?? picomatch.makeRe(g, { dot: true }).source})`).join('|');
}
