// Entry of the validation worker thread (cli/data.ts): worker threads do not inherit the tsx loader
// the main thread runs under, so register it here, then load the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./validate-worker.ts');
