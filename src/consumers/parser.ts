// C and Rust parsers: tree-sitter grammars compiled to WebAssembly, run by web-tree-sitter.
// The grammars come prebuilt inside the tree-sitter-wasms package (no install script, nothing
// compiled or downloaded at install time); web-tree-sitter 0.25 loads their ABI 14 modules.
// Only `consumers index` loads this module: reviews and queries read the index and never do.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Parser, Language } from 'web-tree-sitter';

export type SourceLanguage = 'c' | 'rust';

const require = createRequire(import.meta.url);

export interface Parsers {
  parser(lang: SourceLanguage): Parser;
}

let loaded: Promise<Parsers> | null = null;

export function loadParsers(): Promise<Parsers> {
  loaded ??= (async () => {
    await Parser.init();
    const dir = join(dirname(require.resolve('tree-sitter-wasms/package.json')), 'out');
    // One after the other: two modules linking into the runtime at once fail to resolve their symbols.
    const c = await Language.load(join(dir, 'tree-sitter-c.wasm'));
    const rust = await Language.load(join(dir, 'tree-sitter-rust.wasm'));
    const parsers = { c: new Parser(), rust: new Parser() };
    parsers.c.setLanguage(c);
    parsers.rust.setLanguage(rust);
    return { parser: (lang) => parsers[lang] };
  })();
  return loaded;
}

/** The language of a source file by its name, or null for files the index does not read. */
export function languageOf(path: string): SourceLanguage | null {
  if (/\.(c|h)$/.test(path)) return 'c';
  if (path.endsWith('.rs')) return 'rust';
  return null;
}
