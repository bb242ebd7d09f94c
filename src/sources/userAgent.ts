import packageJson from '../../package.json' with { type: 'json' };

/** The User-Agent Podcord sends: publishers can see who fetches their feed and where to read about it. */
export function userAgent(version: string): string {
  return `Podcord/${version} (+https://github.com/podcord/podcord)`;
}

/** `userAgent` for the version in package.json. */
export const DEFAULT_USER_AGENT: string = userAgent(packageJson.version);
