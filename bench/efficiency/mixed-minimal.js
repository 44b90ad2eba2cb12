// Minimal k6 script for the efficiency baseline (docs/efficiency.md): the mixed scenario's six user
// classes, VUs split as ours splits them (Math.round of 40/30/10/10/5/5 % of BASE_VUS); run with
// --vus = that sum. Reuses the plain request functions of the other minimal scripts.
import paymentUser from './payment-minimal.js';
import bankingUser from './banking-minimal.js';
import failureUser from './failures-minimal.js';
import { business, casual, power } from './realistic-minimal.js';

const BASE_VUS = Number(__ENV.BASE_VUS || 50);
const SHARES = [0.4, 0.3, 0.1, 0.1, 0.05, 0.05];
const COUNTS = SHARES.map((s) => Math.max(1, Math.round(BASE_VUS * s)));
const CLASSES = [paymentUser, bankingUser, failureUser, casual, power, business];
let mine = null;

export default function () {
  if (mine === null) {
    let id = (__VU - 1) % COUNTS.reduce((a, b) => a + b, 0);
    let i = 0;
    while (id >= COUNTS[i]) id -= COUNTS[i++];
    mine = CLASSES[i];
  }
  mine();
}
