/** What a cluster node (cluster-node-main.ts) and its parent (cluster-node.ts) say over IPC. */

/** The nodes' presence timing: a killed node's users go offline within the sum. */
export const PRESENCE = { heartbeat: 500, timeout: 1_500 };

export type NodeEvent =
  | { type: 'listening'; port: number }
  | { type: 'connection' }
  | { type: 'disconnection' }
  | { type: 'message'; data: unknown }
  | { type: 'presence'; userId: string; online: boolean }
  | { type: 'answer'; id: number; value: unknown }
  | { type: 'warning'; text: string };

export type NodeRequest =
  | { type: 'push'; id: number; userId: string; data: unknown }
  | { type: 'presence'; id: number };
