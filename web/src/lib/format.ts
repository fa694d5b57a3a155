// Formatting shared by every page: times, durations and metric values.

/** "2026-11-26 20:49:16" in local time; empty for a missing timestamp. */
export function formatTime(epochMs: number | undefined): string {
  if (epochMs === undefined || epochMs === null || !Number.isFinite(Number(epochMs))) return '';
  const date = new Date(Number(epochMs));
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** "1h 02m", "3m 04s", "850ms"; empty when the start is unknown. */
export function formatDuration(startMs: number | undefined, endMs: number | undefined,
  nowMs: number = Date.now()): string {
  if (startMs === undefined || startMs === null) return '';
  const end = endMs === undefined || endMs === null || Number(endMs) === 0 ? nowMs : Number(endMs);
  const ms = Math.max(0, end - Number(startMs));
  if (ms < 1000) return `${ms}ms`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${String(minutes % 60).padStart(2, '0')}m`;
  return `${Math.floor(hours / 24)}d ${String(hours % 24).padStart(2, '0')}h`;
}

/** Metric values: up to 6 significant digits; NaN/Infinity as sent by the server. */
export function formatMetric(value: number | string | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (Number.isInteger(value)) return String(value);
  return Number(value.toPrecision(6)).toString();
}
