import { describe, expect, it } from "vitest";
import { renderToStaticMarkup } from "react-dom/server";
import { createElement } from "react";
import ReactMarkdown from "react-markdown";
import remarkGfm from "remark-gfm";
import remarkMath from "remark-math";
import { remarkHtmlAsText } from "./remark-html-as-text";

const render = (md: string) =>
  renderToStaticMarkup(createElement(ReactMarkdown, { remarkPlugins: [remarkGfm, remarkMath, remarkHtmlAsText] }, md));
const text = (html: string) => html.replace(/<br\/?>\n?/g, "\n").replace(/<[^>]+>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&amp;/g, "&");

describe("remarkHtmlAsText", () => {
  it("keeps inline tags as text", () => {
    const out = render('You are provided with function signatures within <tools></tools> XML tags:\n{"name": <function-name>, "arguments": <args-json-object>}');
    expect(text(out)).toContain("within <tools></tools> XML tags:");
    expect(text(out)).toContain('{"name": <function-name>, "arguments": <args-json-object>}');
    expect(out).not.toContain("<tools>");
  });

  it("keeps an HTML block, line by line", () => {
    const out = render('Tools:\n\n<tools>\n{"type": "function"}\n</tools>\n\nAfter.');
    expect(text(out)).toContain('<tools>\n{"type": "function"}\n</tools>');
    expect(text(out)).toContain("After.");
  });

  it("never renders a script or an event handler", () => {
    const out = render('<script>alert(1)</script>\n\n<img src=x onerror="alert(1)">');
    expect(out).not.toMatch(/<script|<img/);
    expect(text(out)).toContain("<script>alert(1)</script>");
  });

  it("leaves Markdown alone", () => {
    expect(render("**bold** and `a<b>`")).toBe("<p><strong>bold</strong> and <code>a&lt;b&gt;</code></p>");
  });
});
