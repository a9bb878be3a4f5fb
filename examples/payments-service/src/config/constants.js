const API_PREFIX = '/api/v1';
const INTERNAL_PREFIX = '/internal';

module.exports = { API_PREFIX, INTERNAL_PREFIX, JWT_SECRET: process.env.JWT_SECRET || 'changeme' };
