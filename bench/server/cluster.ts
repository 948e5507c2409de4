import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { LoadAsk, ServerAsk, ServerStart, SessionPlan } from './ipc';
import { Rpc } from './rpc';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** A server process: its own heap and thread, `--expose-gc` for the memory figures. */
export async function startServer(
  start: ServerStart,
): Promise<{ rpc: Rpc<ServerAsk>; port: number }> {
  const child = fork(here('./server-process.ts'), [], {
    execArgv: [
      '--expose-gc',
      '--import',
      'tsx',
      // BENCH_SERVER_PROFILE=dir: a CPU profile of each server process, written as it stops.
      ...(process.env.BENCH_SERVER_PROFILE
        ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_SERVER_PROFILE]
        : []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const rpc = new Rpc<ServerAsk>(child);
  const { port } = await rpc.ask<{ port: number }>({ op: 'start', start });
  return { rpc, port };
}

export function startLoad(): Rpc<LoadAsk> {
  const child = fork(here('./load-process.ts'), [], {
    execArgv: ['--import', 'tsx', '--max-old-space-size=4096'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Rpc<LoadAsk>(child);
}

/** Ends a child: `SIGKILL` as a crash does, or `SIGTERM`, on which it exits (a profile written). */
export async function kill(
  child: ChildProcess,
  signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL',
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}

/** The load processes, sessions dealt round-robin to them. */
export class Load {
  readonly processes: Rpc<LoadAsk>[];
  #opened = 0;

  constructor(count: number) {
    this.processes = Array.from({ length: count }, () => startLoad());
  }

  get opened(): number {
    return this.#opened;
  }

  /**
   * Opens sessions up to `total` in all, `node(index)` telling each its node; waits until
   * they are attached, or a minute. Answers how many are open and never attached.
   */
  async openTo(
    total: number,
    urls: string[],
    plain: boolean,
    node: (index: number) => number,
    perSecond = 2_000,
  ): Promise<number> {
    const plans: SessionPlan[][] = this.processes.map(() => []);
    for (let index = this.#opened; index < total; index++) {
      plans[index % this.processes.length]?.push({ index, node: node(index) });
    }
    const perTick = Math.max(1, Math.round(perSecond / 20 / this.processes.length));
    await Promise.all(
      this.processes.map((rpc, i) =>
        rpc.ask({ op: 'open', urls, sessions: plans[i] ?? [], plain, perTick }),
      ),
    );
    this.#opened = total;
    const { ready, plain: unattached } = await this.waitReady(total, 60_000);
    if (ready < total) {
      console.error(
        `  ${total - ready} of ${total} sessions not attached (${unattached} open as plain)`,
      );
    }
    return unattached;
  }

  async ready(): Promise<{ ready: number; plain: number }> {
    const replies = await this.all<{ ready: number; plain: number }>({ op: 'ready' });
    return {
      ready: replies.reduce((sum, reply) => sum + reply.ready, 0),
      plain: replies.reduce((sum, reply) => sum + reply.plain, 0),
    };
  }

  /** Waits until `count` sessions are attached, or `limitMs`, or all but the plain ones are. */
  async waitReady(count: number, limitMs: number): Promise<{ ready: number; plain: number }> {
    const deadline = Date.now() + limitMs;
    let state = await this.ready();
    // A session taken for plain never attaches: not worth waiting for.
    while (state.ready + state.plain < count && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      state = await this.ready();
    }
    return state;
  }

  all<Reply>(ask: LoadAsk): Promise<Reply[]> {
    return Promise.all(this.processes.map((rpc) => rpc.ask<Reply>(ask)));
  }

  async close(): Promise<void> {
    await Promise.all(this.processes.map((rpc) => kill(rpc.child)));
  }
}
