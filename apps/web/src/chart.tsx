import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** Colours that keep 3:1 contrast on white and stay apart for common colour blindness. */
const PALETTE = ['#0b5cad', '#c2410c', '#047857', '#7c3aed', '#b91c1c', '#4d5562'];

export interface Series {
  label: string;
  values: Array<number | null>;
  /** Drawn heavier, and marked so in the legend (a spiking issue). */
  emphasis?: boolean;
}

export interface Band {
  /** Index range on the x axis, inclusive. */
  from: number;
  to: number;
  label: string;
}

/**
 * A uPlot chart. The canvas is an image to assistive tech (`role="img"` with a summary);
 * every chart sits beside a table that holds the same figures.
 */
export const Chart = ({
  title,
  summary,
  labels,
  series,
  bars = false,
  bands = [],
  height = 260,
  xLabel,
}: {
  title: string;
  summary: string;
  /** One label per x position: days, weeks, teams. */
  labels: string[];
  series: Series[];
  bars?: boolean;
  bands?: Band[];
  height?: number;
  /** What the x positions are (day, team): named in the legend. */
  xLabel: string;
}) => {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const xs = labels.map((_, i) => i);
    const shade: uPlot.Plugin = {
      hooks: {
        drawClear: (u: uPlot) => {
          const { ctx } = u;
          for (const band of bands) {
            const left = u.valToPos(band.from - 0.5, 'x', true);
            const right = u.valToPos(band.to + 0.5, 'x', true);
            ctx.save();
            ctx.fillStyle = 'rgba(185, 28, 28, 0.08)';
            ctx.fillRect(left, u.bbox.top, right - left, u.bbox.height);
            ctx.fillStyle = '#7f1d1d';
            ctx.font = `${12 * devicePixelRatio}px system-ui, sans-serif`;
            ctx.fillText(
              band.label,
              left + 4 * devicePixelRatio,
              u.bbox.top + 14 * devicePixelRatio,
            );
            ctx.restore();
          }
        },
      },
    };
    const plot = new uPlot(
      {
        width: Math.max(320, element.clientWidth),
        height,
        plugins: [shade],
        // The legend names the series; the figures are in the table beside the chart
        // (a live legend shows "--" until the pointer is over the plot).
        legend: { live: false },
        scales: {
          x: { time: false, range: [-0.5, Math.max(0.5, labels.length - 0.5)] },
          // Bars and counts start at zero.
          y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] },
        },
        axes: [
          {
            values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? (labels[t] ?? '') : '')),
            splits: () => ticksFor(labels.length),
          },
          {},
        ],
        series: [
          { label: xLabel, value: (_u, v) => (v === null ? '' : (labels[v] ?? '')) },
          ...series.map((s, i) => ({
            label: s.emphasis ? `${s.label} (spiking)` : s.label,
            stroke: PALETTE[i % PALETTE.length],
            fill: bars ? PALETTE[i % PALETTE.length] : undefined,
            width: s.emphasis ? 3 : 1.5,
            // Every other line dashed: told apart without colour.
            dash: !bars && !s.emphasis && i % 2 === 1 ? [6, 3] : undefined,
            points: { show: !bars && labels.length < 40 },
            paths: bars ? groupedBars(i, series.length) : undefined,
          })),
        ],
      },
      [xs, ...series.map((s) => s.values)] as uPlot.AlignedData,
      element,
    );
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(320, element.clientWidth), height }),
    );
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [labels, series, bars, bands, height, xLabel]);
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div ref={box} role="img" aria-label={`${title}: ${summary}`} />
    </figure>
  );
};

/** At most about twelve labelled ticks, evenly spaced. */
const ticksFor = (count: number) => {
  const step = Math.max(1, Math.ceil(count / 12));
  return Array.from({ length: Math.ceil(count / step) }, (_, i) => i * step);
};

/**
 * Bars of series `k` of `count`, side by side within each x slot (uPlot's own bar paths
 * centre every series on the same x).
 */
const groupedBars =
  (k: number, count: number): uPlot.Series.PathBuilder =>
  (u, seriesIndex, idx0, idx1) => {
    const slot = 0.8 / count;
    const values = u.data[seriesIndex]!;
    const zero = u.valToPos(0, 'y', true);
    const fill = new Path2D();
    for (let i = idx0; i <= idx1; i++) {
      const value = values[i];
      if (value === null || value === undefined) continue;
      const left = u.valToPos(i - 0.4 + k * slot, 'x', true);
      const right = u.valToPos(i - 0.4 + (k + 1) * slot, 'x', true);
      const top = u.valToPos(value, 'y', true);
      fill.rect(left, Math.min(top, zero), Math.max(1, right - left - 1), Math.abs(zero - top));
    }
    return { stroke: fill, fill };
  };
