import type { DataAccessProvider } from '../plugin.js';

/** Flask-PyMongo: `from flask_pymongo import PyMongo`, `mongo = PyMongo(app)`. */
export const flaskDataAccess: DataAccessProvider = {
  mongoMarkers: ['flask_pymongo', 'PyMongo'],
};
