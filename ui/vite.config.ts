/**
 * Vite configuration of the dashboard: root is ui/, the build goes to
 * ui/dist (served by `flightdeck serve`), and in development /api is proxied
 * to a server on :8080 so the app and the API share one origin as in
 * production. Run with `vite build --config ui/vite.config.ts` (npm run build:ui).
 */
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // recharts is the bulk of the charts chunk; pages that draw charts load it lazily
    chunkSizeWarningLimit: 700,
  },
  server: {
    proxy: { '/api': { target: 'http://127.0.0.1:8080', changeOrigin: false } },
  },
});
