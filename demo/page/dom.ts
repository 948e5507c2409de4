/** The element with `id`; a missing one is a bug in index.html, so it throws at start. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`demo: #${id} is missing from index.html`);
  return element as T;
}

/** A new element with classes and text. Text goes in as text, never as HTML. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className = '',
  text = '',
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text) element.textContent = text;
  return element;
}

/** Keeps at most `max` children, dropping from the end (the oldest, in a newest-first list). */
export function trimChildren(list: HTMLElement, max: number): void {
  while (list.childElementCount > max) list.lastElementChild?.remove();
}
