const crypto = require('node:crypto');
const jwt = require('jsonwebtoken');
const refreshTokens = require('./refresh-tokens');
const { JWT_PRIVATE_KEY, JWT_ISSUER } = require('../config/constants');

const REFRESH_TOKEN_DAYS = 30;

function signAccessToken(user) {
  return jwt.sign(
    { sub: String(user.id), merchantId: user.merchant_id, roles: user.roles },
    JWT_PRIVATE_KEY,
    { algorithm: 'RS256', expiresIn: '15m', issuer: JWT_ISSUER },
  );
}

// A new access token and a new refresh token; the refresh token stays in the family of the one it replaces.
async function issueTokens(user, familyId = crypto.randomUUID()) {
  const refreshToken = crypto.randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + REFRESH_TOKEN_DAYS * 24 * 60 * 60 * 1000);
  await refreshTokens.save({ userId: user.id, familyId, token: refreshToken, expiresAt });
  return { accessToken: signAccessToken(user), refreshToken, tokenType: 'Bearer', expiresIn: 900 };
}

module.exports = { issueTokens, signAccessToken };
