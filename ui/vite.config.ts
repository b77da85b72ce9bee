import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The build goes straight into the Go embed package: ../embed/dist is
// committed, so `go build` needs no Node. Output must be byte-for-byte
// reproducible (CI rebuilds and diffs it): content hashes only, no
// timestamps, no source maps with absolute paths.
export default defineConfig({
  plugins: [svelte()],
  base: '/',
  build: {
    outDir: '../embed/dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    target: 'es2022',
    cssCodeSplit: true,
    // the polyfill is for browsers without <link rel=modulepreload> (none we support)
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
    rolldownOptions: {
      output: {
        entryFileNames: 'assets/[name]-[hash].js',
        chunkFileNames: 'assets/[name]-[hash].js',
        assetFileNames: 'assets/[name]-[hash][extname]',
      },
    },
  },
  server: {
    // `npm run dev` talks to a local `counterpart serve`
    proxy: { '/api': { target: 'http://127.0.0.1:8090', changeOrigin: false } },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
