import { describe, expect, it } from 'vitest';
import { classifySessionFrame, MAX_TOPICS, readResume } from './inbound-frame';

const NONCE = 'n0nce-0123456789abcdef';

function json(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

describe('readResume', () => {
  it('reads a resume that carries the nonce', () => {
    expect(readResume({ $ts: 'resume', nonce: NONCE, session: 's', last: 3 }, NONCE, 1)).toEqual({
      kind: 'resume',
      session: 's',
      last: 3,
      held: false,
    });
  });

  it.each([
    [true, true],
    [false, 1],
    [false, 'true'],
  ])(
    'reads held as %s from %s: only true says a server attached the session before',
    (held, given) => {
      const frame = { $ts: 'resume', nonce: NONCE, session: 's', last: 0, held: given };
      expect(readResume(frame, NONCE, 1)).toMatchObject({ held });
    },
  );

  it.each([
    ['no nonce', { $ts: 'resume', session: 's', last: 0 }],
    ['another nonce', { $ts: 'resume', nonce: 'x'.repeat(22), session: 's', last: 0 }],
    ['a nonce of another type', { $ts: 'resume', nonce: [NONCE], session: 's', last: 0 }],
    ['another kind', { $ts: 'sub', nonce: NONCE, topics: [] }],
    ['an array', [{ $ts: 'resume', nonce: NONCE, session: 's', last: 0 }]],
    ['text', 'resume'],
    ['not JSON', undefined],
  ])('answers undefined (a plain client) for %s', (_, parsed) => {
    expect(readResume(parsed, NONCE, 1)).toBeUndefined();
  });

  it.each([-1, 2 ** 53, 1.5, '1', null, undefined])('leaves a last of %s undefined', (last) => {
    expect(readResume({ $ts: 'resume', nonce: NONCE, session: 's', last }, NONCE, 1)).toEqual({
      kind: 'resume',
      session: 's',
      last: undefined,
      held: false,
    });
  });

  it.each([
    ['empty', ''],
    ['too long', 'x'.repeat(129)],
    ['not a string', 7],
    ['shorter than the minimum', 'x'.repeat(15)],
  ])('finds a session id that is %s invalid', (_, session) => {
    expect(readResume({ $ts: 'resume', nonce: NONCE, session, last: 0 }, NONCE, 16)).toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining('"session"'),
    });
  });
});

