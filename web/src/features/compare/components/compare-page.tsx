// /compare?runs=a,b,c[&metrics=k1,k2][&x=...][&log=1]: the chosen metrics of several runs on one
// chart each (a series per run), and their params and latest metrics side by side with the rows
// that differ marked. Everything that shapes the view is in the URL, so it can be shared.
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useRuns } from '@/features/compare/api/get-runs';
import { MAX_RUNS_PER_REQUEST } from '@/features/compare/api/get-metric-history-interval';
import { CompareChartCard } from '@/features/compare/components/compare-chart-card';
import { MetricChooser } from '@/features/compare/components/metric-chooser';
import { SideBySideTable } from '@/features/compare/components/side-by-side-table';
import {
  metricKeysOf, metricMaps, paramMaps, parseList, runLabel, sideBySide,
} from '@/features/compare/utils/compare-data';
import { ChartControls, useChartOptions } from '@/components/chart-controls';
import { seriesColor } from '@/components/line-chart';
import { EmptyState, LoadingState } from '@/components/states';
import { errorMessage } from '@/lib/api';
import { formatDuration, formatMetric, formatTime } from '@/lib/format';
import type { Run } from '@/types/mlflow';
import '@/features/compare/compare.css';

/** Metrics charted when the URL names none. */
export const DEFAULT_CHARTS = 4;

function RunsLegend({ runs }: { runs: readonly Run[] }) {
  return (
    <ul className="compare-runs" aria-label="Compared runs">
      {runs.map((run, i) => (
        <li key={run.info.run_id}>
          <span className="compare-runs__swatch" style={{ background: seriesColor(i) }} aria-hidden="true" />
          <Link to={`/runs/${encodeURIComponent(run.info.run_id)}`}>{runLabel(run)}</Link>
          <span className={`badge badge--${run.info.status}`}>{run.info.status}</span>
          <span className="muted">
            {formatTime(run.info.start_time)} · {formatDuration(run.info.start_time, run.info.end_time)}
          </span>
        </li>
      ))}
    </ul>
  );
}

function CompareCharts({ runs }: { runs: readonly Run[] }) {
  const [search, setSearch] = useSearchParams();
  const options = useChartOptions();
  const keys = metricKeysOf(runs);
  const named = search.get('metrics');
  const chosen = named === null ? keys.slice(0, DEFAULT_CHARTS) : parseList(named).filter((k) => keys.includes(k));
  const setChosen = (next: string[]) => setSearch((prev) => {
    const params = new URLSearchParams(prev);
    params.set('metrics', next.join(','));
    return params;
  }, { replace: true });
  if (keys.length === 0) return <p className="muted">None of these runs has logged metrics.</p>;
  const charted = runs.slice(0, MAX_RUNS_PER_REQUEST);
  return (
    <section aria-labelledby="compare-charts-heading">
      <div className="toolbar">
        <h2 id="compare-charts-heading">Charts</h2>
        <span className="toolbar__spacer" />
        <ChartControls mode={options.mode} logScale={options.logScale}
          onModeChange={options.setMode} onLogScaleChange={options.setLogScale} />
      </div>
      <MetricChooser keys={keys} chosen={chosen} onChange={setChosen} />
      {runs.length > charted.length && (
        <p className="muted">Charts show the first {charted.length} runs.</p>
      )}
      {chosen.length === 0 && <p className="muted">Choose metrics above to chart them.</p>}
      <div className="metric-grid">
        {chosen.map((key) => (
          <CompareChartCard key={key} runs={charted} metricKey={key} mode={options.mode}
            logScale={options.logScale} lazy={chosen.length > DEFAULT_CHARTS} />
        ))}
      </div>
    </section>
  );
}

function CompareTables({ runs }: { runs: readonly Run[] }) {
  const [onlyDiffering, setOnlyDiffering] = useState(false);
  const names = runs.map(runLabel);
  return (
    <section aria-labelledby="compare-tables-heading">
      <div className="toolbar">
        <h2 id="compare-tables-heading">Side by side</h2>
        <label>
          <input type="checkbox" checked={onlyDiffering} onChange={(e) => setOnlyDiffering(e.target.checked)} /> Only
          rows that differ
        </label>
      </div>
      <SideBySideTable rows={sideBySide(paramMaps(runs))} runNames={names} onlyDiffering={onlyDiffering}
        testId="params-table" caption="Parameters" emptyText="None of these runs has parameters." />
      <SideBySideTable rows={sideBySide(metricMaps(runs, formatMetric))} runNames={names}
        onlyDiffering={onlyDiffering} testId="compare-metrics-table" caption="Latest metric values"
        emptyText="None of these runs has metrics." />
    </section>
  );
}

export function ComparePage() {
  const [search] = useSearchParams();
  const runIds = parseList(search.get('runs'));
  const queries = useRuns(runIds);
  if (runIds.length === 0) {
    return (
      <div className="page">
        <h1>Compare runs</h1>
        <EmptyState title="No runs chosen">
          Select runs in an experiment's runs table and press Compare, or open /compare?runs=ID1,ID2.
        </EmptyState>
      </div>
    );
  }
  if (queries.some((q) => q.isPending)) return <div className="page"><LoadingState label="Loading runs…" /></div>;
  const runs = queries.flatMap((q) => (q.data ? [q.data] : []));
  const failures = queries.flatMap((q, i) => (q.isError ? [`${runIds[i]}: ${errorMessage(q.error)}`] : []));
  return (
    <div className="page page--scroll compare-page">
      <h1>Compare {runs.length} {runs.length === 1 ? 'run' : 'runs'}</h1>
      {failures.length > 0 && (
        <div className="state state--error" role="alert">
          <strong>Some runs could not be loaded</strong>
          {failures.map((f) => <div key={f} className="state__detail">{f}</div>)}
        </div>
      )}
      {runs.length > 0 && (
        <>
          <RunsLegend runs={runs} />
          <CompareCharts runs={runs} />
          <CompareTables runs={runs} />
        </>
      )}
    </div>
  );
}
