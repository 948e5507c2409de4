import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { runAuthenticate } from './authentication';

const request = { url: '/?token=ann' } as IncomingMessage;

describe('runAuthenticate', () => {
  it('accepts a user id, sync or async', async () => {
    expect(await runAuthenticate(() => 'ann', request)).toEqual({
      kind: 'accepted',
      userId: 'ann',
    });
    expect(await runAuthenticate(async () => 'ann', request)).toEqual({
      kind: 'accepted',
      userId: 'ann',
    });
  });

  it('accepts a user with the login it was made under', async () => {
    expect(await runAuthenticate(() => ({ user: 'ann', login: 'sid-1' }), request)).toEqual({
      kind: 'accepted',
      userId: 'ann',
      login: 'sid-1',
    });
  });

  it('refuses on null', async () => {
    expect(await runAuthenticate(async () => null, request)).toEqual({ kind: 'refused' });
  });

  it('fails, without throwing, when authenticate throws or rejects', async () => {
    const error = new Error('down');
    const throwing = () => {
      throw error;
    };
    expect(await runAuthenticate(throwing, request)).toEqual({ kind: 'failed', error });
    expect(await runAuthenticate(() => Promise.reject(error), request)).toEqual({
      kind: 'failed',
      error,
    });
  });

  it.each([
    ['an empty string', ''],
    ['number', 42],
    ['undefined', undefined],
  ])('fails with a TypeError when authenticate answers %s', async (got, answer) => {
    const outcome = await runAuthenticate(() => answer as string, request);
    expect(outcome.kind).toBe('failed');
    const error = outcome.kind === 'failed' ? outcome.error : undefined;
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain(`got ${got}`);
  });

  it.each([
    ['user: an empty string', { user: '', login: 'l' }],
    ['user: undefined', { login: 'l' }],
    ['login: an empty string', { user: 'ann', login: '' }],
    ['login: number', { user: 'ann', login: 7 }],
    ['login: undefined', { user: 'ann' }],
  ])('fails with a TypeError when authenticate answers an object with %s', async (got, answer) => {
    const outcome = await runAuthenticate(() => answer as never, request);
    const error = outcome.kind === 'failed' ? outcome.error : undefined;
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain(`got ${got}`);
  });
});
