const express = require('express');
const { Issuer, generators } = require('openid-client');
const db = require('../db');
const { requireAuth } = require('../middleware/auth');

// Payout accounts are linked through the merchant's bank (open banking, authorization code + PKCE):
// the bank confirms the account belongs to the merchant, so nobody types an IBAN.
const router = express.Router();

let client;
async function bankClient() {
  if (!client) {
    const issuer = await Issuer.discover(process.env.OPEN_BANKING_ISSUER);
    client = new issuer.Client({
      client_id: process.env.OPEN_BANKING_CLIENT_ID,
      client_secret: process.env.OPEN_BANKING_CLIENT_SECRET,
      redirect_uris: [process.env.OPEN_BANKING_REDIRECT_URI],
      response_types: ['code'],
    });
  }
  return client;
}

router.post('/start', requireAuth, async (req, res) => {
  const codeVerifier = generators.codeVerifier();
  const state = generators.state();
  await db.query(
    "INSERT INTO bank_link_sessions (state, code_verifier, merchant_id, expires_at) VALUES ($1, $2, $3, now() + interval '10 minutes')",
    [state, codeVerifier, req.user.merchantId],
  );
  const url = (await bankClient()).authorizationUrl({
    scope: 'openid accounts',
    state,
    code_challenge: generators.codeChallenge(codeVerifier),
    code_challenge_method: 'S256',
  });
  res.json({ redirectTo: url });
});

// The bank redirects the merchant's browser here; the one-time `state` ties it to the session started above.
router.get('/callback', async (req, res) => {
  const bank = await bankClient();
  const params = bank.callbackParams(req);
  const { rows } = await db.query(
    'DELETE FROM bank_link_sessions WHERE state = $1 AND expires_at > now() RETURNING code_verifier, merchant_id',
    [params.state],
  );
  if (!rows.length) return res.status(400).send('This link has expired. Start again from the dashboard.');
  const tokens = await bank.callback(process.env.OPEN_BANKING_REDIRECT_URI, params, { state: params.state, code_verifier: rows[0].code_verifier });
  await db.query("UPDATE merchants SET payout_consent_id = $2, payout_account_status = 'linked' WHERE id = $1", [rows[0].merchant_id, tokens.claims().sub]);
  res.redirect(303, '/dashboard/payouts');
});

module.exports = router;
