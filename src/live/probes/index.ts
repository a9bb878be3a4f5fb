import type { Probe } from '../probe.js';
import serverVersionDisclosed from './server-version-disclosed/probe.js';

/** Every live probe, sorted by id (a test checks it against the folders). */
export const allProbes: readonly Probe[] = [serverVersionDisclosed];
