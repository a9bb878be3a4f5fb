import type { AppCodeProvider } from '../plugin.js';

/** `connexion.App(__name__)`, `connexion.FlaskApp(…)`, `connexion.AsyncApp(…)`. */
export const connexionAppCode: AppCodeProvider = {
  creation: [String.raw`\bconnexion\.(?:App|FlaskApp|AsyncApp)\s*\(`],
};
