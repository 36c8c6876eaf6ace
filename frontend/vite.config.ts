// Vite builds the SPA that Django serves: Django renders the index HTML itself and reads
// dist/.vite/manifest.json (entry "src/main.tsx") to find the hashed JS and CSS under /static/.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig(({ command }) => ({
  plugins: [react()],
  // The built bundle lives under Django's /static/. The dev server keeps '/', so that
  // http://localhost:5173/runs/42 serves index.html and the router sees the same paths as in production.
  base: command === 'build' ? '/static/' : '/',
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
  },
}));
