// `consumers index`: parses each checkout's C and Rust files and stores their uAPI use sites.
// Incremental by commit: a checkout whose HEAD is already indexed is skipped; a moved HEAD
// replaces that checkout's rows.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SqliteDb } from '../io/sqlite-file.js';
import { readCheckout, sourceFiles, type Checkout } from './checkout.js';
import { extractUses } from './extract.js';
import { languageOf, loadParsers } from './parser.js';
import type { UseSite } from './types.js';

/** Files worth parsing name one of these; the rest cannot hold a use. */
const MAY_USE = /VHOST|VIRTIO|VFIO|IOMMU|VDPA|VDUSE|vhost_|vfio_|iommu_|virtio_|vdpa_|vduse_|FrontendReq|BackendReq|MasterReq|SlaveReq|VhostUser/;
const MAX_FILE = 2 << 20;

export interface IndexResult {
  checkout: Checkout;
  status: 'indexed' | 'up-to-date';
  files: number;
  parsed: number;
  uses: number;
  ms: number;
}

export async function indexCheckout(db: SqliteDb, dir: string): Promise<IndexResult> {
  const t0 = performance.now();
  const c = readCheckout(dir);
  const known = db.one<{ id: number; head: string }>('SELECT id, head FROM checkouts WHERE path = ?', [c.path]);
  if (known?.head === c.head) return { checkout: c, status: 'up-to-date', files: 0, parsed: 0, uses: 0, ms: performance.now() - t0 };
  const parsers = await loadParsers();
  const files = sourceFiles(c);
  db.run('BEGIN');
  try {
    if (known) {
      db.run('DELETE FROM uses WHERE file IN (SELECT id FROM files WHERE checkout = ?)', [known.id]);
      db.run('DELETE FROM files WHERE checkout = ?', [known.id]);
      db.run('UPDATE checkouts SET project = ?, version = ?, head = ? WHERE id = ?', [c.project, c.version, c.head, known.id]);
    } else db.run('INSERT INTO checkouts(path, project, version, head) VALUES (?, ?, ?, ?)', [c.path, c.project, c.version, c.head]);
    const checkoutId = known?.id ?? db.one<{ id: number }>('SELECT last_insert_rowid() AS id')!.id;
    const symIds = new Map<string, number>();
    for (const r of db.all<{ id: number; name: string }>('SELECT id, name FROM symbols')) symIds.set(r.name, r.id);
    const symbolId = (name: string): number => {
      let id = symIds.get(name);
      if (id === undefined) {
        db.run('INSERT INTO symbols(name) VALUES (?)', [name]);
        id = db.one<{ id: number }>('SELECT last_insert_rowid() AS id')!.id;
        symIds.set(name, id);
      }
      return id;
    };
    const insert = db.db.prepare('INSERT INTO uses(sym, file, line, func, kind, detail, pattern, pattern_detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    let parsed = 0;
    let uses = 0;
    try {
      for (const rel of files) {
        const abs = join(c.path, rel);
        let text: string;
        try {
          if (statSync(abs).size > MAX_FILE) continue;
          text = readFileSync(abs, 'utf8');
        } catch {
          continue; // listed by git but gone from the work tree
        }
        if (!MAY_USE.test(text)) continue;
        const lang = languageOf(rel)!;
        const tree = parsers.parser(lang).parse(text);
        if (!tree) continue;
        let found: UseSite[];
        try {
          found = extractUses(tree.rootNode, lang, rel);
        } finally {
          tree.delete();
        }
        parsed++;
        if (found.length === 0) continue;
        db.run('INSERT INTO files(checkout, path) VALUES (?, ?)', [checkoutId, rel]);
        const fileId = db.one<{ id: number }>('SELECT last_insert_rowid() AS id')!.id;
        for (const u of found) {
          insert.run([symbolId(u.symbol), fileId, u.line, u.function, u.kind, u.detail, u.pattern, u.patternDetail]);
          uses++;
        }
      }
    } finally {
      insert.free();
    }
    db.run('UPDATE checkouts SET files = ?, indexed_at = ? WHERE id = ?', [parsed, Math.floor(Date.now() / 1000), checkoutId]);
    db.run('COMMIT');
    return { checkout: c, status: 'indexed', files: files.length, parsed, uses, ms: performance.now() - t0 };
  } catch (e) {
    db.run('ROLLBACK');
    throw e;
  }
}
