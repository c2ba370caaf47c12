import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The screens heard serves at /app. JSX is compiled for Preact by Vite's own transformer (no
// Babel plugin needed). `npm run web:dev` serves them with hot reload and passes every API
// call to a heard on HEARD_URL (http://localhost:3000).
const heard = process.env.HEARD_URL ?? 'http://localhost:3000';
const apiPaths = [
  '/cases',
  '/customers',
  '/reports',
  '/candidate-issues',
  '/issues',
  '/follow-ups',
  '/messages',
  '/me',
];

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/app/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', reportCompressedSize: true },
  server: { proxy: Object.fromEntries(apiPaths.map((path) => [path, heard])) },
});
