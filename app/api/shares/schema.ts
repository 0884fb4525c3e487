// POST /api/shares (make a read-only link), GET /api/shares (the list), DELETE /api/shares/:id (revoke).
export { createShareSchema, shareIdParamsSchema, type CreateShareInput, type CreatedShare, type SharesResponse } from "@/lib/share/schema";
