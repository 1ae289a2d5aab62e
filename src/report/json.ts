// {"schema":1,"tool":…,"patches":[…],"summary":…}, written patch by patch; and JSON Lines.
import type { FormatterFactory } from './formatter.js';
import type { PatchReport } from '../model/report.js';

export function patchJson(r: PatchReport) {
  return {
    subject: r.patch.subject,
    rawSubject: r.patch.rawSubject,
    messageId: r.patch.messageId,
    source: r.patch.source,
    author: r.patch.author,
    date: r.patch.date,
    version: r.patch.prefix.version,
    index: r.patch.prefix.index,
    total: r.patch.prefix.total,
    series: r.series ? { key: r.series.key, coverLetter: r.series.coverLetter } : null,
    files: r.files.map((f) => f.path),
    findings: r.findings,
    ...(r.prior ? { priorDiscussion: r.prior.json } : {}),
  };
}

export const jsonFormatter: FormatterFactory = (ctx) => {
  let first = true;
  return {
    lean: true,
    begin: () => `{"schema":1,"tool":${JSON.stringify(ctx.tool)},"patches":[`,
    patch(r) {
      const s = (first ? '\n' : ',\n') + JSON.stringify(patchJson(r));
      first = false;
      return s;
    },
    end: (summary) => `\n],"summary":${JSON.stringify(summary)}}\n`,
  };
};

export const jsonlFormatter: FormatterFactory = () => ({
  lean: true,
  begin: () => '',
  patch: (r) => JSON.stringify(patchJson(r)) + '\n',
  end: () => '',
});
