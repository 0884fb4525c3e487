// The request schema lives with SandboxFusion's wire format (lib must not import from app).
export { runJupyterRequestSchema, type RunJupyterRequest } from "@/lib/service/sandbox-fusion/wire";
