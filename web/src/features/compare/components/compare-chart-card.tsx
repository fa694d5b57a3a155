// One metric of several runs on one chart: a single bulk-interval request returns every run's
// points on a shared set of downsampled steps; each run is a series, named in the legend. As on the
// run page, dragging out a step range fetches that range again at full detail.
import { useLayoutEffect, useMemo, useState } from 'react';
import { useRunsMetricHistory } from '@/features/compare/api/get-metric-history-interval';
import { seriesPerRun } from '@/features/compare/utils/compare-data';
import { LineChart } from '@/components/line-chart';
import { hasDrawablePoints, pointsForWidth, shapeChartData, stepRangeFor } from '@/components/line-chart-data';
import type { StepRange, XAxisMode } from '@/components/line-chart-data';
import { useInView } from '@/components/use-in-view';
import { errorMessage } from '@/lib/api';
import type { Run } from '@/types/mlflow';

export interface CompareChartCardProps {
  runs: readonly Run[];
  metricKey: string;
  mode: XAxisMode;
  logScale: boolean;
  lazy: boolean;
}

export function CompareChartCard({ runs, metricKey, mode, logScale, lazy }: CompareChartCardProps) {
  const { ref, inView } = useInView<HTMLElement>(lazy);
  // Only a wider chart asks again: a narrower one draws the points it has just as well.
  const [maxResults, setMaxResults] = useState(pointsForWidth(800));
  // Nothing is fetched before the card's width is known, so the first request is the right size.
  const [measured, setMeasured] = useState(false);
  const growTo = (widthPx: number) => setMaxResults((prev) => Math.max(prev, pointsForWidth(widthPx)));
  useLayoutEffect(() => {
    const width = ref.current?.clientWidth ?? 0;
    if (width > 0) setMaxResults(pointsForWidth(width));
    setMeasured(true);
  }, [ref]);
  const [zoom, setZoom] = useState<StepRange | null>(null);
  const range = mode === 'step' ? zoom : null;
  const runIds = useMemo(() => runs.map((r) => r.info.run_id), [runs]);
  const history = useRunsMetricHistory({ runIds, metricKey, maxResults, range }, inView && measured);
  const data = useMemo(
    () => (history.data ? shapeChartData(seriesPerRun(runs, history.data), mode, logScale) : null),
    [history.data, runs, mode, logScale]);
  const state = !inView ? 'waiting' : history.isError ? 'error' : !data ? 'loading' : !hasDrawablePoints(data) ? 'empty' : 'ready';
  return (
    <section ref={ref} className="metric-card" data-testid="compare-chart" data-metric-key={metricKey} data-state={state}>
      <h3 className="metric-card__title">{metricKey}</h3>
      {state === 'error' && <div className="inline-error" role="alert">{errorMessage(history.error)}</div>}
      {(state === 'loading' || state === 'waiting') && <div className="metric-card__placeholder muted">Loading…</div>}
      {state === 'empty' && (
        <div className="metric-card__placeholder muted">
          {data && data.xs.length > 0
            ? `No ${logScale ? 'positive, ' : ''}finite values of ${metricKey} to draw.`
            : `None of these runs logged ${metricKey}.`}
        </div>
      )}
      {state === 'ready' && data && (
        <LineChart data={data} mode={mode} logScale={logScale} testId="compare-chart-plot"
          ariaLabel={`${metricKey} of ${runs.length} runs`} onWidth={growTo}
          onZoom={(min, max) => { if (mode === 'step') setZoom(stepRangeFor(min, max)); }}
          onResetZoom={() => setZoom(null)} />
      )}
    </section>
  );
}
