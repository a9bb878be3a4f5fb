const fs = require('node:fs');

const API_PREFIX = '/api/v1';
const INTERNAL_PREFIX = '/internal';

// Access tokens are signed with the service's RSA key; other services verify them with the public half.
const JWT_PRIVATE_KEY = fs.readFileSync(process.env.JWT_PRIVATE_KEY_FILE || '/run/secrets/jwt-private.pem');
const JWT_PUBLIC_KEY = fs.readFileSync(process.env.JWT_PUBLIC_KEY_FILE || '/run/secrets/jwt-public.pem');
const JWT_ISSUER = 'https://api.acme.example';

module.exports = { API_PREFIX, INTERNAL_PREFIX, JWT_PRIVATE_KEY, JWT_PUBLIC_KEY, JWT_ISSUER };
