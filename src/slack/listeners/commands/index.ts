export { register } from './pulse.command.ts';
