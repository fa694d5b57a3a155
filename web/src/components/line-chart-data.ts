// Turns metric points of one or more runs into uPlot's column layout: one sorted x array shared by
// every series, and per series a y array aligned to it with null where that run has no point.

export type XAxisMode = 'step' | 'relative' | 'wall';

export interface MetricPoint {
  step?: number;
  timestamp: number;
  value: number | string;
}

export interface SeriesInput {
  label: string;
  points: readonly MetricPoint[];
  /** Zero of the relative-time axis (the run's start); the first point's time when unknown. */
  startTime?: number | undefined;
}

export interface ChartData {
  xs: number[];
  ys: (number | null)[][];
  labels: string[];
}

/** A plottable number: "NaN", "Infinity" and other non-finite values become gaps. */
export function toPlotValue(value: number | string, logScale: boolean): number | null {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) return null;
  if (logScale && n <= 0) return null;
  return n;
}

function minTimestamp(points: readonly MetricPoint[]): number {
  let min = Infinity;
  for (const p of points) if (p.timestamp < min) min = p.timestamp;
  return Number.isFinite(min) ? min : 0;
}

/** x of a point: steps as logged, times in seconds (uPlot's time scale counts seconds). */
function xOf(point: MetricPoint, mode: XAxisMode, zero: number): number {
  if (mode === 'step') return point.step ?? 0;
  if (mode === 'wall') return point.timestamp / 1000;
  return (point.timestamp - zero) / 1000;
}

// x -> y of one series; with several values at one x the last logged (by timestamp) wins.
function seriesMap(input: SeriesInput, mode: XAxisMode, logScale: boolean): Map<number, number | null> {
  const zero = input.startTime ?? minTimestamp(input.points);
  const ordered = [...input.points].sort((a, b) => a.timestamp - b.timestamp);
  const map = new Map<number, number | null>();
  for (const point of ordered) map.set(xOf(point, mode, zero), toPlotValue(point.value, logScale));
  return map;
}

export function shapeChartData(
  series: readonly SeriesInput[],
  mode: XAxisMode,
  logScale: boolean,
): ChartData {
  const maps = series.map((s) => seriesMap(s, mode, logScale));
  const xSet = new Set<number>();
  for (const map of maps) for (const x of map.keys()) xSet.add(x);
  const xs = [...xSet].sort((a, b) => a - b);
  const ys = maps.map((map) => xs.map((x) => map.get(x) ?? null));
  return { xs, ys, labels: series.map((s) => s.label) };
}

/** True when at least one series has a point that can be drawn. */
export function hasDrawablePoints(data: ChartData): boolean {
  return data.ys.some((ys) => ys.some((y) => y !== null));
}

/** Number of points to ask the server for: about one per pixel, within its 1..2500 limit. */
export function pointsForWidth(widthPx: number): number {
  const rounded = Math.ceil(Math.max(widthPx, 100) / 100) * 100;
  return Math.min(2500, rounded);
}

/** An inclusive range of steps, as get-history-bulk-interval's start_step/end_step take it. */
export interface StepRange {
  start: number;
  end: number;
}

/** The whole steps to fetch for a drag from min to max on the step axis. */
export function stepRangeFor(min: number, max: number): StepRange {
  const start = Math.floor(Math.min(min, max));
  return { start, end: Math.max(start, Math.ceil(Math.max(min, max))) };
}
