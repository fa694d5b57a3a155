// Starts a real `bucketflow server` on a free port in a temp dir and stops it again.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const STARTUP_TIMEOUT_MS = 30_000;

export class Server {
  /** @param {{bin: string, staticDir: string, args?: string[], env?: NodeJS.ProcessEnv, name: string}} options */
  constructor(options) {
    this.options = options;
    this.dir = mkdtempSync(join(tmpdir(), `bf-ui-e2e-${options.name}-`));
    this.logPath = join(this.dir, 'server.log');
    this.url = '';
    this.proc = null;
  }

  async start() {
    const { bin, staticDir, args = [], env = process.env } = this.options;
    const log = openSync(this.logPath, 'a');
    const command = ['server', '--host', '127.0.0.1', '--port', '0',
      '--backend-store-uri', `sqlite:///${join(this.dir, 'db.sqlite')}`,
      '--static-dir', staticDir, '--workers', '8', ...args];
    if (!args.includes('--artifacts-destination')) {
      command.push('--artifacts-destination', join(this.dir, 'artifacts'));
    }
    this.proc = spawn(bin, command, { cwd: this.dir, env, stdio: ['ignore', 'pipe', log] });
    closeSync(log);
    this.url = await new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`server did not start in time:\n${this.logTail()}`)),
        STARTUP_TIMEOUT_MS);
      this.proc.stdout.on('data', (chunk) => {
        out += chunk;
        const match = /Listening on (http:\/\/\S+)/.exec(out);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      this.proc.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited with ${code} at startup:\n${this.logTail()}`));
      });
    });
    this.proc.removeAllListeners('exit');
    return this.url;
  }

  log() {
    try {
      return readFileSync(this.logPath, 'utf8');
    } catch {
      return '';
    }
  }

  logTail(lines = 30) {
    return this.log().split('\n').slice(-lines).join('\n');
  }

  async stop() {
    if (this.proc && this.proc.exitCode === null) {
      const exited = new Promise((resolve) => this.proc.once('exit', resolve));
      this.proc.kill('SIGTERM');
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
