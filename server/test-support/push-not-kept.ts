import { RedisReplayStore } from '../redis/redis-replay-store';
import { DIRECT } from '../redis/scripts';
import type { RedisCommandClient } from '../redis/store-options';
import type { SessionRegistry } from '../sessions/session-registry';
import { pushPayload } from '../stores/push-payload';
import { waitUntil } from './harness';
import { resumeOf, resumeSocket } from './resume-socket';

/**
 * A server's store on `client`'s Redis under `prefix` (two of them: two servers on one
 * Redis); `refuseNextPush` makes Redis refuse its next direct push (a failed write).
 */
export function refusingRedisStore(client: RedisCommandClient, prefix: string) {
  const state = { refuseNextPush: false };
  const refusing: RedisCommandClient = {
    sendCommand: (args) => {
      if (state.refuseNextPush && args[1] === DIRECT) {
        state.refuseNextPush = false;
        return Promise.reject(new Error('refused'));
      }
      return client.sendCommand(args);
    },
  };
  return { store: new RedisReplayStore(refusing, { prefix }), state };
}

/**
 * Session S of `ann` on `registry` has pushes 1 and 2, written to its worker, then a third
 * that Redis refused (not kept, never written); it waits for its worker.
 */
export async function withPushNotKept(
  registry: SessionRegistry,
  state: { refuseNextPush: boolean },
): Promise<void> {
  const written: string[] = [];
  const first = resumeSocket({ written });
  const attached = await resumeOf(registry, first, 0);
  if (attached.kind !== 'attached') throw new Error('not attached');
  registry.push(attached.session, pushPayload('"data":1'));
  registry.push(attached.session, pushPayload('"data":2'));
  await waitUntil(() => written.length === 2, 'pushes written');
  registry.detach(attached.session, first);
  state.refuseNextPush = true;
  registry.push(attached.session, pushPayload('"data":3'));
  await waitUntil(() => !state.refuseNextPush, 'the push refused');
}
