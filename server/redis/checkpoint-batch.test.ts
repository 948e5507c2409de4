import { describe, expect, it } from 'vitest';
import { CheckpointBatch } from './checkpoint-batch';

describe('CheckpointBatch', () => {
  it('sends the writes of one task together, 256 sessions a script, and answers each', async () => {
    const sent: string[][] = [];
    const batch = new CheckpointBatch(
      {
        sendCommand: async (args) => {
          sent.push([...args]);
          const sessions = Number(args[2]) / 4;
          return Array.from({ length: sessions }, (_, index) => (index % 2 === 0 ? 1 : 0));
        },
      },
      'owner-1',
      '1000',
    );
    const answers = Array.from({ length: 300 }, (_, index) =>
      batch.write([`h${index}`, `l${index}`, `d${index}`, `n${index}`], ['1', '2', '3', '4', '']),
    );
    expect(sent).toHaveLength(0);
    const held = await Promise.all(answers);
    expect(sent.map((command) => command[2])).toEqual(['1024', '176']);
    expect(sent[1]?.slice(3, 7)).toEqual(['h256', 'l256', 'd256', 'n256']);
    expect(sent[1]?.slice(3 + 176, 3 + 178)).toEqual(['owner-1', '1000']);
    expect(held.slice(0, 3)).toEqual([true, false, true]);
    expect(held[256]).toBe(true);
  });

  it('rejects the writes of a client that fails, also one that throws at once', async () => {
    const throwing = new CheckpointBatch(
      {
        sendCommand: () => {
          throw new Error('The client is closed');
        },
      },
      'owner-1',
      '1000',
    );
    await expect(throwing.write(['h', 'l', 'd', 'n'], ['', '', '', '', ''])).rejects.toThrow(
      'closed',
    );
    const failing = new CheckpointBatch(
      { sendCommand: () => Promise.reject(new Error('READONLY')) },
      'owner-1',
      '1000',
    );
    await expect(failing.write(['h', 'l', 'd', 'n'], ['', '', '', '', ''])).rejects.toThrow(
      'READONLY',
    );
  });
});
