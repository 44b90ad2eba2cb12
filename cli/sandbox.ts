// `npm run sandbox`: the sandbox's services and, unless AWS_ENDPOINT_URL_S3 names another store, the
// embedded object store on 127.0.0.1:9000 (bucket analytics, credentials minioadmin/minioadmin;
// cli/object-store.ts). Prints the sandbox's ready line and the store's address, and stops both on
// Ctrl-C / SIGTERM. The services alone: `tsx sandbox/main.ts` (configuration: sandbox/config.ts).
import { SANDBOX_DEFAULT_PORTS } from '../lib/config.ts';
import { parseS3Config, S3ConfigError } from '../lib/s3-config.ts';
import { startSandboxProcess } from './sandbox-process.ts';

async function main(): Promise<number> {
  const port = (name: string, fallback: number) => process.env[name]?.trim() || String(fallback);
  let sandbox;
  try {
    sandbox = await startSandboxProcess({ PAYMENT_PORT: port('PAYMENT_PORT', SANDBOX_DEFAULT_PORTS.payment), BANKING_PORT: port('BANKING_PORT', SANDBOX_DEFAULT_PORTS.banking) }, 30_000, { objectStore: true });
  } catch (err) {
    const e = err as Error;
    console.error(e instanceof S3ConfigError ? `sandbox: configuration error: ${e.message}` : e.message);
    return 2;
  }
  process.stdout.write(sandbox.output());
  const { endpoint, embedded } = sandbox.objectStore;
  console.log(`object store: ${endpoint}${embedded ? ' (embedded versitygw, bucket ' + parseS3Config(process.env).bucket + ')' : ''}`);
  sandbox.child.stdout?.pipe(process.stdout);
  sandbox.child.stderr?.pipe(process.stderr);
  const stop = () => void sandbox.stop().then((code) => process.exit(code ?? 0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return new Promise<number>((resolve) => sandbox.child.on('close', (code) => void sandbox.objectStore.embedded?.stop().then(() => resolve(code ?? 1))));
}

main().then((code) => process.exit(code));
