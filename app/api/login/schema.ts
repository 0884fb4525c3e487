import { z } from "zod";

export const loginSchema = z.object({
  token: z.string().min(1).max(4096),
  next: z.string().max(2048).optional(),
});
export type LoginInput = z.infer<typeof loginSchema>;
