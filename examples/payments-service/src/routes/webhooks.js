const express = require('express');
const db = require('../db');

const router = express.Router();

// Payment provider callbacks: settlement and dispute events.
router.post('/psp', express.json(), async (req, res) => {
  const event = req.body;
  if (event.type === 'payment.settled') {
    await db.update('payments', event.data.paymentId, { status: 'settled' });
  }
  res.sendStatus(200);
});

module.exports = router;
