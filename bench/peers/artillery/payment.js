// Processor for payment.yml (peers benchmark): the task pick, request bodies and this user's own
// payments, which refunds and lookups act on, as in the kit's payment user.
'use strict';

// Each user loops until PEERS_DURATION_S after the first user started.
const DURATION_MS = Number(process.env.PEERS_DURATION_S || 15) * 1000;
let deadline = 0;
const FIXTURES = require('../../fixtures.json');
const MERCHANTS = FIXTURES.merchants;
const CARDS = FIXTURES.cards;
const DECLINE = FIXTURES.decline;
const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];
const refundable = (mine) => mine.filter((p) => p.refunded_amount < p.amount);

function running(context, done) {
  if (!deadline) deadline = Date.now() + DURATION_MS;
  done(Date.now() < deadline);
}

/** Picks this iteration's task by weight; a refund or lookup with no payment of its own pays first. */
function nextTask(context, events, done) {
  const v = context.vars;
  if (!v.mine) {
    v.mine = [];
    v.seq = 0;
  }
  const r = Math.random() * 100;
  v.task = r < 70 ? 'pay' : r < 80 ? 'refund' : r < 95 ? 'status' : r < 98 ? 'merchants' : 'health';
  const needsPayment = (v.task === 'refund' && refundable(v.mine).length === 0) || (v.task === 'status' && v.mine.length === 0);
  v.pay = v.task === 'pay' || needsPayment;
  v.declined = v.pay && Math.random() < 0.05;
  v.merchantId = pick(MERCHANTS)[0];
  return done();
}

function pickOwn(context, events, done) {
  const v = context.vars;
  v.own = null;
  if (v.task === 'refund' || v.task === 'status') {
    const pool = v.task === 'refund' ? refundable(v.mine) : v.mine;
    if (pool.length) {
      v.own = pick(pool);
      v.pid = v.own.id;
    }
  }
  if (v.task === 'refund' && v.own) {
    const left = v.own.amount - v.own.refunded_amount;
    v.refundAmount = Math.random() < 0.5 || left < 2 ? left : Math.max(1, Math.floor(left * Math.random()));
  }
  return done();
}

const payOk = (v) => v.pay && !v.declined;
const payDeclined = (v) => v.pay && v.declined;
const doRefund = (v) => v.task === 'refund' && !!v.own;
const doStatus = (v) => v.task === 'status' && !!v.own;
const doMerchants = (v) => v.task === 'merchants';
const doHealth = (v) => v.task === 'health';

function payBody(req, context, events, done) {
  const v = context.vars;
  const m = pick(MERCHANTS);
  req.json = {
    merchant_id: m[0], amount: m[2], currency: m[1],
    card: v.declined ? DECLINE : pick(CARDS),
    customer_id: 'cus_00000000', description: 'retail purchase',
  };
  req.headers = { ...req.headers, 'Idempotency-Key': `${context._uid}-${Date.now()}-${v.seq++}` };
  return done();
}

function remember(req, res, context, events, done) {
  if (res.statusCode === 201) {
    const mine = context.vars.mine;
    try {
      mine.push(JSON.parse(res.body));
      if (mine.length > 50) mine.shift();
    } catch {
      // not JSON: the expect plugin has already counted it as failed
    }
  }
  return done();
}

function refundBody(req, context, events, done) {
  req.json = { amount: context.vars.refundAmount };
  return done();
}

function refunded(req, res, context, events, done) {
  if (res.statusCode === 201) context.vars.own.refunded_amount += context.vars.refundAmount;
  return done();
}

module.exports = { running, nextTask, pickOwn, payOk, payDeclined, doRefund, doStatus, doMerchants, doHealth, payBody, remember, refundBody, refunded };