describe('classifySessionFrame', () => {
  const classify = (text: string) => classifySessionFrame(text, json(text));

  it('reads a sub frame', () => {
    expect(classify('{"$ts":"sub","topics":["a","b"]}')).toEqual({
      kind: 'subscribe',
      frame: { $ts: 'sub', topics: ['a', 'b'] },
    });
  });

  it('reads a msg frame, its text parsed when it is JSON', () => {
    expect(classify('{"$ts":"msg","id":1,"text":"{\\"a\\":1}"}')).toEqual({
      kind: 'message',
      id: 1,
      data: { a: 1 },
      text: '{"a":1}',
    });
    expect(classify('{"$ts":"msg","id":2,"text":"hi"}')).toMatchObject({ data: 'hi' });
  });

  it('reads where a msg was written before (was), and nothing else of it', () => {
    expect(
      classify('{"$ts":"msg","id":1,"text":"hi","was":{"session":"s1","id":4,"more":true}}'),
    ).toEqual({ kind: 'message', id: 1, data: 'hi', text: 'hi', was: [{ session: 's1', id: 4 }] });
  });

  it('reads the sessions it was written in after that one (also), first to last', () => {
    const frame = {
      $ts: 'msg',
      id: 1,
      text: 'hi',
      was: { session: 's1', id: 4 },
      also: [
        { session: 's2', id: 1 },
        { session: 's3', id: 2 },
      ],
    };
    expect(classify(JSON.stringify(frame))).toEqual({
      kind: 'message',
      id: 1,
      data: 'hi',
      text: 'hi',
      was: [
        { session: 's1', id: 4 },
        { session: 's2', id: 1 },
        { session: 's3', id: 2 },
      ],
    });
  });

  it.each([
    ['{"$ts":"sub","topics":', 'malformed', /not valid JSON/],
    ['  { "$ts" : "sub" ', 'malformed', /not valid JSON/],
    ['{"$ts":null}', 'malformed', /must be a string/],
    ['{"$ts":"sub","topics":"a"}', 'malformed', /array of at most/],
    ['{"$ts":"sub","topics":[null]}', 'malformed', /array of at most/],
    [`{"$ts":"sub","topics":["${'x'.repeat(257)}"]}`, 'too-large', /at most 256 characters/],
    [
      JSON.stringify({ $ts: 'sub', topics: Array.from({ length: MAX_TOPICS + 1 }, String) }),
      'too-large',
      /at most 1024 strings/,
    ],
    ['{"$ts":"msg","id":0,"text":"x"}', 'malformed', /"id"/],
    ['{"$ts":"msg","id":9007199254740992,"text":"x"}', 'malformed', /"id"/],
    ['{"$ts":"msg","id":-1,"text":"x"}', 'malformed', /"id"/],
    ['{"$ts":"msg","id":1}', 'malformed', /"text"/],
    ['{"$ts":"msg","id":1,"text":"x","was":null}', 'malformed', /"was"/],
    ['{"$ts":"msg","id":1,"text":"x","also":[{"session":"s","id":1}]}', 'malformed', /"was"/],
    [
      '{"$ts":"msg","id":1,"text":"x","was":{"session":"s","id":1},"also":{}}',
      'malformed',
      /"also"/,
    ],
    [
      '{"$ts":"msg","id":1,"text":"x","was":{"session":"s","id":1},"also":[{"session":"t"}]}',
      'malformed',
      /"also"/,
    ],
    [
      JSON.stringify({
        $ts: 'msg',
        id: 1,
        text: 'x',
        was: { session: 's', id: 1 },
        also: Array.from({ length: 5 }, (_, index) => ({ session: `s${index}`, id: 1 })),
      }),
      'malformed',
      /at most 4/,
    ],
    ['{"$ts":"msg","id":1,"text":"x","was":{"session":"s","id":0}}', 'malformed', /"was"/],
    ['{"$ts":"msg","id":1,"text":"x","was":{"session":"s","id":1.5}}', 'malformed', /"was"/],
    ['{"$ts":"msg","id":1,"text":"x","was":{"session":"","id":1}}', 'malformed', /"was"/],
    [
      `{"$ts":"msg","id":1,"text":"x","was":{"session":"${'s'.repeat(129)}","id":1}}`,
      'malformed',
      /"was"/,
    ],
    ['{"$ts":"resume","nonce":"n","session":"s","last":0}', 'unexpected', /once per socket/],
    ['{"$ts":"unsub"}', 'unknown-kind', /Unknown control frame kind "unsub"/],
    ['{"$ts":"error","code":"x","message":"y"}', 'unknown-kind', /"error"/],
  ])('refuses %s as %s', (text, code, message) => {
    const frame = classify(text);
    expect(frame).toMatchObject({ kind: 'refused', code });
    expect(frame.kind === 'refused' && frame.message).toMatch(message);
  });

  it.each([
    ['{"$ts":"sub","topics":[1]}', { refused: 'sub' }],
    [`{"$ts":"sub","topics":["${'x'.repeat(257)}"]}`, { refused: 'sub' }],
    ['{"$ts":"msg","id":0,"text":"x"}', { refused: 'msg' }],
    ['{"$ts":"msg","id":7}', { refused: 'msg', id: 7 }],
    ['{"$ts":"msg","id":7,"text":"x","was":{"id":1}}', { refused: 'msg', id: 7 }],
  ])('names the refused frame of %s, so the worker tells the tab that sent it', (text, about) => {
    expect(classify(text)).toMatchObject({ kind: 'refused', about });
  });

  it('quotes at most 32 characters of an unknown kind', () => {
    const frame = classify(JSON.stringify({ $ts: 'k'.repeat(10_000) }));
    expect(frame.kind === 'refused' && frame.message.length).toBeLessThan(200);
  });

  it.each([
    'plain text',
    '{"kind":"chat"}',
    '[1,2]',
    '42',
    '{"$tsx":1}',
    '{broken json',
    '[{"$ts":"sub"}]',
  ])('leaves %s to the app', (text) => {
    expect(classify(text)).toEqual({ kind: 'app' });
  });
});
