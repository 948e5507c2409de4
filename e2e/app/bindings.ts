/**
 * The page of the bindings' end-to-end test: one React component (under StrictMode) and one
 * Vue component, each connected through its binding to the url in `?url=`. Each shows its
 * state and the last frame of topic "news", and `window.bindings` lets the test log in again
 * (a new url for both) or unmount both.
 */
import { createElement, StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { ConnectOptions } from 'tabsocket';
import { useTabSocket as useReactSocket, useTopic as useReactTopic } from 'tabsocket/react';
import { useTabSocket as useVueSocket, useTopic as useVueTopic } from 'tabsocket/vue';
import { createApp, defineComponent, h, ref, shallowRef } from 'vue';

const baseUrl = new URL(location.href).searchParams.get('url') ?? '';
const optionsFor = (user: string): ConnectOptions => ({
  url: `${baseUrl}?user=${user}`,
  gracePeriod: 200,
});

function ReactStatus(props: { options: ConnectOptions }) {
  const { state, socket } = useReactSocket(props.options);
  const [news, setNews] = useState<unknown>(null);
  useReactTopic(socket, 'news', setNews);
  return createElement(
    'p',
    null,
    `react: `,
    createElement('output', { id: 'react-state' }, state),
    ' ',
    createElement('output', { id: 'react-news' }, JSON.stringify(news)),
  );
}

const vueOptions = shallowRef(optionsFor('a'));
const VueStatus = defineComponent(() => {
  const { state, socket } = useVueSocket(vueOptions);
  const news = ref<unknown>(null);
  useVueTopic(socket, 'news', (data) => {
    news.value = data;
  });
  return () =>
    h('p', [
      'vue: ',
      h('output', { id: 'vue-state' }, state.value),
      ' ',
      h('output', { id: 'vue-news' }, JSON.stringify(news.value)),
    ]);
});

const reactRoot = createRoot(document.getElementById('react') as HTMLElement);
const renderReact = (options: ConnectOptions) =>
  reactRoot.render(createElement(StrictMode, null, createElement(ReactStatus, { options })));
renderReact(vueOptions.value);
const vueApp = createApp(VueStatus);
vueApp.mount('#vue');

const bindings = {
  /** A re-login: both components connect again with the new user's url. */
  logInAs(user: string) {
    renderReact(optionsFor(user));
    vueOptions.value = optionsFor(user);
  },
  unmount() {
    reactRoot.unmount();
    vueApp.unmount();
  },
};

declare global {
  interface Window {
    bindings: typeof bindings;
  }
}
window.bindings = bindings;
