const jwt = require('jsonwebtoken');
const { JWT_PUBLIC_KEY, JWT_ISSUER } = require('../config/constants');

function requireAuth(req, res, next) {
  const header = req.headers.authorization || '';
  const token = header.startsWith('Bearer ') ? header.slice(7) : req.query.access_token;
  if (!token) return res.status(401).json({ error: 'missing token' });
  try {
    req.user = jwt.verify(token, JWT_PUBLIC_KEY, { algorithms: ['RS256'], issuer: JWT_ISSUER });
    return next();
  } catch (err) {
    return res.status(401).json({ error: 'invalid token' });
  }
}

function requireRole(role) {
  return (req, res, next) => (req.user && req.user.roles.includes(role) ? next() : res.status(403).end());
}

module.exports = { requireAuth, requireRole };
