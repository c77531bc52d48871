/** `/projects/:id` for a numeric id or a full path (`group/sub/project` is URL-encoded as one segment). */
export function projectPath(projectId: number | string): string {
  return `/projects/${encodeURIComponent(String(projectId))}`;
}
