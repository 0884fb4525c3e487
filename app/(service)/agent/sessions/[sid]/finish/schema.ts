export { finishBodySchema, type FinishBody } from "@/lib/service/agent-proxy/session-types";
