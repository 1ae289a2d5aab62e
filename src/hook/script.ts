// The sendemail-validate hook script that `patch-review hook install` writes. It runs a hook it
// replaced first, then patch-review; if patch-review cannot run at all (node gone, a crash) the
// script itself applies the fail-open/fail-closed policy, since nothing else is left to do it.
import type { OnError } from '../config/project-config.js';
import type { FailOn } from '../config/policy.js';

export const HOOK_NAME = 'sendemail-validate';
/** Where an existing hook is kept while ours is installed; uninstall puts it back. */
export const CHAINED_NAME = 'sendemail-validate.pre-patch-review';
const MARKER = '# patch-review sendemail-validate hook';

export interface ScriptSettings {
  node: string;
  cli: string;
  failOn?: FailOn;
  onError: OnError;
}

/** Single-quotes a word for sh. */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function isOurHook(text: string): boolean {
  return text.split('\n', 3).some((l) => l.startsWith(MARKER));
}

export function hookScript(s: ScriptSettings): string {
  const failOn = s.failOn ? ` --fail-on ${s.failOn}` : '';
  return `#!/bin/sh
${MARKER} (installed by \`patch-review hook install\`;
# \`patch-review hook uninstall\` removes it and restores any hook it replaced).
# git send-email runs it once per outgoing file: $1 is the patch; git 2.41 and later also
# pass the SMTP headers as $2, which is not a patch and is never reviewed.
node=${shQuote(s.node)}
cli=${shQuote(s.cli)}
on_error=${s.onError}

chained="$(dirname "$0")/${CHAINED_NAME}"
if [ -x "$chained" ]; then
	"$chained" "$@" || exit $?
fi

"$node" "$cli" hook run --on-error "$on_error"${failOn} -- "$@"
status=$?
case $status in
0 | 1) exit $status ;;
esac
policy=$(git config --get patch-review.onError 2>/dev/null) || policy=$on_error
if [ "$policy" = closed ]; then
	echo "patch-review: the review itself failed (exit status $status); not sending, because patch-review.onError is closed" >&2
	exit 1
fi
echo "patch-review: the review itself failed (exit status $status); sending without it, because patch-review.onError is open" >&2
exit 0
`;
}
