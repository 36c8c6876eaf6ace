// Vite builds the SPA that Django serves: Django renders the index HTML itself and reads
// dist/.vite/manifest.json (entry "src/main.tsx") to find the hashed JS and CSS under /static/.
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

const BASE = '/static/';

/**
 * In development the app can also be opened on the Vite server itself (http://localhost:5173/runs).
 * Its assets live under /static/ as in production, so page routes outside /static/ and /api/ are
 * answered with index.html, which is what Django does for every UI route.
 */
function serveAppRoutes(): Plugin {
  return {
    name: 'distillery:serve-app-routes',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use((req, _res, next) => {
        const url = req.url ?? '/';
        const wantsPage = req.method === 'GET' && (req.headers.accept ?? '').includes('text/html');
        if (wantsPage && !url.startsWith(BASE) && !url.startsWith('/api/')) req.url = BASE;
        next();
      });
    },
  };
}

export default defineConfig({
  plugins: [react(), serveAppRoutes()],
  base: BASE,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    manifest: true,
    rolldownOptions: {
      input: 'src/main.tsx',
    },
  },
  server: {
    proxy: {
      // changeOrigin stays false: Django's CSRF check compares the Origin header with the Host
      // header, and both must say localhost:5173 for unsafe requests to pass.
      '/api': { target: 'http://127.0.0.1:8000', changeOrigin: false },
    },
  },
  test: {
    include: ['src/**/*.test.{ts,tsx}'],
    environment: 'node',
    // Generous waits for a busy machine (src/test/setup.ts).
    setupFiles: ['src/test/setup.ts'],
    testTimeout: 60_000,
  },
});
