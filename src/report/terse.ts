// checkpatch-style: "FILE:LINE: ERROR|WARNING|NOTE: [ruleId] message", one line per finding.
// Used by b4's per-patch check command, which looks for "ERROR:" in each line.
import type { FormatterFactory } from './formatter.js';

export const terseFormatter: FormatterFactory = () => ({
  lean: true,
  begin: () => '',
  patch(r) {
    return r.findings
      .map((f) => {
        const where = f.file ? `${f.file}:${f.line ?? 0}` : `${r.patch.source}:0`;
        const sev = f.acknowledged ? 'NOTE' : f.severity.toUpperCase();
        const ack = f.acknowledged ? ' (acknowledged)' : '';
        return `${where}: ${sev}: [${f.ruleId}] ${f.title}${ack}\n`;
      })
      .join('');
  },
  end: () => '',
});
