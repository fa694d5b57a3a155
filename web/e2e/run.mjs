// The browser e2e suite: `node e2e/run.mjs` (npm run e2e). Needs BUCKETFLOW_BIN (a built server),
// web/dist (npm run build) and Debian's chromium. The S3 part needs radosgw settings
// (BF_RGW_ENV_FILE, as scripts/run-tests.sh exports); BF_UI_E2E_S3=0 leaves it out. The auth
// part (sign-in, workspaces; server --auth) runs unless BF_UI_E2E_AUTH=0.
// Ends with "ui-e2e: N passed, N failed" and exits non-zero on any failure.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM, Results, repoRoot } from './harness.mjs';
import { runAuthSuite } from './auth-suite.mjs';
import { runLocalSuite } from './local-suite.mjs';
import { runS3Suite } from './s3-suite.mjs';
import { Server } from './server.mjs';

const results = new Results();
const bin = process.env.BUCKETFLOW_BIN;
const staticDir = process.env.BF_STATIC_DIR ?? join(repoRoot, 'web', 'dist');
const began = Date.now();

async function main() {
  const ready = await results.step('prerequisites: server binary, built UI, chromium', async () => {
    if (!bin || !existsSync(bin)) throw new Error(`BUCKETFLOW_BIN is not a file: ${bin}`);
    if (!existsSync(join(staticDir, 'index.html'))) throw new Error(`${staticDir} has no index.html: run npm run build`);
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: scripts/install-deps.sh --test installs it`);
  });
  if (!ready) return;

  console.log('local artifact store:');
  const server = new Server({ bin, staticDir, name: 'local' });
  try {
    const started = await results.step('start the server with the UI', async () => {
      await server.start();
      const index = await fetch(`${server.url}/experiments/1`);
      if (!(await index.text()).includes('<div id="root">')) throw new Error('deep link did not answer index.html');
    });
    if (started) await runLocalSuite(results, server.url);
  } finally {
    await server.stop();
  }

  if (process.env.BF_UI_E2E_AUTH !== '0') {
    console.log('sign-in and workspaces (server --auth):');
    await runAuthSuite(results, { bin, staticDir });
  }

  if (process.env.BF_UI_E2E_S3 !== '0') {
    console.log('S3 artifact store (radosgw):');
    await runS3Suite(results, { bin, staticDir });
  }
}

try {
  await main();
} catch (error) {
  await results.step('suite', () => { throw error; });
}
console.log(`ui-e2e: took ${((Date.now() - began) / 1000).toFixed(1)} s`);
for (const m of results.measurements) console.log(`ui-e2e: measure ${m.name} = ${m.value.toFixed(0)} ${m.unit}`);
console.log(`ui-e2e: ${results.passed} passed, ${results.failed} failed`);
process.exit(results.failed === 0 ? 0 : 1);
