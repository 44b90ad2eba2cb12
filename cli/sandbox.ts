// `npm run sandbox`: the sandbox's services and, unless AWS_ENDPOINT_URL_S3 names another store, the
// embedded object store on 127.0.0.1:9000 (bucket analytics, credentials minioadmin/minioadmin;
// cli/object-store.ts). Prints the sandbox's ready line and the store's address, and stops both on
// Ctrl-C / SIGTERM. The services alone: `tsx sandbox/main.ts` (configuration: sandbox/config.ts).
import { S3ConfigError } from '../lib/s3-config.ts';
import { startSandboxProcess } from './sandbox-process.ts';

async function main(): Promise<number> {
  const port = (name: string, fallback: string) => process.env[name]?.trim() || fallback;
  let sandbox;
  try {
    sandbox = await startSandboxProcess({ PAYMENT_PORT: port('PAYMENT_PORT', '8000'), BANKING_PORT: port('BANKING_PORT', '8001') }, 30_000, { objectStore: true });
  } catch (err) {
    const e = err as Error;
    console.error(e instanceof S3ConfigError ? `sandbox: configuration error: ${e.message}` : e.message);
    return 2;
  }
  process.stdout.write(sandbox.output());
  const { endpoint, embedded } = sandbox.objectStore;
  console.log(`object store: ${endpoint}${embedded ? ' (embedded versitygw, bucket ' + (process.env.S3_BUCKET || process.env.MINIO_BUCKET || 'analytics') + ')' : ''}`);
  sandbox.child.stdout?.pipe(process.stdout);
  sandbox.child.stderr?.pipe(process.stderr);
  const stop = () => void sandbox.stop().then((code) => process.exit(code ?? 0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return new Promise<number>((resolve) => sandbox.child.on('close', (code) => void sandbox.objectStore.embedded?.stop().then(() => resolve(code ?? 1))));
}

main().then((code) => process.exit(code));
