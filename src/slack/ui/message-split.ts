import type { KnownBlock } from '@slack/types';
import { LIMITS } from './blocks.ts';

/** Size of a block as Slack counts it, conservatively: its JSON (as `fitMessage` measures too). */
export function blockSize(block: KnownBlock): number {
  return JSON.stringify(block).length;
}

/**
 * Splits blocks into consecutive messages, none over `maxBlocks` blocks or `maxChars` of block
 * JSON (Slack's 50 blocks, and `msg_blocks_too_long` seen at about 12–13k characters). `reserve`
 * keeps room in the first message for a closing line ("continued in the thread").
 */
export function splitBlocks(
  blocks: KnownBlock[],
  options: { maxBlocks?: number; maxChars?: number; reserveInFirst?: number } = {},
): KnownBlock[][] {
  const maxBlocks = options.maxBlocks ?? LIMITS.blocksPerMessage;
  const maxChars = options.maxChars ?? LIMITS.totalMessageChars;
  const reserve = options.reserveInFirst ?? 0;
  const pages: KnownBlock[][] = [];
  let page: KnownBlock[] = [];
  let chars = 0;
  const budget = () => (pages.length === 0 ? reserve : 0);
  for (const block of blocks) {
    const size = blockSize(block);
    const full = page.length + 1 + budget() > maxBlocks || chars + size + budget() * 300 > maxChars;
    if (full && page.length > 0) {
      pages.push(page);
      page = [];
      chars = 0;
    }
    page.push(block);
    chars += size;
  }
  if (page.length > 0) pages.push(page);
  return pages;
}
