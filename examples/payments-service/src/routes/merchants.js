const express = require('express');
const db = require('../db');

const router = express.Router();

router.get('/:merchantId', async (req, res) => {
  const merchant = await db.findById('merchants', req.params.merchantId);
  res.json(merchant);
});

router.put('/:merchantId/payout-account', async (req, res) => {
  const merchant = await db.update('merchants', req.params.merchantId, req.body);
  res.json(merchant);
});

module.exports = router;
