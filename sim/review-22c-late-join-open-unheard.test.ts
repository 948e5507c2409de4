/**
 * What fix 22c leaves of review 20g's renewed-login class (mutant 7867 of review 20d's driver
 * on the renewed-login plan, with a send added): the next owner never heard its predecessor
 * open, and the reloaded page's numbered join reaches it only after its own resume.
 */
import { describe, expect, it } from 'vitest';
import { renewedReloadPlan } from './renewed-reload-plan';
import { runPlan } from './run';

const PLAN = renewedReloadPlan();

describe("a renewed login's next owner that heard nothing of its predecessor's open", () => {
  // Invariant: every push once in order, or `resync` before the first gap (`gap without
  // resync`; `not delivered after healing`). Severity: high (a push lost in silence), narrow:
  // no SharedWorkers, lagging channels, a server that names logins, a renewed login in the
  // ms of a reload. What I saw (`--history`): tab 0's hub owns S1 (resume at 12, p1 S1#1);
  // tab 1's hub heard its answer late ("29 h2 connecting attached", status `connecting`,
  // cursor S1 fresh) and none of its `open` nor of its numbered cursor when the lock came
  // to it at 33 (tab 0 reloads); it resumes S1 unheld at 55 ("55 b1 resume S2": the renewed
  // login's server starts S2 under S1's id); the reloaded page's join (S1:1, numbered)
  // reaches it after that resume, and h4 drops S2#1 (p2) as seen: "gap without resync: h1
  // heard p1 then p3 (at 20347) without p2 and no resync". OLDER: the same fingerprint
  // (974f79c2d9469d11) on 1c4a18a. No hub that could resume S1 knew it numbered before the
  // resume; a resync told the late joiner would not do (its tabs keep S1:1 and would drop
  // S2#1 after it too): the owner would have to leave the id for a new session.
  // Of 3,000 renewed-login mutants with a send added, 4 fail with `gap without resync` and 8
  // with `not delivered after healing`, against 35 and 38 on 1c4a18a.
  // Fixed: the owner's resume of S1 went out unheld, and the server answered `resumed` at
  // its head, 0; the reloaded page's join names S1:1, past it: the server's session under
  // that id is another one, and the owner leaves the id for a session of its own (S3), every
  // tab told `resync` with the switch (`WireLink.#ambiguous`; unit form:
  // worker/socket/wire-link-unheld-numbered.test.ts).
  it('holds every invariant', async () => {
    const { violations } = await runPlan(PLAN);
    expect(violations).toEqual([]);
  }, 60_000);
});
