// The UI against `bucketflow server --auth` on a database prepared with the admin CLI: an unsigned
// visit lands on sign-in; a token shows team-a's experiments only, and a team-a artifact preview
// is read with the session's headers; switching to team-b (reader) shows its own and refuses a
// write; sign-out; a wrong password is refused inline, the right one works.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { assert, launchBrowser, newPage, screenshot } from './harness.mjs';
import { Server } from './server.mjs';

const ALICE_PASSWORD = 'alice-ui-e2e-password';
const NOTES = 'notes only team-a can read';
const EXPERIMENTS = { 'team-a': 'alpha-team-a', 'team-b': 'bravo-team-b', default: 'charlie-default' };

/** Runs one admin CLI command on the server's database; returns stdout. */
function cli(bin, dbUri, args, input) {
  const out = spawnSync(bin, args, {
    input, encoding: 'utf8', timeout: 60_000, env: { ...process.env, MLFLOW_BACKEND_STORE_URI: dbUri },
  });
  if (out.status !== 0) {
    throw new Error(`bucketflow ${args.join(' ')} -> exit ${out.status}: ${(out.stderr || String(out.error)).trim()}`);
  }
  return out.stdout;
}

/** Users, memberships and tokens, made the way an operator would. Returns the two token secrets. */
function prepareDatabase(bin, dir) {
  const db = `sqlite:///${join(dir, 'db.sqlite')}`;
  cli(bin, db, ['workspace', 'create', 'team-a']);
  cli(bin, db, ['workspace', 'create', 'team-b']);
  cli(bin, db, ['user', 'add', 'alice', '--password-stdin', '--workspace', 'team-a', '--role', 'editor'],
    `${ALICE_PASSWORD}\n`);
  cli(bin, db, ['user', 'add', 'alice', '--workspace', 'team-b', '--role', 'reader']);
  cli(bin, db, ['user', 'add', 'seeder', '--admin']);
  const secret = (stdout) => {
    const line = stdout.split('\n')[0].trim();
    assert(/^bft_[0-9a-f]{64}$/.test(line), `token create printed "${line.slice(0, 12)}…", not a bft_ secret`);
    return line;
  };
  return {
    alice: secret(cli(bin, db, ['token', 'create', '--user', 'alice', '--name', 'ui-e2e'])),
    seeder: secret(cli(bin, db, ['token', 'create', '--user', 'seeder', '--name', 'ui-e2e-seed'])),
  };
}

