// Trigger patterns come from Markdown files anyone can edit; a pattern with catastrophic
// backtracking could hang the send-email hook. Reject what can backtrack exponentially:
// a quantified group that itself contains a quantifier ("star height" > 1), backreferences,
// lookbehind, and very long patterns.

export const MAX_PATTERN_LENGTH = 300;

export function unsafeReason(pattern: string): string | null {
  if (pattern.length > MAX_PATTERN_LENGTH) return `longer than ${MAX_PATTERN_LENGTH} characters`;
  try {
    new RegExp(pattern);
  } catch (e) {
    return `not a valid regular expression (${(e as Error).message})`;
  }
  if (/\\[1-9]|\\k</.test(pattern)) return 'backreferences are not allowed';
  if (/\(\?<[=!]/.test(pattern)) return 'lookbehind is not allowed';
  // Walk the pattern: for each group, remember whether it contains a quantifier.
  const stack: boolean[] = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') stack.push(false);
    else if (c === ')') {
      const hadQuantifier = stack.pop() ?? false;
      const next = pattern[i + 1];
      const quantified = next === '*' || next === '+' || next === '?' || next === '{';
      if (hadQuantifier && quantified && next !== '?') return 'nested quantifier (a repeated group containing a repetition) can backtrack catastrophically';
      if (stack.length > 0 && (hadQuantifier || quantified)) stack[stack.length - 1] = true;
    } else if (c === '*' || c === '+' || c === '{') {
      if (stack.length > 0) stack[stack.length - 1] = true;
    }
  }
  return null;
}
