import { readFileSync } from 'node:fs';
import path from 'node:path';

export const MANIFEST_PATH = path.resolve(import.meta.dirname, '../../slack-app-manifest.yml');

/** The shipped manifest's text; tests that need another one pass their own text to the fakes. */
export function shippedManifest(): string {
  return readFileSync(MANIFEST_PATH, 'utf8');
}

/** The manifest with its Messages tab switched, for proving what Slack does when it is off. */
export function manifestWithMessagesTab(enabled: boolean, manifest = shippedManifest()): string {
  return manifest.replace(/^(\s*messages_tab_enabled:\s*)\w+/m, `$1${enabled}`);
}

/**
 * What the fakes need of a manifest: whether the App Home Messages tab is on. A one-key reader
 * (no YAML dependency): the key is unique in Slack's manifest format, under `features.app_home`.
 * https://docs.slack.dev/reference/app-manifest#features
 */
export function messagesTabEnabled(manifest: string): boolean {
  const match = /^\s*messages_tab_enabled:\s*(true|false)\b/m.exec(manifest);
  // Slack treats a missing key as off.
  return match?.[1] === 'true';
}

/**
 * Whether a chat.postMessage channel is a direct message with a person: a user id (Slack opens the
 * DM) or an existing DM channel (`D…`).
 * https://docs.slack.dev/reference/methods/chat.postMessage#channels
 */
export function isDirectMessageChannel(channel: unknown): boolean {
  return typeof channel === 'string' && /^[UWD][A-Z0-9]+$/.test(channel);
}

/**
 * The manifest's bot scopes (`oauth_config.scopes.bot`), read line by line like the key above:
 * every `- scope` after `bot:` until the indentation drops back.
 */
export function botScopes(manifest: string): string[] {
  const lines = manifest.split('\n');
  const start = lines.findIndex((line) => /^\s*bot:\s*$/.test(line));
  if (start === -1) return [];
  const indent = /^\s*/.exec(lines[start]!)![0].length;
  const scopes: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^\s*(#.*)?$/.test(line)) continue;
    if (/^\s*/.exec(line)![0].length <= indent) break;
    const scope = /^\s*-\s*([\w:.]+)/.exec(line)?.[1];
    if (scope) scopes.push(scope);
  }
  return scopes;
}
