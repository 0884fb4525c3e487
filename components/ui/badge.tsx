import type { HTMLAttributes } from "react";
import { cn } from "./cn";

export type BadgeTone = "green" | "red" | "amber" | "zinc" | "blue";

const tones: Record<BadgeTone, string> = {
  green: "bg-green-100 text-green-800 ring-green-300",
  red: "bg-red-100 text-red-800 ring-red-300",
  amber: "bg-amber-100 text-amber-900 ring-amber-300",
  zinc: "bg-zinc-100 text-zinc-700 ring-zinc-300",
  blue: "bg-blue-100 text-blue-800 ring-blue-300",
};

export interface BadgeProps extends HTMLAttributes<HTMLSpanElement> {
  tone?: BadgeTone;
}

export function Badge({ tone = "zinc", className, ...rest }: BadgeProps) {
  return (
    <span
      className={cn(
        "inline-flex items-center rounded px-1.5 py-0.5 text-xs font-medium ring-1 ring-inset",
        tones[tone],
        className,
      )}
      {...rest}
    />
  );
}
