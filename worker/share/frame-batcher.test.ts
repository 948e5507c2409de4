import { describe, expect, it, vi } from 'vitest';
import type { TabEventMessage } from '../../protocol/tab-hub';
import { type TabPort, tellTab } from '../hub/registry';
import { nextTask } from '../platform';
import { FrameBatcher } from './frame-batcher';

function setup() {
  const tasks: Array<() => void> = [];
  const batcher = new FrameBatcher<TabPort>((task) => tasks.push(task), tellTab);
  const runTask = () => tasks.shift()?.();
  const target = (): TabPort & { posted: TabEventMessage[] } => {
    const posted: TabEventMessage[] = [];
    return { posted, postMessage: (message) => posted.push(message) };
  };
  const frameCounts = (posted: TabEventMessage[]) =>
    posted.map((message) =>
      message.tabsocket.kind === 'frames' ? message.tabsocket.frames.length : 0,
    );
  return { batcher, tasks, runTask, target, frameCounts };
}

describe('FrameBatcher', () => {
  describe('#add()', () => {
    it('posts a lone frame at once', () => {
      const { batcher, target } = setup();
      const tab = target();
      batcher.add([tab], 'default', { data: 1 });
      expect(tab.posted).toEqual([
        { tabsocket: { kind: 'frames', name: 'default', frames: [{ data: 1 }] } },
      ]);
    });

    it('gathers the frames of a burst and posts them in one message per tab, in order, every tab alike', () => {
      const { batcher, target, runTask, frameCounts } = setup();
      const [a, b] = [target(), target()];
      for (let n = 1; n <= 5; n++) batcher.add([a, b], 'default', { data: n });
      runTask();
      // The first frame goes to both at once: neither tab is a task ahead of the other.
      expect(frameCounts(a.posted)).toEqual([1, 4]);
      expect(frameCounts(b.posted)).toEqual([1, 4]);
      const frames = a.posted.flatMap((message) =>
        message.tabsocket.kind === 'frames' ? message.tabsocket.frames : [],
      );
      expect(frames.map((frame) => frame.data)).toEqual([1, 2, 3, 4, 5]);
    });

    it('keeps the connections of a tab apart', () => {
      const { batcher, target, runTask } = setup();
      const tab = target();
      batcher.add([tab], 'one', { data: 1 });
      batcher.add([tab], 'two', { data: 2 });
      batcher.add([tab], 'one', { data: 3 });
      runTask();
      expect(tab.posted.map((message) => message.tabsocket)).toEqual([
        { kind: 'frames', name: 'one', frames: [{ data: 1 }] },
        { kind: 'frames', name: 'two', frames: [{ data: 2 }] },
        { kind: 'frames', name: 'one', frames: [{ data: 3 }] },
      ]);
    });

    it('posts at once again after a quiet task ends the burst', () => {
      const { batcher, target, runTask, tasks } = setup();
      const tab = target();
      batcher.add([tab], 'default', { data: 1 });
      runTask();
      expect(tasks).toHaveLength(0);
      batcher.add([tab], 'default', { data: 2 });
      expect(tab.posted).toHaveLength(2);
    });
  });

  describe('#add() with tabs passed over', () => {
    it('tells a tab that does not want a push its number, alike with the tabs that get it: at once, then gathered', () => {
      const { batcher, target, runTask } = setup();
      const [wants, passed] = [target(), target()];
      batcher.add([wants], 'default', { data: 1, seq: 1 }, [passed]);
      expect(passed.posted.map((message) => message.tabsocket)).toEqual([
        { kind: 'frames', name: 'default', frames: [], seq: 1 },
      ]);
      batcher.add([wants], 'default', { data: 2, seq: 2 }, [passed]);
      batcher.add([wants, passed], 'default', { data: 3, seq: 3 });
      batcher.add([wants], 'default', { data: 4, seq: 4 }, [passed]);
      runTask();
      expect(passed.posted.map((message) => message.tabsocket)).toEqual([
        { kind: 'frames', name: 'default', frames: [], seq: 1 },
        { kind: 'frames', name: 'default', frames: [{ data: 3, seq: 3 }], seq: 4 },
      ]);
      // The tab that gets every push hears nothing more than before.
      expect(wants.posted.map((message) => message.tabsocket)).toEqual([
        { kind: 'frames', name: 'default', frames: [{ data: 1, seq: 1 }] },
        {
          kind: 'frames',
          name: 'default',
          frames: [
            { data: 2, seq: 2 },
            { data: 3, seq: 3 },
            { data: 4, seq: 4 },
          ],
        },
      ]);
    });
  });

  describe('#flush()', () => {
    it('posts the gathered frames now, so an event posted next comes after them', () => {
      const { batcher, target } = setup();
      const tab = target();
      batcher.add([tab], 'default', { data: 1 });
      batcher.add([tab], 'default', { data: 2 });
      batcher.flush();
      tab.postMessage({ tabsocket: { kind: 'resync', name: 'default' } });
      expect(tab.posted.map((message) => message.tabsocket.kind)).toEqual([
        'frames',
        'frames',
        'resync',
      ]);
    });
  });
});

