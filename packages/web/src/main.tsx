import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { initI18n } from './app/i18n';
import { registerServiceWorker } from './app/service-worker';
import './app/styles.css';

await initI18n();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
// The public report page installs nothing on a phone that may not be the reporter's.
if (!/^\/report(\/|$)/.test(location.pathname)) registerServiceWorker();
