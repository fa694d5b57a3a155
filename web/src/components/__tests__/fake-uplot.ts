// A stand-in for uPlot in jsdom (which has no canvas): records what charts were given, and lets a
// test drive a drag-to-zoom through the chart's setSelect hook.
import type uPlot from 'uplot';

export class FakePlot {
  static instances: FakePlot[] = [];

  options: uPlot.Options;
  data: uPlot.AlignedData;
  select = { left: 0, top: 0, width: 0, height: 0 };
  destroyed = false;

  constructor(options: uPlot.Options, data: uPlot.AlignedData, _target: HTMLElement) {
    this.options = options;
    this.data = data;
    FakePlot.instances.push(this);
  }

  setData(data: uPlot.AlignedData) {
    this.data = data;
  }

  setSize() {}

  destroy() {
    this.destroyed = true;
  }

  /** Pixels are axis units here, so a drag from 10 to 20 px zooms to x in [10, 20]. */
  posToVal(position: number) {
    return position;
  }

  /** Simulates the user dragging out [left, left + width] on the plot. */
  drag(left: number, width: number) {
    this.select = { left, top: 0, width, height: 100 };
    for (const hook of this.options.hooks?.setSelect ?? []) hook?.(this as unknown as uPlot);
  }

  static live(): FakePlot[] {
    return FakePlot.instances.filter((p) => !p.destroyed);
  }
}

export default FakePlot;
