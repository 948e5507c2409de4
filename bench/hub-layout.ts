/**
 * Which build each tab of a tabsocket variant runs, and so how many hubs share the socket
 * and how many tabs sit on the owner's: the page URLs the sessions open and the layout the
 * report checks the run against.
 */
import type { VariantName } from './pages/api';

/** Two builds: every other tab (the second, the fourth…) runs the second build. */
export function pageUrl(appUrl: string, variant: VariantName, index: number): string {
  const buildB = variant === 'tabsocket-two-builds' && index % 2 === 1;
  return `${appUrl}${variant}.html${buildB ? '?build=b' : ''}`;
}

export interface HubLayout {
  /** Workers running a hub: SharedWorkers, or dedicated workers without SharedWorker. */
  hubs: number;
  /** Tabs attached to the hub that owns the socket (the first tab's, which opens first). */
  ownerTabs: number;
}

/** The layout a tabsocket variant should show with `tabs` tabs; null for the others. */
export function expectedLayout(variant: VariantName, tabs: number): HubLayout | null {
  switch (variant) {
    case 'tabsocket':
      return { hubs: 1, ownerTabs: tabs };
    case 'tabsocket-two-builds':
      return { hubs: Math.min(tabs, 2), ownerTabs: Math.ceil(tabs / 2) };
    case 'tabsocket-no-shared-worker':
      return { hubs: tabs, ownerTabs: 1 };
    default:
      return null;
  }
}
