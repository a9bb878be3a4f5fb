const express = require('express');
const db = require('../db');

const router = express.Router();

router.get('/merchants', async (req, res) => {
  res.json(await db.all('merchants'));
});

router.post('/merchants/:merchantId/suspend', async (req, res) => {
  await db.update('merchants', req.params.merchantId, { status: 'suspended' });
  res.status(204).end();
});

module.exports = router;