describe('a frame the tab cannot receive', () => {
  /** A port whose structured clone refuses any value marked `deep`, as a browser refuses one nested too deep. */
  function refusingTarget(refuseText = false): TabPort & { posted: TabEventMessage[] } {
    const posted: TabEventMessage[] = [];
    return {
      posted,
      postMessage(message) {
        const event = message.tabsocket;
        const refused =
          event.kind === 'frames' &&
          event.frames.some(
            (frame) =>
              (typeof frame.data === 'object' && frame.data !== null && 'deep' in frame.data) ||
              (refuseText && typeof frame.data === 'string'),
          );
        if (refused) throw new DOMException('could not clone', 'DataCloneError');
        posted.push(structuredClone(message));
      },
    };
  }

  const deliveredData = (posted: TabEventMessage[]) =>
    posted.flatMap((message) =>
      message.tabsocket.kind === 'frames' ? message.tabsocket.frames.map((f) => f.data) : [],
    );

  it('goes as JSON text with an error event, and costs no other frame of its batch', () => {
    const { batcher, runTask } = setup();
    const tab = refusingTarget();
    batcher.add([tab], 'default', { data: 1 });
    batcher.add([tab], 'default', { data: 2 });
    batcher.add([tab], 'default', { data: { deep: [1] } });
    batcher.add([tab], 'default', { data: 3 });
    runTask();
    batcher.add([tab], 'default', { data: 4 });
    runTask();
    runTask();
    batcher.add([tab], 'default', { data: 5 });
    expect(deliveredData(tab.posted)).toEqual([1, 2, '{"deep":[1]}', 3, 4, 5]);
    const errors = tab.posted.filter((message) => message.tabsocket.kind === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.tabsocket).toMatchObject({
      kind: 'error',
      name: 'default',
      error: { code: 'TS_ERR_MALFORMED_FRAME' },
    });
  });

  it('goes as an error alone when not even its text can be posted, and the next frame flows', () => {
    const { batcher } = setup();
    const tab = refusingTarget(true);
    batcher.add([tab], 'default', { data: { deep: [1] } });
    batcher.flush();
    batcher.add([tab], 'default', { data: 7 });
    batcher.flush();
    expect(tab.posted.map((message) => message.tabsocket.kind)).toEqual(['error', 'frames']);
    expect(deliveredData(tab.posted)).toEqual([7]);
  });
});

describe('nextTask()', () => {
  it('runs tasks in order, after the current task', async () => {
    const schedule = nextTask();
    const ran: number[] = [];
    schedule(() => ran.push(1));
    schedule(() => ran.push(2));
    await Promise.resolve();
    expect(ran).toEqual([]);
    await vi.waitFor(() => expect(ran).toEqual([1, 2]));
  });
});
