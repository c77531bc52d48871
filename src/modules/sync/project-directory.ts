import { type GitLabClient, getProject } from '../../gitlab/index.ts';
import type { CursorMap, CursorWrite } from './sync-cursor.repository.ts';

/**
 * Project id → full path, which events do not carry but URLs and GraphQL need. Paths are learnt
 * for free from web URLs (commits, merge requests) and remembered across runs in sync_cursor
 * (`project:<id>` / `path`); only a project never seen before costs a GET /projects/:id.
 */
export class ProjectDirectory {
  readonly #paths = new Map<number, string>();
  readonly #unsaved = new Map<number, string>();
  readonly #pending = new Map<number, Promise<string | undefined>>();
  readonly #client: GitLabClient;

  constructor(client: GitLabClient, cursors: CursorMap) {
    this.#client = client;
    for (const [key, value] of cursors) {
      const [scope, resource] = key.split('\u0000');
      const id = /^project:(\d+)$/.exec(scope ?? '')?.[1];
      if (id && resource === 'path' && value.token) this.#paths.set(Number(id), value.token);
    }
  }

  get(projectId: number): string | undefined {
    return this.#paths.get(projectId);
  }

  /** The id of a project known by its path (paths come from this directory, so it knows them). */
  idOf(path: string): number | undefined {
    for (const [id, known] of this.#paths) if (known === path) return id;
    return undefined;
  }

  learn(projectId: number, path: string | null | undefined): void {
    if (!path || this.#paths.get(projectId) === path) return;
    this.#paths.set(projectId, path);
    this.#unsaved.set(projectId, path);
  }

  /** Looks up the paths not known yet (one request per unknown project, shared by concurrent callers). */
  async resolve(projectIds: Iterable<number>): Promise<void> {
    const lookups: Array<Promise<string | undefined>> = [];
    for (const id of new Set(projectIds)) {
      if (this.#paths.has(id)) continue;
      let pending = this.#pending.get(id);
      if (!pending) {
        pending = getProject(this.#client, id).then(
          (project) => {
            this.learn(id, project.path_with_namespace);
            return project.path_with_namespace;
          },
          // A project the token cannot see (404): its activities keep a null path and URL.
          () => undefined,
        );
        this.#pending.set(id, pending);
      }
      lookups.push(pending);
    }
    await Promise.all(lookups);
  }

  /** Paths learnt since the last call, as cursor rows to save with the next transaction. */
  takeUnsaved(): CursorWrite[] {
    const rows = [...this.#unsaved].map(([id, path]) => ({
      scope: `project:${id}`,
      resource: 'path',
      position: null,
      token: path,
    }));
    this.#unsaved.clear();
    return rows;
  }
}
