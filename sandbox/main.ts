/**
 * Entry point: `npm run sandbox` (tsx sandbox/main.ts).
 * Reads the env config (sandbox/config.ts), starts both services, prints exactly one ready line,
 * and shuts down cleanly on SIGINT/SIGTERM (exit 0). Bad config -> message on stderr, exit 2.
 */
import { ConfigError, loadConfig } from './config.ts';
import { startSandbox } from './server.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`sandbox: configuration error: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const sandbox = await startSandbox(config);
  process.stdout.write(`sandbox ready: payment=${sandbox.paymentUrl} banking=${sandbox.bankingUrl}\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => {
      process.stderr.write(`sandbox: forced exit after ${signal}: close did not finish in 5s\n`);
      process.exit(1);
    }, 5000);
    force.unref();
    sandbox.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`sandbox: error during shutdown: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  const e = err as { code?: string; message?: string };
  const hint = e.code === 'EADDRINUSE' ? ' (port already in use; set PAYMENT_PORT/BANKING_PORT, 0 = random)' : '';
  process.stderr.write(`sandbox: failed to start: ${e.message ?? String(err)}${hint}\n`);
  process.exit(1);
});
