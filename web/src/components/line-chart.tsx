// A uPlot line chart that follows its container's width. Drag on the plot to zoom into an x range
// (reported through onZoom so a caller can fetch finer data); "Reset zoom" or a double click undoes it.
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import '@/components/line-chart.css';
import type { ChartData, XAxisMode } from '@/components/line-chart-data';

const PALETTE = [
  '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd',
  '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf',
];

export function seriesColor(index: number): string {
  return PALETTE[index % PALETTE.length] ?? '#1f77b4';
}

/** "90 s" -> "1m 30s": labels for the relative-time axis. */
export function formatDuration(seconds: number): string {
  // Sub-minute spans keep up to three significant digits so a 2 ms run still has distinct ticks.
  if (Math.abs(seconds) < 60) return `${Number(seconds.toPrecision(3))}s`;
  const s = Math.round(seconds);
  const h = Math.trunc(s / 3600);
  const m = Math.trunc((s % 3600) / 60);
  const rest = s % 60;
  if (h !== 0) return m !== 0 ? `${h}h ${Math.abs(m)}m` : `${h}h`;
  return rest !== 0 ? `${m}m ${Math.abs(rest)}s` : `${m}m`;
}

export interface LineChartProps {
  data: ChartData;
  mode: XAxisMode;
  logScale: boolean;
  testId: string;
  ariaLabel: string;
  height?: number;
  /** Called after the user drags out an x range (in axis units). */
  onZoom?: (min: number, max: number) => void;
  /** Called when "Reset zoom" is pressed, after the chart shows all of its data again. */
  onResetZoom?: () => void;
  /** Called with the plot's width when it is known or changes (for sizing server requests). */
  onWidth?: (widthPx: number) => void;
}

function toAligned(data: ChartData): uPlot.AlignedData {
  return [data.xs, ...data.ys];
}

interface OptionsInput {
  labels: string[];
  mode: XAxisMode;
  logScale: boolean;
  width: number;
  height: number;
  onSelect: (u: uPlot) => void;
}

function buildOptions(input: OptionsInput): uPlot.Options {
  const xAxis: uPlot.Axis =
    input.mode === 'relative'
      ? { label: 'time since start', values: (_u, splits) => splits.map(formatDuration) }
      : { label: input.mode === 'step' ? 'step' : undefined };
  return {
    width: input.width,
    height: input.height,
    series: [
      input.mode === 'step'
        ? { label: 'Step' }
        : input.mode === 'relative'
          ? { label: 'Time', value: (_u, v) => (v == null ? '--' : formatDuration(v)) }
          : { label: 'Time' },
      ...input.labels.map((label, i) => ({
        label,
        stroke: seriesColor(i),
        width: 1.5,
        spanGaps: true,
      })),
    ],
    scales: {
      x: { time: input.mode === 'wall' },
      y: input.logScale ? { distr: 3, log: 10 } : { distr: 1 },
    },
    axes: [xAxis, {}],
    cursor: { drag: { x: true, y: false, setScale: true } },
    hooks: { setSelect: [input.onSelect] },
  };
}

export function LineChart(props: LineChartProps) {
  const { data, mode, logScale, testId, ariaLabel, height = 240 } = props;
  const containerRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const dataRef = useRef(data);
  const callbacks = useRef(props);
  const [zoomed, setZoomed] = useState(false);
  dataRef.current = data;
  callbacks.current = props;
  const labelsKey = data.labels.join('\u0000');

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return undefined;
    const width = Math.max(container.clientWidth, 300);
    const onSelect = (u: uPlot) => {
      if (u.select.width <= 0) return;
      const min = u.posToVal(u.select.left, 'x');
      const max = u.posToVal(u.select.left + u.select.width, 'x');
      setZoomed(true);
      callbacks.current.onZoom?.(min, max);
    };
    const options = buildOptions({ labels: labelsKey.split('\u0000'), mode, logScale, width, height, onSelect });
    const plot = new uPlot(options, toAligned(dataRef.current), container);
    plotRef.current = plot;
    callbacks.current.onWidth?.(width);
    let observer: ResizeObserver | undefined;
    if (typeof ResizeObserver !== 'undefined') {
      observer = new ResizeObserver(() => {
        const w = Math.max(container.clientWidth, 300);
        plot.setSize({ width: w, height });
        callbacks.current.onWidth?.(w);
      });
      observer.observe(container);
    }
    return () => {
      observer?.disconnect();
      plot.destroy();
      plotRef.current = null;
    };
  }, [labelsKey, mode, logScale, height]);

  useEffect(() => {
    // New data (e.g. finer points for a zoomed range) is shown at its own extent.
    plotRef.current?.setData(toAligned(data), true);
  }, [data]);

  const resetZoom = () => {
    plotRef.current?.setData(toAligned(dataRef.current), true);
    setZoomed(false);
    callbacks.current.onResetZoom?.();
  };

  return (
    <div className="line-chart" data-testid={testId}>
      <div className="line-chart-plot" ref={containerRef} role="img" aria-label={ariaLabel} />
      {zoomed && (
        <button type="button" className="line-chart-reset" onClick={resetZoom}>
          Reset zoom
        </button>
      )}
    </div>
  );
}
