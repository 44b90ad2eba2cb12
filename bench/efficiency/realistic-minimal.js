// Minimal k6 script for the efficiency baseline (docs/efficiency.md): the realistic scenario's three
// personas with think time 0 (the benchmark runs ours with THINK_TIME_SCALE=0). VUs are split among
// the personas as ours splits them (Math.round of 60/25/15 % of BASE_VUS); run with --vus = that sum.
// The persona tasks reuse the plain request functions of the payment and banking minimal scripts.
import * as pay from './payment-minimal.js';
import * as bank from './banking-minimal.js';

const BASE_VUS = Number(__ENV.BASE_VUS || 50);
const SHARES = [0.6, 0.25, 0.15];
const COUNTS = SHARES.map((s) => Math.max(1, Math.round(BASE_VUS * s)));

export function casual() {
  const r = Math.random() * 100;
  if (r < 60) pay.pay();
  else if (r < 95) pay.status();
  else pay.health();
}

export function power() {
  const r = Math.random() * 100;
  if (r < 50) pay.pay();
  else if (r < 85) for (let i = 0; i < 3; i++) pay.status();
  else pay.refund();
}

export function business() {
  const r = Math.random() * 100;
  if (r < 40) pay.merchantTransactions(100);
  else if (r < 70) bank.settlements();
  else {
    if (bank.knowsNone() || Math.random() < 0.3) bank.authorize();
    bank.status();
  }
}

const CLASSES = [casual, power, business];
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
