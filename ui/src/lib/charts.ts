/**
 * The dashboard's charts, on Chart.js 4 tree-shaken to what they use (the bar
 * controller, category and linear scales, tooltip and legend). Import this
 * module lazily (`await import('./charts')`): Chart.js then loads with the
 * Usage screen only, outside the first page's budget. Chart.js draws on a
 * canvas and sets only CSSOM styles, which the strict CSP allows.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

/** The colours of the current theme, read from app.css's custom properties. */
export interface Theme {
  text: string;
  muted: string;
  grid: string;
  primary: string;
  danger: string;
  second: string;
  font: string;
}

export function readTheme(el: Element = document.documentElement): Theme {
  const cs = getComputedStyle(el);
  const v = (name: string, fallback: string) => cs.getPropertyValue(name).trim() || fallback;
  return {
    text: v('--text', '#16191d'),
    muted: v('--muted', '#4a5361'),
    grid: v('--border', '#c9d0d9'),
    primary: v('--primary', '#1d4ed8'),
    danger: v('--danger', '#b42318'),
    second: v('--chart-2', '#0f766e'),
    font: v('--font', 'system-ui, sans-serif'),
  };
}

/** One series of a bar chart: its label, values and which theme colour draws it. */
export interface Series {
  label: string;
  values: number[];
  colour: 'primary' | 'danger' | 'second';
}

export interface BarSpec {
  labels: string[];
  series: Series[];
  /** horizontal bars (categories on the y axis) */
  horizontal?: boolean;
  stacked?: boolean;
  /** formats a value on the value axis and in tooltips */
  format?: (n: number) => string;
}

function config(spec: BarSpec, theme: Theme): ChartConfiguration<'bar'> {
  const fmt = spec.format ?? ((n: number) => String(n));
  const valueAxis = {
    beginAtZero: true,
    stacked: !!spec.stacked,
    grid: { color: theme.grid },
    border: { color: theme.grid },
    ticks: { color: theme.muted, precision: 0, callback: (v: number | string) => fmt(Number(v)) },
  };
  const categoryAxis = {
    stacked: !!spec.stacked,
    grid: { display: false },
    border: { color: theme.grid },
    ticks: { color: theme.muted, autoSkip: true, maxRotation: 0 },
  };
  return {
    type: 'bar',
    data: {
      labels: spec.labels,
      datasets: spec.series.map((s) => ({
        label: s.label,
        data: s.values,
        backgroundColor: theme[s.colour],
        borderRadius: 3,
        maxBarThickness: 36,
      })),
    },
    options: {
      indexAxis: spec.horizontal ? 'y' : 'x',
      responsive: true,
      maintainAspectRatio: false,
      // no motion: nothing to wait for in screenshots, and calmer for everyone
      animation: false,
      font: { family: theme.font },
      scales: spec.horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis },
      plugins: {
        legend: { display: spec.series.length > 1, labels: { color: theme.text, boxWidth: 14 } },
        tooltip: {
          callbacks: { label: (c) => `${c.dataset.label}: ${fmt(Number(c.raw))}` },
        },
      },
    },
  } as ChartConfiguration<'bar'>;
}

/** A bar chart on canvas; update() redraws with new data or the other theme. */
export class BarChart {
  #chart: Chart<'bar'>;

  constructor(canvas: HTMLCanvasElement, spec: BarSpec) {
    this.#chart = new Chart(canvas, config(spec, readTheme(canvas)));
  }

  update(spec: BarSpec) {
    const next = config(spec, readTheme(this.#chart.canvas));
    this.#chart.data = next.data;
    this.#chart.options = next.options ?? {};
    this.#chart.update();
  }

  destroy() {
    this.#chart.destroy();
  }
}
