// Fills a server with real data through its REST API: what the browser steps then look at.
import { deflateSync } from 'node:zlib';

export class Api {
  constructor(baseUrl) {
    this.base = baseUrl;
  }

  async call(method, path, body) {
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: body === undefined ? undefined : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} -> ${response.status}: ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : {};
  }

  post(endpoint, body) {
    return this.call('POST', `/api/2.0/mlflow/${endpoint}`, body);
  }

  get(endpoint) {
    return this.call('GET', `/api/2.0/mlflow/${endpoint}`);
  }

  async upload(artifactUri, path, bytes) {
    // mlflow-artifacts:/<exp>/<run>/artifacts -> PUT /api/2.0/mlflow-artifacts/artifacts/<...>/<path>
    const root = artifactUri.replace(/^mlflow-artifacts:\/*/, '');
    const url = `${this.base}/api/2.0/mlflow-artifacts/artifacts/${root}/${path}`;
    const response = await fetch(url, { method: 'PUT', body: bytes });
    if (!response.ok) throw new Error(`PUT ${path} -> ${response.status}: ${await response.text()}`);
  }
}

/** Runs `task(i)` for i in [0, count) with at most `width` in flight. */
export async function pool(count, width, task) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next;
      next += 1;
      await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, count) }, worker));
}

/** 10,000 runs with two metrics, three params and a tag each. Returns the experiment id. */
export async function seedManyRuns(api, name, count) {
  const { experiment_id: experimentId } = await api.post('experiments/create', { name });
  const started = Date.now() - count * 1000;
  const statuses = ['FINISHED', 'FINISHED', 'FINISHED', 'FAILED', 'RUNNING'];
  await pool(count, 16, async (i) => {
    const { run } = await api.post('runs/create', {
      experiment_id: experimentId, run_name: `run-${String(i).padStart(5, '0')}`,
      start_time: started + i * 1000,
    });
    const runId = run.info.run_id;
    await api.post('runs/log-batch', {
      run_id: runId,
      metrics: [
        { key: 'loss', value: 1 / (1 + i), timestamp: started + i * 1000, step: 0 },
        { key: 'accuracy', value: (i % 1000) / 1000, timestamp: started + i * 1000, step: 0 },
      ],
      params: [
        { key: 'lr', value: String(10 ** -(1 + (i % 4))) },
        { key: 'model', value: ['cnn', 'mlp', 'vit'][i % 3] },
        { key: 'batch_size', value: String(32 << (i % 3)) },
      ],
      tags: [{ key: 'team', value: i % 2 ? 'vision' : 'nlp' }],
    });
    const status = statuses[i % statuses.length];
    if (status !== 'RUNNING') {
      await api.post('runs/update', { run_id: runId, status, end_time: started + i * 1000 + 60_000 + i * 37 });
    }
  });
  return experimentId;
}

/** One run whose metric "loss" has `points` values (log-batch allows 1,000 per call). */
export async function seedLongHistory(api, experimentId, points) {
  const { run } = await api.post('runs/create', { experiment_id: experimentId, run_name: 'long-history',
    start_time: Date.now() - 3_600_000 });
  const runId = run.info.run_id;
  const perBatch = 1000;
  const t0 = Date.now() - points;
  await pool(Math.ceil(points / perBatch), 8, async (batch) => {
    const metrics = [];
    for (let step = batch * perBatch; step < Math.min(points, (batch + 1) * perBatch); step += 1) {
      metrics.push({ key: 'loss', value: Math.exp(-step / 200_000) + 0.05 * Math.sin(step / 500),
        timestamp: t0 + step, step });
    }
    await api.post('runs/log-batch', { run_id: runId, metrics });
  });
  await api.post('runs/log-batch', { run_id: runId,
    params: [{ key: 'optimizer', value: 'adam' }],
    metrics: [{ key: 'val_loss', value: 0.42, timestamp: Date.now(), step: 0 }] });
  await api.post('runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() });
  return runId;
}

function crc32(bytes) {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k += 1) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

/** A real width x height RGB PNG (a gradient), so that the browser can decode it. */
export function makePng(width, height) {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y += 1) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x += 1) {
      raw[row + 1 + x * 3] = (x * 255) / width;
      raw[row + 2 + x * 3] = (y * 255) / height;
      raw[row + 3 + x * 3] = 128;
    }
  }
  const chunk = (type, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

function bigCsv(rows) {
  const lines = ['epoch,loss,accuracy,note'];
  for (let i = 0; i < rows; i += 1) lines.push(`${i},${(1 / (i + 1)).toFixed(6)},${(i / rows).toFixed(4)},row ${i}`);
  return `${lines.join('\n')}\n`;
}

/** Every preview type, and what the page must show for it. */
export const ARTIFACTS = [
  { path: 'notes.txt', kind: 'text', body: 'hello from the e2e notes\nsecond line\n', expect: 'hello from the e2e notes' },
  { path: 'logs/train.log', kind: 'text', body: 'epoch 1 loss=0.9\nepoch 2 loss=0.5\n', expect: 'epoch 2 loss=0.5' },
  { path: 'config.json', kind: 'json', body: JSON.stringify({ optimizer: 'adam', layers: [64, 32] }), expect: 'optimizer' },
  { path: 'params.yaml', kind: 'yaml', body: 'learning_rate: 0.01\nepochs: 10\n', expect: 'learning_rate' },
  { path: 'model/MLmodel', kind: 'yaml', body: 'artifact_path: model\nflavors:\n  python_function:\n    loader_module: mlflow.sklearn\n', expect: 'python_function' },
  { path: 'data/metrics.csv', kind: 'csv', body: bigCsv(200_000), expect: 'row 3', table: true },
  { path: 'data/table.tsv', kind: 'csv', body: 'name\tscore\nalice\t0.9\nbob\t0.7\n', expect: 'alice', table: true },
  { path: 'plots/curve.png', kind: 'image', body: makePng(64, 48), image: true },
  { path: 'report.html', kind: 'html', body: '<!doctype html><h1 id="r">Report OK</h1><script>document.title="x"</script>', frame: true },
];

export async function seedArtifacts(api, runId, artifacts = ARTIFACTS) {
  const { run } = await api.get(`runs/get?run_id=${runId}`);
  for (const artifact of artifacts) {
    await api.upload(run.info.artifact_uri, artifact.path, artifact.body);
  }
}
