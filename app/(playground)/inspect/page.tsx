export default function InspectPage() {
  return (
    <section data-testid="inspect-placeholder" className="p-6 text-sm text-zinc-600">
      <h1 className="mb-2 text-lg font-semibold text-zinc-900">Inspect</h1>
      <p>Dataset and rollout inspection lands here. Until then, run code in the Editor.</p>
    </section>
  );
}
