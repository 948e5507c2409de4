/**
 * A worker that starts and never answers: it takes each tab's port and ignores every
 * message on it, as a script that hangs or one that is not tabsocket's would (issue 20).
 */
const scope = self as unknown as { onconnect: ((event: MessageEvent) => void) | null };
scope.onconnect = (event) => {
  for (const port of event.ports) port.start();
};

export {};
