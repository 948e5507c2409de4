import type { History } from './history';

/**
 * Pushes a handle wanted that went into a session stream it later heard a push of, that it
 * never heard, with no `resync` after the lost push: lost in silence. The checker's gap
 * rule looks only between two heard pushes (or after a resync), so it misses a push lost
 * before the first push a handle hears; `not delivered after healing` sees only the last.
 */
export function lostInSilence(history: History): string[] {
  const lost: string[] = [];
  const handles = [...history.handles.values()];
  for (const handle of handles) {
    // A reloaded page's handle goes on with its lineage: what either heard counts.
    const heard = new Set(
      handles
        .filter((other) => other.lineage === handle.lineage)
        .flatMap((other) => other.events)
        .flatMap((event) => (event.kind === 'frame' ? [event.push] : [])),
    );
    for (const push of history.pushes.values()) {
      if (heard.has(push.id) || push.user !== handle.user) continue;
      if (handle.interest !== 'all' && handle.interest !== push.topic) continue;
      // Made before the handle opened, or after it ended (released, logged out, its page gone).
      if (push.at < handle.openedAt || push.at > (handle.endedAt ?? Number.POSITIVE_INFINITY)) {
        continue;
      }
      // The first push the handle heard after this one in a stream both went into: by
      // number, as a lagging channel hands a handle earlier pushes late (review 21h); by
      // time where the push has no number there (not kept).
      const later = handle.events.findIndex((event) => {
        if (event.kind !== 'frame' || event.session === undefined) return false;
        const seq = push.streams.get(event.session);
        if (seq === undefined) return false;
        const heardSeq = history.pushes.get(event.push)?.streams.get(event.session) ?? 0;
        return seq > 0 && heardSeq > 0 ? heardSeq > seq : event.at > push.at;
      });
      if (later < 0) continue;
      const resynced = handle.events
        .slice(0, later)
        .some((event) => event.kind === 'resync' && event.at >= push.at);
      if (!resynced) lost.push(`h${handle.id} never heard p${push.id}, and no resync`);
    }
  }
  return lost;
}
