export default function ChatPage() {
  return (
    <section data-testid="chat-placeholder" className="p-6 text-sm text-zinc-600">
      <h1 className="mb-2 text-lg font-semibold text-zinc-900">Chat</h1>
      <p>Tool-using rollouts (ReTool) land here. Until then, run code in the Editor.</p>
    </section>
  );
}
