// An entry's Markdown body as sections (unified + remark-parse), for lint and rendering.
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import type { Root, RootContent } from 'mdast';

export interface BodySection {
  title: string;
  /** Top-level nodes under the heading, up to the next heading of the same or higher level. */
  nodes: RootContent[];
}

export const REQUIRED_SECTIONS = ['Contract', 'Reviewing a change'];

export function parseBody(markdown: string): Root {
  return unified().use(remarkParse).parse(markdown);
}

function text(node: RootContent | Root): string {
  if ('value' in node && typeof node.value === 'string') return node.value;
  if ('children' in node) return (node.children as RootContent[]).map(text).join('');
  return '';
}

export function bodySections(markdown: string): BodySection[] {
  const sections: BodySection[] = [];
  let current: BodySection | null = null;
  for (const node of parseBody(markdown).children) {
    if (node.type === 'heading' && node.depth === 2) {
      current = { title: text(node).trim(), nodes: [] };
      sections.push(current);
    } else if (current) current.nodes.push(node);
  }
  return sections;
}

/** Problems with the body's structure: required sections missing or empty. */
export function bodyProblems(markdown: string): string[] {
  const sections = bodySections(markdown);
  return REQUIRED_SECTIONS.flatMap((title) => {
    const s = sections.find((x) => x.title === title);
    if (!s) return [`the body has no "## ${title}" section`];
    if (s.nodes.map(text).join('').trim().length < 40) return [`the "## ${title}" section is too short to say anything`];
    return [];
  });
}
