import { describe, expect, it } from 'vitest';
import { RecentFrames } from './recent-frames';

const at = (seq: number) => ({ session: 's', seq, nextId: 1 });

describe('RecentFrames', () => {
  it('keeps the last frames in order once its ring has wrapped', () => {
    const recent = new RecentFrames(4);
    recent.follow('s');
    for (let seq = 1; seq <= 10; seq++) recent.add({ data: seq, seq });
    expect(recent.missedBy(at(7), at(10))).toEqual([
      { data: 8, seq: 8 },
      { data: 9, seq: 9 },
      { data: 10, seq: 10 },
    ]);
    expect(recent.missedBy(at(6), at(10))).toHaveLength(4);
    expect(recent.missedBy(at(5), at(10))).toBe('resync');
  });

  it('answers nothing to a cursor that is up to date, and forgets a session it left', () => {
    const recent = new RecentFrames(4);
    recent.follow('s');
    recent.add({ data: 1, seq: 1 });
    recent.add({ data: 'plain' });
    expect(recent.missedBy(at(1), at(1))).toBeUndefined();
    expect(recent.missedBy(at(0), at(1))).toEqual([{ data: 1, seq: 1 }]);
    recent.follow('t');
    expect(recent.missedBy({ ...at(0), session: 't' }, { ...at(1), session: 't' })).toBe('resync');
  });

  it('answers resync to a cursor of another session (the server lost it) once either has pushes or a server had the cursor’s; nothing with no push anywhere (a plain server)', () => {
    const recent = new RecentFrames(4);
    recent.follow('s');
    const other = (seq: number) => ({ ...at(seq), session: 'other' });
    expect(recent.missedBy(other(0), at(0))).toBeUndefined();
    expect(recent.missedBy(other(5), at(0))).toBe('resync');
    // No push heard of it, but a server had it: it may have pushed into it.
    expect(recent.missedBy({ ...other(0), numbered: true }, at(0))).toBe('resync');
    recent.add({ data: 1, seq: 1 });
    expect(recent.missedBy(other(0), at(1))).toBe('resync');
  });

  it('keeps a frame replayed again (a resume that went back for a cursor behind) once', () => {
    const recent = new RecentFrames(8);
    recent.follow('s');
    for (const seq of [3, 4, 1, 2, 3, 4, 5]) recent.add({ data: seq, seq });
    expect(recent.missedBy(at(3), at(5))).toEqual([
      { data: 4, seq: 4 },
      { data: 5, seq: 5 },
    ]);
  });

  it('gives a hub whose tabs opened at a time the frames it heard since, or resync once one was dropped', () => {
    const recent = new RecentFrames(4);
    recent.follow('s');
    for (let seq = 1; seq <= 4; seq++) recent.add({ data: seq, seq }, seq * 10);
    expect(recent.heardSince(25, at(4))).toEqual([
      { data: 3, seq: 3 },
      { data: 4, seq: 4 },
    ]);
    expect(recent.heardSince(41, at(4))).toEqual([]);
    // Push 1, heard at 10, gives way to push 5: a hub whose tabs opened at 10 missed it.
    recent.add({ data: 5, seq: 5 }, 50);
    expect(recent.heardSince(11, at(5))).toEqual([2, 3, 4, 5].map((seq) => ({ data: seq, seq })));
    expect(recent.heardSince(10, at(5))).toBe('resync');
    // Of another session than the one it keeps: nothing to tell.
    expect(recent.heardSince(0, { ...at(5), session: 't' })).toBeUndefined();
  });

  it('answers resync to a cursor among the frames kept before a gap, and to tabs opened before it', () => {
    const recent = new RecentFrames(4);
    recent.follow('s');
    for (let seq = 1; seq <= 3; seq++) recent.add({ data: seq, seq }, seq);
    recent.gap(10);
    recent.add({ data: 49, seq: 49 }, 11);
    expect(recent.missedBy(at(3), at(49))).toBe('resync');
    // One told the resync stands past the gap (`WireLink` tells the cursor after it).
    expect(recent.missedBy(at(48), at(49))).toEqual([{ data: 49, seq: 49 }]);
    expect(recent.heardSince(5, at(49))).toBe('resync');
    expect(recent.heardSince(11, at(49))).toEqual([{ data: 49, seq: 49 }]);
  });

  it('tells a cursor that heard the stream past the last gap from one before it', () => {
    const recent = new RecentFrames(4);
    recent.follow('s');
    for (let seq = 1; seq <= 3; seq++) recent.add({ data: seq, seq }, seq);
    recent.gap(10);
    // Nothing heard past the gap yet: no cursor is known to be past it.
    expect(recent.heardPastGap(at(3))).toBe(false);
    recent.add({ data: 49, seq: 49 }, 11);
    expect(recent.heardPastGap(at(3))).toBe(false);
    expect(recent.heardPastGap(at(49))).toBe(true);
    expect(recent.heardPastGap({ ...at(49), session: 't' })).toBe(false);
  });

  it('says when it last heard the stream go on: its newest push, or a gap after it', () => {
    const recent = new RecentFrames(4);
    recent.follow('s');
    expect(recent.heardTo).toBe(Number.NEGATIVE_INFINITY);
    recent.add({ data: 1, seq: 1 }, 10);
    expect(recent.heardTo).toBe(10);
    // A resync heard at 30 lost pushes made before it, after 10: a tab open since 20 missed them.
    recent.gap(30);
    expect(recent.heardTo).toBe(30);
    recent.add({ data: 9, seq: 9 }, 40);
    expect(recent.heardTo).toBe(40);
  });
});
