import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { VirtualList, visibleRange } from '@/components/virtual-list';

describe('visibleRange', () => {
  it('covers the viewport plus overscan and clamps to the list', () => {
    expect(visibleRange(0, 100, 10, 1000, 2)).toEqual({ first: 0, last: 12 });
    expect(visibleRange(500, 100, 10, 1000, 2)).toEqual({ first: 48, last: 62 });
    expect(visibleRange(9990, 100, 10, 1000, 2)).toEqual({ first: 997, last: 1000 });
    expect(visibleRange(0, 100, 10, 0, 2)).toEqual({ first: 0, last: 0 });
  });
});

describe('VirtualList', () => {
  const renderRow = (index: number, style: React.CSSProperties) => (
    <div key={index} style={style} data-testid="row">row {index}</div>
  );

  it('renders only the rows around the viewport of 10,000', () => {
    render(<VirtualList count={10_000} rowHeight={20} initialHeight={200} overscan={5} renderRow={renderRow} />);
    const rows = screen.getAllByTestId('row');
    expect(rows.length).toBe(15);
    expect(screen.getByText('row 0')).toBeInTheDocument();
    expect(screen.queryByText('row 100')).toBeNull();
  });

  it('moves the window when scrolled and reports the end', () => {
    const onEnd = vi.fn();
    const { container } = render(<VirtualList count={100} rowHeight={20} initialHeight={200}
      overscan={0} renderRow={renderRow} onEndReached={onEnd} />);
    const scroller = container.querySelector('.virtual-list') as HTMLDivElement;
    scroller.scrollTop = 1000;
    fireEvent.scroll(scroller);
    expect(screen.getByText('row 50')).toBeInTheDocument();
    expect(screen.queryByText('row 0')).toBeNull();
    expect(onEnd).not.toHaveBeenCalled();
    scroller.scrollTop = 1800;
    fireEvent.scroll(scroller);
    expect(screen.getByText('row 99')).toBeInTheDocument();
    expect(onEnd).toHaveBeenCalled();
  });

  it('scrolls one row with the arrow keys', () => {
    const { container } = render(<VirtualList count={100} rowHeight={20} renderRow={renderRow} />);
    const scroller = container.querySelector('.virtual-list') as HTMLDivElement;
    fireEvent.keyDown(scroller, { key: 'ArrowDown' });
    expect(scroller.scrollTop).toBe(20);
  });
});
