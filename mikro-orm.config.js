// The MikroORM CLI loads a .ts configuration only through a TypeScript loader it recognises; Node 24
// runs TypeScript itself, so this plain module hands the CLI the real configuration (see
// mikro-orm.config.ts) and no loader is needed.
export { default } from './mikro-orm.config.ts';
