// The latest value of every metric of a run, with the step and time it was logged at.
import { formatMetric, formatTime } from '@/lib/format';
import type { Metric } from '@/types/mlflow';

export function MetricsTable({ metrics }: { metrics: readonly Metric[] }) {
  if (metrics.length === 0) return <p className="muted">This run has logged no metrics.</p>;
  const sorted = [...metrics].sort((a, b) => a.key.localeCompare(b.key));
  return (
    <table className="kv-table" data-testid="metrics-table">
      <thead>
        <tr>
          <th scope="col">Metric</th>
          <th scope="col" className="is-right">Latest value</th>
          <th scope="col" className="is-right">Step</th>
          <th scope="col">Logged at</th>
        </tr>
      </thead>
      <tbody>
        {sorted.map((m) => (
          <tr key={m.key}>
            <th scope="row"><a href={`#chart-${encodeURIComponent(m.key)}`}>{m.key}</a></th>
            <td className="is-right">{formatMetric(m.value)}</td>
            <td className="is-right">{m.step ?? 0}</td>
            <td>{formatTime(m.timestamp)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
