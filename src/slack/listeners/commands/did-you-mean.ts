import { closestMatches } from '../../../lib/edit-distance.ts';

/**
 * What `/pulse <words>` probably meant when no subcommand matches: the nearest subcommand by edit
 * distance, with the rest of what was typed kept, so the answer can be copied and sent again.
 * `source ad` → `source add`; `actvity @ada 7d` → `activity @ada 7d`; `source` → every `source …`.
 */
export function suggestSubcommands(words: string[], names: string[]): string[] {
  const [first = '', second] = words.map((word) => word.toLowerCase());
  const groups = new Map<string, string[]>();
  for (const name of names) {
    const [head, tail] = name.split(' ');
    if (head && tail) groups.set(head, [...(groups.get(head) ?? []), tail]);
  }
  const single = names.filter((name) => !name.includes(' '));
  const rest = (from: number) => words.slice(from).join(' ');
  const withRest = (name: string, from: number) => (rest(from) ? `${name} ${rest(from)}` : name);

  // `source ad`, `digest sett #team 09:00`: the group is right, the second word is not.
  const group = groups.get(first);
  if (group) {
    if (second === undefined) {
      return [
        ...single.filter((name) => closestMatches(first, [name]).length > 0),
        ...group.map((tail) => `${first} ${tail}`),
      ];
    }
    const tails = closestMatches(second, group);
    if (tails.length > 0) return tails.map((tail) => withRest(`${first} ${tail}`, 2));
    return group.map((tail) => `${first} ${tail}`);
  }
  // `sorce add`, `digset preview`: a two-word command with a typo in its first word.
  if (second !== undefined) {
    const pairs = closestMatches(
      `${first} ${second}`,
      names.filter((name) => name.includes(' ')),
    );
    if (pairs.length > 0) return pairs.map((pair) => withRest(pair, 2));
  }
  // `actvity @ada`, `sorces`, `teammate`.
  const ones = closestMatches(first, single);
  if (ones.length > 0) return ones.map((name) => withRest(name, 1));
  // `sourc` alone or `digets set`: the group word itself misspelt.
  const heads = closestMatches(first, [...groups.keys()]);
  if (heads.length > 0 && second !== undefined) {
    const head = heads[0]!;
    const tails = closestMatches(second, groups.get(head) ?? []);
    if (tails.length > 0) return tails.map((tail) => withRest(`${head} ${tail}`, 2));
  }
  return heads.flatMap((head) => (groups.get(head) ?? []).map((tail) => `${head} ${tail}`));
}

/** The answer to words no subcommand matches: a did-you-mean, or undefined when nothing is near. */
export function didYouMeanText(text: string, words: string[], names: string[]): string | undefined {
  const suggestions = suggestSubcommands(words, names);
  if (suggestions.length === 0) return undefined;
  const typed = `\`/pulse ${text.trim().slice(0, 80)}\``;
  const options = suggestions.map((suggestion) => `\`/pulse ${suggestion.slice(0, 120)}\``);
  const listed =
    options.length === 1
      ? options[0]
      : `${options.slice(0, -1).join(', ')} or ${options[options.length - 1]}`;
  return `I don’t know ${typed}. Did you mean ${listed}? (\`/pulse help\` lists every command.)`;
}
