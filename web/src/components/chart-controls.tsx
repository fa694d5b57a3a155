// The x-axis and scale choices shared by every metric chart on a page. They live in the URL
// (?x=step|relative|wall&log=1) so a chart view can be shared and bookmarked.
import { useId } from 'react';
import { useSearchParams } from 'react-router';
import type { XAxisMode } from '@/components/line-chart-data';
import '@/components/line-chart.css';

export const X_AXIS_MODES: readonly { value: XAxisMode; label: string }[] = [
  { value: 'step', label: 'Step' },
  { value: 'relative', label: 'Time (relative)' },
  { value: 'wall', label: 'Time (wall clock)' },
];

export function parseXAxisMode(value: string | null): XAxisMode {
  return value === 'relative' || value === 'wall' ? value : 'step';
}

export function useChartOptions() {
  const [search, setSearch] = useSearchParams();
  const update = (key: string, value: string | null) => {
    setSearch((prev) => {
      const next = new URLSearchParams(prev);
      if (value === null) next.delete(key);
      else next.set(key, value);
      return next;
    }, { replace: true });
  };
  return {
    mode: parseXAxisMode(search.get('x')),
    logScale: search.get('log') === '1',
    setMode: (m: XAxisMode) => update('x', m === 'step' ? null : m),
    setLogScale: (on: boolean) => update('log', on ? '1' : null),
  };
}

export interface ChartControlsProps {
  mode: XAxisMode;
  logScale: boolean;
  onModeChange: (mode: XAxisMode) => void;
  onLogScaleChange: (logScale: boolean) => void;
}

export function ChartControls({ mode, logScale, onModeChange, onLogScaleChange }: ChartControlsProps) {
  const id = useId();
  return (
    <div className="chart-controls" role="group" aria-label="Chart options">
      <label htmlFor={`${id}-x`}>X axis</label>
      <select id={`${id}-x`} value={mode} onChange={(e) => onModeChange(parseXAxisMode(e.target.value))}>
        {X_AXIS_MODES.map((m) => (
          <option key={m.value} value={m.value}>
            {m.label}
          </option>
        ))}
      </select>
      <label>
        <input type="checkbox" checked={logScale} onChange={(e) => onLogScaleChange(e.target.checked)} /> Log
        scale
      </label>
    </div>
  );
}
