import type { AmbientCredentialProvider } from '../plugin.js';

/**
 * ASP.NET Core: cookie authentication, Identity, Microsoft.Identity.Web's web-app sign-in, `SignInAsync`, Negotiate /
 * Windows authentication, session state, and cookies read or appended by hand. An application is the folder of its
 * entry point (`Program.cs` / `Startup.cs`) and below.
 */
export const aspnetcoreAmbientCredentials: AmbientCredentialProvider = {
  family: 'csharp',
  markers: [
    String.raw`\bAddCookie\s*\(`,
    String.raw`\bCookieAuthenticationDefaults\b`,
    String.raw`\.Cookies\.Append\s*\(`,
    String.raw`\bRequest\.Cookies\b`,
    String.raw`\bAddIdentity(?:Core)?\s*<`,
    String.raw`\bAddDefaultIdentity\b`,
    String.raw`\bAddMicrosoftIdentityWebApp\b`,
    String.raw`\bSignInAsync\s*\(`,
    String.raw`\bAddNegotiate\b`,
    String.raw`\bNegotiateDefaults\b`,
    String.raw`\bUseWindowsAuthentication\b`,
    String.raw`\bAddSession\s*\(`,
    String.raw`\bUseSession\s*\(`,
  ],
  appEntry: /(^|\/)(Program|Startup)\.cs$/,
};
