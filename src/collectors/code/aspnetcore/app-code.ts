import type { AppCodeProvider } from '../plugin.js';

/** An ASP.NET Core host is built by `WebApplication.Create*(…)`, `CreateDefaultBuilder(…)` or `new (Web)HostBuilder(…)`. */
export const aspnetcoreAppCode: AppCodeProvider = {
  hostStart: [String.raw`\bWebApplication\.Create\w*\s*\(`, String.raw`\bCreateDefaultBuilder\s*\(`, String.raw`\bnew\s+(?:Web)?HostBuilder\s*\(`],
};
