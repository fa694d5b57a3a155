// A fixed-row-height virtual list: only the rows in (and just around) the viewport are in the DOM,
// so tens of thousands of rows scroll as cheaply as fifty. Rows are absolutely positioned inside a
// spacer as tall as all rows; an optional sticky header scrolls horizontally with them.
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { CSSProperties, KeyboardEvent, ReactNode } from 'react';

export interface VirtualListProps {
  count: number;
  rowHeight: number;
  renderRow: (index: number, style: CSSProperties) => ReactNode;
  /** Rendered above the rows, sticky while scrolling vertically. */
  header?: ReactNode;
  headerHeight?: number;
  /** Total width of a row (enables horizontal scrolling when wider than the viewport). */
  width?: number;
  overscan?: number;
  /** Used before the first measurement (and in environments without layout, like jsdom). */
  initialHeight?: number;
  /** Called when the last row comes within `overscan` rows of the viewport. */
  onEndReached?: () => void;
  className?: string;
  ariaLabel?: string;
  role?: string;
  ariaRowCount?: number;
}

interface Range {
  first: number;
  last: number; // exclusive
}

export function visibleRange(scrollTop: number, viewport: number, rowHeight: number,
  count: number, overscan: number): Range {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((scrollTop + viewport) / rowHeight) + overscan);
  return { first, last: Math.max(first, last) };
}

export function VirtualList(props: VirtualListProps) {
  const { count, rowHeight, renderRow, header, headerHeight = 0, width, overscan = 8,
    initialHeight = 600, onEndReached, className, ariaLabel, role, ariaRowCount } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(initialHeight);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const measure = () => {
      if (element.clientHeight > 0) setViewport(element.clientHeight - headerHeight);
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [headerHeight]);

  const range = visibleRange(scrollTop, viewport, rowHeight, count, overscan);

  useEffect(() => {
    if (onEndReached && count > 0 && range.last >= count) onEndReached();
  }, [onEndReached, count, range.last]);

  const onScroll = useCallback(() => {
    const element = scroller.current;
    if (element) setScrollTop(element.scrollTop);
  }, []);

  // Page keys and Home/End work natively on a focused scroller; this only adds j/k-free defaults
  // for browsers that do not scroll a focused div with the arrow keys.
  const onKeyDown = useCallback((event: KeyboardEvent<HTMLDivElement>) => {
    const element = scroller.current;
    if (!element || event.target !== element) return;
    const step = event.key === 'ArrowDown' ? rowHeight : event.key === 'ArrowUp' ? -rowHeight : 0;
    if (step !== 0) {
      element.scrollTop += step;
      event.preventDefault();
    }
  }, [rowHeight]);

  const rows: ReactNode[] = [];
  for (let index = range.first; index < range.last; index += 1) {
    rows.push(renderRow(index, {
      position: 'absolute', top: 0, left: 0, height: rowHeight, width: width ?? '100%',
      transform: `translateY(${index * rowHeight}px)`,
    }));
  }

  return (
    <div ref={scroller} className={`virtual-list ${className ?? ''}`} onScroll={onScroll}
      onKeyDown={onKeyDown} tabIndex={0} role={role} aria-label={ariaLabel}
      aria-rowcount={ariaRowCount}>
      {header !== undefined && (
        <div className="virtual-list__header" style={{ height: headerHeight, width }}>{header}</div>
      )}
      <div className="virtual-list__body" role="rowgroup"
        style={{ height: count * rowHeight, width: width ?? '100%', position: 'relative' }}>
        {rows}
      </div>
    </div>
  );
}
