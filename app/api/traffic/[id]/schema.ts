import { z } from "zod";

/** A Traffic record id (base-36 time + sequence, lib/traffic). */
export const trafficParamsSchema = z.object({ id: z.string().regex(/^[0-9a-z]{1,32}$/, "not a traffic record id") });
export type TrafficParams = z.infer<typeof trafficParamsSchema>;
