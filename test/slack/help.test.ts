import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PULSE_SUBCOMMANDS } from '../../src/slack/listeners/commands/pulse.command.ts';
import { sendCommand } from '../support/slack.ts';
import { blocksOf } from '../support/slack-payloads.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/** The words that name a subcommand: `/pulse digest set #channel …` → `digest set`. */
function subcommandOf(syntax: string): string {
  const words = syntax.replace(/^\/pulse\s+/, '').split(/\s+/);
  const name: string[] = [];
  for (const word of words) {
    if (!/^[a-z]+$/.test(word)) break;
    name.push(word);
  }
  return name.join(' ');
}

/** Every `/pulse …` syntax in the help message: the code span that starts each line. */
function helpSyntaxes(sectionText: string): string[] {
  return sectionText
    .split('\n')
    .map((line) => /^`(\/pulse[^`]*)`/.exec(line)?.[1])
    .filter((syntax): syntax is string => syntax !== undefined);
}

/** Every command in the README's "Using it" table; later ones in a cell omit `/pulse`. */
function readmeSyntaxes(readme: string): string[] {
  const table = readme.split('## Using it')[1]?.split('\n## ')[0] ?? '';
  return table
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => {
      // `\|` is a pipe inside a cell; park it while the row is split into cells.
      const firstCell = line.replace(/\\\|/g, '¦').split('|')[1] ?? '';
      return [...firstCell.matchAll(/`([^`]+)`/g)].map((match) => {
        const syntax = match[1]!.replace(/¦/g, '|');
        return syntax.startsWith('/pulse ') ? syntax : `/pulse ${syntax}`;
      });
    });
}

describe('/pulse help and the README', () => {
  let t: TestApp;
  let help: string;

  beforeAll(async () => {
    t = await startTestApp();
    const { ack } = await sendCommand(t.baseUrl, { text: 'help' });
    const sections = blocksOf(ack ?? {}).filter((block) => block['type'] === 'section');
    help = (sections[0]?.['text'] as { text: string } | undefined)?.text ?? '';
  });
  afterAll(async () => {
    await t?.close();
  });

  it('says that /pulse activity is about yourself and the last 7 days unless told otherwise', () => {
    const line = help.split('\n').find((entry) => entry.startsWith('`/pulse activity'));
    expect(line).toBe(
      '`/pulse activity [@user] [gitlab] [today|yesterday|7d|30d|YYYY-MM-DD|YYYY-MM-DD..YYYY-MM-DD]` — what someone did, from stored activity: yourself unless you name someone, the last 7 days unless you give a range (`gitlab`, or a source’s name, narrows it to one source)',
    );
  });

  it('lists `/pulse digest` on its own: which channels get a digest', () => {
    expect(help.split('\n')).toContain('`/pulse digest` — which channels get a digest');
  });

  it('names every subcommand /pulse understands, and no other', () => {
    const named = helpSyntaxes(help).map(subcommandOf);
    expect(new Set(named)).toEqual(new Set(Object.keys(PULSE_SUBCOMMANDS)));
    expect(named).toHaveLength(new Set(named).size);
  });

  it('matches the command table of the README, syntax for syntax', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const documented = readmeSyntaxes(readme);
    expect(documented.length).toBeGreaterThan(0);
    expect([...documented].sort()).toEqual([...helpSyntaxes(help)].sort());
  });
});
