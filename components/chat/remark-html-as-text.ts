// A remark plugin: raw HTML in Markdown becomes the text it was written as. react-markdown drops
// HTML nodes (rendering them would be an injection), which made `<tools></tools>` vanish and
// `{"name": <function-name>}` lose its placeholder. Dataset and model text is shown, never run.
// Isomorphic, no dependencies: mdast nodes are plain objects.

interface MdNode {
  type: string;
  value?: string;
  children?: MdNode[];
}

// Parents whose children are blocks (flow content): an HTML block there becomes a paragraph.
const flowParents = new Set(["root", "blockquote", "listItem", "footnoteDefinition"]);

/** Text with its line breaks kept (an HTML block spans lines: `<tools>\n{…}\n</tools>`). */
function linesAsPhrasing(value: string): MdNode[] {
  const out: MdNode[] = [];
  value.split("\n").forEach((line, i) => {
    if (i > 0) out.push({ type: "break" });
    if (line) out.push({ type: "text", value: line });
  });
  return out;
}

function walk(node: MdNode): void {
  const kids = node.children;
  if (!kids) return;
  const flow = flowParents.has(node.type);
  node.children = kids.map((k) => {
    if (k.type !== "html") {
      walk(k);
      return k;
    }
    const value = k.value ?? "";
    return flow ? { type: "paragraph", children: linesAsPhrasing(value) } : { type: "text", value };
  });
}

export function remarkHtmlAsText() {
  return (tree: MdNode) => walk(tree);
}
