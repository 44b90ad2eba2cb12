// Processor for banking.yml (peers benchmark): the task pick, request bodies and this user's own
// authorizations, captures and transaction ids, as in the kit's banking user.
'use strict';

// Each user loops until PEERS_DURATION_S after the first user started.
const DURATION_MS = Number(process.env.PEERS_DURATION_S || 15) * 1000;
let deadline = 0;
const FIXTURES = require('../../fixtures.json');
const MERCHANTS = FIXTURES.merchants;
const CARDS = FIXTURES.cards;
const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];
const refundable = (v) => v.captured.filter((c) => c.refunded_amount < c.captured_amount);
function keep(list, item, most) {
  list.push(item);
  if (list.length > most) list.shift();
}
function authBody() {
  const m = pick(MERCHANTS);
  return { merchant_id: m[0], amount: m[2], currency: m[1], card: pick(CARDS) };
}
function parsed(res) {
  try {
    return JSON.parse(res.body);
  } catch {
    return null; // the expect plugin has already counted it as failed
  }
}

function running(context, done) {
  if (!deadline) deadline = Date.now() + DURATION_MS;
  done(Date.now() < deadline);
}

/**
 * Picks this iteration's task by weight. The steps run in order authorize, capture, refund, status, so a
 * task that needs an earlier step's result (nothing open to capture, nothing captured to refund, no id
 * to look up) runs that step first, as the kit's user does.
 */
function nextTask(context, events, done) {
  const v = context.vars;
  if (!v.open) {
    v.open = [];
    v.captured = [];
    v.known = [];
  }
  const r = Math.random() * 100;
  v.task = r < 40 ? 'authorize' : r < 65 ? 'capture' : r < 80 ? 'refund' : r < 90 ? 'status' : r < 95 ? 'settlements' : r < 98 ? 'health' : 'batch';
  v.wantCapture = v.task === 'capture' || (v.task === 'refund' && refundable(v).length === 0);
  v.wantAuthorize = v.task === 'authorize' || (v.wantCapture && v.open.length === 0) || (v.task === 'status' && v.known.length === 0);
  v.fresh = null;
  v.today = new Date().toISOString().slice(0, 10);
  return done();
}

function pickOpen(context, events, done) {
  const v = context.vars;
  v.hold = null;
  if (v.wantCapture) {
    // Oldest hold first; one authorized just now for this capture is taken off the open list.
    v.hold = v.fresh && v.task !== 'authorize' ? v.fresh : v.open.shift() || null;
    if (v.hold === v.fresh && v.fresh) v.open.pop();
    if (v.hold) v.aid = v.hold.id;
  }
  v.freshCapture = null;
  return done();
}

function pickCaptured(context, events, done) {
  const v = context.vars;
  v.refundOf = null;
  if (v.task === 'refund') {
    const pool = refundable(v);
    v.refundOf = pool.length ? pick(pool) : null;
    if (v.refundOf) {
      const left = v.refundOf.captured_amount - v.refundOf.refunded_amount;
      v.refundAmount = Math.random() < 0.5 || left < 2 ? left : Math.max(1, Math.floor(left * Math.random()));
    }
  }
  return done();
}

function pickKnown(context, events, done) {
  const v = context.vars;
  v.tid = v.task === 'status' && v.known.length ? pick(v.known) : null;
  return done();
}

const doAuthorize = (v) => v.wantAuthorize;
const doCapture = (v) => !!v.hold;
const doRefund = (v) => !!v.refundOf;
const doStatus = (v) => !!v.tid;
const doSettlements = (v) => v.task === 'settlements';
const doHealth = (v) => v.task === 'health';
const doBatch = (v) => v.task === 'batch';

function authorizeBody(req, context, events, done) {
  req.json = authBody();
  return done();
}

function authorized(req, res, context, events, done) {
  const v = context.vars;
  if (res.statusCode === 201) {
    const a = parsed(res);
    if (a) {
      keep(v.open, a, 50);
      keep(v.known, a.id, 100);
      v.fresh = a;
    }
  }
  return done();
}

function captureBody(req, context, events, done) {
  const a = context.vars.hold;
  req.json = Math.random() < 0.8 || a.amount < 2 ? {} : { amount: Math.max(1, Math.floor(a.amount * (0.5 + Math.random() / 2))) };
  return done();
}

function captured(req, res, context, events, done) {
  if (res.statusCode === 200) {
    const c = parsed(res);
    if (c) {
      keep(context.vars.captured, c, 50);
      // A refund that needed this capture refunds it.
      if (context.vars.task === 'refund') {
        context.vars.refundOf = c;
      }
    }
  }
  return done();
}

function refundBody(req, context, events, done) {
  req.json = { transaction_id: context.vars.refundOf.id, amount: context.vars.refundAmount };
  return done();
}

function refunded(req, res, context, events, done) {
  const v = context.vars;
  if (res.statusCode === 201) {
    v.refundOf.refunded_amount += v.refundAmount;
    const r = parsed(res);
    if (r) keep(v.known, r.id, 100);
  }
  return done();
}

function batchBody(req, context, events, done) {
  const operations = [];
  for (let i = 0; i < 5; i++) operations.push({ type: 'authorize', body: authBody() });
  req.json = { operations };
  return done();
}

function batched(req, res, context, events, done) {
  const v = context.vars;
  const b = res.statusCode === 200 ? parsed(res) : null;
  for (const x of (b && b.results) || []) {
    if (x.status === 201) {
      keep(v.open, x.body, 50);
      keep(v.known, x.body.id, 100);
    }
  }
  return done();
}

module.exports = {
  running, nextTask, pickOpen, pickCaptured, pickKnown,
  doAuthorize, doCapture, doRefund, doStatus, doSettlements, doHealth, doBatch,
  authorizeBody, authorized, captureBody, captured, refundBody, refunded, batchBody, batched,
};
