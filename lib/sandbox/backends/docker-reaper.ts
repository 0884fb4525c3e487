import "server-only";
import { randomUUID } from "node:crypto";
import os from "node:os";
import { processAlive } from "../proc";
import type { DockerClient } from "./docker-client";

// What the backend leaves behind and how it cleans up: labels on every container it creates, the
// removal of orphans (containers of a process that is gone) and of everything a backend owns at
// shutdown. Idle sessions are closed by the session manager, not here.

// The owner label lets a later process tell its own containers from orphans; created-at and
// session make `docker ps` readable.
export const LABEL_APP = "app";
export const APP = "rollout-playground";
export const LABEL_SESSION = "rollout-playground.session";
export const LABEL_CREATED = "rollout-playground.created-at";
export const LABEL_OWNER = "rollout-playground.owner";
/** "e2b" on an E2B sandbox's container. */
export const LABEL_KIND = "rollout-playground.kind";

/** host/pid/random: unique per backend instance, and enough to tell whether its process lives. */
export function newOwnerId(): string {
  return `${os.hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
}

/** The labels of a container started by `ownerId` (for a session, or for the warm pool). */
export function containerLabels(ownerId: string, sessionId: string | null, createdAt: number): Record<string, string> {
  return {
    [LABEL_APP]: APP,
    [LABEL_SESSION]: sessionId ?? "(pool)",
    [LABEL_CREATED]: new Date(createdAt).toISOString(),
    [LABEL_OWNER]: ownerId,
  };
}

/**
 * Removes labelled containers nobody owns: those of a process on this host that is gone, and
 * (for remote daemons) any older than `maxAgeMs`. `ownerId`'s, and live processes', are left alone.
 */
export async function reapOrphans(client: DockerClient, ownerId: string, maxAgeMs: number): Promise<number> {
  const list = await client.listByLabel(`${LABEL_APP}=${APP}`);
  const host = os.hostname();
  let n = 0;
  for (const c of list) {
    const owner = c.Labels?.[LABEL_OWNER] ?? "";
    if (owner === ownerId) continue;
    const [ownerHost, ownerPid] = owner.split("/");
    const created = Date.parse(c.Labels?.[LABEL_CREATED] ?? "") || c.Created * 1000;
    const orphan = ownerHost === host ? !processAlive(Number(ownerPid)) : Date.now() - created > maxAgeMs || !owner;
    if (!orphan) continue;
    await client.remove(c.Id, "orphan remove");
    n++;
  }
  if (n) console.info(`[docker] reaped ${n} orphaned sandbox container(s)`);
  return n;
}

/** Ids of the containers labelled with this owner that still exist. */
export async function ownedContainers(client: DockerClient, ownerId: string): Promise<string[]> {
  return (await client.listByLabel(`${LABEL_OWNER}=${ownerId}`)).map((c) => c.Id);
}

/** Removes everything labelled with this owner (shutdown's last step). Never throws. */
export async function removeOwned(client: DockerClient, ownerId: string): Promise<void> {
  const ids = await ownedContainers(client, ownerId).catch(() => []);
  await Promise.all(ids.map((id) => client.remove(id).catch(() => {})));
}
