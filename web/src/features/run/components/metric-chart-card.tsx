// One metric's chart on the run page. Points come downsampled by the server to about one per
// pixel of width; dragging out a step range asks the server again for just that range, so zooming
// into a long history shows its real detail. Off-screen cards fetch nothing until scrolled to.
import { useLayoutEffect, useMemo, useState } from 'react';
import { useMetricHistoryInterval } from '@/features/run/api/get-metric-history-interval';
import { LineChart } from '@/components/line-chart';
import { hasDrawablePoints, pointsForWidth, shapeChartData, stepRangeFor } from '@/components/line-chart-data';
import type { StepRange, XAxisMode } from '@/components/line-chart-data';
import { useInView } from '@/components/use-in-view';
import { errorMessage } from '@/lib/api';

export interface MetricChartCardProps {
  runId: string;
  metricKey: string;
  startTime: number | undefined;
  mode: XAxisMode;
  logScale: boolean;
  lazy: boolean;
}

export function MetricChartCard({ runId, metricKey, startTime, mode, logScale, lazy }: MetricChartCardProps) {
  const { ref, inView } = useInView<HTMLElement>(lazy);
  // Only a wider chart asks again: a narrower one draws the points it has just as well.
  const [maxResults, setMaxResults] = useState(pointsForWidth(800));
  // Nothing is fetched before the card's width is known, so the first request is the right size.
  const [measured, setMeasured] = useState(false);
  const growTo = (widthPx: number) => setMaxResults((prev) => Math.max(prev, pointsForWidth(widthPx)));
  const [zoom, setZoom] = useState<StepRange | null>(null);
  const range = mode === 'step' ? zoom : null;
  useLayoutEffect(() => {
    const width = ref.current?.clientWidth ?? 0;
    if (width > 0) setMaxResults(pointsForWidth(width));
    setMeasured(true);
  }, [ref]);

  const history = useMetricHistoryInterval(
    { runId, metricKey, maxResults, range }, inView && measured);
  const data = useMemo(
    () => (history.data ? shapeChartData([{ label: metricKey, points: history.data, startTime }], mode, logScale) : null),
    [history.data, metricKey, startTime, mode, logScale]);

  const state = !inView ? 'waiting' : history.isError ? 'error' : !data ? 'loading' : !hasDrawablePoints(data) ? 'empty' : 'ready';
  return (
    <section ref={ref} className="metric-card" data-testid="metric-chart" data-metric-key={metricKey}
      data-state={state} id={`chart-${encodeURIComponent(metricKey)}`}>
      <h3 className="metric-card__title">
        {metricKey}
        {history.isFetching && data && <span className="spinner" aria-label="Updating" />}
      </h3>
      {state === 'error' && <div className="inline-error" role="alert">{errorMessage(history.error)}</div>}
      {(state === 'loading' || state === 'waiting') && <div className="metric-card__placeholder muted">Loading…</div>}
      {state === 'empty' && (
        <div className="metric-card__placeholder muted">
          {!data || data.xs.length === 0
            ? 'No values in this range.'
            : logScale ? 'No positive, finite values to draw on a log scale.' : 'Only NaN or infinite values: nothing to draw.'}
        </div>
      )}
      {state === 'ready' && data && (
        <LineChart data={data} mode={mode} logScale={logScale} testId="metric-chart-plot"
          ariaLabel={`${metricKey} by ${mode === 'step' ? 'step' : 'time'}`}
          onWidth={growTo}
          onZoom={(min, max) => { if (mode === 'step') setZoom(stepRangeFor(min, max)); }}
          onResetZoom={() => setZoom(null)} />
      )}
    </section>
  );
}
