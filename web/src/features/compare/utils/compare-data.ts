// Pure helpers for the compare page: the run list from the URL, key unions, side-by-side rows with
// differences marked, and metric points grouped into one chart series per run.
import type { SeriesInput } from '@/components/line-chart-data';
import type { MetricWithRunId, Run } from '@/types/mlflow';

/** "a, b,,a" -> ["a", "b"]: order kept, blanks and repeats dropped. */
export function parseList(value: string | null): string[] {
  if (!value) return [];
  const seen = new Set<string>();
  for (const item of value.split(',')) {
    const trimmed = item.trim();
    if (trimmed !== '') seen.add(trimmed);
  }
  return [...seen];
}

export function runLabel(run: Run): string {
  return run.info.run_name || run.info.run_id.slice(0, 8);
}

export function metricKeysOf(runs: readonly Run[]): string[] {
  const keys = new Set<string>();
  for (const run of runs) for (const m of run.data.metrics ?? []) keys.add(m.key);
  return [...keys].sort((a, b) => a.localeCompare(b));
}

export interface SideBySideRow {
  key: string;
  /** One value per run, undefined where the run lacks the key. */
  values: (string | undefined)[];
  differs: boolean;
}

/** Rows of key -> value per run; a row differs when any two runs disagree (missing counts). */
export function sideBySide(perRun: readonly ReadonlyMap<string, string>[]): SideBySideRow[] {
  const keys = new Set<string>();
  for (const map of perRun) for (const key of map.keys()) keys.add(key);
  return [...keys].sort((a, b) => a.localeCompare(b)).map((key) => {
    const values = perRun.map((map) => map.get(key));
    return { key, values, differs: new Set(values).size > 1 };
  });
}

export function paramMaps(runs: readonly Run[]): Map<string, string>[] {
  return runs.map((run) => new Map((run.data.params ?? []).map((p) => [p.key, p.value])));
}

export function metricMaps(runs: readonly Run[], format: (v: number | string) => string)
  : Map<string, string>[] {
  return runs.map((run) => new Map((run.data.metrics ?? []).map((m) => [m.key, format(m.value)])));
}

/** One chart series per run (in the order of `runs`), from a bulk-interval answer. */
export function seriesPerRun(runs: readonly Run[], points: readonly MetricWithRunId[]): SeriesInput[] {
  const byRun = new Map<string, MetricWithRunId[]>();
  for (const point of points) {
    const list = byRun.get(point.run_id);
    if (list) list.push(point);
    else byRun.set(point.run_id, [point]);
  }
  return runs.map((run) => ({
    label: runLabel(run),
    points: byRun.get(run.info.run_id) ?? [],
    startTime: run.info.start_time,
  }));
}
