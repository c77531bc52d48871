import type { KnownBlock } from '@slack/types';

/**
 * Slack's limits, enforced in one place so no builder sends something Slack rejects.
 * https://docs.slack.dev/reference/block-kit/blocks
 */
export const LIMITS = {
  blocksPerMessage: 50,
  blocksPerModal: 100,
  sectionText: 3000,
  headerText: 150,
  contextElements: 10,
  modalTitle: 24,
  messageText: 4000,
  totalMessageChars: 10_000,
} as const;

export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Shortens mrkdwn without breaking it: at the last line break when one is in the second half,
 * else before a `<link|label>` or `&entity;` the cut would split.
 */
export function truncateMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  const lastBreak = cut.lastIndexOf('\n');
  if (lastBreak >= max / 2) return `${cut.slice(0, lastBreak)}\n…`;
  if (cut.lastIndexOf('<') > cut.lastIndexOf('>')) cut = cut.slice(0, cut.lastIndexOf('<'));
  cut = cut.replace(/&[a-z]*$/i, '');
  return `${cut}…`;
}

export function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncateMrkdwn(text, LIMITS.sectionText) } };
}

export function header(text: string): KnownBlock {
  return {
    type: 'header',
    text: { type: 'plain_text', text: truncate(text, LIMITS.headerText), emoji: true },
  };
}

export function context(texts: string[]): KnownBlock {
  return {
    type: 'context',
    elements: texts
      .slice(0, LIMITS.contextElements)
      .map((text) => ({ type: 'mrkdwn', text: truncate(text, 2000) })),
  };
}

export function divider(): KnownBlock {
  return { type: 'divider' };
}

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/**
 * Fits blocks into one message: at most `maxBlocks` blocks and about 10k characters of block text,
 * with a closing context line that says how much was left out.
 */
export function fitMessage(
  text: string,
  blocks: KnownBlock[],
  maxBlocks: number = LIMITS.blocksPerMessage,
): SlackMessage {
  const fitted: KnownBlock[] = [];
  let chars = 0;
  for (const [index, block] of blocks.entries()) {
    const size = JSON.stringify(block).length;
    const reserve = index < blocks.length - 1 ? 1 : 0;
    if (fitted.length + 1 + reserve > maxBlocks || chars + size > LIMITS.totalMessageChars) {
      const left = blocks.length - index;
      fitted.push(
        context([`…and ${left} more block${left === 1 ? '' : 's'} not shown (Slack's message limit).`]),
      );
      break;
    }
    fitted.push(block);
    chars += size;
  }
  return { text: truncate(text, LIMITS.messageText), blocks: fitted };
}
