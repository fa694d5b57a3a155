// The UI against a server whose artifacts live in a radosgw bucket: previews must be fetched
// by the browser straight from the bucket (presigned URLs, the bucket's CORS rule), never
// through the server's /get-artifact.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Api, ARTIFACTS, seedArtifacts } from './seed.mjs';
import { Server } from './server.mjs';
import { assert, launchBrowser, newPage, screenshot } from './harness.mjs';

const helper = join(dirname(fileURLToPath(import.meta.url)), 's3_helper.py');
const S3_ARTIFACTS = ARTIFACTS.filter((a) => ['notes.txt', 'config.json', 'data/metrics.csv',
  'plots/curve.png', 'report.html', 'model/MLmodel'].includes(a.path));

function python(args) {
  return execFileSync('/usr/bin/python3', [helper, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

async function checkPreviews(results, url, runId, endpoint, server) {
  const rgwHost = new URL(endpoint).host;
  const browser = await launchBrowser();
  const { context, page } = await newPage(browser, url);
  const bucketRequests = [];
  const rangeHeaders = [];
  page.on('request', (request) => {
    if (new URL(request.url()).host === rgwHost && request.method() === 'GET') {
      bucketRequests.push(request.url());
      if (request.url().includes('metrics.csv')) rangeHeaders.push(request.headers().range ?? '');
    }
  });
  try {
    for (const artifact of S3_ARTIFACTS) {
      await results.step(`S3 preview ${artifact.kind}: ${artifact.path} comes from the bucket`, async () => {
        const before = bucketRequests.length;
        await page.goto(`/runs/${runId}/artifacts/${artifact.path}`);
        const preview = page.locator(`[data-testid="artifact-preview"][data-kind="${artifact.kind}"]`);
        await preview.waitFor();
        if (artifact.table) {
          await preview.locator('table td', { hasText: artifact.expect }).first().waitFor();
        } else if (artifact.image) {
          await page.waitForFunction(() => {
            const img = document.querySelector('[data-testid="artifact-preview"] img');
            return img && img.complete && img.naturalWidth === 64;
          });
        } else if (artifact.frame) {
          await preview.locator('iframe').waitFor();
        } else {
          await preview.getByText(artifact.expect).first().waitFor();
        }
        const fromBucket = bucketRequests.slice(before).filter((u) => u.includes(encodeURI(artifact.path).split('/').pop()));
        assert(fromBucket.length > 0, `no request to ${rgwHost} for ${artifact.path}`);
        if (artifact.path === 'data/metrics.csv') {
          // The 200,000-row CSV is read with a Range request, never whole.
          assert(rangeHeaders.some((h) => /^bytes=0-\d+$/.test(h)), `no Range request for metrics.csv: ${rangeHeaders}`);
          await screenshot(page, 'preview-s3-csv');
        }
      });
    }
    await results.step('S3: the server streamed no preview bytes (/get-artifact absent from its log)', async () => {
      const log = server.log();
      const proxied = log.split('\n').filter((line) => line.includes('/get-artifact') ||
        line.includes('/mlflow-artifacts/artifacts/') && line.includes('"GET '));
      assert(proxied.length === 0, `server served artifact bytes:\n${proxied.slice(0, 5).join('\n')}`);
      assert(/download-url/.test(log), 'the page never asked the server for a download URL');
      assert(page.pageErrors.length === 0, `page errors: ${page.pageErrors.join('; ')}`);
    });
  } finally {
    await context.close();
    await browser.close();
  }
}

export async function runS3Suite(results, { bin, staticDir }) {
  let setup = null;
  let server = null;
  try {
    const ready = await results.step('S3: bucket with the CORS rule, role, server on it', async () => {
      setup = JSON.parse(python(['create']));
      server = new Server({ bin, staticDir, name: 's3', args: setup.server_args,
        env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_'))), ...setup.server_env } });
      await server.start();
    });
    if (!ready) return;
    const api = new Api(server.url);
    let runId = null;
    await results.step('S3: seed a run with artifacts through the server', async () => {
      const { experiment_id: experimentId } = await api.post('experiments/create', { name: 'ui-e2e-s3' });
      const { run } = await api.post('runs/create', { experiment_id: experimentId, run_name: 's3-previews' });
      runId = run.info.run_id;
      await seedArtifacts(api, runId, S3_ARTIFACTS);
    });
    if (runId) await checkPreviews(results, server.url, runId, setup.endpoint, server);
  } finally {
    if (server) await server.stop();
    if (setup) {
      try {
        python(['destroy', setup.bucket, setup.role_name]);
      } catch (error) {
        console.log(`  WARN could not remove bucket ${setup.bucket}: ${error.message}`);
      }
    }
  }
}
