import { z } from "zod";
import { trafficIdSchema } from "@/lib/traffic/types";

export const trafficParamsSchema = z.object({ id: trafficIdSchema });
export type TrafficParams = z.infer<typeof trafficParamsSchema>;
