// Prints the size of what the first page load fetches (the JS and CSS that
// index.html references), raw and gzipped, against the 150 kB gzip budget.
// Run after a build: npm run build && npm run size
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const dist = new URL('../../embed/dist/', import.meta.url).pathname;
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const assets = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
const BUDGET = 150 * 1024;
let raw = 0;
let gz = 0;
for (const a of assets) {
  const body = readFileSync(join(dist, a));
  const z = gzipSync(body, { level: 9 }).length;
  raw += body.length;
  gz += z;
  console.log(`${a.padEnd(36)} ${(body.length / 1024).toFixed(1).padStart(7)} kB  gzip ${(z / 1024).toFixed(1).padStart(6)} kB`);
}
console.log(`${'initial JS + CSS'.padEnd(36)} ${(raw / 1024).toFixed(1).padStart(7)} kB  gzip ${(gz / 1024).toFixed(1).padStart(6)} kB  (budget ${BUDGET / 1024} kB gzip)`);
if (gz > BUDGET) {
  console.error('over budget');
  process.exitCode = 1;
}
