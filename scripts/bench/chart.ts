/**
 * Draws speedup vs workers, one line per workload, as a PNG: Chart.js rendering into a
 * `@napi-rs/canvas` (Skia) canvas, no browser. The sequential baseline is the dashed line at 1x;
 * each workload's ideal speedup at the largest worker count is a dotted marker.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import { Chart, registerables, type ChartConfiguration } from 'chart.js';
import type { BenchRow } from './report.ts';

Chart.register(...registerables);

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#17becf'];

/**
 * Renders the chart of `rows` (parallel rows give the points; `speedup` must be filled) to
 * `file` (folders created).
 * @param subtitle a line under the title (machine, txs).
 * @returns The PNG bytes written.
 */
export function drawSpeedupChart(rows: BenchRow[], file: string, subtitle: string): Buffer {
  const width = 960;
  const height = 600;
  const canvas = createCanvas(width, height);
  const workloads = [...new Set(rows.map((r) => r.workload))];
  const par = rows.filter((r) => r.mode === 'parallel');
  const maxWorkers = Math.max(1, ...par.map((r) => r.workers));
  const datasets: ChartConfiguration<'line'>['data']['datasets'] = workloads.map((w, i) => ({
    label: w,
    data: par.filter((r) => r.workload === w).sort((a, b) => a.workers - b.workers).map((r) => ({ x: r.workers, y: r.speedup })),
    borderColor: COLORS[i % COLORS.length],
    backgroundColor: COLORS[i % COLORS.length],
    borderWidth: 2,
    pointRadius: 4,
  }));
  datasets.push({
    label: 'sequential (1x)',
    data: [
      { x: 1, y: 1 },
      { x: maxWorkers, y: 1 },
    ],
    borderColor: '#555',
    backgroundColor: '#555',
    borderDash: [6, 4],
    pointStyle: 'line',
    borderWidth: 1.5,
    pointRadius: 0,
  });
  workloads.forEach((w, i) => {
    const ideal = par.find((r) => r.workload === w && r.workers === maxWorkers)?.idealSpeedupAtWorkers;
    if (ideal == null) return;
    datasets.push({
      label: `${w} ideal@${maxWorkers}`,
      data: [{ x: maxWorkers, y: ideal }],
      borderColor: COLORS[i % COLORS.length],
      backgroundColor: 'transparent',
      pointStyle: 'crossRot',
      pointRadius: 7,
      borderWidth: 2,
      showLine: false,
    });
  });
  const ys = datasets.flatMap((d) => (d.data as Array<{ y: number }>).map((p) => p.y)).filter(Number.isFinite);
  const config: ChartConfiguration<'line'> = {
    type: 'line',
    data: { datasets },
    options: {
      responsive: false,
      animation: false,
      devicePixelRatio: 1,
      parsing: false,
      plugins: {
        title: { display: true, text: 'parallax executor: speedup vs sequential', font: { size: 18 } },
        subtitle: { display: true, text: subtitle, padding: { bottom: 10 } },
        legend: { position: 'right', labels: { usePointStyle: true } },
      },
      scales: {
        x: { type: 'linear', min: 0.8, max: Math.max(2, maxWorkers) + 0.2, ticks: { stepSize: 1, callback: (v) => (Number.isInteger(v) ? String(v) : '') }, title: { display: true, text: 'workers (parallel executor)' } },
        y: { type: 'linear', min: 0, suggestedMax: Math.max(1.2, ...ys) * 1.1, title: { display: true, text: 'speedup (sequential s / parallel s)' } },
      },
    },
    plugins: [
      {
        id: 'background',
        beforeDraw: (chart) => {
          const ctx = chart.ctx;
          ctx.save();
          ctx.fillStyle = '#ffffff';
          ctx.fillRect(0, 0, chart.width, chart.height);
          ctx.restore();
        },
      },
    ],
  };
  // Chart.js draws through the 2D context API, which @napi-rs/canvas implements.
  const chart = new Chart(canvas.getContext('2d') as unknown as CanvasRenderingContext2D, config);
  const png = canvas.toBuffer('image/png');
  chart.destroy();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, png);
  return png;
}
