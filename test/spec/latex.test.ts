// The LaTeX helpers, the document assembler and the heading numberer, on snippets
// written for these tests.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assembleDocument, positionOf } from '../../src/spec/latex-source.js';
import { parseStructure } from '../../src/spec/latex-structure.js';
import { alph, collapseWhitespace, latexToPlain, maskVerbatim, readGroup, stripComments } from '../../src/spec/latex-text.js';
import { extractStatements, findKeywords, splitSentences } from '../../src/spec/normative.js';

describe('latex-text', () => {
  it('strips comments but keeps escaped percent signs and the text length', () => {
    const src = 'a 50\\% b % gone\nnext';
    const out = stripComments(src);
    assert.equal(out.length, src.length);
    assert.equal(out.split('\n')[0]!.trimEnd(), 'a 50\\% b');
    assert.equal(out.split('\n')[1], 'next');
  });

  it('blanks code listings so nothing inside them is seen, keeping line count', () => {
    const src = 'x\n\\begin{lstlisting}\n\\section{no}\n\\end{lstlisting}\ny \\verb|\\label{no}| z';
    const out = maskVerbatim(src);
    assert.equal(out.split('\n').length, src.split('\n').length);
    assert.doesNotMatch(out, /section|label/);
    assert.match(out, /^x/);
    assert.match(out, /y +z$/);
  });

  it('reads balanced groups across lines and skips escaped braces', () => {
    const g = readGroup('  {a {b\n c} \\} d} rest', 0);
    assert.ok(g);
    assert.equal(g.content, 'a {b\n c} \\} d');
    assert.equal(readGroup('no group', 0), undefined);
    assert.equal(readGroup('[opt {x]y}] {t}', 0, '[')?.content, 'opt {x]y}');
  });

  it('turns markup into plain text and resolves references', () => {
    const refs = { number: (l: string) => (l === 'sec:A' ? '2.1' : undefined), title: (l: string) => (l === 'sec:A' ? 'Alpha' : undefined) };
    assert.equal(latexToPlain('\\field{Device Status} Field'), 'Device Status Field');
    assert.equal(latexToPlain('see \\ref{sec:A}~\\nameref{sec:A}, \\emph{or} \\ref{sec:B}', refs), 'see 2.1 Alpha, or B');
    assert.equal(latexToPlain('a\\_b \\& c --- d\\footnote{dropped} e'), 'a_b & c — d e');
    assert.equal(latexToPlain('\\hyperref[x]{shown} and \\href{http://x}{link}'), 'shown and link');
    assert.equal(collapseWhitespace(' a \n  b\t'), 'a b');
  });

  it('letters appendix chapters', () => {
    assert.deepEqual([1, 2, 26, 27].map(alph), ['A', 'B', 'Z', 'AA']);
  });
});

describe('assembleDocument', () => {
  const files: Record<string, string> = {
    'root.tex': 'pre\n\\input{a}\nmid % \\input{commented}\n\\input{b.tex}\n\\input{gone}\npost',
    'a.tex': 'A1\nA2 \\input{c}',
    'b.tex': 'B1',
    'c.tex': 'C1',
  };
  const doc = assembleDocument('root.tex', (f) => files[f]);

  it('follows \\input in reading order, skipping commented ones', () => {
    assert.deepEqual(doc.files, ['root.tex', 'a.tex', 'c.tex', 'b.tex']);
    assert.deepEqual(
      doc.missing.map((m) => m.name),
      ['gone'],
    );
    assert.match(doc.text.replace(/\s+/g, ' '), /pre A1 A2 C1 mid B1 post/);
  });

  it('maps offsets back to file and line', () => {
    assert.deepEqual(positionOf(doc, doc.text.indexOf('A2')), { file: 'a.tex', line: 2 });
    assert.deepEqual(positionOf(doc, doc.text.indexOf('post')), { file: 'root.tex', line: 6 });
    assert.deepEqual(positionOf(doc, doc.text.indexOf('C1')), { file: 'c.tex', line: 1 });
  });
});

