import type { Markup } from './markup.js';
import { html } from './markup.js';

export interface Bar {
  label: string;
  value: number;
  /** A CSS class of the report's stylesheet. */
  className: string;
  /** Shown as the bar's tooltip. */
  title: string;
}

const ROW = 24;
const LABEL_WIDTH = 150;
const BAR_WIDTH = 300;
const VALUE_WIDTH = 50;

/** A horizontal bar chart as inline SVG: nothing to load, readable without script. */
export function barChart(caption: string, bars: readonly Bar[]): Markup {
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  const height = bars.length * ROW + 8;
  const width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH;
  const rows = bars.map((bar, index) => {
    const y = 4 + index * ROW;
    const length = bar.value === 0 ? 0 : Math.max(2, Math.round((bar.value / max) * BAR_WIDTH));
    return html`<g data-label="${bar.label}" data-value="${bar.value}"><title>${bar.title}: ${bar.value}</title><text x="${LABEL_WIDTH - 8}" y="${y + 16}" text-anchor="end">${bar.label}</text><rect class="${bar.className}" x="${LABEL_WIDTH}" y="${y + 3}" width="${length}" height="${ROW - 8}" rx="2"></rect><text x="${LABEL_WIDTH + length + 6}" y="${y + 16}">${bar.value}</text></g>`;
  });
  return html`<figure class="chart"><figcaption>${caption}</figcaption><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" aria-label="${caption}">${rows}</svg></figure>`;
}
