// Build step: compile the built-in knowledge base into dist/knowledge.snapshot.json so that
// a review never parses YAML. Invalid entries do not fail the build (kb lint does), but
// they are listed so the author sees them at once.
import { readSources, hashSources, writeSnapshot } from './load.js';
import { BUILTIN_KNOWLEDGE, BUILTIN_SNAPSHOT } from '../io/paths.js';
import { compileSources } from './compile.js';

const sources = readSources(BUILTIN_KNOWLEDGE);
const hash = hashSources(sources);
const { entries, problems } = compileSources(sources);
writeSnapshot(BUILTIN_SNAPSHOT, BUILTIN_KNOWLEDGE, entries, hash);
for (const p of problems.slice(0, 20)) process.stderr.write(`knowledge/${p.file}: ${p.field ? p.field + ': ' : ''}${p.message}\n`);
if (problems.length > 20) process.stderr.write(`… and ${problems.length - 20} more problems (run: patch-review kb lint)\n`);
process.stdout.write(`knowledge snapshot: ${entries.length} entries${problems.length ? `, ${problems.length} problems` : ''}\n`);
