import { presentHelp } from '../../ui/help.ui.ts';
import type { CommandContext } from './command-context.ts';

export async function helpCommand({ ack }: CommandContext): Promise<void> {
  await ack({ response_type: 'ephemeral', ...presentHelp() });
}