describe('parseStructure', () => {
  const text = [
    '\\section{ignored before the body}',
    '\\begin{document}',
    '\\chapter{One}\\label{sec:One}',
    '\\section{Two \\field{Words}}\\label{sec:One /',
    '  Two}',
    'text \\label{sec:inside}',
    '\\devicenormative{\\subsection}{Multi',
    'line}{One / Two}',
    '\\subsubsection*{Starred}',
    '\\paragraph{Deep}\\label{sec:deep}',
    '\\subparagraph{Deeper}',
    '\\conformance{\\section}{Targets}\\label{sec:conf}',
    '\\conformance{\\section}{More Targets}',
    '\\appendix',
    '\\chapter[short]{Appendix One}\\label{sec:app}',
    '\\section{In Appendix}',
    '\\end{document}',
    '\\chapter{after the end}',
  ].join('\n');
  const s = parseStructure(text);
  const numbered = s.headings.filter((h) => h.number !== null);

  it('numbers every level down to subparagraph, skips starred headings, letters appendices', () => {
    assert.deepEqual(
      numbered.map((h) => h.number),
      ['1', '1.1', '1.1.1', '1.1.1.0.1', '1.1.1.0.1.1', '1.2', '1.3', 'A', 'A.1'],
    );
    assert.equal(s.headings.length, numbered.length + 1);
    assert.equal(s.headings.find((h) => h.starred)?.titleSource, 'Starred');
  });

  it('reads labels that span lines and attaches the first one to its heading', () => {
    const two = numbered[1]!;
    assert.equal(two.label, 'sec:One / Two');
    assert.deepEqual(
      two.labels.map((l) => l.name),
      ['sec:One / Two', 'sec:inside'],
    );
  });

  it('expands the normative and conformance macros into headings', () => {
    const n = numbered[2]!;
    assert.equal(n.level, 'subsection');
    assert.equal(n.normative?.kind, 'device');
    assert.equal(n.label, 'devicenormative:One / Two');
    assert.equal(collapseWhitespace(n.titleSource), 'Device Requirements: Multi line');
    assert.equal(numbered[5]!.titleSource, 'Clause 1: Targets');
    assert.equal(numbered[6]!.titleSource, 'Clause 2: More Targets');
  });

  it('gives each heading its own text and its extent', () => {
    const one = numbered[0]!;
    assert.equal(one.extentEnd, numbered[7]!.start);
    assert.equal(numbered[1]!.ownEnd, numbered[2]!.start);
    assert.equal(numbered[8]!.parent, s.headings.indexOf(numbered[7]!));
  });
});

describe('normative statements', () => {
  it('finds upper-case keywords only, across line breaks, not inside identifiers', () => {
    assert.deepEqual(findKeywords('A MUST\nNOT b, SHOULD c, may d, X_MUST_Y, MAY e, NOT RECOMMENDED f'), [
      'MUST NOT',
      'SHOULD',
      'MAY',
      'NOT RECOMMENDED',
    ]);
  });

  it('splits sentences at full stops, paragraphs and items, not after e.g. or before lower case', () => {
    const src = 'First one, e.g. this. Second\n\ntext i.e. more. Third? \\item Fourth \\item[X] Fifth.';
    assert.deepEqual(
      splitSentences(src).map((s) => s.source),
      ['First one, e.g. this.', 'Second', 'text i.e. more.', 'Third?', '\\item Fourth', '\\item[X] Fifth.'],
    );
  });

  it('keeps offsets, skips notes and folds a list into the sentence that introduces it', () => {
    const src = 'Pad. The driver MUST take a thing that is\n\\begin{itemize}\n\\item round,\n\\item red.\n\\end{itemize}\n\\begin{note}\nA note MUST be skipped.\n\\end{note}\nIt MAY stop.';
    const st = extractStatements(src, 100);
    assert.equal(st.length, 2);
    assert.equal(st[0]!.keyword, 'MUST');
    assert.match(st[0]!.text, /round; red$/);
    assert.equal(st[0]!.offset, 100 + src.indexOf('The driver'));
    assert.equal(st[1]!.keyword, 'MAY');
  });
});
