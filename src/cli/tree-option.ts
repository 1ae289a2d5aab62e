// --tree DIR / --no-tree, and the tree found from the working directory where a review runs
// inside one (the send-email hook, b4, --git): what the diff stage gets from it — the
// tree's own uAPI headers for the catalogue, the QEMU tree's vhost-user.rst for the spec
// checks — and the line the report prints about it.
import type { DiffContext } from '../diff/facts.js';
import { describeTree, findTree, treeAt, type SourceTree } from '../diff/tree/detect.js';
import { InputError } from '../model/errors.js';

export interface TreeChoice {
  tree?: string;
  noTree?: boolean;
  /** Whether this kind of run looks for a tree in `cwd` by itself. */
  auto: boolean;
  cwd: string;
}

export function chooseTree(c: TreeChoice): SourceTree | null {
  if (c.noTree) return null;
  if (c.tree !== undefined) {
    const t = treeAt(c.tree);
    if (!t) throw new InputError(c.tree, 'not a kernel tree (MAINTAINERS and include/uapi/linux) or a QEMU tree (docs/interop/vhost-user.rst and hw/virtio)');
    return t;
  }
  return c.auto ? findTree(c.cwd) : null;
}

/**
 * Fills the diff context from a tree: explicit --headers and --spec-index still win.
 * Returns the lines saying what was used.
 */
export async function applyTree(tree: SourceTree | null, ctx: DiffContext): Promise<string[]> {
  const used: string[] = [];
  if (tree) {
    ctx.tree = tree;
    used.push(describeTree(tree));
    if (tree.kind === 'kernel' && !ctx.headersDir) ctx.headersDir = tree.uapiLinuxDir!;
    if (tree.kind === 'qemu' && !ctx.spec?.vhostUser && tree.vhostUserDoc) {
      const { indexVhostUser } = await import('../spec/vhost-user.js');
      ctx.spec = { ...(ctx.spec ?? {}), vhostUser: indexVhostUser(tree.vhostUserDoc) };
    }
  }
  if (ctx.headersDir && !(tree?.kind === 'kernel' && ctx.headersDir === tree.uapiLinuxDir)) used.push(`uAPI headers from ${ctx.headersDir}`);
  if (!tree) used.push(`no source tree: layouts and request numbers are read from the patch, not compiled${ctx.headersDir ? '' : '; uAPI headers from /usr/include/linux'}`);
  return used;
}
