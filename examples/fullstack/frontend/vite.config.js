import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    outDir: 'dist',
  },
  server: {
    // The dev server forwards API calls to the backend on loopback.
    proxy: {
      '/api': 'http://127.0.0.1:8000',
    },
  },
});
