import type { RememberedFrame } from '../sessions/session';
import type { ResumeOutcome, SessionRegistry } from '../sessions/session-registry';

/**
 * A socket of user `ann` for `SessionRegistry.resume`: what it is sent goes in `written`, and
 * it hands over `frames` (what it got before it had a session). Closed: `isOpen` false.
 */
export function resumeSocket({
  written = [],
  frames = [],
  isOpen = true,
}: {
  written?: string[];
  frames?: RememberedFrame[];
  isOpen?: boolean;
} = {}) {
  return {
    userId: 'ann',
    isOpen,
    // A socket that has not resumed has no topics (`ConnectedClient.topics`).
    topics: new Set<string>(),
    terminated: false,
    sendText: (text: string) => {
      written.push(text);
      return true;
    },
    terminate() {
      this.terminated = true;
    },
    handOver: () => frames.splice(0),
  };
}

export type ResumeSocket = ReturnType<typeof resumeSocket>;

/** `registry.resume` of session `id` from `last`, as a promise of its outcome. */
export function resumeOf(
  registry: SessionRegistry,
  socket: ResumeSocket,
  last: number,
  id = 'S',
): Promise<ResumeOutcome> {
  return new Promise((resolve) => {
    void registry.resume(socket, id, last, resolve);
  });
}
