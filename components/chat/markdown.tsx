"use client";

import ReactMarkdown from "react-markdown";
import rehypeKatex from "rehype-katex";
import remarkGfm from "remark-gfm";
import remarkMath from "remark-math";
import "katex/dist/katex.min.css";
import { remarkHtmlAsText } from "./remark-html-as-text";

/** remark-math reads $…$ and $$…$$; models also write \(…\) and \[…\]. */
export function normalizeMathDelimiters(text: string): string {
  return text
    .replace(/\\\[([\s\S]*?)\\\]/g, (_, m: string) => `$$${m}$$`)
    .replace(/\\\(([\s\S]*?)\\\)/g, (_, m: string) => `$${m}$`);
}

/**
 * Model prose as Markdown with LaTeX (KaTeX, served from our own bundle). Dataset text is never
 * markup: what remark reads as raw HTML (`<tools></tools>`, `<function-name>`) is shown as text.
 */
export function Markdown({ text }: { text: string }) {
  return (
    <div className="prose-chat text-sm leading-6 text-zinc-900 [&_ol]:list-decimal [&_ol]:pl-5 [&_p]:my-1 [&_pre]:overflow-auto [&_pre]:rounded [&_pre]:bg-zinc-100 [&_pre]:p-2 [&_ul]:list-disc [&_ul]:pl-5">
      <ReactMarkdown remarkPlugins={[remarkGfm, remarkMath, remarkHtmlAsText]} rehypePlugins={[rehypeKatex]}>
        {normalizeMathDelimiters(text)}
      </ReactMarkdown>
    </div>
  );
}
