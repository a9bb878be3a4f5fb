const express = require('express');
const db = require('../db');
const { requireAuth } = require('../middleware/auth');

const router = express.Router();
router.use(requireAuth);

router.get('/', async (req, res) => {
  const limit = Number(req.query.limit) || 50;
  const { rows } = await db.query('SELECT * FROM payments WHERE merchant_id = $1 LIMIT $2', [req.user.merchantId, limit]);
  res.json(rows);
});

router.get('/:paymentId', async (req, res) => {
  const { rows } = await db.query('SELECT * FROM payments WHERE id = $1', [req.params.paymentId]);
  if (!rows.length) return res.status(404).json({ error: 'not found' });
  res.json(rows[0]);
});

router.post('/', async (req, res) => {
  const payment = await db.insert('payments', { ...req.body, merchant_id: req.user.merchantId });
  res.status(201).json(payment);
});

router.post('/:paymentId/refunds', async (req, res) => {
  const refund = await db.insert('refunds', { payment_id: req.params.paymentId, amount: req.body.amount });
  res.status(201).json(refund);
});

module.exports = router;
