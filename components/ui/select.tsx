import type { SelectHTMLAttributes } from "react";
import { cn } from "./cn";

export function Select({ className, ...rest }: SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <select
      className={cn(
        "rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm text-zinc-800 disabled:text-zinc-400",
        className,
      )}
      {...rest}
    />
  );
}
