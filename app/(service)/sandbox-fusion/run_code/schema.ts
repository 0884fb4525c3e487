// The request schema lives with SandboxFusion's wire format (lib must not import from app).
export { runCodeRequestSchema, type RunCodeRequest } from "@/lib/service/sandbox-fusion/wire";
