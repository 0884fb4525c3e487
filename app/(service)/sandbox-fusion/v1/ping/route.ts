export const dynamic = "force-dynamic";

// SandboxFusion's health check: GET /v1/ping answers the JSON string "pong".
export function GET(): Response {
  return Response.json("pong");
}
