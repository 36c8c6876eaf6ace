// Entry point (the manifest entry Django looks up). The preamble import lets React Fast Refresh
// work when Django, not Vite, serves the page in development; it is empty in a build.
import '@vitejs/plugin-react/preamble';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';

const root = document.getElementById('root');
if (!root) throw new Error('The page has no <div id="root">: the SPA cannot start.');

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
