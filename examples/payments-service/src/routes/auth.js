const express = require('express');
const db = require('../db');
const refreshTokens = require('../auth/refresh-tokens');
const { issueTokens } = require('../auth/tokens');
const { requireAuth } = require('../middleware/auth');

const router = express.Router();

// Refresh-token rotation: each refresh token is used once. A token presented after it was
// used means it leaked, so its whole family is revoked and the client has to log in again.
router.post('/token/refresh', async (req, res) => {
  const presented = typeof req.body.refreshToken === 'string' ? req.body.refreshToken : '';
  const stored = presented && (await refreshTokens.findByToken(presented));
  if (!stored || stored.expires_at < new Date()) return res.status(401).json({ error: 'invalid_grant' });
  if (stored.revoked_at) {
    await refreshTokens.revokeFamily(stored.family_id);
    return res.status(401).json({ error: 'invalid_grant' });
  }
  await refreshTokens.revoke(stored.id);
  const user = await db.findById('users', stored.user_id);
  res.json(await issueTokens(user, stored.family_id));
});

router.post('/logout', requireAuth, async (req, res) => {
  const stored = await refreshTokens.findByToken(String(req.body.refreshToken || ''));
  if (stored && String(stored.user_id) === req.user.sub) await refreshTokens.revokeFamily(stored.family_id);
  res.status(204).end();
});

module.exports = router;
