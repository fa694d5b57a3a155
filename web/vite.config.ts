/// <reference types="vitest/config" />
import { fileURLToPath, URL } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The dev server proxies the API to a locally running bucketflow server (make serve / port 5000),
// so `npm run dev` works against real data. The production build is served by the C++ server.
const apiTarget = process.env.BUCKETFLOW_URL ?? 'http://127.0.0.1:5000';

export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  server: {
    proxy: {
      '/ajax-api': apiTarget,
      '/api': apiTarget,
      '/get-artifact': apiTarget,
    },
  },
  build: {
    outDir: 'dist',
    // Hashed file names under assets/ get long cache headers from the server; keep them there.
    assetsDir: 'assets',
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/__tests__/**/*.test.{ts,tsx}'],
    css: false,
    restoreMocks: true,
  },
});
