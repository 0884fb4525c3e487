// Ids of chat sessions and runs (hex, so they are safe in file names and URLs). Isomorphic.
import { z } from "zod";

export const sessionIdSchema = z.string().regex(/^[a-f0-9]{16}$/, "not a session id");
export const runIdSchema = z.string().regex(/^[a-f0-9]{16}$/, "not a run id");
