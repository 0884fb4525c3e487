"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/components/ui/cn";

const areas = [
  { href: "/chat", label: "Chat", testId: "nav-chat" },
  { href: "/editor", label: "Editor", testId: "nav-editor" },
  { href: "/inspect", label: "Inspect", testId: "nav-inspect" },
  { href: "/traffic", label: "Traffic", testId: "nav-traffic" },
  { href: "/agents", label: "Agents", testId: "nav-agents" },
] as const;

export function NavLinks() {
  const pathname = usePathname();
  return (
    <nav className="flex gap-1" aria-label="Main">
      {areas.map((a) => {
        const active = pathname === a.href || pathname.startsWith(`${a.href}/`);
        return (
          <Link
            key={a.href}
            href={a.href}
            // Every area is rendered per request: prefetching them on each page load only takes
            // server time from the page being used (an Inspect index on two cores).
            prefetch={false}
            data-testid={a.testId}
            aria-current={active ? "page" : undefined}
            className={cn(
              "rounded-md px-3 py-1.5 text-sm font-medium",
              active ? "bg-zinc-900 text-white" : "text-zinc-700 hover:bg-zinc-200",
            )}
          >
            {a.label}
          </Link>
        );
      })}
    </nav>
  );
}
