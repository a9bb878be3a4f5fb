const crypto = require('node:crypto');
const db = require('../db');

// Refresh tokens are opaque random strings; only their SHA-256 digest is stored.
const digest = (token) => crypto.createHash('sha256').update(token).digest('hex');

module.exports = {
  digest,

  async save({ userId, familyId, token, expiresAt }) {
    await db.query(
      'INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at) VALUES ($1, $2, $3, $4)',
      [userId, familyId, digest(token), expiresAt],
    );
  },

  async findByToken(token) {
    const { rows } = await db.query('SELECT * FROM refresh_tokens WHERE token_hash = $1', [digest(token)]);
    return rows[0];
  },

  // Marks one token as used: presenting it again is treated as theft (see revokeFamily).
  async revoke(id) {
    await db.query('UPDATE refresh_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [id]);
  },

  async revokeFamily(familyId) {
    await db.query('UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL', [familyId]);
  },
};
