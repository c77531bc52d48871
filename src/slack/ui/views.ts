import type { KnownBlock, ModalView, View } from '@slack/types';
import { context, LIMITS, truncate } from './blocks.ts';

/** Limits of views, next to the message limits in blocks.ts. */
export const VIEW_LIMITS = {
  modalText: LIMITS.modalTitle,
  privateMetadata: 3000,
  homeBlocks: 100,
  buttonText: 75,
  buttonValue: 2000,
  inputLabel: 2000,
  inputHint: 2000,
  placeholder: 150,
  optionText: 75,
} as const;

export function plain(text: string, max: number): { type: 'plain_text'; text: string; emoji: true } {
  return { type: 'plain_text', text: truncate(text, max), emoji: true };
}

/**
 * A modal within Slack's limits: title, submit and close cut to 24 characters, at most 100 blocks.
 * `private_metadata` is ours and must fit: it is never truncated (cut JSON would not parse).
 */
export function modal(options: {
  title: string;
  blocks: KnownBlock[];
  callbackId?: string;
  submit?: string;
  close?: string;
  privateMetadata?: string;
}): ModalView {
  if (options.privateMetadata && options.privateMetadata.length > VIEW_LIMITS.privateMetadata) {
    throw new Error('private_metadata over 3,000 characters');
  }
  return {
    type: 'modal',
    title: plain(options.title, VIEW_LIMITS.modalText),
    ...(options.submit ? { submit: plain(options.submit, VIEW_LIMITS.modalText) } : {}),
    close: plain(options.close ?? 'Close', VIEW_LIMITS.modalText),
    ...(options.callbackId ? { callback_id: options.callbackId } : {}),
    ...(options.privateMetadata ? { private_metadata: options.privateMetadata } : {}),
    blocks: fitBlocks(options.blocks, LIMITS.blocksPerModal),
  };
}

export function homeView(blocks: KnownBlock[]): View {
  return { type: 'home', blocks: fitBlocks(blocks, VIEW_LIMITS.homeBlocks) };
}

/** At most `max` blocks; when some are cut, the last one says how many. */
export function fitBlocks(blocks: KnownBlock[], max: number): KnownBlock[] {
  if (blocks.length <= max) return blocks;
  const kept = blocks.slice(0, max - 1);
  const left = blocks.length - kept.length;
  return [...kept, context([`…and ${left} more block${left === 1 ? '' : 's'} not shown (Slack's limit).`])];
}

export interface ButtonOptions {
  text: string;
  actionId: string;
  value?: string;
  style?: 'primary' | 'danger';
  confirm?: { title: string; text: string; confirm: string; deny?: string };
}

export function button(options: ButtonOptions) {
  return {
    type: 'button' as const,
    text: plain(options.text, VIEW_LIMITS.buttonText),
    action_id: options.actionId,
    ...(options.value ? { value: truncate(options.value, VIEW_LIMITS.buttonValue) } : {}),
    ...(options.style ? { style: options.style } : {}),
    ...(options.confirm
      ? {
          confirm: {
            title: plain(options.confirm.title, 100),
            text: { type: 'mrkdwn' as const, text: truncate(options.confirm.text, 300) },
            confirm: plain(options.confirm.confirm, 30),
            deny: plain(options.confirm.deny ?? 'Cancel', 30),
            ...(options.style === 'danger' ? { style: 'danger' as const } : {}),
          },
        }
      : {}),
  };
}

/** An actions block; `blockId` must be unique in its surface, so include the row id. */
export function actions(blockId: string, elements: ReturnType<typeof button>[]): KnownBlock {
  return { type: 'actions', block_id: blockId, elements: elements.slice(0, 25) };
}
