// The one series tracker: which series each patch of a stream belongs to (the one key,
// seriesKeyOf), the series summaries still open, and the cover letters their patches refer
// to. Patches arrive in input order, whether analyzed here or by worker threads.
import type { IngestItem } from '../ingest/read-input.js';
import type { Patch } from '../model/patch.js';
import type { SeriesInfo } from '../model/report.js';
import { mergeSeries, newSeries, seriesKeyOf, seriesVerdictPoint, type SeriesSummary } from '../analyze/series.js';

/** Bounds memory on archives where some series never complete. */
const MAX_OPEN = 10_000;

export interface SeriesPlace {
  info: SeriesInfo;
  series: SeriesSummary;
  /** All of the series was seen and this is its last patch: judge the series now. */
  judge: boolean;
}

export class SeriesTracker {
  private readonly open = new Map<string, SeriesSummary>();
  private readonly covers = new Map<string, string>();

  /** A mail that is not reviewed: a cover letter is the thread root its patches refer to. */
  skipped(item: Extract<IngestItem, { kind: 'skipped' }>): void {
    if (item.reason === 'cover-letter' && item.messageId && (item.prefix.total ?? 0) > 1) {
      this.covers.set(item.messageId, item.subject);
      if (this.covers.size > MAX_OPEN) this.covers.delete(this.covers.keys().next().value as string);
    }
  }

  /** Adds a patch's contribution (see foldIntoSeries) to its series and says where it stands. */
  add(patch: Patch, delta: SeriesSummary): SeriesPlace {
    const key = seriesKeyOf(patch, this.covers);
    let series = this.open.get(key);
    if (!series) {
      series = newSeries(key);
      this.open.set(key, series);
    }
    mergeSeries(series, delta);
    const { judge, closes } = seriesVerdictPoint(patch, series);
    // The last patch closes its series, whether or not all of it came.
    if (closes) this.open.delete(key);
    if (this.open.size > MAX_OPEN) this.open.delete(this.open.keys().next().value as string);
    const { version, index, total } = patch.prefix;
    return { info: { key, version, index, total, coverLetter: this.covers.get(key.split('|')[0]!) ?? null }, series, judge };
  }
}
