import { withInput } from "@/lib/http/route";
import { writeSampleProblems } from "@/lib/data/samples/sample-problems";

// The home page's "Open the shipped sample problems": writes the sample dataset and opens it in Inspect.
// A form POST (it writes a file), answered with a 303 to the Inspect page.
// A relative Location: the browser stays on the host it used (127.0.0.1 vs localhost cookies).
export const POST = withInput({}, async () => {
  const source = await writeSampleProblems();
  return new Response(null, { status: 303, headers: { location: `/inspect?file=${encodeURIComponent(source)}` } });
});
