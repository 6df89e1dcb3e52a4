/**
 * A private redis-server for tests that kill or restart Redis: its own port,
 * no persistence (like the machine's), stopped at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';

export interface TestRedis {
  readonly url: string;
  readonly port: number;
  /** kill -9 the server (all data is lost: it keeps nothing on disk) */
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

function waitForPort(port: number, up: boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const sock = createConnection({ port, host: '127.0.0.1' });
      sock.once('connect', () => {
        sock.destroy();
        if (up) resolve();
        else retry();
      });
      sock.once('error', () => {
        sock.destroy();
        if (!up) resolve();
        else retry();
      });
    };
    const retry = () => (Date.now() > deadline ? reject(new Error(`redis port ${port} did not go ${up ? 'up' : 'down'}`)) : setTimeout(attempt, 50));
    attempt();
  });
}

/** `password`: the server requires it (`--requirepass`); `url` then carries it as `redis://:PASSWORD@…` */
export async function startTestRedis(options: { password?: string } = {}): Promise<TestRedis> {
  const port = 17000 + Math.floor(Math.random() * 2000);
  const auth = options.password ? ['--requirepass', options.password] : [];
  let proc: ChildProcess | null = null;
  const start = async () => {
    proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...auth], { stdio: 'ignore' });
    proc.on('error', () => {});
    await waitForPort(port, true);
  };
  const kill = async () => {
    proc?.kill('SIGKILL');
    proc = null;
    await waitForPort(port, false);
  };
  await start();
  const credentials = options.password ? `:${encodeURIComponent(options.password)}@` : '';
  return { url: `redis://${credentials}127.0.0.1:${port}`, port, kill, start, stop: kill };
}

/** true when redis-server is installed (the suite's runner installs or reports it) */
export async function haveRedisServer(): Promise<boolean> {
  return new Promise((resolve) => {
    const p = spawn('redis-server', ['--version'], { stdio: 'ignore' });
    p.on('error', () => resolve(false));
    p.on('exit', (code) => resolve(code === 0));
  });
}
