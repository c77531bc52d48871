import type { GitLabClient } from './client.ts';
import { projectPath } from './project-path.ts';
import { type GitLabProject, projectSchema } from './schemas.ts';

/** A project by numeric id or full path; private projects the token cannot see answer 404. */
export function getProject(client: GitLabClient, projectId: number | string): Promise<GitLabProject> {
  // https://docs.gitlab.com/api/projects/#get-a-single-project
  return client.get(projectPath(projectId), {}, projectSchema, { endpoint: 'GET /projects/:id' });
}
