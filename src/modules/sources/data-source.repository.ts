import type { EntityManager } from '@mikro-orm/postgresql';
import type { SecretBox } from '../../lib/secret-box.ts';
import { DataSource, type IDataSource } from './data-source.entity.ts';

/**
 * The only place a data source token is sealed or opened. The token's additional data is the row
 * id, so a sealed value moved to another row does not decrypt.
 */
export class DataSourceRepository {
  readonly #box: SecretBox;

  constructor(box: SecretBox) {
    this.#box = box;
  }

  /** The workspace's sources (one when `id` is given), by name: what a sync walks through. */
  async listForSync(em: EntityManager, workspaceId: string, id?: string): Promise<IDataSource[]> {
    return id
      ? em.find(DataSource, { id, workspace: workspaceId })
      : em.find(DataSource, { workspace: workspaceId }, { orderBy: { nameKey: 'asc' } });
  }

  /**
   * How many activities and mappings go with the source when it is removed (their foreign keys
   * cascade): counted here because removal is this table's decision.
   */
  async dependents(em: EntityManager, sourceId: string): Promise<{ activities: number; mappings: number }> {
    const [row] = await em.execute<Array<{ activities: number; mappings: number }>>(
      `select (select count(*) from activity where data_source_id = ?)::int as activities,
              (select count(*) from external_identity where data_source_id = ?)::int as mappings`,
      [sourceId, sourceId],
    );
    return { activities: row?.activities ?? 0, mappings: row?.mappings ?? 0 };
  }

  /** Builds (does not flush) a new source with its token sealed. */
  create(
    em: EntityManager,
    input: {
      workspaceId: string;
      name: string;
      baseUrl: string;
      token: string;
      jiraUrl: string | null;
      createdBy: string;
    },
  ): IDataSource {
    const id = crypto.randomUUID();
    return em.create(DataSource, {
      id,
      workspace: input.workspaceId,
      type: 'gitlab',
      name: input.name,
      nameKey: sourceNameKey(input.name),
      baseUrl: input.baseUrl,
      tokenSealed: this.#box.seal(input.token, sealContext(id)),
      jiraUrl: input.jiraUrl,
      createdBy: input.createdBy,
    });
  }

  replaceToken(source: IDataSource, token: string): void {
    source.tokenSealed = this.#box.seal(token, sealContext(source.id));
  }

  /** Reads the token back; the sealed column is lazy, so it is loaded here on demand. */
  async openToken(em: EntityManager, source: IDataSource): Promise<string> {
    const row = await em.findOneOrFail(DataSource, { id: source.id }, { populate: ['tokenSealed'] });
    return this.#box.open(row.tokenSealed, sealContext(source.id));
  }

  findByName(em: EntityManager, workspaceId: string, name: string): Promise<IDataSource | null> {
    return em.findOne(DataSource, { workspace: workspaceId, nameKey: sourceNameKey(name) });
  }

  list(em: EntityManager, workspaceId: string): Promise<IDataSource[]> {
    return em.find(DataSource, { workspace: workspaceId }, { orderBy: { nameKey: 'asc' } });
  }
}

export function sourceNameKey(name: string): string {
  return name.trim().toLowerCase();
}

function sealContext(sourceId: string): string {
  return `data_source:${sourceId}:token`;
}
