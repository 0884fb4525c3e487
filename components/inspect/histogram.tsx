"use client";

/** A small SVG bar chart of a reward distribution. */
export function Histogram({ title, data, testId }: { title: string; data: { min: number; max: number; counts: number[]; missing: number }; testId: string }) {
  const peak = Math.max(1, ...data.counts);
  const w = 240;
  const h = 70;
  const bw = w / data.counts.length;
  const total = data.counts.reduce((a, b) => a + b, 0);
  return (
    <figure data-testid={testId} data-total={total} className="flex flex-col gap-1">
      <figcaption className="text-xs text-zinc-600">
        {title} · {total} values{data.missing ? ` · ${data.missing} missing` : ""}
      </figcaption>
      <svg width={w} height={h + 14} role="img" aria-label={title}>
        {data.counts.map((c, i) => (
          <rect key={i} x={i * bw + 1} y={h - (h * c) / peak} width={bw - 2} height={(h * c) / peak} className="fill-indigo-400">
            <title>{`${(data.min + ((data.max - data.min) * i) / data.counts.length).toFixed(3)}…: ${c}`}</title>
          </rect>
        ))}
        <text x={0} y={h + 12} className="fill-zinc-500 text-[10px]">{data.min.toFixed(2)}</text>
        <text x={w} y={h + 12} textAnchor="end" className="fill-zinc-500 text-[10px]">{data.max.toFixed(2)}</text>
      </svg>
    </figure>
  );
}
