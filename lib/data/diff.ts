// Line diff (Myers' O((N+M)·D) algorithm) for comparing two samples side by side. Isomorphic.

export type DiffOp = { op: "equal" | "delete" | "insert"; a?: number; b?: number; text: string };

export function diffLines(aText: string, bText: string, maxD = 4000): DiffOp[] {
  const a = aText.split("\n");
  const b = bText.split("\n");
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, maxD);
  const off = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  outer: for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    const nv = v.slice();
    for (let k = -d; k <= d; k += 2) {
      let x: number;
      if (k === -d || (k !== d && v[off + k - 1]! < v[off + k + 1]!)) x = v[off + k + 1]!;
      else x = v[off + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      nv[off + k] = x;
      if (x >= n && y >= m) {
        v = nv;
        trace.push(v.slice());
        found = true;
        break outer;
      }
    }
    v = nv;
  }
  if (!found) {
    // Too different to align within the budget: show one block removed, the other added.
    return [...a.map((text, i) => ({ op: "delete" as const, a: i, text })), ...b.map((text, j) => ({ op: "insert" as const, b: j, text }))];
  }
  // Backtrack through the saved frontiers.
  const ops: DiffOp[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 2; d >= 0; d--) {
    const vd = trace[d]!;
    const k = x - y;
    let prevK: number;
    if (k === -d || (k !== d && vd[off + k - 1]! < vd[off + k + 1]!)) prevK = k + 1;
    else prevK = k - 1;
    const prevX = d === 0 ? 0 : vd[off + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      ops.push({ op: "equal", a: x, b: y, text: a[x]! });
    }
    if (d === 0) break;
    if (x === prevX) {
      y--;
      ops.push({ op: "insert", b: y, text: b[y]! });
    } else {
      x--;
      ops.push({ op: "delete", a: x, text: a[x]! });
    }
  }
  while (x > 0 && y > 0) {
    x--;
    y--;
    ops.push({ op: "equal", a: x, b: y, text: a[x]! });
  }
  return ops.reverse();
}

/** Pair diff ops into side-by-side rows (deletions next to the insertions that replace them). */
export function sideBySide(ops: DiffOp[]): { left: DiffOp | null; right: DiffOp | null }[] {
  const rows: { left: DiffOp | null; right: DiffOp | null }[] = [];
  let i = 0;
  while (i < ops.length) {
    const op = ops[i]!;
    if (op.op === "equal") {
      rows.push({ left: op, right: op });
      i++;
      continue;
    }
    const dels: DiffOp[] = [];
    const ins: DiffOp[] = [];
    while (i < ops.length && ops[i]!.op !== "equal") {
      (ops[i]!.op === "delete" ? dels : ins).push(ops[i]!);
      i++;
    }
    for (let k = 0; k < Math.max(dels.length, ins.length); k++) rows.push({ left: dels[k] ?? null, right: ins[k] ?? null });
  }
  return rows;
}
