// A citation should take the reader to the mail that makes the point. A reply that only gives an
// Acked-by/Reviewed-by tag says nothing of its own; the mail it replies to (its In-Reply-To) is
// usually the one meant.

const QUOTED = /^\s*>/;
const ATTRIBUTION = /\b(?:wrote|writes|schrieb|a écrit|escribió)\s*:\s*$/i;
const SIGNATURE = /^-- ?$/;
const LIST_FOOTER = /^_{20,}\s*$/;
const TAG = /^\s*(?:Acked|Reviewed|Tested|Reported|Suggested|Signed-off)-by\s*:/i;
/** Salutations and sign-offs that carry no content either. */
const FILLER = /^\s*(?:(?:hi|hello|thanks|thank you|cheers|regards|best regards|br|looks good(?: to me)?|lgtm|for (?:the )?(?:whole )?series|for this (?:one|patch|series)|sure|ok|yes)[\s,.!:]*)+$/i;
/** A greeting or sign-off line that is just a name ("Jason", "Michael S. Tsirkin"). */
const NAME = /^\s*[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,2}[\s,.]*$/;

/** The lines a reply wrote itself: no quotes, attribution lines or signature. */
export function ownText(body: string): string[] {
  const out: string[] = [];
  for (const line of body.split('\n')) {
    if (SIGNATURE.test(line) || LIST_FOOTER.test(line)) break;
    if (QUOTED.test(line)) continue;
    if (ATTRIBUTION.test(line)) {
      if (out.length > 0 && /^On\s/.test(out[out.length - 1]!)) out.pop();
      continue;
    }
    if (line.trim()) out.push(line);
  }
  return out;
}

/** True when the mail's own text is review tags and nothing else worth citing. */
export function isAckOnly(body: string): boolean {
  const own = ownText(body);
  return own.some((l) => TAG.test(l)) && own.every((l) => TAG.test(l) || FILLER.test(l) || NAME.test(l));
}