async function call(url, token, workspace, method, path, body) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`, 'X-Bucketflow-Workspace': workspace,
      ...(typeof body === 'string' ? {} : { 'Content-Type': 'application/json' }),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} in ${workspace} -> ${response.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : {};
}

/** One experiment per workspace; in team-a also a run with a text artifact. Returns that run's id. */
async function seedWorkspaces(url, token) {
  let runId = null;
  for (const [workspace, name] of Object.entries(EXPERIMENTS)) {
    const post = (endpoint, body) => call(url, token, workspace, 'POST', `/api/2.0/mlflow/${endpoint}`, body);
    const { experiment_id: experimentId } = await post('experiments/create', { name });
    if (workspace !== 'team-a') continue;
    const { run } = await post('runs/create', { experiment_id: experimentId, run_name: 'with-notes' });
    const root = run.info.artifact_uri.replace(/^mlflow-artifacts:\/*/, '');
    await call(url, token, workspace, 'PUT', `/api/2.0/mlflow-artifacts/artifacts/${root}/notes.txt`, NOTES);
    runId = run.info.run_id;
  }
  return runId;
}

/** Waits for `shown` in the experiments list and checks the others' experiments are absent. */
async function expectOnly(page, workspace) {
  await page.getByRole('link', { name: EXPERIMENTS[workspace] }).waitFor();
  for (const [other, name] of Object.entries(EXPERIMENTS)) {
    if (other === workspace) continue;
    const count = await page.getByRole('link', { name }).count();
    assert(count === 0, `${workspace}'s list shows ${other}'s experiment ${name}`);
  }
}

async function signInSteps(results, page, tokens, seeded) {
  await results.step('auth: an unsigned visit lands on the sign-in page', async () => {
    await page.goto('/experiments');
    await page.waitForURL((u) => u.pathname === '/sign-in');
    await page.getByRole('heading', { name: 'Sign in to Bucketflow' }).waitFor();
    await screenshot(page, 'auth-sign-in');
  });
  await results.step("auth: sign in with a token -> team-a's experiments only", async () => {
    await page.getByLabel('API token').fill(tokens.alice);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => u.pathname === '/experiments');
    const switcher = page.getByRole('combobox', { name: 'Workspace' });
    assert(await switcher.inputValue() === 'team-a', `current workspace is ${await switcher.inputValue()}`);
    await expectOnly(page, 'team-a');
    const stored = await page.evaluate(() => ({ session: sessionStorage.length, local: localStorage.length }));
    assert(stored.session > 0 && stored.local === 0, `storage: ${JSON.stringify(stored)}`);
    assert(!page.url().includes('bft_'), 'the token is in the URL');
    await screenshot(page, 'auth-team-a');
  });
  await results.step("auth: a team-a artifact preview is read with the session's credentials", async () => {
    await page.goto(`/runs/${seeded.runId}/artifacts/notes.txt`);
    await page.getByTestId('artifact-preview').getByText(NOTES).waitFor();
    await page.goto('/experiments');
  });
  await results.step('auth: switch to team-b (reader): its experiments, a write refused inline', async () => {
    await page.getByRole('combobox', { name: 'Workspace' }).selectOption('team-b');
    await expectOnly(page, 'team-b');
    await page.getByText('read only').waitFor();
    await page.getByLabel('New experiment name').fill('not-allowed');
    await page.getByRole('button', { name: 'Create' }).click();
    const refusal = page.getByRole('form', { name: 'Create experiment' }).getByRole('alert');
    await refusal.waitFor();
    assert((await refusal.textContent()).length > 5, 'no message for the refused write');
    await screenshot(page, 'auth-team-b-reader');
  });
}

async function signOutSteps(results, page) {
  await results.step('auth: sign out, and the pages ask for sign-in again', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You signed out.').waitFor();
    assert(await page.evaluate(() => sessionStorage.length) === 0, 'sessionStorage kept something');
    await page.goto('/experiments');
    await page.waitForURL((u) => u.pathname === '/sign-in');
  });
  await results.step('auth: a wrong password is refused inline; the right one signs in', async () => {
    await page.getByRole('tab', { name: 'User name and password' }).click();
    await page.getByLabel('User name', { exact: true }).fill('alice');
    await page.getByLabel('Password', { exact: true }).fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Sign-in refused' }).waitFor();
    await screenshot(page, 'auth-wrong-password');
    await page.getByLabel('Password', { exact: true }).fill(ALICE_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => u.pathname === '/experiments');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  });
}

export async function runAuthSuite(results, { bin, staticDir }) {
  const server = new Server({ bin, staticDir, name: 'auth', args: ['--auth'] });
  try {
    let tokens = null;
    const seeded = {};
    const ready = await results.step('auth: users and tokens from the CLI, server --auth, experiments in 3 workspaces', async () => {
      tokens = prepareDatabase(bin, server.dir);
      await server.start();
      seeded.runId = await seedWorkspaces(server.url, tokens.seeder);
      const anonymous = await fetch(`${server.url}/ajax-api/2.0/bucketflow/me`);
      assert(anonymous.status === 401, `/me without credentials answered ${anonymous.status}`);
    });
    if (!ready) return;
    const browser = await launchBrowser();
    try {
      const { context, page } = await newPage(browser, server.url);
      await signInSteps(results, page, tokens, seeded);
      await signOutSteps(results, page);
      await results.step('auth: no uncaught page errors; no secret in the server log', async () => {
        assert(page.pageErrors.length === 0, `page errors: ${page.pageErrors.join('; ')}`);
        const log = server.log();
        assert(!log.includes(tokens.alice) && !log.includes(ALICE_PASSWORD), 'a secret is in the server log');
      });
      await context.close();
    } finally {
      await browser.close();
    }
  } finally {
    await server.stop();
  }
}
