import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

// The UI is a static bundle the master serves at `/` (apps/master/src/webui.ts). Relative asset URLs keep it
// working behind a proxy that mounts the master under a path; routing is by URL hash, so the page is always `/`.
export default defineConfig({
  base: './',
  plugins: [preact()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: true,
  },
  server: {
    // `npm run dev -w @mesos-ts/webui` with MESOS_MASTER=http://host:5050 proxies the master's endpoints.
    proxy: Object.fromEntries(
      ['/api', '/master', '/version', '/metrics'].map((path) => [path, { target: process.env['MESOS_MASTER'] ?? 'http://127.0.0.1:5050', changeOrigin: true }]),
    ),
  },
});
