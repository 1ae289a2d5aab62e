// Where the tests find their inputs. The repository root is the nearest directory above
// this file holding the project's package.json (dist/test/spec/.. when built in place);
// a build in another directory falls back to the current directory.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && /"name":\s*"patch-review"/.test(readFileSync(pkg, 'utf8'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

export const repoRoot = findRepoRoot();
export const fixturesDir = path.join(repoRoot, 'test', 'spec', 'fixtures');
export const virtioFixture = path.join(fixturesDir, 'virtio');
export const vhostUserFixture = path.join(fixturesDir, 'toy-vhost-user.rst');

/** ../shared next to the checkout: read-only real documents, absent on some machines. */
export const sharedDir = path.resolve(repoRoot, '..', 'shared');
export const realVirtioDir = path.join(sharedDir, 'spec', 'virtio-spec');
export const realVhostUser = path.join(sharedDir, 'spec', 'qemu-docs', 'vhost-user.rst');

/** A skip reason for node:test when the real documents are not there, else false. */
export const skipWithoutShared: string | false = existsSync(path.join(realVirtioDir, 'virtio.tex')) && existsSync(realVhostUser)
  ? false
  : `needs ${path.join(sharedDir, 'spec')} (the real virtio spec and vhost-user.rst); not present here`;
