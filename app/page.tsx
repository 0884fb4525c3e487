import { redirect } from "next/navigation";

// First start lands in Chat, which replays a shipped ReTool sample with no model server.
export default function Home() {
  redirect("/chat");
}
