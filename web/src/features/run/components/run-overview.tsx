// The run's overview tab: params, tags, latest metrics, and a chart per metric.
import { useParams } from 'react-router';
import { useRun } from '@/features/run/api/get-run';
import { KeyValueTable } from '@/features/run/components/key-value-table';
import { MetricChartCard } from '@/features/run/components/metric-chart-card';
import { MetricsTable } from '@/features/run/components/metrics-table';
import { ChartControls, useChartOptions } from '@/components/chart-controls';
import { LoadingState } from '@/components/states';

/** Past this many metrics, charts render only when scrolled into view. */
export const EAGER_CHARTS = 6;

export function RunOverview() {
  const { runId = '' } = useParams();
  const run = useRun(runId);
  const options = useChartOptions();
  if (!run.data) return <LoadingState />;
  const { params = [], tags = [], metrics = [] } = run.data.data;
  const userTags = tags.filter((t) => !t.key.startsWith('mlflow.'));
  const systemTags = tags.filter((t) => t.key.startsWith('mlflow.'));
  const keys = [...new Set(metrics.map((m) => m.key))].sort((a, b) => a.localeCompare(b));
  return (
    <div className="run-overview">
      <div className="run-overview__tables">
        <section aria-labelledby="params-heading">
          <h2 id="params-heading">Parameters ({params.length})</h2>
          <KeyValueTable rows={params} caption="Parameters" testId="params-table" emptyText="No parameters." />
        </section>
        <section aria-labelledby="tags-heading">
          <h2 id="tags-heading">Tags ({userTags.length})</h2>
          <KeyValueTable rows={userTags} caption="Tags" testId="tags-table" emptyText="No tags." />
          {systemTags.length > 0 && (
            <details className="system-tags">
              <summary>System tags ({systemTags.length})</summary>
              <KeyValueTable rows={systemTags} caption="System tags" emptyText="" />
            </details>
          )}
        </section>
        <section aria-labelledby="metrics-heading">
          <h2 id="metrics-heading">Metrics ({keys.length})</h2>
          <MetricsTable metrics={metrics} />
        </section>
      </div>
      {keys.length > 0 && (
        <section aria-labelledby="charts-heading">
          <div className="toolbar">
            <h2 id="charts-heading">Charts</h2>
            <span className="toolbar__spacer" />
            <ChartControls mode={options.mode} logScale={options.logScale}
              onModeChange={options.setMode} onLogScaleChange={options.setLogScale} />
          </div>
          <div className="metric-grid">
            {keys.map((key) => (
              <MetricChartCard key={key} runId={runId} metricKey={key} startTime={run.data.info.start_time}
                mode={options.mode} logScale={options.logScale} lazy={keys.length > EAGER_CHARTS} />
            ))}
          </div>
        </section>
      )}
    </div>
  );
}
