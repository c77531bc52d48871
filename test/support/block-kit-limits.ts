/**
 * Slack's documented Block Kit limits, as the fake Slacks enforce them: a payload over any of them
 * is refused the way Slack refuses it (`invalid_blocks`, `msg_blocks_too_long`, `invalid_arguments`),
 * so a builder that overflows fails its test instead of passing against a kinder fake.
 * https://docs.slack.dev/reference/block-kit/blocks
 * https://docs.slack.dev/reference/block-kit/block-elements
 * https://docs.slack.dev/reference/block-kit/composition-objects
 * https://docs.slack.dev/surfaces/modals (view limits), ../shared/SLACK.md (the limits table)
 */

export type Surface = 'message' | 'modal' | 'home';

const MAX_BLOCKS: Record<Surface, number> = { message: 50, modal: 100, home: 100 };
/** Slack answers `msg_blocks_too_long` at about 12–13k characters of block text (SLACK.md). */
export const MESSAGE_BLOCK_TEXT_LIMIT = 12_000;
/** `text` of a message: Slack truncates past 40,000 characters and refuses with `msg_too_long`. */
const MESSAGE_TEXT_LIMIT = 40_000;

type Json = Record<string, unknown>;

const asObject = (value: unknown): Json | undefined =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const textOf = (value: unknown): string => {
  const text = asObject(value)?.['text'];
  return typeof text === 'string' ? text : '';
};

class Checker {
  readonly problems: string[] = [];
  textChars = 0;

  max(where: string, value: unknown, limit: number): void {
    const length = typeof value === 'string' ? value.length : Array.isArray(value) ? value.length : 0;
    if (length > limit) this.problems.push(`${where}: ${length} > ${limit}`);
  }

  text(where: string, object: unknown, limit: number): void {
    const text = textOf(object);
    this.textChars += text.length;
    this.max(`${where}.text`, text, limit);
  }

  option(where: string, option: unknown): void {
    const value = asObject(option);
    if (!value) return;
    this.text(`${where}.text`, value['text'], 75);
    this.max(`${where}.value`, value['value'], 150);
    if (value['description']) this.text(`${where}.description`, value['description'], 75);
    this.max(`${where}.url`, value['url'], 3_000);
  }

  element(where: string, element: unknown): void {
    const value = asObject(element);
    if (!value) return;
    this.max(`${where}.action_id`, value['action_id'], 255);
    if (value['placeholder']) this.text(`${where}.placeholder`, value['placeholder'], 150);
    const options = asArray(value['options']);
    switch (value['type']) {
      case 'button':
        this.text(`${where}.text`, value['text'], 75);
        this.max(`${where}.value`, value['value'], 2_000);
        this.max(`${where}.url`, value['url'], 3_000);
        break;
      case 'overflow':
        this.max(`${where}.options`, options, 5);
        break;
      case 'checkboxes':
      case 'radio_buttons':
        this.max(`${where}.options`, options, 10);
        break;
      case 'static_select':
      case 'multi_static_select':
        this.max(`${where}.options`, options, 100);
        this.max(`${where}.option_groups`, value['option_groups'], 100);
        break;
      case 'plain_text_input':
        this.max(`${where}.initial_value`, value['initial_value'], 3_000);
        break;
    }
    for (const [index, option] of options.entries()) this.option(`${where}.options[${index}]`, option);
    for (const [index, group] of asArray(value['option_groups']).entries()) {
      for (const [inner, option] of asArray(asObject(group)?.['options']).entries()) {
        this.option(`${where}.option_groups[${index}].options[${inner}]`, option);
      }
    }
  }

