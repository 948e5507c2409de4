import { describe, expect, it } from 'vitest';
import type { Clock } from '../../protocol/clock';
import { ENDED_KEPT_FOR, ENDED_KEPT_MAX, EndedSessions } from './ended-sessions';

function atTime() {
  let now = 0;
  const clock: Clock = { now: () => now, setTimeout: () => 0, clearTimeout: () => {} };
  return { ended: new EndedSessions(clock), advance: (ms: number) => (now += ms) };
}

describe('EndedSessions', () => {
  it('names a session until no server keeps it any more, then forgets it', () => {
    const { ended, advance } = atTime();
    ended.add('s1', true);
    advance(ENDED_KEPT_FOR / 2);
    ended.add('s2', true);
    advance(ENDED_KEPT_FOR / 2);
    expect(ended.list()).toEqual(['s1', 's2']);
    advance(1);
    expect(ended.list()).toEqual(['s2']);
    expect(ended.has('s1')).toBe(false);
  });

  it('keeps at most ENDED_KEPT_MAX, forgetting the oldest', () => {
    const { ended } = atTime();
    for (let login = 0; login <= ENDED_KEPT_MAX; login++) ended.add(`s${login}`, true);
    expect(ended.list()).toHaveLength(ENDED_KEPT_MAX);
    expect(ended.has('s0')).toBe(false);
    expect(ended.has(`s${ENDED_KEPT_MAX}`)).toBe(true);
  });

  it('tells a session this hub’s logout ended from one another hub told it of', () => {
    const { ended } = atTime();
    ended.add('told', false);
    ended.add('here', true);
    expect([ended.has('told'), ended.endedHere('told')]).toEqual([true, false]);
    expect([ended.has('here'), ended.endedHere('here')]).toEqual([true, true]);
    // Told after this hub's own logout ended it: still its own.
    ended.add('here', false);
    expect(ended.endedHere('here')).toBe(true);
  });
});
