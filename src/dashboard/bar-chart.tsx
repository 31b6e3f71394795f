import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface BarSeries {
  label: string;
  /** One value per day. Drawn in order: a later series is painted over an earlier one. */
  values: number[];
  /** A CSS variable of the theme (`--accent`): charts follow light and dark. */
  colour: string;
}

const HEIGHT = 200;

/** `03-14` of `2026-03-14`: the year is in the page's period already. */
const shortDate = (date: string) => date.slice(5);

/**
 * Bars per day, drawn by uPlot on a canvas. The canvas is decoration for the eye: the figure
 * names what it shows (`summary`) and the page's table holds every number. Redrawn in the
 * theme's colours when the theme changes, and to its box's width when that changes.
 */
export function BarChart({ dates, series, format, summary, testId }: { dates: string[]; series: BarSeries[]; format: (value: number) => string; summary: string; testId: string }) {
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = box.current!;
    let plot: uPlot | null = null;
    const build = () => {
      plot?.destroy();
      const css = getComputedStyle(document.documentElement);
      const colour = (name: string) => css.getPropertyValue(name).trim();
      const axis = { stroke: colour('--muted'), grid: { stroke: colour('--line'), width: 1 }, ticks: { stroke: colour('--line'), width: 1 }, font: '12px system-ui, sans-serif' };
      const bars = uPlot.paths.bars!({ size: [0.7, 48] });
      plot = new uPlot(
        {
          width: Math.max(element.clientWidth, 200),
          height: HEIGHT,
          legend: { show: false },
          cursor: { show: false },
          select: { show: false, left: 0, top: 0, width: 0, height: 0 },
          scales: {
            x: { time: false, range: [-0.5, dates.length - 0.5] },
            y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
          },
          axes: [
            { ...axis, space: 48, values: (_u, splits) => splits.map((i) => (Number.isInteger(i) && dates[i] ? shortDate(dates[i]!) : '')) },
            { ...axis, size: 64, values: (_u, splits) => splits.map((v) => (Number.isInteger(v) || v >= 10 ? format(v) : '')) },
          ],
          series: [{}, ...series.map((s) => ({ label: s.label, fill: colour(s.colour), stroke: colour(s.colour), width: 0, paths: bars, points: { show: false } }))],
        },
        [dates.map((_, i) => i), ...series.map((s) => s.values)],
        element,
      );
    };
    build();
    const themeWatch = new MutationObserver(build);
    themeWatch.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    const sizeWatch = new ResizeObserver(() => plot?.setSize({ width: Math.max(element.clientWidth, 200), height: HEIGHT }));
    sizeWatch.observe(element);
    return () => {
      themeWatch.disconnect();
      sizeWatch.disconnect();
      plot?.destroy();
    };
  }, [dates, series]);

  return (
    <div class="chart-frame">
      <div ref={box} class="chart" role="img" aria-label={summary} data-testid={testId} />
      <ul class="chart-legend" aria-hidden="true">
        {series.map((s) => (
          <li>
            <span class="chart-swatch" style={{ background: `var(${s.colour})` }} />
            {s.label}
          </li>
        ))}
      </ul>
    </div>
  );
}
