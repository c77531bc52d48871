import versionFixture from './fixtures/version.json' with { type: 'json' };
import type { FakeProject, FakeScenario, FakeToken, FakeUser } from './scenario.ts';
import { derived, firstBy } from './scenario-index.ts';

/** The scenario plus the look-ups every route needs. `webUrl` is the fake's own address. */
export class FakeWorld {
  readonly scenario: FakeScenario;
  webUrl = '';

  constructor(scenario: FakeScenario) {
    this.scenario = scenario;
  }

  /** What `/version` answers: the scenario's version, else the fixture's (17.11.2-ee). */
  get version(): string {
    return this.scenario.version?.version ?? versionFixture.version;
  }

  userById(id: number): FakeUser | undefined {
    return derived(this.scenario.users, usersById).get(id);
  }

  userByUsername(username: string): FakeUser | undefined {
    return derived(this.scenario.users, usersByUsername).get(username.toLowerCase());
  }

  /** `/users/:id` accepts a numeric id or a username. */
  userByIdOrUsername(value: string): FakeUser | undefined {
    return /^\d+$/.test(value) ? this.userById(Number(value)) : this.userByUsername(value);
  }

  /** A user referred to by username in the scenario; invented when the scenario forgot them. */
  userNamed(username: string): FakeUser {
    return this.userByUsername(username) ?? { id: syntheticId(username), username, name: username };
  }

  /** `/projects/:id` accepts a numeric id or a URL-encoded full path. */
  project(idOrPath: string | number): FakeProject | undefined {
    const projects = this.scenario.projects;
    // A number is looked up as its digits would be (a route's `:id` is text).
    if (typeof idOrPath === 'number' && Number.isSafeInteger(idOrPath) && idOrPath >= 0)
      return derived(projects, projectsById).get(idOrPath);
    const text = String(idOrPath);
    return /^\d+$/.test(text)
      ? derived(projects, projectsById).get(Number(text))
      : derived(projects, projectsByPath).get(text);
  }

  canSee(userId: number, projectId: number | null | undefined): boolean {
    if (projectId === null || projectId === undefined) return true;
    const project = this.project(projectId);
    if (!project) return true; // events may point at projects the scenario does not describe
    return project.visibility !== 'private' || !project.memberIds || project.memberIds.includes(userId);
  }

  visibleProject(userId: number, idOrPath: string | number): FakeProject | undefined {
    const project = this.project(idOrPath);
    return project && this.canSee(userId, project.id) ? project : undefined;
  }

  projectPath(projectId: number): string {
    return this.project(projectId)?.path_with_namespace ?? `group/project-${projectId}`;
  }
}

const usersById = (users: readonly FakeUser[]) => firstBy(users, (user) => user.id);
const usersByUsername = (users: readonly FakeUser[]) => firstBy(users, (user) => user.username.toLowerCase());
const projectsById = (projects: readonly FakeProject[]) => firstBy(projects, (project) => project.id);
const projectsByPath = (projects: readonly FakeProject[]) =>
  firstBy(projects, (project) => project.path_with_namespace);

export function isTokenExpired(token: FakeToken, now: number): boolean {
  if (!token.expires_at) return false;
  const today = new Date(now).toISOString().slice(0, 10);
  // GitLab: a token is valid through its expiry date and expired from the next day.
  return token.expires_at < today;
}

function syntheticId(username: string): number {
  let hash = 0;
  for (const char of username) hash = (hash * 31 + char.charCodeAt(0)) % 100_000;
  return 900_000 + hash;
}