  block(where: string, block: unknown): void {
    const value = asObject(block);
    if (!value) return;
    this.max(`${where}.block_id`, value['block_id'], 255);
    switch (value['type']) {
      case 'section': {
        this.text(where, value['text'], 3_000);
        const fields = asArray(value['fields']);
        this.max(`${where}.fields`, fields, 10);
        for (const [index, field] of fields.entries()) {
          this.text(`${where}.fields[${index}]`, { text: textOf(field) }, 2_000);
        }
        this.element(`${where}.accessory`, value['accessory']);
        break;
      }
      case 'header':
        this.text(where, value['text'], 150);
        break;
      case 'context': {
        const elements = asArray(value['elements']);
        this.max(`${where}.elements`, elements, 10);
        for (const [index, element] of elements.entries())
          this.text(`${where}.elements[${index}]`, element, 3_000);
        break;
      }
      case 'actions': {
        const elements = asArray(value['elements']);
        this.max(`${where}.elements`, elements, 25);
        for (const [index, element] of elements.entries())
          this.element(`${where}.elements[${index}]`, element);
        break;
      }
      case 'input':
        this.text(`${where}.label`, value['label'], 2_000);
        if (value['hint']) this.text(`${where}.hint`, value['hint'], 2_000);
        this.element(`${where}.element`, value['element']);
        break;
      case 'image':
        this.max(`${where}.alt_text`, value['alt_text'], 2_000);
        this.max(`${where}.image_url`, value['image_url'], 3_000);
        break;
    }
  }

  blocks(surface: Surface, blocks: unknown[]): void {
    this.max('blocks', blocks, MAX_BLOCKS[surface]);
    for (const [index, block] of blocks.entries()) this.block(`blocks[${index}]`, block);
  }
}

const parsed = (value: unknown): unknown => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
};

/** What Slack answers a message (chat.postMessage, chat.update, chat.postEphemeral, response_url). */
export function judgeMessage(body: Json): { ok: true } | { ok: false; error: string; problems: string[] } {
  const checker = new Checker();
  checker.blocks('message', asArray(parsed(body['blocks'])));
  if (checker.problems.length > 0) return { ok: false, error: 'invalid_blocks', problems: checker.problems };
  if (checker.textChars > MESSAGE_BLOCK_TEXT_LIMIT)
    return { ok: false, error: 'msg_blocks_too_long', problems: [`block text: ${checker.textChars} chars`] };
  if (typeof body['text'] === 'string' && body['text'].length > MESSAGE_TEXT_LIMIT)
    return { ok: false, error: 'msg_too_long', problems: [`text: ${body['text'].length} chars`] };
  return { ok: true };
}

/** What Slack answers views.open / update / push / publish. */
export function judgeView(body: Json): { ok: true } | { ok: false; error: string; problems: string[] } {
  const view = asObject(parsed(body['view']));
  if (!view) return { ok: false, error: 'invalid_arguments', problems: ['view: missing'] };
  const surface: Surface = view['type'] === 'home' ? 'home' : 'modal';
  const checker = new Checker();
  if (surface === 'modal') {
    checker.text('title', view['title'], 24);
    if (view['submit']) checker.text('submit', view['submit'], 24);
    if (view['close']) checker.text('close', view['close'], 24);
  }
  checker.max('private_metadata', view['private_metadata'], 3_000);
  checker.max('callback_id', view['callback_id'], 255);
  checker.max('external_id', view['external_id'], 255);
  checker.blocks(surface, asArray(view['blocks']));
  return checker.problems.length > 0
    ? { ok: false, error: 'invalid_arguments', problems: checker.problems }
    : { ok: true };
}

const MESSAGE_METHODS = new Set([
  'chat.postMessage',
  'chat.update',
  'chat.postEphemeral',
  'chat.scheduleMessage',
]);
const VIEW_METHODS = new Set(['views.open', 'views.update', 'views.push', 'views.publish']);

/** Slack's answer to a Web API call whose Block Kit breaks a limit, or undefined when it keeps them. */
export function refuseBlockKit(method: string, body: Json): Json | undefined {
  if (MESSAGE_METHODS.has(method)) {
    const verdict = judgeMessage(body);
    return verdict.ok ? undefined : { ok: false, error: verdict.error, errors: verdict.problems };
  }
  if (VIEW_METHODS.has(method)) {
    const verdict = judgeView(body);
    return verdict.ok
      ? undefined
      : { ok: false, error: verdict.error, response_metadata: { messages: verdict.problems } };
  }
  return undefined;
}
