// Text from a patch (a variable path, a field) spliced into a pattern must match only itself.

/** `s` with every regular-expression metacharacter escaped. */
export const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
