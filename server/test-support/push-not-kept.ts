import { RedisReplayStore } from '../redis/redis-replay-store';
import { CHECKPOINT, DIRECT } from '../redis/scripts';
import type { RedisCommandClient } from '../redis/store-options';
import type { SessionRegistry } from '../sessions/session-registry';
import { pushPayload } from '../stores/push-payload';
import { waitUntil } from './harness';
import { resumeOf, resumeSocket } from './resume-socket';

/** A client on `client`'s Redis whose next DIRECT (a push) or CHECKPOINT fails when `refuse` says. */
export function refusingClient(client: RedisCommandClient) {
  const refuse = { direct: false, checkpoint: false };
  const refusing: RedisCommandClient = {
    sendCommand: (args) => {
      if (refuse.direct && args[1] === DIRECT) {
        refuse.direct = false;
        return Promise.reject(new Error('refused DIRECT'));
      }
      if (refuse.checkpoint && args[1] === CHECKPOINT) {
        refuse.checkpoint = false;
        return Promise.reject(new Error('refused CHECKPOINT'));
      }
      return client.sendCommand(args);
    },
  };
  return { client: refusing, refuse };
}

/**
 * A server's store on `client`'s Redis under `prefix` (two of them: two servers on one
 * Redis); `refuse.direct` makes Redis refuse its next direct push (a failed write).
 */
export function refusingRedisStore(client: RedisCommandClient, prefix: string) {
  const { client: refusing, refuse } = refusingClient(client);
  return { store: new RedisReplayStore(refusing, { prefix }), refuse };
}

/**
 * Session S of `ann` on `registry` has pushes 1 and 2, written to its worker, then a third
 * that Redis refused (not kept, never written); it waits for its worker.
 */
export async function withPushNotKept(
  registry: SessionRegistry,
  refuse: { direct: boolean },
): Promise<void> {
  const written: string[] = [];
  const first = resumeSocket({ written });
  const attached = await resumeOf(registry, first, 0);
  if (attached.kind !== 'attached') throw new Error('not attached');
  registry.push(attached.session, pushPayload('"data":1'));
  registry.push(attached.session, pushPayload('"data":2'));
  await waitUntil(() => written.length === 2, 'pushes written');
  registry.detach(attached.session, first);
  refuse.direct = true;
  registry.push(attached.session, pushPayload('"data":3'));
  await waitUntil(() => !refuse.direct, 'the push refused');
}
