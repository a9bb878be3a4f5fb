const crypto = require('node:crypto');
const db = require('../db');

const digest = (key) => crypto.createHash('sha256').update(key).digest('hex');

// Keys name their environment (`pk_live_…`, `pk_test_…`) so a leaked key is recognisable in a scan.
async function issuePartnerKey(partnerId, { environment, scopes }) {
  const key = `pk_${environment}_${crypto.randomBytes(24).toString('base64url')}`;
  await db.query(
    'INSERT INTO partner_api_keys (partner_id, key_prefix, key_hash, scopes, environment) VALUES ($1, $2, $3, $4, $5)',
    [partnerId, key.slice(0, 12), digest(key), scopes, environment],
  );
  return key; // shown once, never stored
}

async function findPartnerKey(presented) {
  const { rows } = await db.query('SELECT * FROM partner_api_keys WHERE key_hash = $1 AND revoked_at IS NULL', [digest(presented)]);
  return rows[0];
}

module.exports = { issuePartnerKey, findPartnerKey };
