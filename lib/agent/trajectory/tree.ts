// A session's routing tree, built exactly as slime's TrajectoryManager.record_turn builds it:
// walk down matching (role, message ==), merge a short re-rendered assistant, mount the rest,
// hang the generated assistant leaf.
import { pyEquals } from "@/lib/pycompat/equal";
import type { ChatMessage, TurnRecord } from "./schema";

/** What replaced a generated turn that a later prompt replayed re-rendered (slime's `merged_rewrite`). */
export interface MergedRewrite {
  abandoned_turn_index: number | null;
  abandoned_response_tokens: number;
}

export class MessageNode {
  readonly children: MessageNode[] = [];
  /** The generated turn; null for routing-only nodes (prompt messages, foreign or merged assistants). */
  turn: TurnRecord | null = null;
  turnIndex: number | null = null;
  mergedRewrite: MergedRewrite | null = null;

  constructor(
    readonly id: number,
    readonly parent: MessageNode | null,
    readonly role: unknown,
    public message: ChatMessage | null,
    readonly metadata: Record<string, unknown> = {},
  ) {}

  get isRoot(): boolean {
    return this.parent === null;
  }

  /** Nodes from the first non-root ancestor down to this one. */
  pathFromRoot(): MessageNode[] {
    const chain: MessageNode[] = [];
    for (let n: MessageNode | null = this; n !== null && !n.isRoot; n = n.parent) chain.push(n);
    return chain.reverse();
  }

  /** Leaves in depth-first, insertion order (the order slime emits Samples in). */
  leaves(): MessageNode[] {
    const out: MessageNode[] = [];
    const stack: MessageNode[] = [this];
    while (stack.length) {
      const n = stack.pop()!;
      if (n.children.length === 0) out.push(n);
      else for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
    }
    return out;
  }
}

export class SessionTree {
  readonly root: MessageNode;
  turnCount = 0;
  private nextId = 1;

  constructor(readonly forkThreshold: number) {
    this.root = new MessageNode(0, null, null, null);
  }

  private child(parent: MessageNode, role: unknown, message: ChatMessage | null, metadata?: Record<string, unknown>): MessageNode {
    const node = new MessageNode(this.nextId++, parent, role, message, metadata);
    parent.children.push(node);
    return node;
  }

  /** record_turn after its guards: returns the new leaf and whether a rewrite was merged. */
  record(
    turn: TurnRecord,
    promptMessages: readonly ChatMessage[],
    responseMessage: ChatMessage | null,
    metadata: Record<string, unknown> | null,
  ): { leaf: MessageNode; mountDepth: number; merged: MessageNode | null } {
    let [node, depth] = this.findMountPoint(promptMessages);
    const mountDepth = depth;
    const merged = this.tryMergeAssistantRewrite(node, promptMessages, depth);
    if (merged) [node, depth] = [merged, depth + 1];
    for (const m of promptMessages.slice(depth)) node = this.child(node, m["role"] ?? null, m);
    const leaf = this.child(node, "assistant", responseMessage, { ...(metadata ?? {}) });
    leaf.turn = turn;
    leaf.turnIndex = ++this.turnCount;
    return { leaf, mountDepth, merged };
  }

  private findMountPoint(messages: readonly ChatMessage[]): [MessageNode, number] {
    let node = this.root;
    let depth = 0;
    while (depth < messages.length) {
      const msg = messages[depth]!;
      const role = msg["role"] ?? null;
      const next = node.children.find((c) => pyEquals(c.role, role) && c.message !== null && pyEquals(c.message, msg));
      if (!next) break;
      node = next;
      depth++;
    }
    return [node, depth];
  }

  /** slime merges only a lone, generated, childless, short assistant; everything else forks. */
  private tryMergeAssistantRewrite(node: MessageNode, messages: readonly ChatMessage[], depth: number): MessageNode | null {
    if (this.forkThreshold <= 0) return null;
    if (depth >= messages.length || !pyEquals(messages[depth]!["role"] ?? null, "assistant")) return null;
    const asst = node.children.filter((c) => pyEquals(c.role, "assistant"));
    if (asst.length !== 1) return null;
    const target = asst[0]!;
    if (target.children.length || target.turn === null || target.turn.output_ids.length >= this.forkThreshold) return null;
    target.mergedRewrite = { abandoned_turn_index: target.turnIndex, abandoned_response_tokens: target.turn.output_ids.length };
    target.turn = null;
    target.turnIndex = null;
    target.message = messages[depth]!;
    return target;
  }
}
